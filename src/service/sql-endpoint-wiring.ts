/**
 * The SQL endpoint (src/sql-endpoint) over the query service: a KPI table query is answered as one
 * MetricQuery through the cache, EXPLAIN shows the plan, and a federated statement gets the KPI's Trino
 * SQL. Errors reach the endpoint as the service's typed errors, which it maps to Trino's error codes.
 */
import type { Catalog } from '../catalog/types.ts';
import type { ServiceConfig } from '../config/env.ts';
import { inlineParams } from '../emit/inline.ts';
import type { Param } from '../emit/params.ts';
import { createSqlEndpoint, type SqlEndpoint } from '../sql-endpoint/endpoint.ts';
import type { DefinitionsService } from './definitions-service.ts';
import { asServiceError } from './errors.ts';
import type { QueryService } from './query-service.ts';

const typed = <T>(work: () => Promise<T>): Promise<T> =>
  Promise.resolve()
    .then(work)
    .catch((error: unknown) => {
      throw asServiceError(error);
    });

export function sqlEndpointFor(
  config: ServiceConfig,
  d: { readonly catalog: Catalog; readonly definitions: DefinitionsService; readonly queries: QueryService },
): SqlEndpoint {
  const { catalog, definitions, queries } = d;
  return createSqlEndpoint({
    registry: () => definitions.registry(),
    catalog,
    answer: (query, signal, user) => typed(() => queries.rows(query, signal, user ?? undefined)),
    explain: (query) =>
      typed(async () => {
        const engine = queries.engine();
        const compiled = await queries.compile(query, engine);
        const optimizer = engine.explain?.(query);
        return [
          `MetricQuery: ${JSON.stringify(query)}`,
          '',
          optimizer ??
            `dialect: ${compiled.dialect}\n${compiled.sql}\nparameters: ${JSON.stringify(compiled.params)}`,
        ].join('\n');
      }),
    compileForTrino: (query) =>
      typed(async () => {
        const compiled = await queries.engine().compile(query, { dialect: 'trino' });
        return inlineParams(compiled.sql, compiled.params as readonly Param[], 'question');
      }),
    trinoUrl: config.TRINO_URL ?? null,
    defaultTimeZone: config.SCHEDULER_TIMEZONE,
    abandonAfterMs: config.SQL_CLIENT_TIMEOUT_SECONDS * 1000,
  });
}
