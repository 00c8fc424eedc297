/** KPI definitions: list, read, create, replace (If-Match), delete (409 when others derive), validate. */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { DefinitionSubmission, LiveDefinition } from '../../service/definitions-service.ts';
import type { App, AppDeps, KpiLanguage } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { DefinitionBody, DefinitionSchema, errorResponses, KpiIdParam } from '../schemas.ts';

const body = {
  required: true,
  content: {
    'application/json': { schema: DefinitionBody },
    'text/plain': { schema: z.string().openapi({ description: 'KPI DSL text' }) },
  },
} as const;

export function presentDefinition(d: LiveDefinition, language: KpiLanguage) {
  const { ir, stored } = d;
  let dsl = stored.format === 'dsl' ? stored.source : '';
  if (!dsl) {
    try {
      dsl = language.printKpi(ir);
    } catch {
      dsl = '';
    }
  }
  return {
    id: ir.id,
    name: ir.name,
    category: ir.category,
    description: ir.description,
    version: stored.version,
    format: stored.format,
    dsl,
    definition: stored.format === 'json' ? JSON.parse(stored.source) : null,
    dimensions: [...ir.dimensions],
    aggregations: [...ir.grains],
    dependsOn: [...ir.dependsOn],
    createdAt: stored.createdAt,
    ...(ir.thresholds ? { thresholds: ir.thresholds } : {}),
    ...(ir.format ? { displayFormat: ir.format } : {}),
    ...(ir.schedule ? { schedule: ir.schedule } : {}),
  };
}

/** DSL as text/plain (or any non-JSON type) or `{"dsl": …}`; anything else JSON is a KPIDefinition. */
async function submissionOf(c: Context): Promise<DefinitionSubmission> {
  const type = c.req.header('content-type') ?? '';
  if (type.includes('json')) {
    let json: unknown;
    try {
      json = await c.req.json();
    } catch {
      throw new ApiError(400, 'invalid-request', 'the body is not valid JSON');
    }
    if (json && typeof json === 'object' && !Array.isArray(json)) {
      const keys = Object.keys(json);
      const dsl = (json as { dsl?: unknown }).dsl;
      if (keys.length === 1 && typeof dsl === 'string') return { format: 'dsl', text: dsl };
    }
    return { format: 'json', json };
  }
  const text = await c.req.text();
  if (text.trim() === '') throw new ApiError(400, 'invalid-request', 'the body is empty');
  return { format: 'dsl', text };
}

/** ETags of definitions are their version: `"3"`. Accepts `3`, `"3"` and `W/"3"`. */
function versionFromIfMatch(header: string | undefined, current: number): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return current;
  const m = /^(?:W\/)?"?(\d+)"?$/.exec(value);
  if (!m)
    throw new ApiError(412, 'version-mismatch', `If-Match "${value}" is not a definition ETag such as "3"`);
  return Number(m[1]);
}

const etag = (version: number) => `"${version}"`;

export function definitionRoutes(app: App, deps: AppDeps): void {
  const { definitions, language } = deps;

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/definitions',
      tags: ['definitions'],
      summary: 'List current KPI definitions',
      responses: {
        200: {
          description: 'definitions',
          content: { 'application/json': { schema: z.object({ definitions: z.array(DefinitionSchema) }) } },
        },
        ...errorResponses(401, 403),
      },
    }),
    (c) =>
      c.json({ definitions: definitions.list().map((d) => presentDefinition(d, language)) }, 200) as never,
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/definitions/validate',
      tags: ['definitions'],
      summary: 'Check a definition (DSL or KPIDefinition JSON) without storing it',
      request: { body },
      responses: {
        200: {
          description: 'diagnostics with spans; valid is false when any is an error',
          content: {
            'application/json': {
              schema: z.object({
                valid: z.boolean(),
                kpis: z.array(z.object({ id: z.string(), dependsOn: z.array(z.string()), dsl: z.string() })),
                diagnostics: z.array(z.unknown()),
              }),
            },
          },
        },
        ...errorResponses(400, 401, 403, 503),
      },
    }),
    async (c) => {
      const analysis = await definitions.validate(await submissionOf(c));
      const valid = !analysis.diagnostics.some((d) => d.severity === 'error');
      return c.json(
        {
          valid,
          kpis: analysis.kpis.map((k, i) => ({
            id: k.id,
            name: k.name,
            dependsOn: [...k.dependsOn],
            dsl: analysis.printed?.[i] ?? safePrint(language, k),
          })),
          diagnostics: analysis.diagnostics,
        },
        200,
      ) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/definitions',
      tags: ['definitions'],
      summary: 'Create KPIs from DSL text or the seed KPIDefinition JSON',
      request: { body },
      responses: {
        201: { description: 'created', content: { 'application/json': { schema: DefinitionSchema } } },
        ...errorResponses(400, 401, 403, 409, 503),
      },
    }),
    async (c) => {
      const created = await definitions.create(await submissionOf(c));
      const shown = created.map((d) => presentDefinition(d, language));
      if (shown.length === 1) {
        c.header('ETag', etag(shown[0]!.version));
        c.header('Location', `/api/definitions/${shown[0]!.id}`);
        return c.json(shown[0], 201) as never;
      }
      return c.json({ definitions: shown }, 201) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/definitions/{kpiId}',
      tags: ['definitions'],
      summary: 'Read the current definition; ETag is its version',
      request: { params: KpiIdParam },
      responses: {
        200: { description: 'the definition', content: { 'application/json': { schema: DefinitionSchema } } },
        ...errorResponses(401, 403, 404),
      },
    }),
    (c) => {
      const d = definitions.get(c.req.valid('param').kpiId);
      c.header('ETag', etag(d.stored.version));
      return c.json(presentDefinition(d, language), 200) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/definitions/{kpiId}/versions',
      tags: ['definitions'],
      summary: 'Every stored version of a KPI, oldest first (deletions included)',
      request: { params: KpiIdParam },
      responses: {
        200: {
          description: 'versions',
          content: { 'application/json': { schema: z.object({ versions: z.array(z.unknown()) }) } },
        },
        ...errorResponses(401, 403, 404),
      },
    }),
    async (c) => {
      const { kpiId } = c.req.valid('param');
      const versions = await definitions.history(kpiId);
      if (versions.length === 0) throw new ApiError(404, 'not-found', `KPI "${kpiId}" not found`);
      return c.json({ versions }, 200) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/definitions/{kpiId}',
      tags: ['definitions'],
      summary: 'Replace a definition; needs If-Match with the current ETag (428 without, 412 when stale)',
      request: {
        params: KpiIdParam,
        headers: z.object({ 'if-match': z.string().optional().openapi({ example: '"1"' }) }),
        body,
      },
      responses: {
        200: {
          description: 'the new version',
          content: { 'application/json': { schema: DefinitionSchema } },
        },
        ...errorResponses(400, 401, 403, 404, 412, 422, 428, 503),
      },
    }),
    async (c) => {
      const { kpiId } = c.req.valid('param');
      const current = definitions.get(kpiId);
      const expected = versionFromIfMatch(c.req.header('if-match'), current.stored.version);
      if (expected === undefined) {
        throw new ApiError(
          428,
          'precondition-required',
          'PUT needs If-Match with the current ETag (GET it first)',
          {
            currentVersion: current.stored.version,
          },
        );
      }
      const updated = await definitions.update(kpiId, await submissionOf(c), expected);
      c.header('ETag', etag(updated.stored.version));
      return c.json(presentDefinition(updated, language), 200) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/definitions/{kpiId}',
      tags: ['definitions'],
      summary: 'Delete a KPI (kept in history); 409 listing the KPIs that derive from it',
      request: { params: KpiIdParam },
      responses: { 204: { description: 'deleted' }, ...errorResponses(401, 403, 404, 409, 412) },
    }),
    async (c) => {
      const { kpiId } = c.req.valid('param');
      const current = definitions.get(kpiId);
      await definitions.delete(kpiId, versionFromIfMatch(c.req.header('if-match'), current.stored.version));
      return c.body(null, 204) as never;
    },
  );
}

function safePrint(language: KpiLanguage, ir: Parameters<KpiLanguage['printKpi']>[0]): string {
  try {
    return language.printKpi(ir);
  } catch {
    return '';
  }
}
