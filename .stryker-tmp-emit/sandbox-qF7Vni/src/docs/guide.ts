/**
 * The user guide as web pages, served by the service at `/docs/guide` so it reads without internet
 * access: README.md is the index, `docs/<topic>.md` the topics, `docs/images/*.png` their pictures.
 * Markdown is rendered with `marked`; ```kpi code blocks are highlighted with the grammar's own lexer
 * (src/lang/highlight.ts). Pages are rendered once per process, on first request; links between the
 * Markdown files become links between the pages.
 */
// @ts-nocheck

import { readdirSync, readFileSync } from 'node:fs';
import type { Hono } from 'hono';
import { Marked, type Tokens } from 'marked';
import { highlightKpi } from '../lang/highlight.ts';
import { GUIDE_STYLE } from './guide-style.ts';

const ROOT = new URL('../../', import.meta.url);
const DOCS = new URL('docs/', ROOT);
/** A topic is a Markdown file's name without `.md`: letters, digits and dashes, nothing else. */
const TOPIC = /^[a-z0-9-]+$/;
const IMAGE = /^[a-z0-9-]+\.png$/;

export const GUIDE_PATH = '/docs/guide';

/** The topics there are (docs/*.md), read once. */
let topicList: readonly string[] | undefined;
export function guideTopics(): readonly string[] {
  try {
    topicList ??= readdirSync(DOCS)
      .filter((f) => f.endsWith('.md'))
      .map((f) => f.slice(0, -3))
      .filter((t) => TOPIC.test(t))
      .sort();
  } catch {
    topicList = []; // an installation without docs/: the guide answers 404, the rest of /docs works
  }
  return topicList;
}

/** GitHub's heading anchors (lower case, punctuation dropped, spaces to dashes), so `#…` links keep working. */
export const slug = (text: string): string =>
  text
    .toLowerCase()
    .replace(/<[^>]*>/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .trim()
    .replace(/\s/g, '-');

/** A link of the Markdown sources, as a link between the served pages. */
export function pageHref(href: string, from: 'index' | 'topic'): string {
  if (/^[a-z]+:|^#|^\//i.test(href)) return href;
  const [path = '', anchor] = href.split('#', 2);
  const hash = anchor === undefined ? '' : `#${anchor}`;
  const name = path.split('/').pop() ?? '';
  const inDocs =
    from === 'topic' ? !path.includes('/') : path.startsWith('docs/') && path.split('/').length === 2;
  if (name === 'README.md' && (path === '../README.md' || (from === 'index' && path === 'README.md')))
    return `${GUIDE_PATH}${hash}`;
  if (inDocs && name.endsWith('.md') && TOPIC.test(name.slice(0, -3)))
    return `${GUIDE_PATH}/${name.slice(0, -3)}${hash}`;
  const image = from === 'topic' ? /^images\/([^/]+)$/.exec(path) : /^docs\/images\/([^/]+)$/.exec(path);
  if (image && IMAGE.test(image[1]!)) return `${GUIDE_PATH}/images/${image[1]}`;
  return href;
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function renderer(from: 'index' | 'topic'): Marked {
  return new Marked({
    gfm: true,
    walkTokens(token) {
      if (token.type === 'link' || token.type === 'image') {
        const t = token as Tokens.Link | Tokens.Image;
        t.href = pageHref(t.href, from);
      }
    },
    renderer: {
      code({ text, lang }: Tokens.Code) {
        const language = (lang ?? '').trim().split(/\s/)[0] ?? '';
        const body = language === 'kpi' ? highlightKpi(text) : escapeHtml(text);
        const cls = language ? ` class="language-${escapeHtml(language)}"` : '';
        return `<pre><code${cls}>${body}</code></pre>\n`;
      },
      heading({ tokens, depth, text }: Tokens.Heading) {
        return `<h${depth} id="${slug(text)}">${this.parser.parseInline(tokens)}</h${depth}>\n`;
      },
    },
  });
}

function page(title: string, body: string, current: string | null): string {
  const nav = [`<a href="${GUIDE_PATH}"${current === null ? ' aria-current="page"' : ''}>README</a>`]
    .concat(
      guideTopics().map(
        (t) => `<a href="${GUIDE_PATH}/${t}"${t === current ? ' aria-current="page"' : ''}>${t}</a>`,
      ),
    )
    .join(' ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} — kpi-engine</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${GUIDE_STYLE}</style></head>
<body><nav>${nav} · <a href="/docs">API</a> · <a href="/docs/grammar">syntax diagrams</a></nav>
<main>${body}</main></body></html>`;
}

const pages = new Map<string, string>();

/** The page of a topic (null: the README), rendered once; null when there is no such topic. */
export function guidePage(topic: string | null): string | null {
  const key = topic ?? '';
  const hit = pages.get(key);
  if (hit) return hit;
  if (topic !== null && !guideTopics().includes(topic)) return null;
  const file = topic === null ? new URL('README.md', ROOT) : new URL(`${topic}.md`, DOCS);
  let markdown: string;
  try {
    markdown = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const title = /^#\s+(.+)$/m.exec(markdown)?.[1] ?? topic ?? 'kpi-engine';
  const html = page(title, renderer(topic === null ? 'index' : 'topic').parse(markdown) as string, topic);
  pages.set(key, html);
  return html;
}

const notFound = (what: string) => ({
  error: { code: 'not-found', message: `no ${what} in the user guide` },
});

/** `/docs/guide`, `/docs/guide/<topic>`, `/docs/guide/images/<file>.png`. Public: they hold no data. */
export function guideRoutes(app: Hono<any>): void {
  app.get(GUIDE_PATH, (c) => {
    const html = guidePage(null);
    return html ? c.html(html) : c.json(notFound('README'), 404);
  });
  app.get(`${GUIDE_PATH}/:topic`, (c) => {
    const topic = c.req.param('topic');
    const html = TOPIC.test(topic) ? guidePage(topic) : null;
    return html ? c.html(html) : c.json(notFound(`topic "${topic.slice(0, 80)}"`), 404);
  });
  app.get(`${GUIDE_PATH}/images/:file`, (c) => {
    const file = c.req.param('file');
    if (!IMAGE.test(file)) return c.json(notFound('such image'), 404);
    try {
      const body = readFileSync(new URL(`images/${file}`, DOCS));
      return c.body(new Uint8Array(body), 200, {
        'Content-Type': 'image/png',
        'Cache-Control': 'public, max-age=3600',
      });
    } catch {
      return c.json(notFound('such image'), 404);
    }
  });
}
