import { describe, expect, it } from 'vitest';
import { Limiter } from '../../src/api/limiter.ts';
import { QueryService } from '../../src/api/query-service.ts';
import { createTelemetry } from '../../src/api/telemetry.ts';
import { memoryBackend } from '../../src/cache/memory-backend.ts';
import { ResultCache } from '../../src/cache/result-cache.ts';
import { lastCompletePeriod } from '../../src/scheduler/periods.ts';
import { type MaterializedValue, Scheduler } from '../../src/scheduler/scheduler.ts';
import { pgliteClient } from '../../src/store/pglite-client.ts';
import { harness, json, revenueDef, testLanguage } from './api-support.ts';

describe('scheduler periods', () => {
  const now = new Date('2025-03-12T10:30:00Z'); // a Wednesday
  it.each([
    ['day', 'UTC', '2025-03-11T00:00:00Z', '2025-03-12T00:00:00Z'],
    ['week', 'UTC', '2025-03-03T00:00:00Z', '2025-03-10T00:00:00Z'],
    ['month', 'Europe/Berlin', '2025-02-01T00:00:00+01:00', '2025-03-01T00:00:00+01:00'],
    ['quarter', 'UTC', '2024-10-01T00:00:00Z', '2025-01-01T00:00:00Z'],
    ['year', 'UTC', '2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z'],
    ['hour', 'UTC', '2025-03-12T09:00:00.000Z', '2025-03-12T10:00:00.000Z'],
  ] as const)('the last complete %s in %s', (grain, tz, start, end) => {
    expect(lastCompletePeriod(grain, now, tz)).toEqual({ start, end });
  });
});

describe('scheduler', () => {
  it('stores the last complete period of each scheduled KPI in kpi_metrics, once per period', async () => {
    const h = await harness();
    await h.app.request(
      '/api/definitions',
      json({ ...revenueDef, schedule: { frequency: 'month', timezone: 'UTC' } }),
    );
    const telemetry = createTelemetry();
    const queries = new QueryService({
      definitions: h.definitions,
      language: testLanguage,
      engineFactory: h.engine.factory,
      cache: new ResultCache(memoryBackend(), { ttlSeconds: 60 }),
      limiter: new Limiter(2),
      telemetry,
      timeoutMs: 5_000,
      defaultTimezone: 'UTC',
    });
    const scheduler = new Scheduler({
      definitions: h.definitions,
      queries,
      sql: pgliteClient(h.db),
      defaultTimezone: 'UTC',
      now: () => new Date('2025-02-10T08:00:00Z'),
      onValue: (v) => told.push(v),
    });
    const told: MaterializedValue[] = [];
    expect(await scheduler.tick()).toBe(1);
    expect(await scheduler.tick()).toBe(0);
    const rows = await h.db.query<{ time: Date; kpi_id: string; value: number }>('SELECT * FROM kpi_metrics');
    expect(rows.rows).toEqual([
      expect.objectContaining({ kpi_id: 'revenue', value: 150, time: new Date('2025-01-01T00:00:00Z') }),
    ]);
    // What the alerts are told is what was stored, once.
    expect(told).toEqual([{ kpiId: 'revenue', bucket: '2025-01-01T00:00:00Z', dimensions: {}, value: 150 }]);
    await h.close();
  });
});
