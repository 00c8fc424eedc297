/**
 * The `analytics` MongoDB source: mongo-java-server (MongoDB wire protocol, in Java) with its H2
 * MVStore backend, so the data persists in .stack/mongo/analytics.mv across restarts.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import type { StackConfig } from '../../config/stack-config.ts';
import { spawnDetached } from '../process.ts';
import type { LocalService } from './service.ts';

const launcher = fileURLToPath(new URL('../mongo-java-server.java', import.meta.url));

export async function mongoPing(url: string): Promise<boolean> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 1000, connectTimeoutMS: 1000 });
  try {
    await client.connect();
    const reply = await client.db('admin').command({ ping: 1 });
    return reply.ok === 1;
  } finally {
    await client.close();
  }
}

export const mongoService: LocalService = {
  name: 'mongo',
  portVariable: 'KPI_MONGO_PORT',
  port: (config) => config.ports.mongo,
  readyTimeoutMs: 60_000,
  stopSignal: 'SIGTERM',
  stopGroup: true,
  async start({ config, prereqs }) {
    const dir = join(config.stackDir, 'mongo');
    mkdirSync(dir, { recursive: true });
    return spawnDetached(config.stackDir, 'mongo', join(prereqs.javaHome, 'bin', 'java'), [
      '-Xmx2G',
      // The serial collector: least GC overhead for a small single-purpose server on two cores.
      '-XX:+UseSerialGC',
      '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
      '-cp',
      join(prereqs.mongoLib, '*'),
      // Single-file source launch (JEP 330): no build step for the 30-line launcher.
      launcher,
      config.host,
      String(config.ports.mongo),
      join(dir, 'analytics.mv'),
    ]);
  },
  ready: (config: StackConfig) =>
    mongoPing(`mongodb://${config.host}:${config.ports.mongo}/?directConnection=true`),
};
