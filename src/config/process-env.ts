/**
 * The process environment. config/ is the only folder that reads `process.env` (biome's noProcessEnv
 * holds the rule): the service reads it through `loadConfig` (env.ts), the CLI through `readCliEnv`
 * (cli-env.ts), the local stack's tools through `loadStackConfig` (stack-config.ts). `processEnv()`
 * is for what only hands the environment on: to child processes, or to one of those readers.
 */
export type Env = Readonly<Record<string, string | undefined>>;

export function processEnv(): Env {
  return process.env;
}
