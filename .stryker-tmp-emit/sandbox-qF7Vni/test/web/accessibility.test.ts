/**
 * Accessibility and layout of the main views in chromium: axe-core finds no serious or critical
 * violation (WCAG 2 A/AA: labels, contrast, ARIA) in the light and the dark theme; the views fit a
 * phone-width screen without sideways scrolling; the tabs and the tile tools work from the keyboard.
 */
// @ts-nocheck

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, exploreReady, startWebFixture, type WebFixture } from './support.ts';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const VIEWS: readonly { name: string; hash: string; ready: (page: Page) => Promise<void> }[] = [
  {
    name: 'browse',
    hash: '#/',
    ready: (p) =>
      p.locator('li.card[data-loaded="false"]').first().waitFor({ state: 'detached', timeout: 120_000 }),
  },
  { name: 'explore', hash: '#/kpi/mrr?range=all&by=region', ready: exploreReady },
  {
    name: 'editor',
    hash: '#/edit/churn_rate',
    ready: (p) =>
      p.locator('ul.diagnostics[data-state="valid"]').waitFor({ state: 'attached', timeout: 120_000 }),
  },
  {
    name: 'dashboard',
    hash: '#/dashboards/a11y?edit=1',
    ready: (p) => p.locator('[data-role="grid"][data-state="ready"]').waitFor({ timeout: 120_000 }),
  },
];

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  const result = (await page.evaluate(() =>
    (window as unknown as { axe: { run: (o: unknown) => Promise<unknown> } }).axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    }),
  )) as { violations: Violation[] };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => `${n.target.join(' ')} ${n.failureSummary ?? ''}`).join(', ')}`,
    );
}

describe('web app: accessibility and layout (chromium, embedded default)', () => {
  let web: WebFixture;
  beforeAll(async () => {
    web = await startWebFixture();
    const res = await fetch(`${web.service.url}/api/dashboards`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        id: 'a11y',
        name: 'Accessibility',
        tiles: [
          { id: 'a', kpi: 'churn_rate', kind: 'value', width: 1, range: 'all' },
          { id: 'b', kpi: 'mrr', kind: 'chart', width: 2, range: 'all', by: 'region' },
          { id: 'c', kpi: 'signups', kind: 'table', width: 1, range: 'all' },
        ],
      }),
    });
    expect(res.status).toBe(201);
  });
  afterAll(async () => {
    await web?.close();
  });

  for (const scheme of ['light', 'dark'] as const) {
    it.each(VIEWS)(`$name: no serious axe violation in the ${scheme} theme`, async (view) => {
      const context = await web.browser.newContext({
        bypassCSP: true,
        colorScheme: scheme,
        viewport: { width: 1280, height: 800 },
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await page.goto(`${web.service.url}/${view.hash}`);
      await view.ready(page);
      if (scheme === 'dark')
        await page.screenshot({ path: join(ARTIFACTS, `${view.name}-dark.png`), fullPage: true });
      expect(await seriousViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it.each(VIEWS)('$name fits a phone-width screen (390 px) without sideways scrolling', async (view) => {
    const page = await web.browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${web.service.url}/${view.hash}`);
    await view.ready(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(ARTIFACTS, `${view.name}-phone.png`), fullPage: true });
    await page.close();
  });

  it('works from the keyboard: arrow keys move between the explore tabs, the skip link reaches the content', async () => {
    const page = await web.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${web.service.url}/#/kpi/mrr?range=all`);
    await exploreReady(page);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    await page.getByRole('tab', { name: 'Chart' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Table');
    expect(await page.getByRole('tab', { name: 'Table' }).getAttribute('aria-selected')).toBe('true');
    expect(await page.locator('#panel-table').isVisible()).toBe(true);
    await page.close();
  });
});
