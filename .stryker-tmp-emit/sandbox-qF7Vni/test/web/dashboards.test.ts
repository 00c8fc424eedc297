/**
 * Dashboards in chromium against `npm start`: create one, add tiles (a KPI saved a moment ago among
 * them), arrange them with buttons and drag and drop, save with the version check, open the shared
 * link, and see every tile read the cached metric routes (hits on the second view).
 */
// @ts-nocheck

import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, chartPoints, openPage, startWebFixture, type WebFixture } from './support.ts';

const NEW_KPI = `kpi web_tile_kpi "Tile KPI" {
  category: user
  formula: count(users.accounts.id)
  dimensions: region
  grains: month
}
`;

async function tilesReady(page: Page, count: number): Promise<void> {
  await expect.poll(() => page.locator('li.tile').count(), { timeout: 60_000 }).toBe(count);
  await page
    .locator('li.tile[data-state="loading"]')
    .first()
    .waitFor({ state: 'detached', timeout: 120_000 });
}

const order = (page: Page) =>
  page.locator('li.tile').evaluateAll((ts) => ts.map((t) => (t as HTMLElement).dataset.kpi));

describe('web app: dashboards (chromium, embedded default)', () => {
  let web: WebFixture;
  beforeAll(async () => {
    web = await startWebFixture();
  });
  afterAll(async () => {
    await web?.close();
  });

  it('creates a dashboard with a new KPI in a tile, arranges, saves and shares it; tiles are cache hits', async () => {
    const created = await fetch(`${web.service.url}/api/definitions`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: NEW_KPI,
    });
    expect(created.status).toBe(201);
    const { page, errors } = await openPage(web, '#/dashboards');
    await page.getByLabel('Id (letters, digits, - and _)').fill('overview');
    await page.getByLabel('Name', { exact: true }).fill('Overview');
    await page.getByRole('button', { name: 'Create dashboard' }).click();
    await page.waitForURL(/#\/dashboards\/overview/);

    const add = async (kpi: string, kind: string, by = '') => {
      const form = page.getByRole('form', { name: 'Add a tile' });
      await form.getByLabel('KPI').selectOption(kpi);
      await form.getByLabel('Show as').selectOption(kind);
      await form.getByLabel('Range').selectOption('all');
      if (by) await form.getByLabel('Break down by').selectOption(by);
      await form.getByRole('button', { name: 'Add tile' }).click();
    };
    await add('mrr', 'value');
    await add('mrr', 'chart', 'region');
    await add('web_tile_kpi', 'table');
    await tilesReady(page, 3);
    expect(await order(page)).toEqual(['mrr', 'mrr', 'web_tile_kpi']);

    // Arrange: a button moves the table first, drag and drop moves the value tile back to the front.
    await page.getByRole('button', { name: 'Move web_tile_kpi earlier' }).click();
    await page.getByRole('button', { name: 'Move web_tile_kpi earlier' }).click();
    expect(await order(page)).toEqual(['web_tile_kpi', 'mrr', 'mrr']);
    await page.locator('li.tile[data-kind="value"]').dragTo(page.locator('li.tile').first());
    expect(await page.locator('li.tile').first().getAttribute('data-kind')).toBe('value');
    await page.locator('li.tile[data-kind="chart"] select').selectOption('2');
    await page.getByRole('button', { name: 'Save dashboard' }).click();
    await expect.poll(() => page.locator('[data-role="save-status"]').textContent()).toBe('Saved version 2.');
    const saved = await (await fetch(`${web.service.url}/api/dashboards/overview`)).json();
    expect(saved.dashboard.tiles.map((t: { kind: string }) => t.kind)).toEqual(['value', 'table', 'chart']);
    expect(saved.dashboard.tiles[2].width).toBe(2);

    // The shared link shows the saved dashboard; its numbers are the cached routes' numbers.
    const { page: shared } = await openPage(web, '#/dashboards/overview');
    await tilesReady(shared, 3);
    const chart = await chartPoints(shared, 'li.tile[data-kind="chart"]');
    const regions = new Set(chart.map((p) => p.series));
    expect(regions.size).toBeGreaterThan(1);
    const tz = 'UTC';
    const value = Number(
      await shared.locator('li.tile[data-kind="value"] [data-role="value"]').getAttribute('data-value'),
    );
    const start = '2020-01-01';
    const end = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const api = await (
      await fetch(`${web.service.url}/api/metrics/mrr?start=${start}&end=${end}&tz=${tz}`)
    ).json();
    expect(value).toBe(api.value);
    expect(await shared.locator('li.tile[data-kind="table"] tbody tr').count()).toBeGreaterThan(0);
    await shared.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });

    // A second view of the dashboard costs cache hits only.
    await shared.reload();
    await tilesReady(shared, 3);
    const outcomes = await shared
      .locator('li.tile')
      .evaluateAll((ts) => ts.map((t) => (t as HTMLElement).dataset.cache));
    expect(
      outcomes
        .join(',')
        .split(',')
        .every((o) => o === 'hit'),
    ).toBe(true);
    expect(errors).toEqual([]);
  });

  it('a stale save is refused with a plain message', async () => {
    const { page, errors } = await openPage(web, '#/dashboards/overview?edit=1');
    await tilesReady(page, 3);
    const current = await (await fetch(`${web.service.url}/api/dashboards/overview`)).json();
    const put = await fetch(`${web.service.url}/api/dashboards/overview`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', 'If-Match': `"${current.version}"` },
      body: JSON.stringify({ ...current.dashboard, name: 'Overview (theirs)' }),
    });
    expect(put.status).toBe(200);
    await page.getByRole('button', { name: 'Save dashboard' }).click();
    await expect
      .poll(() => page.locator('[data-role="save-status"]').textContent())
      .toMatch(/someone else saved/);
    expect(errors).toEqual([expect.stringMatching(/status of 412/)]);
  });

  it('a tile filters its KPI by a dimension value chosen from the values it takes, and resizes by its corner', async () => {
    const { page, errors } = await openPage(web, '#/dashboards');
    await page.getByLabel('Id (letters, digits, - and _)').fill('regional');
    await page.getByLabel('Name', { exact: true }).fill('Regional');
    await page.getByRole('button', { name: 'Create dashboard' }).click();
    await page.waitForURL(/#\/dashboards\/regional/);
    const form = page.getByRole('form', { name: 'Add a tile' });
    await form.getByLabel('KPI').selectOption('revenue');
    await form.getByLabel('Range').selectOption('all');
    await form.getByLabel('Filter by').selectOption('region');
    // The values offered are those the KPI's region takes (from /dimensions).
    const equalTo = form.getByLabel('equal to');
    await expect
      .poll(() => equalTo.evaluate((el) => [...(el as HTMLSelectElement).options].map((o) => o.value)), {
        timeout: 60_000,
      })
      .toContain('eu');
    await equalTo.selectOption('eu');
    await form.getByRole('button', { name: 'Add tile' }).click();
    await tilesReady(page, 1);
    expect(await page.locator('li.tile [data-role="tile-filter"]').textContent()).toBe('region = eu');
    // Dragging the tile's corner two columns to the right makes it three columns wide.
    const tile = page.locator('li.tile').first();
    const handle = tile.locator('[data-role="resize"]');
    const box = (await handle.boundingBox())!;
    const column = (await tile.boundingBox())!.width;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + 2 * column + 12, box.y + box.height / 2, { steps: 8 });
    await page.mouse.up();
    expect(await tile.getAttribute('class')).toBe('tile w3');
    expect(await tile.locator('.tools select').inputValue()).toBe('3');
    const shown = Number(await page.locator('li.tile [data-role="value"]').getAttribute('data-value'));
    const oracle = await web.oracle.query<{ v: string }>(
      `SELECT sum(amount) AS v FROM payments.subscriptions WHERE region = 'eu' AND started_at >= '2020-01-01T00:00:00Z'`,
    );
    expect(shown).toBeCloseTo(Number(oracle.rows[0]!.v), 6);
    await page.getByRole('button', { name: 'Save dashboard' }).click();
    await expect
      .poll(() => page.locator('[data-role="save-status"]').textContent())
      .toMatch(/^Saved version/);
    const saved = await (await fetch(`${web.service.url}/api/dashboards/regional`)).json();
    expect(saved.dashboard.tiles[0]).toMatchObject({ filters: { region: 'eu' }, width: 3 });
    expect(errors).toEqual([]);
  });
});
