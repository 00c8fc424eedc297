/** `npx kpi query` (the real bin) runs against the stack in .stack/env and prints the engine's rows. */
// @ts-nocheck

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import { createEngine } from '../../src/exec/engine.ts';
import { oracleRegistry } from './oracle-definitions.ts';

const env = inject('stackEnv');
const bin = fileURLToPath(new URL('../../bin/kpi.mjs', import.meta.url));

describe('kpi query', () => {
  it('prints [{time, <dim>, value}] as JSON, equal to the engine facade’s rows', async () => {
    const out = execFileSync(
      process.execPath,
      [
        bin,
        'query',
        '--kpi',
        'cac',
        '--grain',
        'quarter',
        '--from',
        '2025-01-01',
        '--to',
        '2026-01-01',
        '--tz',
        'America/New_York',
        '--dims',
        'channel',
        '--where',
        "channel in ('paid_search', 'social')",
        '--format',
        'json',
      ],
      { env: { ...process.env, ...env }, encoding: 'utf8' },
    );
    const rows = JSON.parse(out) as Array<Record<string, unknown>>;
    expect(rows.length).toBeGreaterThan(0);
    expect(Object.keys(rows[0]!)).toEqual(['time', 'channel', 'value']);
    expect(new Set(rows.map((r) => r.channel))).toEqual(new Set(['paid_search', 'social']));
    const catalog = loadCatalog();
    const engine = createEngine({ catalog, registry: oracleRegistry(catalog), env });
    try {
      const expected = await engine.run({
        kpi: 'cac',
        grain: 'quarter',
        range: { start: '2025-01-01T00:00:00-05:00', end: '2026-01-01T00:00:00-05:00' },
        timezone: 'America/New_York',
        dimensions: ['channel'],
        filters: [
          {
            kind: 'in',
            operand: { kind: 'dimension', name: 'channel' },
            values: [
              { kind: 'literal', value: 'paid_search', type: 'string' },
              { kind: 'literal', value: 'social', type: 'string' },
            ],
            negated: false,
          },
        ],
      });
      expect(rows).toEqual(expected.rows);
    } finally {
      await engine.close();
    }
  });
});
