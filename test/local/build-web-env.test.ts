/**
 * The build's web-app step (Vite) in the process that runs it: `npm start` builds and then serves in one
 * process, so whatever the build leaves in process.env is the service's configuration.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const out = mkdtempSync(join(tmpdir(), 'kpi-web-build-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Builds the web app into `out` in a fresh node process and returns NODE_ENV as it was afterwards. */
function nodeEnvAfterBuild(nodeEnv: string | undefined): string {
  const env = { ...process.env };
  delete env.NODE_ENV;
  if (nodeEnv !== undefined) env.NODE_ENV = nodeEnv;
  const script = `const m = await import(${JSON.stringify(join(root, 'scripts/build.mjs'))});
await m.buildWebApp(${JSON.stringify(out)});
process.stdout.write(process.env.NODE_ENV ?? '(unset)');`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 300_000,
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

describe('the web app build', () => {
  it('leaves NODE_ENV as it found it: unset stays unset, so a first npm start is not in production mode', () => {
    expect(nodeEnvAfterBuild(undefined)).toBe('(unset)');
    expect(readdirSync(join(out, 'web'))).toContain('index.html');
    expect(nodeEnvAfterBuild('test')).toBe('test');
  }, 600_000);
});
