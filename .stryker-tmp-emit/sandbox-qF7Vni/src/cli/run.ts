/**
 * The `kpi` process: runs `main` on the arguments and exits with its code. The build bundles it into
 * `dist/<stamp>/cli.cjs`, a script without top-level await (bin/kpi.mjs runs it with a code cache).
 */
// @ts-nocheck

import { main } from './main.ts';

// `npx kpi compile … | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
