/**
 * The service image: built from the Dockerfile, it runs node on the built JavaScript under tini (PID 1),
 * answers /health on the embedded default, and `docker stop` (SIGTERM) stops the service cleanly and
 * quickly. Skipped, saying why, where no Docker engine is reachable.
 */
// @ts-nocheck

import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './api-support.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const info = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8' });
const noEngine =
  info.error || info.status !== 0
    ? `no Docker engine reachable (docker info: ${(info.error?.message ?? info.stderr).trim().split('\n')[0]})`
    : null;
if (noEngine) console.warn(`skipping the container test: ${noEngine}`);

const docker = (...args: string[]) => execFileSync('docker', args, { cwd: root, encoding: 'utf8' }).trim();

describe.skipIf(noEngine !== null)('the Docker image', () => {
  const tag = `kpi-engine-test:${process.pid}`;
  let container = '';

  afterAll(() => {
    if (container) spawnSync('docker', ['rm', '-f', container]);
    spawnSync('docker', ['rmi', '-f', tag]);
  });

  it('runs node on built JavaScript under tini, serves /health, and stops cleanly on docker stop', async () => {
    docker('build', '-t', tag, '.');
    const port = await freePort();
    container = docker('run', '-d', '-p', `127.0.0.1:${port}:3004`, '-e', 'DEMO_SCALE=0.001', tag);
    let healthy = false;
    for (let i = 0; i < 600 && !healthy; i++) {
      healthy = await fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (!healthy) await new Promise((r) => setTimeout(r, 500));
    }
    expect(healthy).toBe(true);
    // The slim image has no ps: the command lines of PID 1 and its child from /proc.
    const cmdline = (pid: string) =>
      docker('exec', container, 'sh', '-c', `tr '\\0' ' ' < /proc/${pid}/cmdline`);
    expect(cmdline('1')).toBe('/usr/bin/tini -- node scripts/start.mjs');
    const child = docker('exec', container, 'sh', '-c', 'cat /proc/1/task/1/children').split(' ')[0]!;
    expect(cmdline(child)).toBe('node scripts/start.mjs');
    expect(docker('exec', container, 'ls', 'bin')).toContain('kpi.mjs');
    expect(docker('exec', container, 'sh', '-c', 'ls src 2>&1 || true')).toMatch(/No such file/);
    docker('stop', '--time', '60', container);
    expect(docker('inspect', '--format', '{{.State.ExitCode}}', container)).toBe('0');
    // Production logs are JSON lines; the last one says the service stopped.
    expect(docker('logs', container)).toMatch(/"msg":"stopped"[^\n]*\n?$/);
  });
});
