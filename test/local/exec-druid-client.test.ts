import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { druidSql, submitDruidTask } from '../../src/exec/druid-client.ts';
import { EngineError } from '../../src/exec/errors.ts';

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the Druid client without a Druid', () => {
  it('says Druid is unavailable when nothing answers, for SQL and for tasks', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const sql = await druidSql(url, 'SELECT 1', { kpi: 'mrr' }).catch((e: unknown) => e);
    expect(sql).toBeInstanceOf(EngineError);
    expect(sql).toMatchObject({ code: 'engine-unavailable', engine: 'druid', kpi: 'mrr' });
    const task = await submitDruidTask(url, {}).catch((e: unknown) => e);
    expect(task).toMatchObject({ code: 'engine-unavailable', engine: 'druid' });
  });

  it('runs nothing for a caller that has already gone away', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const error = await druidSql(url, 'SELECT 1', { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'engine-canceled', engine: 'druid' });
  });
});
