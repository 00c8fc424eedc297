/**
 * `npm run stack:up | stack:down | stack:status` (tsx src/stack/cli.ts up|down|status [--scale S]
 * [--no-data] [--with druid]). Exit codes: 0 done / all servers up, 1 failure or some server down, 2 missing
 * prerequisite or bad usage.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadStackConfig } from '../config/stack-config.ts';
import { MissingPrerequisiteError } from './prereqs.ts';
import { stackDown, stackStatus, stackUp } from './up.ts';

function option(args: readonly string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'up': {
      const scaleText = option(args, '--scale');
      const scale = scaleText === undefined ? 0.01 : Number(scaleText);
      if (!(scale > 0)) throw new UsageError(`--scale ${scaleText}: expected a positive number`);
      const withOption = option(args, '--with');
      if (withOption !== undefined && withOption !== 'druid') {
        throw new UsageError(`--with ${withOption}: the only optional server is druid`);
      }
      await stackUp({ scale, skipData: args.includes('--no-data'), withDruid: withOption === 'druid' });
      // Asked for by hand: test runs must no longer stop it when they finish (test/integration/global-setup.ts).
      rmSync(join(loadStackConfig().stackDir, 'run', 'started-by-tests'), { force: true });
      return 0;
    }
    case 'down':
      await stackDown();
      return 0;
    case 'status': {
      const statuses = await stackStatus();
      for (const s of statuses) {
        const state = s.ready ? 'up' : s.pid === undefined ? 'down' : 'not answering';
        console.log(
          `${s.name.padEnd(26)} ${state.padEnd(14)} port ${s.port}${s.pid ? `  pid ${s.pid}` : ''}`,
        );
      }
      return statuses.every((s) => s.ready) ? 0 : 1;
    }
    default:
      throw new UsageError(
        `usage: tsx src/stack/cli.ts up [--scale S] [--no-data] [--with druid] | down | status`,
      );
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof MissingPrerequisiteError || error instanceof UsageError) {
      console.error(`stack: ${error.message}`);
      process.exit(2);
    }
    console.error(`stack: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
