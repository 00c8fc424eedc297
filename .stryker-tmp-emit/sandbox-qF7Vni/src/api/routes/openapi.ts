/**
 * Completes the generated OpenAPI document where the route declarations leave gaps a linter (and a
 * client generator) cares about: a stable operationId for every operation, and a description for
 * every tag. Route files may set `operationId` themselves; the derived one is only a default.
 */
// @ts-nocheck


type Operation = { operationId?: string; tags?: string[]; [key: string]: unknown };
type Doc = {
  paths?: Record<string, Record<string, Operation>>;
  tags?: { name: string; description: string }[];
};

const TAG_DESCRIPTIONS: Readonly<Record<string, string>> = {
  alerts: 'Threshold alerts: level changes of KPIs with thresholds, and their webhook deliveries',
  definitions: 'KPI definitions: DSL text or the seed JSON KPIDefinition, versioned, with optimistic locking',
  metrics: 'Cached metric routes for dashboards: value with trend, history, breakdown by dimension',
  query: 'Ad-hoc KPI queries and compiled SQL',
  reports: 'Saved sets of KPIs, run as JSON or CSV',
  rollups: 'Pre-aggregated rollups in the metrics store: state, builds and refreshes',
  system: 'Health of the service and its stores',
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** `get /api/metrics/{kpiId}/history` → `getMetricsHistory`; `post /api/definitions/validate` → `postDefinitionsValidate`. */
export function operationIdFor(method: string, path: string): string {
  const words = path
    .split('/')
    .filter((s) => s && s !== 'api' && !s.startsWith('{'))
    .flatMap((s) => s.split(/[-_]/));
  const byId = /\{[^}]+\}$/.test(path) && method !== 'post' ? 'ById' : '';
  return `${method}${words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('')}${byId}`;
}

export function completeOpenApi<T>(document: T, _options: { auth: boolean }): T {
  const doc = structuredClone(document) as Doc;
  const used = new Set<string>();
  const tags = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      let id = op.operationId ?? operationIdFor(method, path);
      for (let n = 2; used.has(id); n++) id = `${op.operationId ?? operationIdFor(method, path)}${n}`;
      op.operationId = id;
      used.add(id);
      for (const t of op.tags ?? []) tags.add(t);
    }
  }
  doc.tags = [...tags].sort().map((name) => ({ name, description: TAG_DESCRIPTIONS[name] ?? name }));
  return doc as T;
}
