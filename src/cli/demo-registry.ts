/**
 * The demo KPIs for the CLI, analyzed once per build and content: KPI IR is plain serializable data, so
 * the analyzed registry is kept as JSON inside the build directory (`dist/<stamp>/`, named by
 * bin/kpi.mjs in KPI_CLI_BUILD) under a hash of the demo files' and the catalog's text. A cached
 * `kpi compile --kpi cac` then loads neither Chevrotain nor the parser (its self-analysis and the demo
 * files' parse were half of the command's start-up). Any edit of a demo file or the catalog changes the
 * hash; any edit of the code changes the build directory. Without KPI_CLI_BUILD (tests running the
 * sources) nothing is cached. A cache that cannot be written is only slower.
 */

import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_CATALOG_PATH } from '../catalog/load.ts';
import type { Catalog } from '../catalog/types.ts';
import { readCliEnv } from '../config/cli-env.ts';
import type { Diagnostic } from '../ir/diagnostic.ts';
import type { KpiIR } from '../ir/kpi.ts';
import { DEMO_KPI_FILES } from '../semantic/demo-files.ts';
import { deepFreeze } from '../shared/freeze.ts';

export interface DemoRegistry {
  readonly registry: Map<string, KpiIR>;
  readonly diagnostics: readonly Diagnostic[];
  /** Where it came from: the build's cache, or analyzed now. */
  readonly origin: 'cache' | 'analyzed';
}

/** FNV-1a, 32 bits, twice with two seeds (node:crypto costs more to load than this takes). */
function contentHash(text: string): string {
  const one = (seed: number) => {
    let h = seed >>> 0;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h.toString(16).padStart(8, '0');
  };
  return one(0x811c9dc5) + one(0x01234567);
}

function cachePath(catalogText: string): string | null {
  const build = readCliEnv().buildDir;
  if (!build) return null;
  const texts = DEMO_KPI_FILES.map((f) => `${f}\0${readFileSync(f, 'utf8')}`);
  return join(build, `demo-registry-${contentHash([catalogText, ...texts].join('\0\0'))}.json`);
}

/** The demo KPIs (on the demo catalog), from the build's cache when it holds them. */
export async function demoRegistry(catalog: Catalog): Promise<DemoRegistry> {
  let path: string | null = null;
  try {
    path = cachePath(readFileSync(DEMO_CATALOG_PATH, 'utf8'));
    if (path) {
      const kpis = JSON.parse(readFileSync(path, 'utf8')) as KpiIR[];
      return { registry: new Map(kpis.map((k) => [k.id, deepFreeze(k)])), diagnostics: [], origin: 'cache' };
    }
  } catch {
    // Not cached yet (or unreadable): analyze below.
  }
  const { loadRegistry } = await import('../semantic/index.ts');
  const { registry, diagnostics } = loadRegistry(DEMO_KPI_FILES, catalog);
  if (path && diagnostics.length === 0) {
    try {
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify([...registry.values()]));
      renameSync(tmp, path);
    } catch {
      // A read-only build directory (an image): no cache, same answers.
    }
  }
  return { registry, diagnostics, origin: 'analyzed' };
}
