/**
 * Argument parsing for every `kpi` command, through node:util `parseArgs`: each command declares its
 * options once (name, type, value placeholder, help line) and gets a usage text, `--help`/`-h`, and
 * unknown options or missing values refused with a did-you-mean — never silently ignored.
 */
import { parseArgs as nodeParseArgs } from 'node:util';
import { closest } from '../shared/suggest.ts';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** The value's placeholder in the usage text (`ID`, `FILE`); string options only. */
  readonly value?: string;
  readonly short?: string;
  readonly help: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

export interface CommandSpec {
  /** `kpi compile`, `kpi rollup` — as the usage line shows it. */
  readonly name: string;
  /** What comes after the name before the options, e.g. `FILE…|-` or `build|refresh|status|ddl NAME|all`. */
  readonly synopsis?: string;
  readonly summary: string;
  readonly options: OptionSpecs;
  /** Positional arguments allowed (check's files, rollup's action and name). */
  readonly positionals?: boolean;
  /** Lines after the options: examples, where values come from. */
  readonly notes?: string;
}

/** Options every command takes. */
export const COMMON_OPTIONS: OptionSpecs = {
  catalog: {
    type: 'string',
    value: 'FILE',
    help: 'catalog of sources, tables and joins (default: the demo catalog)',
  },
  help: { type: 'boolean', short: 'h', help: 'print this help' },
};

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A --help request: the caller prints the usage on stdout and exits 0. */
export class HelpRequested extends Error {
  override readonly name = 'HelpRequested';
  constructor(readonly usage: string) {
    super(usage);
  }
}

export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positional: readonly string[];
}

export function usageText(spec: CommandSpec): string {
  const options = { ...spec.options, ...COMMON_OPTIONS };
  const left = (name: string, o: OptionSpec) =>
    `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
  const width = Math.max(...Object.entries(options).map(([n, o]) => left(n, o).length));
  const lines = [
    `usage: ${spec.name}${spec.synopsis ? ` ${spec.synopsis}` : ''} [options]`,
    '',
    spec.summary,
    '',
    'options:',
    ...Object.entries(options).map(([n, o]) => `  ${left(n, o).padEnd(width)}  ${o.help}`),
  ];
  if (spec.notes) lines.push('', spec.notes);
  return lines.join('\n');
}

/** Parses argv for a command; throws HelpRequested for --help, UsageError for anything it cannot take. */
export function parseCommandArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const options = { ...spec.options, ...COMMON_OPTIONS };
  // --help wins over everything else on the line (`kpi compile --grian x --help` shows the usage).
  const dashDash = argv.indexOf('--');
  const beforeDashDash = dashDash === -1 ? argv : argv.slice(0, dashDash);
  if (beforeDashDash.includes('--help') || beforeDashDash.includes('-h')) {
    throw new HelpRequested(usageText(spec));
  }
  const config = Object.fromEntries(
    Object.entries(options).map(([name, o]) => [
      name,
      { type: o.type, ...(o.short ? { short: o.short } : {}) },
    ]),
  );
  try {
    const { values, positionals } = nodeParseArgs({
      args: [...argv],
      options: config,
      allowPositionals: spec.positionals ?? false,
      strict: true,
    });
    return { values: values as ParsedArgs['values'], positional: positionals };
  } catch (error) {
    throw new UsageError(`${spec.name}: ${explain(error as Error & { code?: string }, options, spec)}`);
  }
}

/** node:util's messages, reworded for the person at the terminal, with a did-you-mean. */
function explain(error: Error & { code?: string }, options: OptionSpecs, spec: CommandSpec): string {
  const more = `(see ${spec.name} --help)`;
  const option = /'(-{1,2}[^' ]+)/.exec(error.message)?.[1];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) {
    const bare = option.replace(/^-+/, '').split('=')[0]!;
    const guess = suggest(bare, Object.keys(options));
    return `unknown option ${option}${guess ? ` (did you mean --${guess}?)` : ''} ${more}`;
  }
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    const name = option.replace(/^-+/, '');
    const o = options[name] ?? Object.entries(options).find(([, s]) => s.short === name)?.[1];
    return o?.type === 'boolean'
      ? `${option} takes no value ${more}`
      : `${option} needs a value${o?.value ? ` (${o.value})` : ''} ${more}`;
  }
  if (error.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const arg = /'([^']*)'/.exec(error.message)?.[1];
    return `unexpected argument ${arg === undefined ? '' : `"${arg}" `}— options start with -- ${more}`;
  }
  return `${error.message} ${more}`;
}

export const stringOption = (args: ParsedArgs, name: string): string | undefined => {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
};

export const flag = (args: ParsedArgs, name: string): boolean => args.values[name] === true;

/** The CLI's did-you-mean: the closest candidate, a swap of two letters counting as one slip. */
export const suggest = (word: string, candidates: Iterable<string>): string | undefined =>
  closest(word, candidates, { transpositions: true });
