/**
 * Live tiles in chromium against `npm start` with DEMO_LIVE on (rows keep arriving in the embedded
 * sources): a value tile of a `realtime` KPI updates in place from the stream route, without a reload,
 * and what it shows is what the stream pushed; a tile of a KPI that is not realtime opens no stream.
 */
// @ts-nocheck

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, startWebFixture, type WebFixture } from './support.ts';

const LIVE_KPI = `kpi live_events "Live events" {
  category: user
  formula: count(analytics.events)
  schedule: realtime
}
`;

const shownValue = async (page: Page, kpi: string) =>
  Number(await page.locator(`li.tile[data-kpi="${kpi}"] [data-role="value"]`).getAttribute('data-value'));

describe('web app: live tiles (chromium, embedded default, DEMO_LIVE)', () => {
  let web: WebFixture;
  beforeAll(async () => {
    web = await startWebFixture({
      DEMO_LIVE: '1',
      DEMO_LIVE_INTERVAL_MS: '500',
      REALTIME_INTERVAL_MS: '500',
    });
  });
  afterAll(async () => {
    await web?.close();
  });

  it('updates a realtime KPI’s value tile in place as new rows arrive', async () => {
    const created = await fetch(`${web.service.url}/api/definitions`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: LIVE_KPI,
    });
    expect(created.status).toBe(201);
    const board = await fetch(`${web.service.url}/api/dashboards`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        id: 'live',
        name: 'Live',
        tiles: [
          { id: 'a', kpi: 'live_events', kind: 'value', width: 1, range: '12m' },
          { id: 'b', kpi: 'revenue', kind: 'value', width: 1, range: '12m' },
        ],
      }),
    });
    expect(board.status).toBe(201);

    const { page, errors } = await openPage(web, '#/dashboards/live');
    const streams: URL[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/stream?')) streams.push(new URL(r.url()));
    });
    const live = page.locator('li.tile[data-kpi="live_events"]');
    await expect.poll(() => live.getAttribute('data-live'), { timeout: 120_000 }).not.toBeNull();
    const first = await shownValue(page, 'live_events');
    // Two pushes after the first draw, each a larger count (rows only arrive), with no navigation.
    await expect
      .poll(async () => Number(await live.getAttribute('data-live')), { timeout: 120_000 })
      .toBeGreaterThanOrEqual(2);
    const later = await shownValue(page, 'live_events');
    expect(later).toBeGreaterThan(first);

    // What the tile shows is what the stream pushes: read one push from the route itself and wait for
    // the tile to show a value at least as recent.
    const res = await fetch(`${web.service.url}/api/metrics/live_events/stream${streams[0]!.search}`);
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    const pushed = JSON.parse(/^data: (.*)$/m.exec(text)![1]!).value as number;
    await expect
      .poll(() => shownValue(page, 'live_events'), { timeout: 60_000 })
      .toBeGreaterThanOrEqual(pushed);

    expect(await page.locator('li.tile[data-kpi="revenue"]').getAttribute('data-live')).toBeNull();
    expect(new Set(streams.map((u) => u.pathname))).toEqual(new Set(['/api/metrics/live_events/stream']));
    expect(errors).toEqual([]);
  });
});
