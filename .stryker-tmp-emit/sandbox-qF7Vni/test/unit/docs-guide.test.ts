/**
 * The user guide at /docs/guide: README and docs/*.md as pages that need nothing from the internet,
 * ```kpi blocks coloured by the grammar's own lexer, links between the Markdown files kept working.
 */
// @ts-nocheck

import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { guideRoutes, guideTopics, pageHref, slug } from '../../src/docs/guide.ts';
import { highlightKpi } from '../../src/lang/highlight.ts';

const app = new Hono();
guideRoutes(app);

describe('highlightKpi', () => {
  it('wraps keywords, names before ( and :, strings, numbers and comments, and keeps every character', () => {
    const source =
      'kpi cac "CAC" {\n  formula: sum(x.y.amount where category = \'m&<\') / 2 -- per <month>\n}';
    const html = highlightKpi(source);
    expect(html).toContain('<span class="kpi-keyword">kpi</span>');
    expect(html).toContain('<span class="kpi-keyword">where</span>');
    expect(html).toContain('<span class="kpi-property">formula</span>');
    expect(html).toContain('<span class="kpi-function">sum</span>');
    expect(html).toContain('<span class="kpi-string">&#39;m&#38;&#60;&#39;</span>');
    expect(html).toContain('<span class="kpi-number">2</span>');
    expect(html).toContain('<span class="kpi-comment">-- per &#60;month&#62;</span>');
    // Stripping the markup and decoding the entities gives the source back.
    const text = html.replace(/<[^>]+>/g, '').replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)));
    expect(text).toBe(source);
  });

  it('leaves text the lexer cannot read plain and escaped, never as markup', () => {
    const html = highlightKpi('kpi x = <script>alert(1)</script> ¤');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;');
  });
});

describe('the user guide at /docs/guide', () => {
  it('serves the README and every docs/*.md topic as a page that loads nothing from elsewhere', async () => {
    expect(guideTopics()).toEqual(expect.arrayContaining(['language', 'queries', 'service', 'operations']));
    for (const path of ['/docs/guide', ...guideTopics().map((t) => `/docs/guide/${t}`)]) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      const html = await res.text();
      expect(html, path).not.toMatch(/<(script|link)\b[^>]*(src|href)="https?:/);
      expect(html, path).not.toMatch(/<img\b[^>]*src="https?:/);
    }
  });

  it('colours the ```kpi blocks of the language guide with the lexer', async () => {
    const html = await (await app.request('/docs/guide/language')).text();
    expect(html).toMatch(
      /<code class="language-kpi">[\s\S]*?<span class="kpi-keyword">kpi<\/span> cac_marketing/,
    );
    expect(html).toContain('<span class="kpi-property">formula</span>');
  });

  it('turns links between the Markdown files into links between pages, with GitHub-style anchors', async () => {
    expect(pageHref('queries.md', 'topic')).toBe('/docs/guide/queries');
    expect(pageHref('development.md#benchmarks', 'topic')).toBe('/docs/guide/development#benchmarks');
    expect(pageHref('../README.md', 'topic')).toBe('/docs/guide');
    expect(pageHref('docs/web.md', 'index')).toBe('/docs/guide/web');
    expect(pageHref('docs/images/web-browse.png', 'index')).toBe('/docs/guide/images/web-browse.png');
    expect(pageHref('https://trino.io/docs', 'topic')).toBe('https://trino.io/docs');
    expect(slug('Status and known gaps')).toBe('status-and-known-gaps');
    const dev = await (await app.request('/docs/guide/development')).text();
    expect(dev).toContain('id="benchmarks"');
    const index = await (await app.request('/docs/guide')).text();
    expect(index).toContain('href="/docs/guide/language"');
    const image = await app.request('/docs/guide/images/web-explore-breakdown.png');
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
  });

  it('answers 404 for anything that is not a topic or an image of the guide', async () => {
    for (const path of [
      '/docs/guide/nope',
      '/docs/guide/..%2Fpackage',
      '/docs/guide/README.md',
      '/docs/guide/images/..%2F..%2Fpackage.json',
      '/docs/guide/images/missing.png',
      `/docs/guide/${'a'.repeat(5000)}`,
    ]) {
      expect((await app.request(path)).status, path).toBe(404);
    }
  });
});
