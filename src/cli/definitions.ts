/**
 * Where the CLI's KPIs come from: the demo definitions (DSL files and the seed's mrr and cac JSON,
 * verbatim), plus `--defs FILE` (DSL text or seed JSON), plus an inline `--dsl` KPI. The language
 * front end (src/semantic) turns them into KPI IR; diagnostics are printed as file:line:col.
 */
import { readFileSync } from 'node:fs';
import { loadCatalog } from '../catalog/load.ts';
import type { Catalog } from '../catalog/types.ts';
import { type Diagnostic, formatDiagnostic } from '../ir/diagnostic.ts';
import type { KpiIR, RowExpr } from '../ir/kpi.ts';
import { suggest, UsageError } from './args.ts';

type Registry = ReadonlyMap<string, KpiIR>;
interface Analysis {
  readonly kpis?: readonly KpiIR[];
  readonly kpi?: KpiIR | null;
  readonly diagnostics: readonly Diagnostic[];
}

// The language front end, loaded on first use so `compile --help` works without it.
type Semantic = {
  analyzeDsl(text: string, ctx: { catalog: Catalog; registry: Registry }): Analysis;
  analyzeDefinitions(json: unknown, ctx: { catalog: Catalog; registry: Registry }): Analysis;
  analyzeFormula(text: string, ctx: { catalog: Catalog; registry: Registry }): Analysis;
  parseFilter(
    text: string,
    ctx: { catalog: Catalog; registry: Registry },
  ): {
    expr: RowExpr | null;
    diagnostics: readonly Diagnostic[];
  };
  loadRegistry(files: unknown, catalog: Catalog): unknown;
  DEMO_KPI_FILES: unknown;
};

async function semantic(): Promise<Semantic> {
  try {
    return (await import('../semantic/index.ts' as string)) as Semantic;
  } catch (error) {
    throw new Error(
      `the KPI language front end (src/semantic) is not available: ${(error as Error).message}`,
    );
  }
}

/** Diagnostics that stop a command; main prints them with their source lines (render.ts). */
export class DiagnosticsError extends Error {
  override readonly name = 'DiagnosticsError';
  constructor(
    readonly file: string,
    readonly diagnostics: readonly Diagnostic[],
    readonly source: string | undefined,
  ) {
    super(diagnostics.map((d) => formatDiagnostic(d.file ?? file, d)).join('\n'));
  }
}

function fail(file: string, diagnostics: readonly Diagnostic[], source?: string): void {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new DiagnosticsError(file, errors, source);
}

function registryFrom(value: unknown): Map<string, KpiIR> {
  const v = value as { registry?: unknown; kpis?: KpiIR[]; diagnostics?: Diagnostic[] };
  if (v instanceof Map) return new Map(v as Map<string, KpiIR>);
  if (v.diagnostics) fail('demo', v.diagnostics);
  if (v.registry instanceof Map) return new Map(v.registry as Map<string, KpiIR>);
  if (Array.isArray(v.kpis)) return new Map(v.kpis.map((k) => [k.id, k]));
  throw new Error('loadRegistry returned neither a Map nor { registry } nor { kpis }');
}

/** `--catalog FILE`: a catalog of the user's own sources instead of the demo one. */
export function loadCatalogOption(file: string | undefined): Catalog {
  try {
    return loadCatalog(file);
  } catch (error) {
    throw new UsageError(`--catalog${file ? ` ${file}` : ''}: ${(error as Error).message}`);
  }
}

export interface Definitions {
  readonly catalog: Catalog;
  readonly registry: ReadonlyMap<string, KpiIR>;
  /** The KPI asked for (by --kpi id or the inline --dsl one). */
  readonly kpi: KpiIR;
  parseFilter(text: string): RowExpr;
}

export async function loadDefinitions(o: {
  kpi?: string;
  dsl?: string;
  defs?: string;
  catalog?: string;
}): Promise<Definitions> {
  const catalog = loadCatalogOption(o.catalog);
  const s = await semantic();
  // The demo KPIs are written against the demo catalog: with a catalog of one's own, only --defs/--dsl.
  const registry = o.catalog
    ? new Map<string, KpiIR>()
    : registryFrom(s.loadRegistry(s.DEMO_KPI_FILES, catalog));
  const add = (file: string, a: Analysis, source?: string) => {
    fail(file, a.diagnostics, source);
    const kpis = a.kpis ?? (a.kpi ? [a.kpi] : []);
    for (const k of kpis) registry.set(k.id, k);
    return kpis;
  };
  if (o.defs) {
    let text: string;
    try {
      text = readFileSync(o.defs, 'utf8');
    } catch (error) {
      throw new UsageError(`--defs: cannot read ${o.defs}: ${(error as Error).message}`);
    }
    const trimmed = text.trimStart();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (error) {
        throw new UsageError(`--defs: ${o.defs} is not valid JSON: ${(error as Error).message}`);
      }
      add(o.defs, s.analyzeDefinitions(json, { catalog, registry }));
    } else {
      add(o.defs, s.analyzeDsl(text, { catalog, registry }), text);
    }
  }
  let kpi: KpiIR | undefined;
  if (o.dsl) {
    // `kpi x = …` / `kpi x "Title" { … }` definitions, or a bare formula (an ad-hoc KPI `adhoc`).
    const ctx = { catalog, registry };
    const kpis = add(
      '--dsl',
      /^\s*kpi\b/i.test(o.dsl) ? s.analyzeDsl(o.dsl, ctx) : s.analyzeFormula(o.dsl, ctx),
      o.dsl,
    );
    kpi = kpis.at(-1);
    if (!kpi) throw new UsageError('--dsl defined no KPI');
  } else if (o.kpi) {
    kpi = registry.get(o.kpi);
    if (!kpi) {
      const guess = suggest(o.kpi, registry.keys());
      throw new UsageError(
        `--kpi: no KPI "${o.kpi}"${guess ? ` (did you mean "${guess}"?)` : ''}; known: ${[...registry.keys()].sort().join(', ')}`,
      );
    }
  } else {
    throw new UsageError('give --kpi ID or --dsl TEXT');
  }
  return {
    catalog,
    registry,
    kpi,
    parseFilter(text) {
      const r = s.parseFilter(text, { catalog, registry });
      fail('--where', r.diagnostics, text);
      if (!r.expr) throw new UsageError(`--where "${text}" is not a filter`);
      return r.expr;
    },
  };
}
