import { describe, expect, it } from 'vitest';
import { sqlString, trinoLiteral } from '../../src/emit/literal.ts';
import { MAX_BOUND_PARAMETERS, ParamSink } from '../../src/emit/params.ts';
import { trendOf } from '../../src/exec/engine.ts';
import { Semaphore } from '../../src/exec/limiter.ts';
import { trinoStatement } from '../../src/exec/trino-http.ts';
import { formatInZone, isTimeZone, parseInstant } from '../../src/shared/time.ts';

describe('the one quoting function (Trino literals)', () => {
  it('doubles single quotes and leaves backslashes, comments and semicolons as data', () => {
    expect(sqlString(`a'b`)).toBe(`'a''b'`);
    expect(sqlString(`\\'; DROP TABLE x; --`)).toBe(`'\\''; DROP TABLE x; --'`);
    expect(() => sqlString('a\u0000b')).toThrow(/NUL/);
  });
  it('renders numbers, booleans and timestamps strictly', () => {
    expect(trinoLiteral({ type: 'number', value: 42 })).toBe('42');
    expect(trinoLiteral({ type: 'number', value: 0.25 })).toBe(`DOUBLE '0.25'`);
    expect(() => trinoLiteral({ type: 'number', value: Number.NaN })).toThrow();
    expect(trinoLiteral({ type: 'boolean', value: false })).toBe('FALSE');
    expect(trinoLiteral({ type: 'timestamp', value: '2025-03-30T01:00:00.000Z' })).toBe(
      `TIMESTAMP '2025-03-30 01:00:00.000 UTC'`,
    );
    expect(() => trinoLiteral({ type: 'timestamp', value: "2025-01-01' OR 1=1" })).toThrow(/canonical/);
  });
  it('wraps parameterized SQL in EXECUTE IMMEDIATE with the SQL itself quoted', () => {
    expect(trinoStatement(`SELECT 'x' WHERE a = ?`, [{ type: 'string', value: "it's" }])).toBe(
      `EXECUTE IMMEDIATE 'SELECT ''x'' WHERE a = ?' USING 'it''s'`,
    );
    expect(trinoStatement('SELECT 1', [])).toBe('SELECT 1');
  });
});

describe('parameter markers', () => {
  it('turn into ? in text order or into deduplicated $n', () => {
    const sink = new ParamSink();
    const a = sink.add({ type: 'string', value: 'a' });
    const b = sink.add({ type: 'string', value: 'b' });
    const a2 = sink.add({ type: 'string', value: 'a' });
    const text = `x = ${b} AND y = ${a} AND z = ${a2}`;
    expect(sink.finish(text, 'question')).toEqual({
      sql: 'x = ? AND y = ? AND z = ?',
      params: [
        { type: 'string', value: 'b' },
        { type: 'string', value: 'a' },
        { type: 'string', value: 'a' },
      ],
    });
    expect(sink.finish(text, 'dollar')).toEqual({
      sql: 'x = $1 AND y = $2 AND z = $2',
      params: [
        { type: 'string', value: 'b' },
        { type: 'string', value: 'a' },
      ],
    });
  });

  it("refuse more distinct values than PostgreSQL's Bind message can count, as a compile error", () => {
    const sinkOf = (n: number) => {
      const sink = new ParamSink();
      const text = Array.from({ length: n }, (_, i) => sink.add({ type: 'number', value: i })).join(',');
      return () => sink.finish(text, 'dollar');
    };
    expect(sinkOf(MAX_BOUND_PARAMETERS)().params).toHaveLength(65_535);
    expect(sinkOf(MAX_BOUND_PARAMETERS + 1)).toThrow(
      expect.objectContaining({ name: 'CompileError', code: 'invalid-query' }),
    );
  });
});

describe('time zones', () => {
  it('reads naive times as local wall time, across DST', () => {
    expect(new Date(parseInstant('2025-03-30', 'Europe/Berlin')!).toISOString()).toBe(
      '2025-03-29T23:00:00.000Z',
    );
    expect(new Date(parseInstant('2025-03-31', 'Europe/Berlin')!).toISOString()).toBe(
      '2025-03-30T22:00:00.000Z',
    );
    expect(new Date(parseInstant('2025-11-02T00:00', 'America/New_York')!).toISOString()).toBe(
      '2025-11-02T04:00:00.000Z',
    );
    expect(parseInstant('2025-01-01T00:00:00+05:30', 'UTC')).toBe(Date.parse('2024-12-31T18:30:00Z'));
    expect(parseInstant('yesterday', 'UTC')).toBeUndefined();
  });
  it('prints instants with the zone offset of that instant', () => {
    expect(formatInZone(Date.parse('2025-03-29T23:00:00Z'), 'Europe/Berlin')).toBe(
      '2025-03-30T00:00:00+01:00',
    );
    expect(formatInZone(Date.parse('2025-03-30T22:00:00Z'), 'Europe/Berlin')).toBe(
      '2025-03-31T00:00:00+02:00',
    );
    expect(formatInZone(Date.parse('2025-01-01T00:00:00Z'), 'UTC')).toBe('2025-01-01T00:00:00Z');
  });
  it('accepts IANA names only', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone("UTC'")).toBe(false);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});

describe('concurrency limit', () => {
  it('runs at most N tasks at once and queues the rest in order', async () => {
    const s = new Semaphore(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const releases: Array<() => void> = [];
    const task = (i: number) =>
      s.run(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((r) => releases.push(r));
        order.push(i);
        running--;
      });
    const all = [0, 1, 2, 3].map(task);
    await new Promise((r) => setImmediate(r));
    expect(s.active).toBe(2);
    expect(s.queued).toBe(2);
    while (order.length < 4) {
      releases.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(all);
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3]);
  });
});

describe('trend', () => {
  it('compares the latest complete period with the one before', () => {
    expect(trendOf(110, 100)).toEqual({ direction: 'up', percentage: 10 });
    expect(trendOf(90, 100)).toEqual({ direction: 'down', percentage: -10 });
    expect(trendOf(100, 100)).toEqual({ direction: 'stable', percentage: 0 });
    expect(trendOf(5, null)).toEqual({ direction: 'stable', percentage: 0 });
    expect(trendOf(-50, -100)).toEqual({ direction: 'up', percentage: 50 });
  });
});
