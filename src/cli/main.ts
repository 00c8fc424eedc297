/**
 * `npx kpi <command> …` — a table of commands, each in its own file, loaded on demand.
 */
type Command = {
  readonly load: () => Promise<(argv: readonly string[]) => Promise<number>>;
  readonly about: string;
};

const COMMANDS: Readonly<Record<string, Command>> = {
  check: {
    about: 'check KPI definitions (DSL or seed JSON) and print diagnostics',
    load: async () => (await import('./check.ts' as string)).checkCommand,
  },
  compile: {
    about: 'print the SQL of a KPI query for a dialect',
    load: async () => (await import('./compile.ts')).compileCommand,
  },
  query: {
    about: 'run a KPI query against the stack and print rows',
    load: async () => (await import('./query.ts')).queryCommand,
  },
  explain: {
    about: 'show how the optimizer rewrites a KPI query (rollups, engine) and the final SQL',
    load: async () => (await import('./explain.ts')).explainCommand,
  },
  rollup: {
    about: 'build, refresh or show the status of rollups in the metrics store',
    load: async () => (await import('./rollup.ts')).rollupCommand,
  },
};

function help(): string {
  return `usage: kpi <command> [options]\n${Object.entries(COMMANDS)
    .map(([name, c]) => `  ${name.padEnd(10)}${c.about}`)
    .join('\n')}`;
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    console.error(help());
    return name && name !== '--help' && name !== 'help' ? 2 : 0;
  }
  try {
    return await (await command.load())(rest);
  } catch (error) {
    const e = error as Error & { code?: string };
    if (e.name === 'UsageError') {
      console.error(e.message);
      return 2;
    }
    if (e.name === 'CompileError' || e.name === 'EngineError') {
      console.error(`error ${e.code}: ${e.message}`);
      return 1;
    }
    console.error(`error: ${e.message}`);
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('src/cli/main.ts')) {
  // `npx kpi compile … | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
