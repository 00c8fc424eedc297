// @ts-nocheck
// `npm start` (and `npm run data`): the service — or the demo-data loader — from the build
// (dist/<stamp>/main.mjs, data.mjs), in this process: no TypeScript loader and no child process.
// package.json runs it with `exec`, so npm's shell is replaced by node and the SIGTERM npm forwards
// reaches the service itself (a shell would die and leave it running). If npm itself is killed
// outright (SIGKILL forwards nothing), the service notices it was orphaned and stops as on SIGTERM.
// In a checkout an edited source rebuilds first (scripts/build.mjs); in an image, dist/current.json.
import { ensureBuilt } from './build.mjs';

const entry = process.argv[2] === 'data' ? 'data' : 'main';
if (entry === 'data') process.argv.splice(2, 1); // the loader parses the arguments after it
const dir = await ensureBuilt({ quiet: false });
if (process.env.npm_lifecycle_event === 'start') {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
  }, 1000).unref();
}
await import(new URL(`file://${dir}/${entry}.mjs`).href);
