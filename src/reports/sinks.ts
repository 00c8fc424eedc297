/**
 * Where a rendered report goes. Recipients that are http(s) URLs get it POSTed (signed like alert
 * webhooks when a secret is set, retried with backoff); the directory sink (REPORTS_DIR) writes one file
 * per run, atomically; e-mail recipients are recorded as skipped, since no mail server is configured.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { backoffMs, postSigned } from '../alerts/webhook.ts';
import { type HostAllowList, hostRefusal } from '../shared/host-allow-list.ts';
import type { DeliveryRecord } from '../store/report-runs-store.ts';
import type { Rendered } from './render.ts';

export interface SinkOptions {
  /** REPORTS_DIR: every run is also written here, under the report's id. */
  readonly directory?: string | undefined;
  readonly webhookSecret: string;
  readonly timeoutMs: number;
  readonly attempts: number;
  readonly backoffMs: number;
  /** WEBHOOK_HOSTS: a recipient URL outside it is not called (checked again here: the list may have
   * changed since the report was saved). */
  readonly allowedHosts: HostAllowList;
}

export interface Delivery {
  readonly reportId: string;
  readonly period: { readonly start: string; readonly end: string };
  readonly rendered: Rendered;
  readonly recipients: readonly string[];
}

export const isUrl = (r: string) => /^https?:\/\//i.test(r);
/** A file name from an instant: no characters a file system refuses. */
const stamp = (iso: string) => iso.replace(/[:.]/g, '-');

export async function deliver(d: Delivery, o: SinkOptions): Promise<DeliveryRecord[]> {
  const bytes = Buffer.byteLength(d.rendered.body);
  // Recipients are served at once: a run takes as long as its slowest recipient (its attempts and
  // backoff), not the sum over up to 100 of them.
  const records: DeliveryRecord[] = await Promise.all(
    [...new Set(d.recipients)].map(async (recipient): Promise<DeliveryRecord> => {
      if (!isUrl(recipient)) {
        return {
          sink: 'email',
          target: recipient,
          outcome: 'skipped',
          error: 'no mail server is configured',
          bytes: 0,
        };
      }
      const refusal = hostRefusal(recipient, o.allowedHosts);
      if (refusal) return { sink: 'webhook', target: recipient, outcome: 'failed', error: refusal, bytes: 0 };
      let error: string | null = null;
      for (let attempt = 1; attempt <= o.attempts; attempt++) {
        if (attempt > 1) await new Promise((r) => setTimeout(r, backoffMs(attempt, o.backoffMs, 60_000)));
        const outcome = await postSigned(
          { url: recipient, secret: o.webhookSecret, timeoutMs: o.timeoutMs },
          d.rendered.body,
          {
            'content-type': d.rendered.contentType,
            'x-kpi-report': d.reportId,
            'x-kpi-period': `${d.period.start}/${d.period.end}`,
          },
        );
        error = outcome.ok ? null : outcome.error;
        if (outcome.ok) break;
      }
      return { sink: 'webhook', target: recipient, outcome: error ? 'failed' : 'delivered', error, bytes };
    }),
  );
  if (o.directory) {
    const folder = join(o.directory, d.reportId);
    const file = join(folder, `${stamp(d.period.start)}_${stamp(d.period.end)}.${d.rendered.extension}`);
    try {
      await mkdir(folder, { recursive: true });
      // Written whole, then renamed: a reader never sees half a report.
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, d.rendered.body);
      await rename(tmp, file);
      records.push({ sink: 'directory', target: file, outcome: 'delivered', error: null, bytes });
    } catch (e) {
      records.push({
        sink: 'directory',
        target: file,
        outcome: 'failed',
        error: (e as Error).message,
        bytes,
      });
    }
  }
  if (records.length === 0) {
    records.push({
      sink: 'directory',
      target: '',
      outcome: 'skipped',
      error: 'no URL recipient and no REPORTS_DIR',
      bytes: 0,
    });
  }
  return records;
}
