/**
 * Walking plans. Every switch over node kinds ends in `assertNever`, so a new node kind is a compile
 * error here first. (The rules rewrite the fixed top of a plan — project ← join ← aggregates — directly;
 * a general bottom-up transformer had no user and was removed. Expressions inside nodes are walked by
 * ir/composite.ts, plan/row-expr.ts and plan/value-expr.ts.)
 */
import { assertNever } from '../ir/kpi.ts';
import type { PlanNode } from './nodes.ts';

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
