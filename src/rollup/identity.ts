/**
 * A source's identity, where one is known: the demo data loader records what it loaded (scale, seed,
 * generator version, load time) in `_kpi_engine_demo` — a table in the PostgreSQL database's `public`
 * schema, a collection in the MongoDB database. A rollup records the identity it was loaded from; a
 * different one means the source was reloaded underneath it and every partition must be checked.
 */
import type { Catalog } from '../catalog/types.ts';
import { quoteQualified, sqlString } from '../emit/literal.ts';
import { runTrino } from '../exec/trino-http.ts';
import type { RollupDef } from '../ir/rollup.ts';
import { directPostgres, type RollupEnv, withClient } from './connect.ts';
import { sourceConnection } from './source-sql.ts';

const MARKER = '_kpi_engine_demo';

const identityText = (row: readonly unknown[] | undefined): string | null => {
  if (!row) return null;
  const [scale, seed, loadedAt] = row;
  const at = loadedAt instanceof Date ? loadedAt.toISOString() : String(loadedAt);
  return `demo scale=${Number(scale)} seed=${Number(seed)} loaded=${at.replace(' ', 'T').replace(/Z$/, '')}`;
};

/** The identity of the source a rollup reads, or null when the source records none (or cannot be asked). */
export async function sourceIdentity(catalog: Catalog, r: RollupDef, env: RollupEnv): Promise<string | null> {
  const direct = directPostgres(catalog, r, env);
  try {
    if (direct) {
      return await withClient(direct.url, async (c) => {
        const exists = await c.query(`SELECT to_regclass(${sqlString(`public.${MARKER}`)}) AS t`);
        if (!exists.rows[0]?.t) return null;
        const res = await c.query({
          text: `SELECT scale, seed, to_char(loaded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS') FROM ${quoteQualified('public', MARKER)}
                 ORDER BY loaded_at DESC LIMIT 1`,
          rowMode: 'array',
        });
        return identityText(res.rows[0]);
      });
    }
    const connection = sourceConnection(catalog, r);
    const schema = connection.engine === 'mongodb' ? catalog.sources[r.table.source]!.schema : 'public';
    const trinoUrl = env.TRINO_URL;
    if (typeof trinoUrl !== 'string') return null;
    const res = await runTrino(
      `SELECT scale, seed, format_datetime(loaded_at, 'yyyy-MM-dd''T''HH:mm:ss.SSS') FROM ${quoteQualified(connection.trinoCatalog, schema, MARKER)}
       ORDER BY loaded_at DESC LIMIT 1`,
      [],
      { url: trinoUrl, timeoutMs: 60_000 },
    );
    return identityText(res.rows[0]);
  } catch {
    // No marker (a source the demo loader never touched): nothing is known.
    return null;
  }
}
