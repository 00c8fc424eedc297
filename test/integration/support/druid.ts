/**
 * Waiting for Druid to serve what was loaded, shared by the Druid tests on the real stack: a task's
 * success means the historicals serve its segments, but the broker's view follows their announcements,
 * so a test polls the answer it needs (real state), never a fixed sleep.
 */
import { druidSql, submitDruidTask, waitForDruidTask } from '../../../src/exec/druid-client.ts';

type Rows = Array<Record<string, unknown>>;

/** Polls `sql` on Druid until `done(answer)` holds; the answer that did. */
export async function untilDruidAnswers(
  url: string,
  sql: string,
  done: (answer: Rows) => boolean,
  timeoutMs = 120_000,
): Promise<Rows> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // A datasource new to the broker is unknown to Druid SQL until its first segments are announced.
    const answer = await druidSql(url, sql).catch((error: unknown) => {
      if (/not found/i.test((error as Error).message)) return null;
      throw error;
    });
    if (answer && done(answer)) return answer;
    if (Date.now() > deadline) throw new Error(`Druid still answers ${JSON.stringify(answer)} to ${sql}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Submits an ingestion task, waits for its success, then until `sql` answers as `done` wants. */
export async function ingestAndWait(
  url: string,
  task: unknown,
  sql: string,
  done: (answer: Rows) => boolean,
): Promise<Rows> {
  const taskId = await submitDruidTask(url, task);
  await waitForDruidTask(url, taskId, { timeoutMs: 300_000 });
  return untilDruidAnswers(url, sql, done);
}
