/**
 * `kpi <command> …` — a table of commands, each in its own file, loaded on demand (so `kpi compile`
 * loads no HTTP or database code). Every command parses its arguments with node:util parseArgs
 * (args.ts): `--help` prints its usage on stdout, unknown options are refused with a did-you-mean.
 */

import { readFileSync } from 'node:fs';
import { readCliEnv } from '../config/cli-env.ts';
import { type CommandSpec, HelpRequested, suggest } from './args.ts';

type Run = (argv: readonly string[]) => Promise<number>;

interface Command {
  readonly about: string;
  readonly load: () => Promise<{ readonly run: Run; readonly spec: CommandSpec }>;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  check: {
    about: 'check KPI definitions (DSL or seed JSON) and print diagnostics',
    load: async () => {
      const m = await import('./check.ts');
      return { run: m.checkCommand, spec: m.spec };
    },
  },
  compile: {
    about: 'print the SQL of a KPI query for a dialect',
    load: async () => {
      const m = await import('./compile.ts');
      return { run: m.compileCommand, spec: m.spec };
    },
  },
  query: {
    about: 'run a KPI query and print its rows',
    load: async () => {
      const m = await import('./query.ts');
      return { run: m.queryCommand, spec: m.spec };
    },
  },
  explain: {
    about: 'show how the optimizer rewrites a KPI query (rollups, engine) and the final SQL',
    load: async () => {
      const m = await import('./explain.ts');
      return { run: m.explainCommand, spec: m.spec };
    },
  },
  rollup: {
    about: 'build, refresh or show the status of rollups in the metrics store',
    load: async () => {
      const m = await import('./rollup.ts');
      return { run: m.rollupCommand, spec: m.spec };
    },
  },
};

/** The version in package.json (read when asked: nothing else needs the file). */
function version(): string {
  return JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
}

function help(): string {
  return [
    'usage: kpi <command> [options]',
    '',
    'commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(9)}${c.about}`),
    '',
    "kpi <command> --help   that command's options",
    'kpi --version          the version',
    'docs: docs/language.md (KPIs), docs/queries.md (compile, query)',
  ].join('\n');
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    if (topic && COMMANDS[topic]) return main([topic, '--help']);
    console.log(help());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    console.log(`kpi-engine ${version()}`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    const guess = suggest(name, Object.keys(COMMANDS));
    const what = name.startsWith('-') ? `unknown option ${name}` : `unknown command "${name}"`;
    console.error(`kpi: ${what}${guess ? ` (did you mean "${guess}"?)` : ''}\n\n${help()}`);
    return 2;
  }
  const { run } = await command.load();
  try {
    return await run(rest);
  } catch (error) {
    return reportError(error);
  }
}

/** Typed errors inside, exit codes here: 0 help, 1 failed, 2 misused. */
async function reportError(error: unknown): Promise<number> {
  const e = error as Error & { code?: string };
  if (e instanceof HelpRequested) {
    console.log(e.usage);
    return 0;
  }
  if (e.name === 'UsageError' || e.name === 'CliEnvError') {
    console.error(e.message);
    return 2;
  }
  if (e.name === 'DiagnosticsError') {
    const { renderDiagnostics, styleFor } = await import('./render.ts');
    const d = e as Error & { file: string; diagnostics: never[]; source?: string };
    console.error(
      renderDiagnostics(d.file, d.diagnostics, d.source, styleFor(process.stderr, readCliEnv().colour)),
    );
    return 2;
  }
  if (e.name === 'CompileError' || e.name === 'EngineError') {
    console.error(`error ${e.code}: ${e.message}`);
    return 1;
  }
  console.error(`error: ${e.message}`);
  return 1;
}
