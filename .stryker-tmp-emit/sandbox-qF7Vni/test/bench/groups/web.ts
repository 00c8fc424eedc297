/**
 * `npm run bench -- web`: the web app in headless Chromium (Debian's chromium via playwright-core)
 * against `npm start` on the embedded default. Creates a 12-tile dashboard (values, charts with and
 * without breakdowns, tables, over six KPIs) and measures the time from navigation start until every
 * tile is drawn (the grid's data-drawn-at, set by the app), cold (empty cache, first view) and warm
 * (median of five later views); and the app's bundle size (every file it can load, the lazily loaded
 * editor included), gzip-compressed.
 */
// @ts-nocheck

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { NOTHING_CONFIGURED, startService } from '../../e2e/api-support.ts';
import { launchBrowser } from '../../web/support.ts';
import type { BenchResult } from '../types.ts';
import { percentile } from '../types.ts';

const TILES = [
  { kpi: 'mrr', kind: 'value' },
  { kpi: 'cac', kind: 'value' },
  { kpi: 'churn_rate', kind: 'value' },
  { kpi: 'signups', kind: 'value' },
  { kpi: 'mrr', kind: 'chart', width: 2, by: 'region' },
  { kpi: 'revenue', kind: 'chart', width: 2 },
  { kpi: 'new_subscriptions', kind: 'chart', width: 2, by: 'plan_type' },
  { kpi: 'signups', kind: 'chart', width: 2, grain: 'week', range: '90d' },
  { kpi: 'cac', kind: 'table', width: 2, grain: 'quarter', range: '24m' },
  { kpi: 'mrr_active', kind: 'table', width: 2 },
  { kpi: 'active_subscriptions', kind: 'chart', width: 2, by: 'channel' },
  { kpi: 'purchase_conversion', kind: 'value' },
].map((t, i) => ({ id: `t${i}`, width: 1, range: 'all', grain: 'month', ...t }));

function bundleBytes(): { raw: number; gzip: number } {
  const dist = join(process.cwd(), 'dist');
  const { dir } = JSON.parse(readFileSync(join(dist, 'current.json'), 'utf8')) as { dir: string };
  let raw = 0;
  let gzip = 0;
  // Everything the app can load: page, entry, every chunk (the editor's too), stylesheet.
  for (const file of readdirSync(join(dist, dir, 'web')).filter((f) => !f.endsWith('.map'))) {
    const body = readFileSync(join(dist, dir, 'web', file));
    raw += body.length;
    gzip += gzipSync(body).length;
  }
  return { raw, gzip };
}

export async function run(): Promise<BenchResult> {
  const service = await startService({ ...NOTHING_CONFIGURED });
  const browser = await launchBrowser();
  try {
    const created = await fetch(`${service.url}/api/dashboards`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: 'bench', name: 'Bench: 12 tiles', tiles: TILES }),
    });
    if (created.status !== 201)
      throw new Error(`creating the dashboard: ${created.status} ${await created.text()}`);
    const view = async (): Promise<{ ms: number; cache: string[] }> => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(`${service.url}/#/dashboards/bench`);
      const grid = page.locator('[data-role="grid"][data-state="ready"]');
      await grid.waitFor({ timeout: 300_000 });
      const ms = Number(await grid.getAttribute('data-drawn-at'));
      const cache = await page
        .locator('li.tile')
        .evaluateAll((ts) => ts.flatMap((t) => ((t as HTMLElement).dataset.cache ?? '').split(',')));
      await page.close();
      return { ms, cache };
    };
    const cold = await view();
    const warm: number[] = [];
    let warmCache: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await view();
      warm.push(r.ms);
      warmCache = r.cache;
    }
    warm.sort((a, b) => a - b);
    const median = percentile(warm, 50);
    const bundle = bundleBytes();
    const hits = warmCache.filter((c) => c === 'hit').length;
    const table: Record<string, string | number>[] = [
      {
        case: 'cold (empty cache)',
        ms: cold.ms,
        requests: cold.cache.length,
        hits: cold.cache.filter((c) => c === 'hit').length,
      },
      { case: 'warm (median of 5)', ms: median, requests: warmCache.length, hits },
      {
        case: 'bundle (page, all scripts, stylesheet)',
        ms: 0,
        requests: 0,
        hits: 0,
        kb: Math.round(bundle.raw / 1024),
        kbGzip: Math.round(bundle.gzip / 1024),
      },
    ];
    return {
      group: 'web',
      table,
      headline: `web: 12 tiles drawn in ${median} ms warm (${cold.ms} ms cold), bundle ${Math.round(bundle.gzip / 1024)} KB gzip`,
      results: { cold, warm, bundle, tiles: TILES.length },
    };
  } finally {
    await browser.close().catch(() => {});
    await service.stop();
  }
}
