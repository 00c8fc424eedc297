/** The metrics store (PGlite with TimescaleDB over the wire protocol), see ../timescale-server.ts. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { projectRoot, type StackConfig } from '../../config/stack-config.ts';
import { spawnDetached } from '../process.ts';
import type { LocalService } from './service.ts';

const serverScript = fileURLToPath(new URL('../timescale-server.ts', import.meta.url));

export const timescaleUrl = (config: StackConfig) =>
  `postgresql://postgres:postgres@${config.host}:${config.ports.timescale}/postgres`;

export const timescaleService: LocalService = {
  name: 'timescale',
  portVariable: 'KPI_TIMESCALE_PORT',
  port: (config) => config.ports.timescale,
  readyTimeoutMs: 120_000,
  stopSignal: 'SIGTERM',
  stopGroup: true,
  async start({ config }) {
    const dataDir = join(config.stackDir, 'timescale', 'data');
    mkdirSync(dataDir, { recursive: true });
    return spawnDetached(
      config.stackDir,
      'timescale',
      process.execPath,
      ['--import', 'tsx', serverScript, dataDir, config.host, String(config.ports.timescale)],
      { cwd: projectRoot },
    );
  },
  async ready(config) {
    const client = new pg.Client({ connectionString: timescaleUrl(config), connectionTimeoutMillis: 2000 });
    await client.connect();
    try {
      const result = await client.query("SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'");
      return result.rowCount === 1;
    } finally {
      await client.end();
    }
  },
};
