/** The `kpi` process: runs `main` on the arguments and exits with its code (bin/kpi.mjs loads this, built). */
import { main } from './main.ts';

// `npx kpi compile … | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
process.exitCode = await main(process.argv.slice(2));
