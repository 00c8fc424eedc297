/**
 * A rollup's status: its state in the metrics store against its source now — rows after the
 * watermark, dirty partitions, a reloaded source — and whether it was built from the current definition.
 */
import type { Catalog } from '../catalog/types.ts';
import type { RollupDef } from '../ir/rollup.ts';
import { need, type RollupEnv, sourceHigh, withStore } from './connect.ts';
import { sourceIdentity } from './identity.ts';
import { definitionText, type RollupState, statesVia } from './state.ts';

export interface RollupStatus {
  readonly state: RollupState | null;
  readonly sourceHigh: string | null;
  /** The source's identity now (the demo data's seed, scale and load time), when it records one. */
  readonly sourceIdentity: string | null;
  /** May differ from the source: `reasons` says why. */
  readonly stale: boolean;
  readonly reasons: readonly string[];
  readonly matchesDefinition: boolean;
}

/** Why a rollup may differ from its source now; empty when nothing is known to differ. */
export function staleReasons(
  state: RollupState | null,
  sourceHighNow: string | null,
  identityNow: string | null,
): string[] {
  if (!state?.watermark) return [state?.staleReason ?? 'not published'];
  const reasons: string[] = [];
  if (state.staleReason) reasons.push(state.staleReason);
  if (sourceHighNow !== null && Date.parse(sourceHighNow) > Date.parse(state.watermark))
    reasons.push(`source rows after the watermark (up to ${sourceHighNow})`);
  if (state.dirty.length > 0) reasons.push(`${state.dirty.length} dirty partitions being re-loaded`);
  if (state.sourceIdentity && identityNow && identityNow !== state.sourceIdentity)
    reasons.push(`the source was reloaded (${state.sourceIdentity} → ${identityNow})`);
  return reasons;
}

export async function rollupStatus(catalog: Catalog, r: RollupDef, env: RollupEnv): Promise<RollupStatus> {
  const state = (await withStore(env, statesVia)).get(r.name) ?? null;
  const [high, identity] = await Promise.all([
    sourceHigh(catalog, r, need(env, 'TRINO_URL')),
    sourceIdentity(catalog, r, env),
  ]);
  const reasons = staleReasons(state, high, identity);
  return {
    state,
    sourceHigh: high,
    sourceIdentity: identity,
    stale: reasons.length > 0,
    reasons,
    matchesDefinition: state?.definition === definitionText(r),
  };
}
