/** Reads Server-Sent Events from a fetch Response as they come (tests and benchmarks of the streams). */
// @ts-nocheck


export interface SseEvent {
  readonly id?: string;
  readonly event?: string;
  readonly data?: string;
}

export interface SseReader {
  /** The next event (heartbeat comments skipped); rejects when the stream ends first. */
  next(): Promise<SseEvent>;
  cancel(): Promise<void>;
}

export function sseReader(res: Response): SseReader {
  const body = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async next(): Promise<SseEvent> {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (frame.startsWith(':')) continue; // a heartbeat
          const event: Record<string, string> = {};
          for (const line of frame.split('\n')) {
            const at = line.indexOf(': ');
            event[line.slice(0, at)] = line.slice(at + 2);
          }
          return event;
        }
        const { value, done } = await body.read();
        if (done) throw new Error('the stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    },
    cancel: () => body.cancel(),
  };
}
