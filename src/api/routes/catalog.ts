/**
 * The catalog as the KPI language sees it — sources, tables, columns with types, time columns — plus
 * the language's function names and the current KPI ids: what an editor completes (the web app's).
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Catalog } from '../../catalog/types.ts';
import type { App, AppDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { errorResponses } from '../schemas.ts';

/** Every function a formula may call, as the grammar spells them (docs/language.md). */
export const KPI_FUNCTIONS: readonly string[] = Object.freeze([
  'sum',
  'count',
  'count_distinct',
  'avg',
  'min',
  'max',
  'approx_distinct',
  'percentile',
  'coalesce',
  'nullif',
  'abs',
  'round',
  'least',
  'greatest',
  'previous',
  'growth',
  'rolling',
  'to_date',
  'cumulative',
]);

const CatalogSchema = z
  .object({
    sources: z.array(
      z.object({
        name: z.string(),
        tables: z.array(
          z.object({
            name: z.string(),
            timeColumn: z.string(),
            columns: z.array(z.object({ name: z.string(), type: z.string() })),
          }),
        ),
      }),
    ),
    functions: z.array(z.string()),
    kpis: z.array(z.object({ id: z.string(), name: z.string() })),
  })
  .openapi('Catalog');

function presentCatalog(catalog: Catalog) {
  return Object.values(catalog.sources)
    .map((s) => ({
      name: s.name,
      tables: Object.values(s.tables)
        .map((t) => ({
          name: t.name,
          timeColumn: t.timeColumn,
          columns: Object.entries(t.columns).map(([name, type]) => ({ name, type })),
        }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function catalogRoutes(app: App, deps: AppDeps): void {
  let sources: ReturnType<typeof presentCatalog> | undefined;
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/catalog',
      tags: ['definitions'],
      summary: 'Sources, tables and columns a KPI may read, the language functions and the current KPIs',
      responses: {
        200: { description: 'the catalog', content: { 'application/json': { schema: CatalogSchema } } },
        ...errorResponses(401, 403, 404),
      },
    }),
    (c) => {
      if (!deps.catalog) throw new ApiError(404, 'not-found', 'this service has no catalog to show');
      sources ??= presentCatalog(deps.catalog);
      const kpis = deps.definitions.list().map((d) => ({ id: d.ir.id, name: d.ir.name }));
      return c.json({ sources, functions: [...KPI_FUNCTIONS], kpis }, 200) as never;
    },
  );
}
