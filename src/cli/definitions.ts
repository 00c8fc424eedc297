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
import type { AnalyzeResult } from '../semantic/program.ts';
import { suggest, UsageError } from './args.ts';
import { demoRegistry } from './demo-registry.ts';

// The language front end, loaded on first use: `kpi compile --help` and the demo registry's cached
// path start without parsing the grammar.
async function semantic() {
  return import('../semantic/index.ts');
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
  /** A --where filter will be parsed (so the language front end is loaded). */
  where?: string;
}): Promise<Definitions> {
  const catalog = loadCatalogOption(o.catalog);
  // The demo KPIs are written against the demo catalog: with a catalog of one's own, only --defs/--dsl.
  const registry = new Map<string, KpiIR>();
  if (!o.catalog) {
    const demo = await demoRegistry(catalog);
    fail('demo', demo.diagnostics);
    for (const [id, k] of demo.registry) registry.set(id, k);
  }
  // The language front end only when text is to be analyzed: a cached demo KPI needs no parser.
  const front = o.defs || o.dsl || o.where ? await semantic() : null;
  const add = (file: string, a: AnalyzeResult, source?: string) => {
    fail(file, a.diagnostics, source);
    for (const k of a.kpis) registry.set(k.id, k);
    return a.kpis;
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
      add(o.defs, front!.analyzeDefinitions(json, { catalog, registry }));
    } else {
      add(o.defs, front!.analyzeDsl(text, { catalog, registry }), text);
    }
  }
  let kpi: KpiIR | undefined;
  if (o.dsl) {
    // `kpi x = …` / `kpi x "Title" { … }` definitions, or a bare formula (an ad-hoc KPI `adhoc`).
    const ctx = { catalog, registry };
    const kpis = add(
      '--dsl',
      /^\s*kpi\b/i.test(o.dsl) ? front!.analyzeDsl(o.dsl, ctx) : front!.analyzeFormula(o.dsl, ctx),
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
      if (!front) throw new Error('loadDefinitions: pass `where` to parse a filter');
      const r = front.parseFilter(text, { catalog, registry });
      fail('--where', r.diagnostics, text);
      if (!r.expr) throw new UsageError(`--where "${text}" is not a filter`);
      return r.expr;
    },
  };
}
