/**
 * Browse and explore in chromium against `npm start` (embedded default): the cards, the chart's points
 * against /history and against hand-written SQL, a breakdown by region, the table and CSV, the compiled
 * SQL, and a shared URL restoring the same view.
 */
// @ts-nocheck

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARTIFACTS,
  chartPoints,
  exploreReady,
  openPage,
  round2,
  startWebFixture,
  type WebFixture,
} from './support.ts';

const MRR_VIEW = '#/kpi/mrr?range=custom&start=2025-01-01&end=2025-07-01';

describe('web app: browse and explore (chromium, embedded default)', () => {
  let web: WebFixture;
  beforeAll(async () => {
    web = await startWebFixture();
  });
  afterAll(async () => {
    await web?.close();
  });

  it('lists every KPI with its value, and search and category filter the list', async () => {
    const { page, errors } = await openPage(web, '#/');
    const defs = (await (await fetch(`${web.service.url}/api/definitions`)).json()).definitions as {
      id: string;
      category: string;
    }[];
    const cards = page.locator('li.card');
    await expect.poll(() => cards.count()).toBe(defs.length);
    await page
      .locator('li.card[data-loaded="false"]')
      .first()
      .waitFor({ state: 'detached', timeout: 120_000 });
    // churn_rate has thresholds: its card says which state it is in.
    await expect
      .poll(() => page.locator('li.card[data-kpi="churn_rate"] [data-role="state"]').isVisible())
      .toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'browse.png'), fullPage: true });

    await page.getByLabel('Search').fill('churn');
    await expect.poll(() => page.locator('li.card:visible').count()).toBe(1);
    expect(page.url()).toContain('q=churn');
    await page.getByLabel('Search').fill('');
    await page.getByLabel('Category').selectOption('user');
    const users = defs.filter((d) => d.category === 'user').length;
    await expect.poll(() => page.locator('li.card:visible').count()).toBe(users);
    expect(errors).toEqual([]);
  });

  it('charts mrr by month with exactly the points /history returns, equal to hand-written SQL', async () => {
    const { page, errors } = await openPage(web, MRR_VIEW);
    await exploreReady(page);
    const points = await chartPoints(page);
    const api = await (
      await fetch(
        `${web.service.url}/api/metrics/mrr/history?aggregation=month&start=2025-01-01&end=2025-07-01&tz=UTC`,
      )
    ).json();
    expect(points.map((p) => [p.time, p.value])).toEqual(
      api.history
        .filter((r: { value: number | null }) => r.value !== null)
        .map((r: { time: string; value: number }) => [r.time, r.value]),
    );
    const oracle = await web.oracle.query<{ month: string; v: string }>(`
      SELECT to_char(date_trunc('month', started_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS month, sum(amount) AS v
      FROM payments.subscriptions
      WHERE started_at >= '2025-01-01T00:00:00Z' AND started_at < '2025-07-01T00:00:00Z'
      GROUP BY 1 ORDER BY 1`);
    expect(points.map((p) => [p.time.slice(0, 10), round2(p.value)])).toEqual(
      oracle.rows.map((r) => [r.month, round2(r.v)]),
    );
    // The value card: the whole range.
    const total = oracle.rows.reduce((a, r) => a + Number(r.v), 0);
    const shown = Number(
      await page.locator('[data-role="value-card"] [data-role="value"]').getAttribute('data-value'),
    );
    expect(round2(shown)).toBe(round2(total));
    await page.screenshot({ path: join(ARTIFACTS, 'explore.png'), fullPage: true });

    // The table shows the same numbers, and the CSV is the table.
    await page.getByRole('tab', { name: 'Table' }).click();
    const cells = await page
      .locator('#panel-table tbody tr')
      .evaluateAll((rows) =>
        rows.map((r) => [r.querySelector('th')!.textContent, Number(r.querySelector('td')!.textContent)]),
      );
    expect(cells).toEqual(points.map((p) => [p.time, p.value]));
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download CSV' }).click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.trim().split('\n')).toEqual(['time,value', ...points.map((p) => `${p.time},${p.value}`)]);
    expect(page.url()).toContain('view=table');

    // The compiled SQL and where the answer came from.
    await page.getByRole('tab', { name: 'SQL & EXPLAIN' }).click();
    await expect.poll(() => page.locator('[data-role="sql"]').textContent()).toMatch(/subscriptions/);
    expect(await page.locator('[data-role="source"]').textContent()).toMatch(/Cache: (hit|miss|stale)/);
    expect(await page.locator('[data-role="source"]').textContent()).toMatch(/payments\.subscriptions/);
    expect(errors).toEqual([]);
  });

  it('breaks mrr down by region: one series per region, each equal to hand-written SQL', async () => {
    const { page, errors } = await openPage(web, MRR_VIEW);
    await exploreReady(page);
    await page.getByLabel('Break down by').selectOption('region');
    await exploreReady(page);
    await expect.poll(() => page.locator('figure.chart g.series').count()).toBeGreaterThan(1);
    const points = await chartPoints(page);
    const oracle = await web.oracle.query<{ region: string | null; month: string; v: string }>(`
      SELECT s.region, to_char(date_trunc('month', s.started_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS month, sum(s.amount) AS v
      FROM payments.subscriptions s
      WHERE s.started_at >= '2025-01-01T00:00:00Z' AND s.started_at < '2025-07-01T00:00:00Z'
      GROUP BY 1, 2 ORDER BY 1, 2`);
    const regions = [...new Set(oracle.rows.map((r) => r.region ?? '(none)'))].sort();
    const series = await page
      .locator('figure.chart g.series')
      .evaluateAll((gs) => gs.map((g) => (g as SVGGElement).dataset.series));
    expect([...series].sort()).toEqual(regions);
    const byKey = (rows: { s: string; t: string; v: number | null }[]) =>
      rows.map((r) => `${r.s} ${r.t} ${r.v}`).sort();
    expect(byKey(points.map((p) => ({ s: p.series, t: p.time.slice(0, 10), v: round2(p.value) })))).toEqual(
      byKey(oracle.rows.map((r) => ({ s: r.region ?? '(none)', t: r.month, v: round2(r.v) }))),
    );
    expect(page.url()).toContain('by=region');
    await page.screenshot({ path: join(ARTIFACTS, 'explore-breakdown.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('a shared URL restores the same view: grain, range, time zone, breakdown and filter', async () => {
    const { page, errors } = await openPage(web, MRR_VIEW);
    await exploreReady(page);
    await page.getByLabel('Grain').selectOption('week');
    await exploreReady(page);
    await page.getByLabel('Time zone').fill('Europe/Berlin');
    await page.getByLabel('Time zone').press('Enter');
    await exploreReady(page);
    await page.getByLabel('Break down by').selectOption('plan_type');
    await exploreReady(page);
    await page.getByLabel('Filter region').selectOption('eu');
    await exploreReady(page);
    await expect.poll(() => page.url()).toContain('f.region=eu');
    const shared = page.url();
    const before = await chartPoints(page);
    expect(before.length).toBeGreaterThan(0);

    const other = await web.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await other.goto(shared);
    await exploreReady(other);
    expect(await other.getByLabel('Grain').inputValue()).toBe('week');
    expect(await other.getByLabel('Time zone').inputValue()).toBe('Europe/Berlin');
    expect(await other.getByLabel('Break down by').inputValue()).toBe('plan_type');
    expect(await other.getByLabel('Filter region').inputValue()).toBe('eu');
    expect(await chartPoints(other)).toEqual(before);
    // The week buckets start on Monday midnight in Berlin.
    for (const p of before) {
      expect(p.time).toMatch(/T00:00:00\+0[12]:00$/);
      expect(new Date(`${p.time.slice(0, 10)}T12:00:00Z`).getUTCDay()).toBe(1);
    }
    expect(errors).toEqual([]);
  });
});
