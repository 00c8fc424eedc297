/**
 * Browser tests of the web app: `npm start` on the embedded default (PGlite + demo data, as a user runs
 * it) driven by Debian's chromium through playwright-core (Playwright's own browser downloads need the
 * internet; scripts/install-prereqs.sh apt-installs chromium). Numbers are checked against hand-written
 * SQL on an independent PGlite loaded with the same demo data.
 */
// @ts-nocheck

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { type Browser, chromium, type Page } from 'playwright-core';
import { loadDemoDataIntoPglite } from '../../src/data/load.ts';
import { createEmbeddedDb } from '../../src/store/pglite-client.ts';
import { NOTHING_CONFIGURED, type RunningService, startService } from '../e2e/api-support.ts';

export const SCALE = '0.01';
/** Screenshots of the main views (test artifacts; the README shows copies from docs/images). */
export const ARTIFACTS = join(process.cwd(), 'reports', 'web');

export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((c): c is string => Boolean(c) && existsSync(c!));
  if (!found) {
    throw new Error('chromium is missing: run `bash scripts/install-prereqs.sh` (apt-get install chromium)');
  }
  return found;
}

export async function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  // --no-sandbox: CI containers run as root, where Chromium's sandbox refuses to start.
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-dev-shm-usage', ...extraArgs],
  });
}

export interface WebFixture {
  readonly service: RunningService;
  readonly browser: Browser;
  readonly oracle: PGlite;
  close(): Promise<void>;
}

export async function startWebFixture(
  env: Record<string, string> = {},
  browserArgs: readonly string[] = [],
): Promise<WebFixture> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const [service, browser, oracle] = await Promise.all([
    startService({ ...NOTHING_CONFIGURED, DEMO_SCALE: SCALE, ...env }),
    launchBrowser(browserArgs),
    createEmbeddedDb(),
  ]);
  await loadDemoDataIntoPglite(oracle, { scale: Number(SCALE) });
  return {
    service,
    browser,
    oracle,
    async close() {
      await browser.close().catch(() => {});
      await service.stop();
      await oracle.close();
    },
  };
}

/** A page that records console errors and page errors: every test ends by asserting there were none. */
export async function openPage(
  fixture: WebFixture,
  hash: string,
  viewport = { width: 1280, height: 800 },
): Promise<{ page: Page; errors: string[] }> {
  const page = await fixture.browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${fixture.service.url}/${hash}`);
  return { page, errors };
}

/** Waits until the explore view has drawn the state it asked for. */
export async function exploreReady(page: Page): Promise<void> {
  await page.locator('[data-role="status"][data-state="ready"]').waitFor({ timeout: 120_000 });
}

export interface ChartPoint {
  readonly series: string;
  readonly time: string;
  readonly value: number;
}

export async function chartPoints(page: Page, scope = 'main'): Promise<ChartPoint[]> {
  return page.locator(`${scope} figure.chart g.series circle`).evaluateAll((circles) =>
    circles.map((c) => ({
      series: (c.parentElement as unknown as SVGGElement).dataset.series ?? '',
      time: (c as SVGCircleElement).dataset.time ?? '',
      value: Number((c as SVGCircleElement).dataset.value),
    })),
  );
}

export const round2 = (v: number | string | null): number | null =>
  v === null ? null : Math.round(Number(v) * 100) / 100;
