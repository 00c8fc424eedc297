/**
 * The emitter's own guards and edges: what it refuses rather than print wrong SQL — a plan whose aggregate
 * reads a table its scan does not join, a Trino spine past the sequence limit (exactly at the limit) — and
 * a scan joining two tables.
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import { emitSql } from '../../src/emit/emit.ts';
import { postgres } from '../../src/emit/postgres.ts';
import { trino } from '../../src/emit/trino.ts';
import { aggregatesOf, type Plan } from '../../src/plan/nodes.ts';
import { planQuery } from '../../src/plan/planner.ts';
import { refusal } from '../support/compile-refusal.ts';
import { demoKpis, query, registryOf } from './compile-kpis.ts';

const catalog = loadCatalog();
const registry = registryOf(demoKpis(catalog));
const ctx = { catalog, registry };

describe('emitter guards', () => {
  it('refuses an aggregate whose dimension reads a table its scan does not join', () => {
    const planned = planQuery(registry.get('mrr')!, query('mrr', { dimensions: ['channel'] }), ctx);
    const [a] = planned.root.input.inputs.flatMap(aggregatesOf);
    expect(a!.input.input.joins.length).toBeGreaterThan(0);
    // A plan that lost its join (hand-built or a faulty rule): emitted as is, it would name an unknown alias.
    const broken = JSON.parse(JSON.stringify(planned)) as Plan;
    for (const b of broken.root.input.inputs.flatMap(aggregatesOf)) {
      (b.input.input as unknown as { joins: unknown[] }).joins = [];
    }
    expect(refusal(() => emitSql(broken, postgres, catalog))).toMatch(
      /^invalid-query: users\.accounts is not joined in the scan of /,
    );
  });

  it("allows a Trino spine of exactly the sequence limit's 10,000 buckets and refuses one more", () => {
    const minutes = (end: string) =>
      planQuery(
        registry.get('events_7d')!,
        query('events_7d', { grain: 'minute', range: { start: '2025-01-01T00:00:00Z', end } }),
        ctx,
      );
    // 9,999 minutes: at most 10,000 buckets (a range not on a bucket boundary may touch one more).
    expect(refusal(() => emitSql(minutes('2025-01-07T22:39:00Z'), trino, catalog))).toBe('no error');
    expect(refusal(() => emitSql(minutes('2025-01-07T22:40:00Z'), trino, catalog))).toBe(
      'unsupported: a spine of about 10001 minute buckets cannot be expressed in the trino dialect: at most 10000; use a coarser grain or a shorter range',
    );
  });

  it('joins every table of a scan, each with its own LEFT JOIN', () => {
    const planned = planQuery(registry.get('mrr')!, query('mrr', { dimensions: ['channel'] }), ctx);
    const twice = JSON.parse(JSON.stringify(planned)) as Plan;
    for (const b of twice.root.input.inputs.flatMap(aggregatesOf)) {
      const scan = b.input.input as unknown as { joins: { alias: string }[] };
      scan.joins = [...scan.joins, { ...scan.joins[0]!, alias: 'tx' }];
    }
    const { sql } = emitSql(twice, trino, catalog);
    expect(sql).toMatch(
      /t0 LEFT JOIN \S+ t1 ON t1\."id" = t0\."account_id" LEFT JOIN \S+ tx ON tx\."id" = t0\."account_id" WHERE/,
    );
  });
});
