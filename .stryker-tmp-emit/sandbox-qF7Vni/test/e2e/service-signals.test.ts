/**
 * Signals reach the service: SIGTERM sent to `npm start` (npm's own pid, not its process group) stops
 * the service cleanly — npm forwards it to node, which `exec` put in place of npm's shell. Runs the
 * embedded default, so it needs no server of the stack.
 */
// @ts-nocheck

import { describe, expect, it } from 'vitest';
import { startService } from './api-support.ts';

const NOTHING_CONFIGURED = Object.fromEntries(
  [
    'TIMESCALE_URL',
    'REDIS_URL',
    'TRINO_URL',
    'PAYMENTS_DB_URL',
    'USERS_DB_URL',
    'ANALYTICS_DB_URL',
    'AUTH0_DOMAIN',
  ].map((k) => [k, '']),
);

const pidAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm start and signals', () => {
  it('SIGTERM to npm stops the service: it finishes, says "stopped", and its port closes', async () => {
    const service = await startService({ ...NOTHING_CONFIGURED, DEMO_SCALE: '0.001' });
    expect((await fetch(`${service.url}/health`)).status).toBe(200);
    // The service is npm's direct child (no shell in between), so npm's forwarded signal reaches it.
    const children = (await import('node:child_process'))
      .execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(service.child.pid)], { encoding: 'utf8' })
      .trim();
    expect(children).toMatch(/^\s*\d+ node scripts\/start\.mjs$/);
    const nodePid = Number(children.trim().split(/\s+/)[0]);
    expect(await service.stop()).toBe(true);
    expect(pidAlive(nodePid)).toBe(false);
    await expect(fetch(`${service.url}/health`)).rejects.toThrow();
  });
});
