/**
 * Realtime pushes of a KPI's value: Server-Sent Events at GET /api/metrics/{kpiId}/stream, and a
 * WebSocket at the same URL (an Upgrade request). Both take the value route's parameters; the hub
 * (src/realtime) shares one recomputation among everyone asking the same question.
 */
import type { ServerType } from '@hono/node-server';
import { createNodeWebSocket } from '@hono/node-ws';
import { createRoute, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Computed, DropReason, RealtimeEvent, Subscriber } from '../../realtime/hub.ts';
import { RealtimeLimitError } from '../../realtime/hub.ts';
import type { MetricParams, QueryService } from '../../service/query-service.ts';
import type { App, AppDeps } from '../deps.ts';
import { ApiError, errorBody, toApiError } from '../errors.ts';
import { errorResponses, KpiIdParam, StreamQueryParams } from '../schemas.ts';
import { toParams } from './metrics.ts';

type StreamQuery = z.infer<typeof StreamQueryParams>;

/** `computedAt` changes on every recomputation; only the rest of the body is news. */
function fingerprintOf(body: string): string {
  const { computedAt: _, ...rest } = JSON.parse(body) as Record<string, unknown>;
  return JSON.stringify(rest);
}

function computeValue(
  queries: QueryService,
  kpiId: string,
  params: MetricParams,
  maxAgeMs: number,
  observe: (value: number | null) => void,
) {
  return async (): Promise<Computed> => {
    try {
      const { body } = await queries.value(kpiId, params, maxAgeMs);
      const computed: Computed = { type: 'value', data: body, fingerprint: fingerprintOf(body) };
      observe((JSON.parse(body) as { value?: number | null }).value ?? null);
      return computed;
    } catch (error) {
      const data = JSON.stringify(errorBody(toApiError(error)));
      return { type: 'error', data, fingerprint: data };
    }
  };
}

const sseFrame = (e: RealtimeEvent) => `id: ${e.id}\nevent: ${e.type}\ndata: ${e.data}\n\n`;
const dropFrame = (reason: DropReason) => `event: dropped\ndata: ${JSON.stringify({ reason })}\n\n`;

const webSockets = new WeakMap<App, (server: ServerType) => void>();

/** What a stream's WebSocket client may send in one message. */
export const WS_MAX_PAYLOAD_BYTES = 4_096;

/** Lets the HTTP server hand Upgrade requests to the app (main.ts calls it once it listens). */
export function acceptWebSockets(app: App, server: ServerType): void {
  webSockets.get(app)?.(server);
}

export function streamRoutes(app: App, deps: AppDeps): void {
  const realtime = deps.realtime;
  if (!realtime) return;
  const { hub, maxBufferedBytes, heartbeatMs } = realtime;
  const encoder = new TextEncoder();
  const alerts = deps.alerts;
  // Every alert, however it was raised (a stream, the scheduler), reaches the streams of its KPI.
  alerts?.listen((event) => hub.announce(event.kpiId, 'alert', JSON.stringify(event)));

  /** The question, checked once (a bad parameter or unknown KPI is a 4xx, never a stream of errors). */
  const topicFor = async (kpiId: string, query: StreamQuery) => {
    const params = toParams(query);
    await deps.queries.value(kpiId, params);
    const kpi = deps.definitions.get(kpiId).ir;
    // A realtime KPI is recomputed every interval; any other as often as its cached answer expires.
    const intervalMs =
      kpi.schedule?.frequency === 'realtime'
        ? realtime.intervalMs
        : Math.max(realtime.intervalMs, deps.cacheTtlSeconds * 1000);
    const question = JSON.stringify(params);
    const key = `${kpiId}?${question}`;
    // Each new value moves the question's alert level; the change is announced after the value itself
    // (the alert's store write finishes after the value is pushed).
    const observe = (value: number | null) => {
      const thresholds = deps.definitions.get(kpiId).ir.thresholds;
      if (!alerts || !thresholds) return;
      alerts.observe({ kpiId, subject: `stream:${question}`, thresholds, value }).catch((error) =>
        deps.logError?.(error, {
          method: 'GET',
          path: `/api/metrics/${kpiId}/stream`,
          status: 500,
          code: 'alert-failed',
          requestId: 'realtime',
        }),
      );
    };
    return {
      key,
      group: kpiId,
      intervalMs,
      compute: computeValue(deps.queries, kpiId, params, intervalMs, observe),
    };
  };

  const subscribe = (spec: Awaited<ReturnType<typeof topicFor>>, s: Subscriber, lastEventId?: number) => {
    try {
      return hub.subscribe(spec, s, lastEventId);
    } catch (error) {
      if (error instanceof RealtimeLimitError) {
        throw new ApiError(503, 'busy', `${error.message}: try again later`, { limit: error.limit });
      }
      throw error;
    }
  };
  const isUpgrade = (c: Context) => c.req.header('upgrade')?.toLowerCase() === 'websocket';

  const { upgradeWebSocket, injectWebSocket, wss } = createNodeWebSocket({ app });
  // The socket only pushes: a client has nothing to send but control frames, so a large message is
  // refused (close 1009) before it is buffered, instead of ws's 100 MiB default.
  wss.options.maxPayload = WS_MAX_PAYLOAD_BYTES;
  webSockets.set(app, injectWebSocket);

  // An Upgrade request becomes a WebSocket; any other request goes on to the SSE route below.
  app.get(
    '/api/metrics/:kpiId/stream',
    upgradeWebSocket(
      async (c: Context) => {
        // The helper asks for the events before it looks at the request: nothing to do for SSE.
        if (!isUpgrade(c)) return {};
        const kpiId = c.req.param('kpiId') ?? '';
        const parsed = KpiIdParam.safeParse({ kpiId });
        const query = StreamQueryParams.safeParse(c.req.query());
        if (!parsed.success || !query.success) {
          throw new ApiError(400, 'invalid-request', 'the stream request is invalid');
        }
        const spec = await topicFor(kpiId, query.data);
        let leave = () => {};
        return {
          onOpen: (_event, ws) => {
            const raw = ws.raw as
              | {
                  bufferedAmount: number;
                  readyState: number;
                  once(event: 'close' | 'error', fn: () => void): void;
                }
              | undefined;
            // Leave on the socket's own events: @hono/node-ws builds CloseEvent/ErrorEvent for onClose and
            // onError, which Node 20 lacks, so those callbacks never run there and a closed client would
            // stay subscribed (its topic recomputing forever).
            raw?.once('close', () => leave());
            raw?.once('error', () => leave());
            try {
              leave = subscribe(
                spec,
                {
                  send: (e) => {
                    // Not open (closing, closed): the hub lets the subscriber go.
                    if (raw && raw.readyState !== 1) return false;
                    if ((raw?.bufferedAmount ?? 0) > maxBufferedBytes) return false;
                    ws.send(`{"id":${e.id},"type":"${e.type}","data":${e.data}}`);
                    return true;
                  },
                  // 1008 policy violation (a slow client), 1001 going away (shutdown).
                  close: (reason) => ws.close(reason === 'slow-client' ? 1008 : 1001, reason),
                },
                query.data.lastEventId,
              );
            } catch (error) {
              // Upgraded already: the limit's 503 becomes 1013 "try again later".
              ws.close(1013, toApiError(error).message.slice(0, 120));
            }
          },
          onClose: () => leave(),
          onError: () => leave(),
        };
      },
      {
        // The helper's own failures building CloseEvent/ErrorEvent on Node 20 (see onOpen) would be
        // printed for every closed socket; the socket's events above do the work instead.
        onError: () => {},
      },
    ),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/metrics/{kpiId}/stream',
      tags: ['metrics'],
      summary:
        "The KPI's value (the value route's body) pushed as Server-Sent Events whenever it changes; a WebSocket at the same URL",
      description:
        'Events: `value` (the value route’s body), `error` (the error body; the stream goes on), `alert` (the KPI ' +
        'changed alert level, as listed at /api/alerts), `dropped` (the ' +
        'server let this client go: `slow-client` or `shutdown`). Each has an id: reconnecting with ' +
        'Last-Event-ID (or ?lastEventId=) sends what was missed. A `realtime` KPI is recomputed every ' +
        'REALTIME_INTERVAL_MS while anybody listens; others as often as their cached answer expires.',
      request: { params: KpiIdParam, query: StreamQueryParams },
      responses: {
        200: { description: 'an event stream', content: { 'text/event-stream': { schema: {} } } },
        ...errorResponses(400, 401, 403, 404, 422, 503, 504),
      },
    }),
    async (c) => {
      const { kpiId } = c.req.valid('param');
      const query = c.req.valid('query');
      const spec = await topicFor(kpiId, query);
      const header = c.req.header('last-event-id');
      const lastEventId = header && /^\d+$/.test(header) ? Number(header) : query.lastEventId;
      let leave = () => {};
      let heartbeat: NodeJS.Timeout | undefined;
      const stop = () => {
        clearInterval(heartbeat);
        leave();
      };
      const stream = new ReadableStream<Uint8Array>(
        {
          start(controller) {
            const write = (text: string) => controller.enqueue(encoder.encode(text));
            let open = true;
            const end = () => {
              if (!open) return;
              open = false;
              clearInterval(heartbeat);
              controller.close();
            };
            leave = subscribe(
              spec,
              {
                send: (e) => {
                  if (!open || (controller.desiredSize ?? 0) < -maxBufferedBytes) return false;
                  write(sseFrame(e));
                  return true;
                },
                close: (reason) => {
                  if (!open) return;
                  write(dropFrame(reason));
                  end();
                },
              },
              lastEventId,
            );
            heartbeat = setInterval(() => {
              if (open && (controller.desiredSize ?? 0) === 0) write(': keep-alive\n\n');
            }, heartbeatMs);
            heartbeat.unref?.();
          },
          cancel: stop,
        },
        // No high-water mark: desiredSize is minus the bytes the client has not read yet.
        new ByteLengthQueuingStrategy({ highWaterMark: 0 }),
      );
      return new Response(stream, {
        headers: {
          'Content-Type': 'text/event-stream; charset=utf-8',
          'Cache-Control': 'no-store',
          // Proxies such as nginx would otherwise hold the events back.
          'X-Accel-Buffering': 'no',
        },
      }) as never;
    },
  );
}
