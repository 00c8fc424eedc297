/**
 * Setup file of the `unit` project, which is pure code: starting a server there fails the test at once,
 * so "unit needs no server" stays true. Refused: child processes (redis-server, the `kpi` binary,
 * esbuild's service), listening sockets (the service, a webhook receiver) and PGlite (the embedded
 * TimescaleDB boots a database). Tests that need one of them live in test/local (the `local` project).
 */
// @ts-nocheck

import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import { vi } from 'vitest';

const refused = (what: string) => (): never => {
  throw new Error(`the unit project starts no server (${what}): move this test to test/local`);
};

for (const fn of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const) {
  Object.defineProperty(childProcess, fn, { value: refused(`child_process.${fn}`), configurable: true });
}
net.Server.prototype.listen = refused('a listening socket');
// Named imports of node:child_process read the patched functions too.
syncBuiltinESMExports();

vi.mock('@electric-sql/pglite', () => {
  class PGlite {
    constructor() {
      refused('PGlite')();
    }
    static async create(): Promise<never> {
      return refused('PGlite')();
    }
  }
  return { PGlite };
});
