/** Redis from Debian's packages: a cache only, so no persistence (nothing to restore after a restart). */
import { mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import type { StackConfig } from '../../config/stack-config.ts';
import { spawnDetached } from '../process.ts';
import type { LocalService } from './service.ts';

/** Sends PING and expects +PONG: an open port alone may still be loading. */
export function redisPing(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolvePing) => {
    const socket = createConnection({ host, port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolvePing(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
    socket.once('error', () => done(false));
  });
}

export const redisService: LocalService = {
  name: 'redis',
  portVariable: 'KPI_REDIS_PORT',
  port: (config) => config.ports.redis,
  readyTimeoutMs: 30_000,
  stopSignal: 'SIGTERM',
  stopGroup: true,
  async start({ config, prereqs }) {
    const dir = join(config.stackDir, 'redis');
    mkdirSync(dir, { recursive: true });
    return spawnDetached(config.stackDir, 'redis', prereqs.redisServer, [
      '--bind',
      config.host,
      '--port',
      String(config.ports.redis),
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
    ]);
  },
  ready: (config: StackConfig) => redisPing(config.host, config.ports.redis),
};
