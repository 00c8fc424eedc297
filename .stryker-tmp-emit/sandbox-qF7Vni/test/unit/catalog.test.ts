// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { buildCatalog, loadCatalog } from '../../src/catalog/load.ts';
import { resolveDimension } from '../../src/catalog/resolve.ts';

describe('demo catalog', () => {
  const catalog = loadCatalog();

  it('maps the seed logical databases to Trino catalogs and schemas', () => {
    const where = (source: string) => {
      const s = catalog.sources[source]!;
      return `${catalog.connections[s.connection]!.trinoCatalog}.${s.schema}`;
    };
    expect(where('payments')).toBe('payments.public');
    expect(where('finance')).toBe('payments.finance');
    expect(where('users')).toBe('users.public');
    expect(where('analytics')).toBe('analytics.analytics');
  });

  it('names each table default time column', () => {
    const time = (s: string, t: string) => catalog.sources[s]!.tables[t]!.timeColumn;
    expect(time('payments', 'subscriptions')).toBe('started_at');
    expect(time('finance', 'expenses')).toBe('spent_at');
    expect(time('users', 'accounts')).toBe('created_at');
    expect(time('analytics', 'events')).toBe('ts');
    expect(time('analytics', 'sessions')).toBe('started_at');
  });

  it('prefers a column on the table itself over one reached through a join', () => {
    const path = resolveDimension(catalog, { source: 'payments', table: 'subscriptions' }, 'region');
    expect(path?.joins).toHaveLength(0);
    expect(path?.table).toEqual({ source: 'payments', table: 'subscriptions' });
  });

  it('reaches a dimension through a declared join', () => {
    const path = resolveDimension(catalog, { source: 'payments', table: 'subscriptions' }, 'channel');
    expect(path?.table).toEqual({ source: 'users', table: 'accounts' });
    expect(path?.joins.map((j) => j.column)).toEqual(['account_id']);
  });

  it('says a dimension is unreachable when no join leads to it', () => {
    expect(resolveDimension(catalog, { source: 'finance', table: 'expenses' }, 'plan_type')).toBeUndefined();
  });

  it('is frozen', () => {
    expect(Object.isFrozen(catalog.sources.payments!.tables.subscriptions!.columns)).toBe(true);
  });
});

describe('catalog validation', () => {
  it('rejects a join that points to a missing table', () => {
    expect(() =>
      buildCatalog({
        connections: { c: { engine: 'postgres', env: 'X', trinoCatalog: 'c' } },
        sources: {
          s: {
            connection: 'c',
            schema: 'public',
            tables: {
              t: {
                primaryKey: 'id',
                timeColumn: 'ts',
                columns: { id: 'bigint', ts: 'timestamp' },
                joins: [{ column: 'id', to: { source: 's', table: 'nope', column: 'id' } }],
              },
            },
          },
        },
      }),
    ).toThrow(/points nowhere/);
  });
});

describe('catalog lookups use own names only', () => {
  const catalog = loadCatalog();
  it('does not find Object.prototype members as tables or dimensions', () => {
    const from = { source: 'payments', table: 'subscriptions' };
    expect(resolveDimension(catalog, from, 'constructor')).toBeUndefined();
    expect(resolveDimension(catalog, from, 'toString')).toBeUndefined();
    expect(resolveDimension(catalog, { source: 'constructor', table: 'x' }, 'region')).toBeUndefined();
    expect(resolveDimension(catalog, { source: 'payments', table: '__proto__' }, 'region')).toBeUndefined();
  });
});
