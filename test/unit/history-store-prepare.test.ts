import { describe, expect, it } from 'vitest';
import { HistoryStore } from '../../src/store/history-store.ts';
import type { SqlClient } from '../../src/store/sql-client.ts';

/**
 * prepare() on a store whose kpi_hourly / kpi_daily already exist as continuous aggregates: it tries a
 * refresh, and only "not supported" (SQLSTATE 0A000) re-makes them as tables. The real 0A000 case runs
 * on PGlite in test/local/history-store-reopen; a store that refuses otherwise is simulated here.
 */
function storeRefusingRefresh(code: string): { sql: SqlClient; statements: string[] } {
  const statements: string[] = [];
  const sql: SqlClient = {
    kind: 'pg',
    // Both aggregates exist, as views (continuous aggregates).
    query: async <T>() => [{ relkind: 'v' }] as T[],
    exec: async (text: string) => {
      statements.push(text);
      if (text.startsWith('CALL refresh_continuous_aggregate')) {
        throw Object.assign(new Error(`refused (${code})`), { code });
      }
    },
    transaction: (fn) => fn(sql),
    close: async () => {},
  };
  return { sql, statements };
}

describe('HistoryStore.prepare with existing continuous aggregates', () => {
  it('keeps them when the trial refresh is refused for another reason (a role without the right)', async () => {
    const { sql, statements } = storeRefusingRefresh('42501');
    const lines: string[] = [];
    expect(await new HistoryStore(sql).prepare((l) => lines.push(l))).toBe('continuous');
    expect(statements.some((s) => s.startsWith('DROP'))).toBe(false);
    expect(lines).toEqual([
      'history: kpi_hourly kept as it is (a trial refresh failed: refused (42501))',
      'history: kpi_daily kept as it is (a trial refresh failed: refused (42501))',
    ]);
  });

  it('re-makes both as tables when continuous aggregates are not supported in this session', async () => {
    const { sql, statements } = storeRefusingRefresh('0A000');
    expect(await new HistoryStore(sql).prepare()).toBe('table');
    expect(statements.filter((s) => s.startsWith('DROP MATERIALIZED VIEW'))).toEqual([
      'DROP MATERIALIZED VIEW public.kpi_hourly',
      'DROP MATERIALIZED VIEW public.kpi_daily',
    ]);
    expect(statements.filter((s) => s.startsWith('CREATE TABLE public.kpi_'))).toHaveLength(2);
  });
});
