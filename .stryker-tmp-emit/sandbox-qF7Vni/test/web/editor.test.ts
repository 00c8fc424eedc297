/**
 * The KPI editor in chromium against `npm start`: diagnostics underlined at the compiler's line and
 * column as the user types, cleared by the fix; completion from the catalog; a preview of the draft;
 * saving a new KPI (it appears in the list); a conflicting save showing both versions; the history diff.
 */
// @ts-nocheck

import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, chartPoints, openPage, startWebFixture, type WebFixture } from './support.ts';

const draft = (column: string) => `kpi web_signup_spend "Spend per sign-up" {
  category: business
  formula: sum(finance.expenses.${column}) / count(users.accounts.id)
  dimensions: channel
  grains: month
}
`;

async function replaceText(page: Page, text: string): Promise<void> {
  await page.locator('.cm-content').click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText(text);
}

describe('web app: the KPI editor (chromium, embedded default)', () => {
  let web: WebFixture;
  beforeAll(async () => {
    web = await startWebFixture();
  });
  afterAll(async () => {
    await web?.close();
  });

  it('underlines a typo at its line and column as the user types, and the fix clears it', async () => {
    const { page, errors } = await openPage(web, '#/new');
    await page.locator('.cm-content').waitFor();
    await replaceText(page, draft('amout'));
    const problem = page.locator('ul.diagnostics li[data-code="unknown-column"]');
    await problem.waitFor();
    // Line 3 (1-based), at the column where "amout" starts on it.
    const line = draft('amout').split('\n')[2]!;
    expect(await problem.getAttribute('data-line')).toBe('3');
    expect(await problem.getAttribute('data-column')).toBe(String(line.indexOf('amout') + 1));
    expect(await problem.textContent()).toContain('did you mean "amount"?');
    await expect.poll(() => page.locator('.cm-lintRange-error').textContent()).toBe('amout');
    await page.screenshot({ path: join(ARTIFACTS, 'editor-diagnostic.png'), fullPage: true });

    await replaceText(page, draft('amount'));
    await page.locator('ul.diagnostics[data-state="valid"]').waitFor({ state: 'attached' });
    expect(await page.locator('ul.diagnostics li').count()).toBe(0);
    expect(await page.locator('.cm-lintRange-error').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('completes tables after a source and columns after a table, from /api/catalog', async () => {
    const { page, errors } = await openPage(web, '#/new');
    await replaceText(page, 'kpi c "C" {\n  formula: sum(payments.');
    await page.keyboard.press('Control+Space');
    await expect
      .poll(() => page.locator('.cm-tooltip-autocomplete li').allTextContents())
      .toEqual(expect.arrayContaining([expect.stringContaining('subscriptions')]));
    await page.keyboard.insertText('subscriptions.');
    await page.keyboard.press('Control+Space');
    await expect
      .poll(() => page.locator('.cm-tooltip-autocomplete li').allTextContents())
      .toEqual(expect.arrayContaining([expect.stringContaining('amount')]));
    expect(errors).toEqual([]);
  });

  it('previews the draft with the numbers /api/query gives, saves it, and the list shows it', async () => {
    const { page, errors } = await openPage(web, '#/new');
    await replaceText(page, draft('amount'));
    await page.locator('ul.diagnostics[data-state="valid"]').waitFor({ state: 'attached' });
    await page.getByLabel('Range').selectOption('all');
    await page.getByRole('button', { name: 'Preview draft' }).click();
    await page.locator('[data-role="preview"][data-state="ready"]').waitFor();
    const shown = await chartPoints(page, '[data-role="preview"]');
    const rows = await page.evaluate(async (dsl) => {
      const res = await fetch('/api/query', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          dsl,
          grain: 'month',
          start: '2020-01-01',
          end: new Date(Date.now() + 86_400_000).toISOString().slice(0, 10),
        }),
      });
      return (await res.json()).rows as { time: string; value: number | null }[];
    }, draft('amount'));
    expect(shown.map((p) => [p.time, p.value])).toEqual(
      rows.filter((r) => r.value !== null).map((r) => [r.time, r.value]),
    );
    expect(shown.length).toBeGreaterThan(0);

    await page.getByRole('button', { name: 'Save KPI' }).click();
    await page.waitForURL(/#\/edit\/web_signup_spend/);
    await page.locator('[data-role="history"] li').first().waitFor();
    await page.goto(`${web.service.url}/#/?q=web_signup`);
    await expect.poll(() => page.locator('li.card:visible').count()).toBe(1);
    expect(await page.locator('li.card:visible h2').textContent()).toBe('Spend per sign-up');
    expect(errors).toEqual([]);
  });

  it('a conflicting save shows both versions and can overwrite; the history diffs versions', async () => {
    const original = draft('amount').replaceAll('web_signup_spend', 'web_conflict');
    const created = await fetch(`${web.service.url}/api/definitions`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: original,
    });
    expect(created.status).toBe(201);
    const { page, errors } = await openPage(web, '#/edit/web_conflict');
    await page.locator('[data-role="history"] li').first().waitFor();
    // Someone else saves version 2 while this page still edits version 1.
    const theirs = original.replace('Spend per sign-up', 'Spend per sign-up (theirs)');
    const put = await fetch(`${web.service.url}/api/definitions/web_conflict`, {
      method: 'PUT',
      headers: { 'Content-Type': 'text/plain', 'If-Match': '"1"' },
      body: theirs,
    });
    expect(put.status).toBe(200);
    const mine = original.replace('grains: month', 'grains: month, quarter');
    await replaceText(page, mine);
    await page.getByRole('button', { name: 'Save new version' }).click();
    const conflict = page.locator('[data-role="conflict"]');
    await conflict.waitFor();
    expect(await conflict.locator('[data-role="theirs"]').textContent()).toContain('(theirs)');
    expect(await conflict.locator('[data-role="mine"]').textContent()).toContain('grains: month, quarter');
    expect(await conflict.locator('[data-role="diff"] .add').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('grains: month, quarter')]),
    );
    await page.screenshot({ path: join(ARTIFACTS, 'editor-conflict.png'), fullPage: true });

    await page.getByRole('button', { name: 'Overwrite with mine' }).click();
    await expect.poll(() => page.locator('[data-role="save-status"]').textContent()).toBe('Saved version 3.');
    const stored = await (await fetch(`${web.service.url}/api/definitions/web_conflict`)).json();
    expect(stored.version).toBe(3);
    expect(stored.aggregations).toEqual(['month', 'quarter']);

    await page.getByLabel('Compare the editor with').selectOption('2');
    await expect
      .poll(() => page.locator('[data-role="history"] [data-role="diff"] .del').allTextContents())
      .toEqual(expect.arrayContaining([expect.stringContaining('(theirs)')]));
    // The refused PUT is the only error the browser logs (Chrome logs every 4xx response).
    expect(errors).toEqual([expect.stringMatching(/status of 412/)]);
  });
});
