/**
 * The service's structured log (pino): one JSON object a line in production (LOG_FORMAT=json, the
 * default with NODE_ENV=production), readable lines in development (`kpi-engine: message key=value`,
 * errors with their stack). Secrets never reach it: authorization and cookie headers, passwords, client
 * secrets and tokens are censored by path, and credentials inside URLs are masked wherever a string is
 * logged through `redactUrls`.
 */
// @ts-nocheck

import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  readonly level: string;
  readonly format: 'json' | 'pretty';
  readonly name: string;
  /** Where lines go (stdout by default); tests pass their own. */
  readonly destination?: NodeJS.WritableStream;
}

const CENSORED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  '*.password',
  '*.secret',
  '*.token',
  '*.AUTH0_CLIENT_SECRET',
  '*.TRINO_PASSWORD',
  'password',
  'token',
];

/** `scheme://user:secret@host` → `scheme://user:***@host`, anywhere in a text. */
export const redactUrls = (text: string): string =>
  text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@/\s]+@/gi, '$1***@');

export function createLogger(o: LoggerOptions): Logger {
  const options: pino.LoggerOptions = {
    name: o.name,
    level: o.level,
    redact: { paths: CENSORED_PATHS, censor: '***' },
    base: { service: o.name },
    formatters: { level: (label) => ({ level: label }) },
    hooks: {
      // Messages are text written by us, but may quote a connection URL: mask its password.
      logMethod(args, method) {
        method.apply(
          this,
          args.map((a) => (typeof a === 'string' ? redactUrls(a) : a)) as Parameters<typeof method>,
        );
      },
    },
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
  };
  const out = o.destination ?? process.stdout;
  return pino(options, o.format === 'json' ? (out as pino.DestinationStream) : prettyStream(out));
}

const LEVEL_TAG: Readonly<Record<string, string>> = { warn: 'WARN ', error: 'ERROR ', fatal: 'FATAL ' };
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'service', 'name', 'msg', 'err', 'error']);

/** Development lines: `kpi-engine: [LEVEL ]message key=value…`, then an error's stack, indented. */
function prettyStream(out: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        let record: Record<string, unknown>;
        try {
          record = JSON.parse(line);
        } catch {
          out.write(`${line}\n`);
          continue;
        }
        const extra = Object.entries(record)
          .filter(([k]) => !HIDDEN.has(k))
          .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
          .join(' ');
        const err = (record.err ?? record.error) as { stack?: string; message?: string } | undefined;
        const stack = err ? `\n    ${(err.stack ?? err.message ?? '').split('\n').join('\n    ')}` : '';
        out.write(
          `kpi-engine: ${LEVEL_TAG[String(record.level)] ?? ''}${record.msg ?? ''}${extra ? ` ${extra}` : ''}${stack}\n`,
        );
      }
      done();
    },
  });
}

/** AppDeps.logError over the structured log: one record per 5xx, with the stack and the request id. */
export const logServerError =
  (logger: Logger) =>
  (
    error: unknown,
    context: { method: string; path: string; status: number; code: string; requestId: string },
  ) =>
    logger.error(
      {
        err: error,
        requestId: context.requestId,
        method: context.method,
        path: context.path,
        status: context.status,
        code: context.code,
      },
      `${context.status} ${context.code}: ${context.method} ${context.path}`,
    );
