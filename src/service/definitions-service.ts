/**
 * The live registry: current KPI definitions from the store, analyzed into KPI IR, plus their versions.
 * Writes go to the store first and then update the registry, so a crash never loses an acknowledged
 * write. Also answers "which versions does this KPI's result depend on" (cache keys) and "which KPIs
 * depend on this one" (invalidation), both transitively.
 */
import type { Diagnostic } from '../ir/diagnostic.ts';
import type { KpiIR } from '../ir/kpi.ts';
import { LIMITS, limitText } from '../ir/limits.ts';
import { sizeDiagnostic } from '../offload/size.ts';
import type {
  DefinitionFormat,
  DefinitionStore,
  StoredDefinition,
  StoreFingerprint,
} from '../store/definitions-store.ts';
import { Conflict, InvalidInput, invalidDefinition, notFound, Unprocessable } from './errors.ts';
import type { Analysis, DefinitionSubmission, KpiLanguage, Registry } from './types.ts';

export type { DefinitionSubmission } from './types.ts';

export interface LiveDefinition {
  readonly ir: KpiIR;
  readonly stored: StoredDefinition;
}

const hasErrors = (diagnostics: readonly Diagnostic[]) => diagnostics.some((d) => d.severity === 'error');

export class DefinitionsService {
  private live = new Map<string, LiveDefinition>();
  private registryCache: Registry | null = null;
  private readonly listeners: Array<(changed: readonly string[]) => void | Promise<void>> = [];
  /** Bumped on every change; lets callers memoize per registry snapshot. */
  generation = 0;
  /** Stored definitions that no longer analyze (e.g. the catalog changed), with their diagnostics. */
  readonly broken = new Map<string, readonly Diagnostic[]>();

  constructor(
    private readonly store: DefinitionStore,
    private readonly language: KpiLanguage,
  ) {}

  /**
   * The store as this process knows it: its fingerprint at the last load, moved on by this process's
   * own writes since (which `live` already holds), so they alone never make sync reload.
   */
  private seen: StoreFingerprint | null = null;

  /**
   * Reloads when another process changed the store (several service instances share one store);
   * cheap when nothing changed. Called on a timer by the bootstrap.
   */
  async sync(): Promise<boolean> {
    const now = await this.store.fingerprint();
    if (this.seen && now.versions === this.seen.versions && now.latest === this.seen.latest) return false;
    await this.load();
    return true;
  }

  /**
   * One version this process wrote. Another process's write in between leaves the count short of the
   * store's, so the next sync still reloads; a reload reads the fingerprint before the definitions,
   * so what it saw is never newer than what it loaded.
   */
  private wrote(stored: StoredDefinition): void {
    if (!this.seen) return;
    const latest = this.seen.latest;
    this.seen = {
      versions: this.seen.versions + 1,
      latest: latest !== null && latest > stored.createdAt ? latest : stored.createdAt,
    };
  }

  /** Loads every current definition, dependencies first. */
  async load(): Promise<void> {
    const fingerprint = await this.store.fingerprint();
    const all = await this.store.list();
    const byId = new Map(all.map((d) => [d.kpiId, d]));
    const next = new Map<string, LiveDefinition>();
    const visiting = new Set<string>();
    const registry = () => new Map([...next].map(([id, d]) => [id, d.ir]));
    const visit = (def: StoredDefinition): void => {
      if (next.has(def.kpiId) || visiting.has(def.kpiId)) return;
      visiting.add(def.kpiId);
      for (const dep of def.dependsOn) {
        const d = byId.get(dep);
        if (d) visit(d);
      }
      const analysis = this.analyzeStored(def, registry());
      const ir = analysis.kpis.find((k) => k.id === def.kpiId);
      if (ir && !hasErrors(analysis.diagnostics)) next.set(def.kpiId, { ir, stored: def });
      else this.broken.set(def.kpiId, analysis.diagnostics);
    };
    this.broken.clear();
    for (const def of all) visit(def);
    this.live = next;
    this.seen = fingerprint;
    this.changed();
  }

  registry(): Registry {
    this.registryCache ??= new Map([...this.live].map(([id, d]) => [id, d.ir]));
    return this.registryCache;
  }

  list(): LiveDefinition[] {
    return [...this.live.values()].sort((a, b) => a.ir.id.localeCompare(b.ir.id));
  }

  get(kpiId: string): LiveDefinition {
    const d = this.live.get(kpiId);
    if (!d) throw notFound(`KPI "${kpiId}"`);
    return d;
  }

  has(kpiId: string): boolean {
    return this.live.has(kpiId);
  }

  history(kpiId: string): Promise<StoredDefinition[]> {
    return this.store.history(kpiId);
  }

  onChange(listener: (changed: readonly string[]) => void | Promise<void>): void {
    this.listeners.push(listener);
  }

  /**
   * Analyzes a request's definitions: off the event loop when the language can (src/offload). When
   * the registry changed while a worker analyzed against the snapshot it was given, analyzes again.
   */
  async validate(submission: DefinitionSubmission, registry?: () => Registry): Promise<Analysis> {
    const snapshot = registry ?? (() => this.registry());
    for (let attempt = 0; ; attempt++) {
      const generation = this.generation;
      const analysis = await this.analyzeOnce(submission, snapshot());
      if (generation === this.generation || attempt >= 3) return analysis;
    }
  }

  private async analyzeOnce(submission: DefinitionSubmission, registry: Registry): Promise<Analysis> {
    const offload = this.language.analyzeRequest;
    if (!offload) {
      const analysis =
        submission.format === 'dsl'
          ? this.language.analyzeDsl(submission.text, registry, 'request.kpi')
          : this.language.analyzeDefinitions(submission.json, registry);
      const tooLarge = sizeDiagnostic(analysis.kpis);
      return tooLarge ? { kpis: [], diagnostics: [tooLarge] } : analysis;
    }
    try {
      return await offload.call(this.language, submission, registry);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'busy') throw error;
      // The worker died on this input (e.g. its memory limit): the input's fault, not the service's.
      throw new InvalidInput(
        'invalid-definition',
        `the definition could not be analyzed: ${(error as Error).message}`,
        { diagnostics: [] },
      );
    }
  }

  async create(submission: DefinitionSubmission): Promise<LiveDefinition[]> {
    const analysis = await this.checked(submission, () => this.registry());
    // All or nothing for several KPIs in one body: refuse before writing any.
    const existing = analysis.kpis.filter((k) => this.live.has(k.id)).map((k) => k.id);
    if (existing.length > 0) {
      throw new Conflict('exists', `KPI(s) already exist: ${existing.join(', ')}; use PUT to change them`, {
        existing,
      });
    }
    const created: LiveDefinition[] = [];
    for (const [i, ir] of analysis.kpis.entries()) {
      const stored = await this.store.create({
        kpiId: ir.id,
        ...this.sourceOf(submission, ir, analysis.kpis.length, analysis.printed?.[i]),
        dependsOn: ir.dependsOn,
      });
      created.push({ ir, stored });
      this.live.set(ir.id, { ir, stored });
      this.wrote(stored);
    }
    await this.notify(created.map((d) => d.ir.id));
    return created;
  }

  async update(
    kpiId: string,
    submission: DefinitionSubmission,
    expectedVersion: number,
  ): Promise<LiveDefinition> {
    this.get(kpiId);
    const analysis = await this.checked(submission, () => {
      const others = new Map(this.registry());
      others.delete(kpiId);
      return others;
    });
    const ir = analysis.kpis.find((k) => k.id === kpiId);
    if (!ir || analysis.kpis.length !== 1) {
      throw new Unprocessable('id-mismatch', `the body must define exactly one KPI, "${kpiId}"`, {
        defined: analysis.kpis.map((k) => k.id),
      });
    }
    const cycle = this.dependentsOf(kpiId).filter((id) => ir.dependsOn.includes(id));
    if (cycle.length > 0) {
      throw new InvalidInput('kpi-cycle', `"${kpiId}" would depend on KPIs derived from it`, {
        diagnostics: [],
        cycle,
      });
    }
    const stored = await this.store.update(
      { kpiId, ...this.sourceOf(submission, ir, 1), dependsOn: ir.dependsOn },
      expectedVersion,
    );
    const live = { ir, stored };
    this.live.set(kpiId, live);
    this.wrote(stored);
    await this.notify([kpiId]);
    return live;
  }

  async delete(kpiId: string, expectedVersion?: number): Promise<StoredDefinition> {
    this.get(kpiId);
    const tombstone = await this.store.delete(kpiId, expectedVersion);
    this.live.delete(kpiId);
    this.wrote(tombstone);
    await this.notify([kpiId]);
    return tombstone;
  }

  /** `id@version` of the KPI and everything it derives from, sorted: part of every cache key. */
  versionVector(kpiId: string): string {
    return this.closure(kpiId)
      .map((id) => `${id}@${this.live.get(id)?.stored.version ?? 0}`)
      .join(',');
  }

  /** The KPI and every KPI it derives from, transitively. */
  closure(kpiId: string): string[] {
    const seen = new Set<string>();
    const walk = (id: string) => {
      if (seen.has(id)) return;
      seen.add(id);
      for (const dep of this.live.get(id)?.ir.dependsOn ?? []) walk(dep);
    };
    walk(kpiId);
    return [...seen].sort();
  }

  /** Every KPI that derives from `kpiId`, transitively (not including itself). */
  dependentsOf(kpiId: string): string[] {
    return [...this.live.keys()].filter((id) => id !== kpiId && this.closure(id).includes(kpiId)).sort();
  }

  private async checked(submission: DefinitionSubmission, snapshot: () => Registry): Promise<Analysis> {
    const analysis = await this.validate(submission, snapshot);
    const registry = snapshot();
    if (hasErrors(analysis.diagnostics)) throw invalidDefinition(analysis.diagnostics);
    if (analysis.kpis.length === 0) {
      throw new InvalidInput('invalid-definition', 'the body defines no KPI', { diagnostics: [] });
    }
    const all = new Map(registry);
    for (const k of analysis.kpis) all.set(k.id, k);
    for (const k of analysis.kpis) {
      // An id too long for a URL could be written but never read or deleted again (431).
      if (k.id.length > LIMITS.MAX_ID_CHARS) {
        throw new InvalidInput(
          'limit-exceeded',
          `KPI id of ${k.id.length} characters; ${limitText('MAX_ID_CHARS')}`,
          {
            limit: 'MAX_ID_CHARS',
          },
        );
      }
      if (k.name.length > LIMITS.MAX_NAME_CHARS) {
        throw new InvalidInput(
          'limit-exceeded',
          `KPI "${k.id}" has a name of ${k.name.length} characters; ${limitText('MAX_NAME_CHARS')}`,
          { limit: 'MAX_NAME_CHARS' },
        );
      }
      const depth = derivationDepth(k.id, all);
      if (depth > LIMITS.MAX_DERIVATION_DEPTH) {
        throw new InvalidInput(
          'limit-exceeded',
          `KPI "${k.id}" derives from KPIs ${depth} levels deep; ${limitText('MAX_DERIVATION_DEPTH')}`,
          { limit: 'MAX_DERIVATION_DEPTH' },
        );
      }
    }
    return analysis;
  }

  private sourceOf(
    submission: DefinitionSubmission,
    ir: KpiIR,
    count: number,
    printed?: string,
  ): { format: DefinitionFormat; source: string } {
    if (submission.format === 'dsl') {
      // Several KPIs in one text are stored one by one, each as its printed DSL.
      if (count === 1) return { format: 'dsl', source: submission.text };
      return { format: 'dsl', source: printed || this.language.printKpi(ir) };
    }
    const json = Array.isArray(submission.json)
      ? submission.json.find((d) => (d as { id?: unknown })?.id === ir.id)
      : submission.json;
    return { format: 'json', source: JSON.stringify(json ?? null) };
  }

  private analyzeStored(def: StoredDefinition, registry: Registry): Analysis {
    return def.format === 'dsl'
      ? this.language.analyzeDsl(def.source, registry, `${def.kpiId}.kpi`)
      : this.language.analyzeDefinitions(JSON.parse(def.source), registry);
  }

  private changed(): void {
    this.registryCache = null;
    this.generation++;
  }

  private async notify(ids: readonly string[]): Promise<void> {
    const affected = new Set<string>();
    for (const id of ids) {
      affected.add(id);
      for (const d of this.dependentsOf(id)) affected.add(d);
    }
    this.changed();
    for (const listener of this.listeners) await listener([...affected].sort());
  }
}

/** Length of the longest chain of KPI references below `id` (0 for a KPI that reads only tables). */
function derivationDepth(id: string, registry: ReadonlyMap<string, KpiIR>): number {
  const depths = new Map<string, number>();
  // Iterative post-order walk: stored chains may be deeper than the JavaScript stack.
  const entered = new Set<string>();
  const stack: [string, boolean][] = [[id, false]];
  while (stack.length > 0) {
    const [current, expanded] = stack.pop()!;
    if (depths.has(current)) continue;
    if (!expanded && entered.has(current)) continue; // a cycle: the analyzer reports those
    entered.add(current);
    const deps = registry.get(current)?.dependsOn ?? [];
    if (expanded) {
      depths.set(current, deps.length === 0 ? 0 : 1 + Math.max(...deps.map((d) => depths.get(d) ?? 0)));
      continue;
    }
    stack.push([current, true]);
    for (const d of deps) if (!depths.has(d)) stack.push([d, false]);
  }
  return depths.get(id) ?? 0;
}
