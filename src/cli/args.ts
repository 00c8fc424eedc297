/** `--name value` / `--flag` argument parsing for the CLI commands (no dependency needed). */
export interface ParsedArgs {
  readonly values: Readonly<Record<string, string>>;
  readonly positional: readonly string[];
}

export function parseArgs(argv: readonly string[], flags: readonly string[] = []): ParsedArgs {
  const values: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (eq > 0) values[name] = a.slice(eq + 1);
    else if (flags.includes(name)) values[name] = 'true';
    else {
      const next = argv[i + 1];
      if (next === undefined) throw new UsageError(`--${name} needs a value`);
      values[name] = next;
      i++;
    }
  }
  return { values, positional };
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}
