/**
 * Walking and rewriting plans. Every switch over node kinds ends in `assertNever`, so a new node kind is
 * a compile error here first. Rules of the optimizer use `transformPlan` with per-kind rewrites.
 */
// @ts-nocheck

import { assertNever } from '../ir/kpi.ts';
import {
  type Aggregate,
  aggregate,
  type Filter,
  filter,
  type Join,
  join,
  type Plan,
  type PlanNode,
  type Project,
  plan,
  project,
  type Scan,
  type Spine,
  type Stitch,
  stitch,
} from './nodes.ts';

/** Children of a node, in a fixed order. */
export function childrenOf(node: PlanNode): readonly PlanNode[] {
  switch (node.kind) {
    case 'scan':
    case 'spine':
      return [];
    case 'filter':
      return [node.input];
    case 'aggregate':
      return node.bucketing.kind === 'spine' ? [node.input, node.bucketing.spine] : [node.input];
    case 'stitch':
      return node.pieces;
    case 'join':
      return node.spine ? [...node.inputs, node.spine] : node.inputs;
    case 'project':
      return [node.input];
    default:
      return assertNever(node, 'plan node');
  }
}

/** Visits every node depth-first, parents before children. */
export function walkPlan(root: PlanNode, visit: (node: PlanNode) => void): void {
  visit(root);
  for (const child of childrenOf(root)) walkPlan(child, visit);
}

/** Per-kind rewrites; each receives the node with its children already rewritten (bottom-up). */
export interface PlanTransformer {
  readonly scan?: (node: Scan) => Scan;
  readonly filter?: (node: Filter) => Filter;
  readonly spine?: (node: Spine) => Spine;
  readonly aggregate?: (node: Aggregate) => Aggregate;
  readonly stitch?: (node: Stitch) => Stitch;
  readonly join?: (node: Join) => Join;
  readonly project?: (node: Project) => Project;
}

function same<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Rewrites bottom-up; unchanged subtrees keep their identity (cheap equality for rules). */
export function transformNode<N extends PlanNode>(node: N, t: PlanTransformer): N {
  const out = transformAny(node, t);
  return out as N;
}

function transformAny(node: PlanNode, t: PlanTransformer): PlanNode {
  switch (node.kind) {
    case 'scan':
      return t.scan ? t.scan(node) : node;
    case 'spine':
      return t.spine ? t.spine(node) : node;
    case 'filter': {
      const input = transformNode(node.input, t);
      const next = input === node.input ? node : filter({ ...node, input });
      return t.filter ? t.filter(next) : next;
    }
    case 'aggregate': {
      const input = transformNode(node.input, t);
      let bucketing = node.bucketing;
      if (bucketing.kind === 'spine') {
        const s = transformNode(bucketing.spine, t);
        if (s !== bucketing.spine) bucketing = Object.freeze({ ...bucketing, spine: s });
      }
      const next =
        input === node.input && bucketing === node.bucketing
          ? node
          : aggregate({ ...node, input, bucketing });
      return t.aggregate ? t.aggregate(next) : next;
    }
    case 'stitch': {
      const pieces = node.pieces.map((piece) => transformNode(piece, t));
      const next = same(pieces, node.pieces) ? node : stitch({ ...node, pieces: Object.freeze(pieces) });
      return t.stitch ? t.stitch(next) : next;
    }
    case 'join': {
      const inputs = node.inputs.map((i) => transformNode(i, t));
      const s = node.spine ? transformNode(node.spine, t) : null;
      const next =
        same(inputs, node.inputs) && s === node.spine
          ? node
          : join({ ...node, inputs: Object.freeze(inputs), spine: s });
      return t.join ? t.join(next) : next;
    }
    case 'project': {
      const input = transformNode(node.input, t);
      const next = input === node.input ? node : project({ ...node, input });
      return t.project ? t.project(next) : next;
    }
    default:
      return assertNever(node, 'plan node');
  }
}

/** Applies a transformer to a whole plan. */
export function transformPlan(p: Plan, t: PlanTransformer): Plan {
  const root = transformNode(p.root, t);
  return root === p.root ? p : plan({ ...p, root });
}
