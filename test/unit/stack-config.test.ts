import { pbkdf2Sync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PORTS, loadStackConfig, projectRoot } from '../../src/config/stack-config.ts';
import { parseEnvFile, readStackEnv, writeStackEnv } from '../../src/config/stack-env.ts';
import { localStackEnv } from '../../src/stack/local/stack.ts';
import { renderTemplate, trinoTemplateValues } from '../../src/stack/local/trino.ts';
import { trinoPasswordLine } from '../../src/stack/local/trino-tls.ts';

describe('stack settings', () => {
  it('binds to loopback on the default ports unless KPI_*_PORT overrides one', () => {
    const config = loadStackConfig({ KPI_TRINO_PORT: '18080', KPI_STACK_DIR: '/tmp/x' });
    expect(config.host).toBe('127.0.0.1');
    expect(config.ports).toEqual({ ...DEFAULT_PORTS, trino: 18080 });
    expect(config.stackDir).toBe('/tmp/x');
    expect(() => loadStackConfig({ KPI_PG_PORT: 'abc' })).toThrow(/KPI_PG_PORT=abc is not a TCP port/);
  });

  it("puts Trino's HTTPS door on the HTTP port + 1 unless KPI_TRINO_HTTPS_PORT says otherwise", () => {
    expect(loadStackConfig({ KPI_TRINO_PORT: '18080' }).trinoHttpsPort).toBe(18081);
    expect(loadStackConfig({ KPI_TRINO_HTTPS_PORT: '18443' }).trinoHttpsPort).toBe(18443);
    expect(() => loadStackConfig({ KPI_TRINO_HTTPS_PORT: '0' })).toThrow(
      /KPI_TRINO_HTTPS_PORT=0 is not a TCP port/,
    );
  });

  it("writes Trino's password file in its PBKDF2 format (iterations:salt:hash, hex, HMAC-SHA1)", () => {
    const salt = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const line = trinoPasswordLine('ann', 'pw', salt);
    const [user, iterations, saltHex, hash] = line.split(':');
    expect([user, saltHex]).toEqual(['ann', salt.toString('hex')]);
    expect(Number(iterations)).toBeGreaterThanOrEqual(1000); // Trino's minimum
    expect(hash).toBe(pbkdf2Sync('pw', salt, Number(iterations), 32, 'sha1').toString('hex'));
    expect(trinoPasswordLine('ann', 'pw')).not.toBe(trinoPasswordLine('ann', 'pw')); // a fresh salt each time
  });

  it('writes .stack/env with the seed variable names and reads it back, process.env winning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kpi-stack-env-'));
    const env = localStackEnv(loadStackConfig({ KPI_STACK_DIR: dir }));
    writeStackEnv(env, { KPI_STACK_DIR: dir });
    const text = readFileSync(join(dir, 'env'), 'utf8');
    expect(Object.keys(parseEnvFile(text))).toEqual([
      'TRINO_URL',
      'PAYMENTS_DB_URL',
      'USERS_DB_URL',
      'ANALYTICS_DB_URL',
      'TIMESCALE_URL',
      'REDIS_URL',
    ]);
    expect(readStackEnv({ KPI_STACK_DIR: dir })).toEqual(env);
    const overridden = readStackEnv({ KPI_STACK_DIR: dir, REDIS_URL: 'redis://elsewhere:6379', HOME: '/x' });
    expect(overridden.REDIS_URL).toBe('redis://elsewhere:6379');
    expect(overridden.HOME).toBeUndefined();
  });

  it('reads only process.env when there is no env file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kpi-stack-env-'));
    expect(readStackEnv({ KPI_STACK_DIR: dir, TRINO_URL: 'http://t:8080' })).toEqual({
      TRINO_URL: 'http://t:8080',
    });
  });

  it('parses KEY=VALUE lines, skipping comments and keeping "=" inside values', () => {
    expect(parseEnvFile('# c\nA=1\n\nB=postgresql://u:p@h/db?x=1\n')).toEqual({
      A: '1',
      B: 'postgresql://u:p@h/db?x=1',
    });
  });
});

describe('Trino configuration templates', () => {
  const values = trinoTemplateValues(loadStackConfig({ KPI_STACK_DIR: '/tmp/s' }));
  const etc = join(projectRoot, 'trino', 'etc');
  const files = [
    ...readdirSync(etc).filter((f) => f.includes('.')),
    ...readdirSync(join(etc, 'catalog')).map((f) => join('catalog', f)),
  ];

  it('has the four catalogs: payments, users (postgresql), analytics (mongodb), metrics (postgresql)', () => {
    const connector = (name: string) =>
      /connector\.name=(\w+)/.exec(readFileSync(join(etc, 'catalog', `${name}.properties`), 'utf8'))?.[1];
    expect(['payments', 'users', 'analytics', 'metrics'].map(connector)).toEqual([
      'postgresql',
      'postgresql',
      'mongodb',
      'postgresql',
    ]);
  });

  it.each(files)('renders %s for the local stack with every placeholder filled', (file) => {
    const rendered = renderTemplate(readFileSync(join(etc, file), 'utf8'), values);
    expect(rendered).not.toMatch(/\$\{ENV:/);
  });

  it('leaves placeholders it has no value for to Trino', () => {
    const placeholder = (name: string) => ['$', '{ENV:', name, '}'].join('');
    const template = `a=${placeholder('KNOWN')} b=${placeholder('OTHER')}`;
    expect(renderTemplate(template, { KNOWN: '1' })).toBe(`a=1 b=${placeholder('OTHER')}`);
  });
});
