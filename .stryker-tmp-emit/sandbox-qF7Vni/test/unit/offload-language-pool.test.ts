/**
 * The language pool analyzes request-supplied definitions on worker threads: the same answer as the
 * facade on the event loop (frozen), a registry sent only when it changed, a bounded queue (busy at
 * once when full), a worker that dies replaced, and the IR copied back bounded by MAX_DEFINITION_NODES.
 */
// @ts-nocheck

import { afterAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import { LIMITS } from '../../src/ir/limits.ts';
import { LanguagePool, PoolBusyError } from '../../src/offload/language-pool.ts';
import { nodeCount } from '../../src/offload/size.ts';
import { analyzeDsl } from '../../src/semantic/index.ts';

const catalog = loadCatalog();
const pool = new LanguagePool({ catalog, workers: 1, maxQueue: 2 });
afterAll(() => pool.close());
const dsl = (text: string) => ({ format: 'dsl' as const, text, file: 'request.kpi' });
const TERM = 'sum(payments.subscriptions.amount)';

describe('LanguagePool', () => {
  it('answers what the facade answers on the event loop, frozen, with each KPI printed', async () => {
    const text = `kpi base = ${TERM}\nkpi twice "Twice" { formula: base * 2\n dimensions: region }`;
    const local = analyzeDsl(text, { catalog, registry: new Map(), file: 'request.kpi' });
    const remote = await pool.analyze(dsl(text), new Map());
    expect(remote.kpis).toEqual(local.kpis);
    expect(remote.diagnostics).toEqual(local.diagnostics);
    expect(remote.printed).toHaveLength(2);
    expect(remote.printed[1]).toContain('base * 2');
    expect(Object.isFrozen(remote.kpis[0]!.formula)).toBe(true);
  });

  it('resolves names against the registry it is given, and sees a changed registry', async () => {
    const base = (await pool.analyze(dsl(`kpi base = ${TERM}`), new Map())).kpis[0]!;
    const derived = dsl('kpi derived = base + 1');
    expect((await pool.analyze(derived, new Map([['base', base]]))).diagnostics).toEqual([]);
    const unknown = await pool.analyze(derived, new Map());
    expect(unknown.diagnostics.map((d) => d.code)).toContain('unknown-name');
  });

  it('refuses at once with PoolBusyError when the queue is full', async () => {
    const heavy = dsl(
      Array.from({ length: 20 }, (_, i) => `kpi h${i} = ${Array(200).fill(TERM).join(' + ')}`).join('\n'),
    );
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => pool.analyze(heavy, new Map())));
    const busy = results.filter((r) => r.status === 'rejected');
    // One running, two queued: the other three were refused without waiting.
    expect(busy).toHaveLength(3);
    for (const r of busy) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(PoolBusyError);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
  });

  it(`refuses definitions whose IR has more than MAX_DEFINITION_NODES (${LIMITS.MAX_DEFINITION_NODES}) nodes`, async () => {
    const chain = Array(1_000).fill(TERM).join(' + ');
    const one = await pool.analyze(dsl(`kpi c0 = ${chain}`), new Map());
    expect(one.diagnostics).toEqual([]);
    expect(nodeCount(one.kpis)).toBeLessThan(LIMITS.MAX_DEFINITION_NODES);
    const text = Array.from({ length: 5 }, (_, i) => `kpi c${i} = ${chain}`).join('\n');
    const many = await pool.analyze(dsl(text), new Map());
    expect(many.kpis).toEqual([]);
    expect(many.diagnostics[0]!.code).toBe('too-large');
    expect(many.diagnostics[0]!.message).toContain(`MAX_DEFINITION_NODES = ${LIMITS.MAX_DEFINITION_NODES}`);
  });
});
