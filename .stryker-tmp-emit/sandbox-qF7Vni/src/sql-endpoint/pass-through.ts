/**
 * Statements for Trino go to Trino untouched: the POST and every poll are forwarded as they came (the
 * client's X-Trino-* headers, never its Authorization), and Trino's answers come back as they are —
 * status, X-Trino-* headers, and the JSON body streamed chunk by chunk with only `nextUri` and
 * `partialCancelUri` pointed at this endpoint (they sit at the head of the body, before `columns` and
 * `data`). No state is kept here: Trino keeps each page until the next is asked for, cancels queries
 * nobody polls, and a DELETE forwarded to it cancels the query.
 */
// @ts-nocheck

import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { trinoConnection } from '../exec/trino-connection.ts';
import { SqlError } from './errors.ts';
import type { Column } from './protocol.ts';

const NEXT_URIS = /"(nextUri|partialCancelUri)":"https?:\/\/[^/"]+/g;
/** The first of these keys ends the head of a QueryResults body (URIs come before them). */
const HEAD_END = [Buffer.from('"columns"'), Buffer.from('"data"'), Buffer.from('"stats"')];
const MAX_HEAD = 64 * 1024;

export interface UpstreamRequest {
  readonly method: 'GET' | 'POST' | 'DELETE' | 'HEAD';
  /** Path and query, e.g. `/v1/statement/executing/…/2`. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export class TrinoUpstream {
  /** Trino's URL without credentials (for messages). */
  readonly url: string;
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;

  /** The connection's user: X-Trino-User when neither a token nor the client names one. */
  readonly user: string;
  private readonly authorization: string | null;

  /** `url` is TRINO_URL: credentials in it are sent as Authorization, never in the URL. */
  constructor(url: string) {
    const connection = trinoConnection({ TRINO_URL: url });
    this.url = connection.url;
    this.user = connection.user;
    this.authorization = connection.authorization;
    this.base = new URL(connection.url);
    this.transport = this.base.protocol === 'https:' ? https : http;
    this.agent = new this.transport.Agent({ keepAlive: true, maxSockets: 256 });
  }

  private send(r: UpstreamRequest): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const basePath = this.base.pathname.replace(/\/$/, '');
      const req = this.transport.request(
        {
          protocol: this.base.protocol,
          hostname: this.base.hostname,
          port: this.base.port,
          method: r.method,
          path: `${basePath}${r.path}`,
          agent: this.agent,
          headers: {
            ...r.headers,
            ...(this.authorization ? { authorization: this.authorization } : {}),
            ...(r.body !== undefined
              ? {
                  'content-type': 'text/plain; charset=utf-8',
                  'content-length': String(Buffer.byteLength(r.body)),
                }
              : {}),
          },
        },
        resolve,
      );
      req.on('error', (error) =>
        reject(
          new SqlError(
            'NO_NODES_AVAILABLE',
            `Trino at ${this.url} is unreachable (${(error as NodeJS.ErrnoException).code ?? error.message})`,
          ),
        ),
      );
      req.end(r.body);
    });
  }

  /** Forwards one request and streams Trino's answer back, its URIs pointing at `publicBase`. */
  async forward(r: UpstreamRequest, publicBase: string): Promise<Response> {
    const res = await this.send(r);
    const headers = new Headers();
    for (const [name, value] of Object.entries(res.headers)) {
      if (value === undefined) continue;
      if (
        name.startsWith('x-trino-') ||
        name === 'content-type' ||
        name === 'www-authenticate' ||
        name === 'retry-after'
      ) {
        for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
      }
    }
    const status = res.statusCode ?? 502;
    if (status === 204 || r.method === 'HEAD' || r.method === 'DELETE') {
      res.resume();
      return new Response(null, { status: status === 200 && r.method === 'DELETE' ? 204 : status, headers });
    }
    const json = String(res.headers['content-type'] ?? '').includes('json');
    return new Response(json ? rewritingHead(res, publicBase) : streamOf(res), { status, headers });
  }

  /** Runs a small statement to the end and returns all its rows (catalog lists for merged answers). */
  async collect(
    sql: string,
    headers: Readonly<Record<string, string>>,
  ): Promise<{ columns: Column[]; rows: unknown[][] }> {
    type Page = {
      nextUri?: string;
      columns?: Column[];
      data?: unknown[][];
      error?: { message: string; errorName: string };
    };
    const read = async (res: IncomingMessage): Promise<Page> => {
      const chunks: Buffer[] = [];
      for await (const chunk of res) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      if ((res.statusCode ?? 500) >= 400)
        throw new SqlError(
          'GENERIC_INTERNAL_ERROR',
          `Trino answered HTTP ${res.statusCode}: ${text.slice(0, 300)}`,
        );
      return JSON.parse(text) as Page;
    };
    let page = await read(await this.send({ method: 'POST', path: '/v1/statement', headers, body: sql }));
    const columns: Column[] = [];
    const rows: unknown[][] = [];
    for (;;) {
      if (page.error) throw new SqlError('GENERIC_INTERNAL_ERROR', `Trino: ${page.error.message}`);
      if (page.columns && columns.length === 0) columns.push(...page.columns);
      if (page.data) rows.push(...page.data);
      if (!page.nextUri) return { columns, rows };
      const next = new URL(page.nextUri);
      page = await read(await this.send({ method: 'GET', path: `${next.pathname}${next.search}`, headers }));
    }
  }

  close(): void {
    this.agent.destroy();
  }
}

function streamOf(res: IncomingMessage): ReadableStream<Uint8Array> {
  const it = res[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await it.next();
      if (done) controller.close();
      else controller.enqueue(new Uint8Array(value as Buffer));
    },
    cancel() {
      res.destroy();
    },
  });
}

/** Streams the body, rewriting the URIs in its head and passing every later byte through untouched. */
function rewritingHead(res: IncomingMessage, publicBase: string): ReadableStream<Uint8Array> {
  const it = res[Symbol.asyncIterator]();
  let head: Buffer | null = Buffer.alloc(0);
  const flushHead = (controller: ReadableStreamDefaultController<Uint8Array>, all: boolean) => {
    const buffer = head!;
    const ends = HEAD_END.map((m) => buffer.indexOf(m)).filter((i) => i >= 0);
    if (!all && ends.length === 0 && buffer.length < MAX_HEAD) return false;
    const cut = ends.length > 0 ? Math.min(...ends) : all ? buffer.length : buffer.length;
    const rewritten = buffer.subarray(0, cut).toString('latin1').replace(NEXT_URIS, `"$1":"${publicBase}`);
    controller.enqueue(new Uint8Array(Buffer.from(rewritten, 'latin1')));
    if (cut < buffer.length) controller.enqueue(new Uint8Array(buffer.subarray(cut)));
    head = null;
    return true;
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        const { value, done } = await it.next();
        if (done) {
          if (head !== null) flushHead(controller, true);
          controller.close();
          return;
        }
        const chunk = value as Buffer;
        if (head === null) {
          controller.enqueue(new Uint8Array(chunk));
          return;
        }
        head = Buffer.concat([head, chunk]);
        if (flushHead(controller, false)) return;
      }
    },
    cancel() {
      res.destroy();
    },
  });
}
