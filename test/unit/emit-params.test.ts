/**
 * The parameter sink: markers become the dialect's placeholders in text order. PostgreSQL's `$n` are
 * shared by equal values of the same type (fewer binds), never by equal text of different types; the
 * Bind message's Int16 count is the hard limit, checked on the distinct values actually bound.
 */
import { describe, expect, it } from 'vitest';
import { MAX_BOUND_PARAMETERS, ParamSink } from '../../src/emit/params.ts';
import { refusal } from '../support/compile-refusal.ts';

describe('ParamSink', () => {
  it('PostgreSQL: equal values of one type share a $n; equal text of another type does not', () => {
    const sink = new ParamSink();
    const a = sink.add({ type: 'string', value: '1' });
    const b = sink.add({ type: 'number', value: 1 });
    const c = sink.add({ type: 'string', value: '1' });
    const d = sink.add({ type: 'boolean', value: true });
    const e = sink.add({ type: 'string', value: 'true' });
    const out = sink.finish(`${c} ${a} ${b} ${d} ${e} ${b}`, 'dollar');
    expect(out.sql).toBe('$1 $1 $2 $3 $4 $2');
    expect(out.params).toEqual([
      { type: 'string', value: '1' },
      { type: 'number', value: 1 },
      { type: 'boolean', value: true },
      { type: 'string', value: 'true' },
    ]);
  });

  it('Trino: one ? per marker in text order, repeats bound again', () => {
    const sink = new ParamSink();
    const a = sink.add({ type: 'string', value: 'x' });
    const b = sink.add({ type: 'number', value: 2 });
    const out = sink.finish(`${b} ${a} ${b}`, 'question');
    expect(out.sql).toBe('? ? ?');
    expect(out.params.map((p) => p.value)).toEqual([2, 'x', 2]);
  });

  it('accepts exactly PostgreSQL’s limit of distinct values and refuses one more', () => {
    const bind = (n: number) => {
      const sink = new ParamSink();
      const markers = Array.from({ length: n }, (_, i) => sink.add({ type: 'number', value: i }));
      return sink.finish(markers.join(','), 'dollar');
    };
    expect(bind(MAX_BOUND_PARAMETERS).params).toHaveLength(MAX_BOUND_PARAMETERS);
    expect(refusal(() => bind(MAX_BOUND_PARAMETERS + 1))).toMatch(
      /^invalid-query: the query binds 65536 distinct values; PostgreSQL accepts at most 65535 /,
    );
  });

  it('counts distinct values only: many repeats of one value stay under the limit', () => {
    const sink = new ParamSink();
    const markers = Array.from({ length: MAX_BOUND_PARAMETERS + 10 }, () =>
      sink.add({ type: 'string', value: 'same' }),
    );
    const out = sink.finish(markers.join(','), 'dollar');
    expect(out.params).toEqual([{ type: 'string', value: 'same' }]);
  });
});
