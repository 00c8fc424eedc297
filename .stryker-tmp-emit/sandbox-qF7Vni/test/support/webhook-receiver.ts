/** A real HTTP webhook receiver on 127.0.0.1 for tests: records every request, can fail the first ones. */
// @ts-nocheck

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  readonly body: string;
  readonly headers: Record<string, string | string[] | undefined>;
}

/** Answers 503 to the first `failures` requests, then 204. */
export async function webhookReceiver(failures = 0) {
  const received: Received[] = [];
  let left = failures;
  const waiting: Array<() => void> = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      received.push({ body, headers: req.headers });
      res.statusCode = left-- > 0 ? 503 : 204;
      res.end();
      for (const w of waiting.splice(0)) w();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    /** Resolves once `n` requests have arrived. */
    async count(n: number) {
      while (received.length < n) await new Promise<void>((r) => waiting.push(r));
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
