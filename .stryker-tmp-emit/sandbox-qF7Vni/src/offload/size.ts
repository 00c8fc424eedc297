/**
 * How much KPI IR a request's definitions analyze to. The IR travels back to the event loop (copied,
 * then frozen), so its size is what a request can make the main thread do: bounded by
 * MAX_DEFINITION_NODES, checked where the definitions were analyzed.
 */
// @ts-nocheck

import type { Diagnostic } from '../ir/diagnostic.ts';
import { LIMITS, limitText } from '../ir/limits.ts';

/** Objects and arrays in a tree of plain data, counted without recursion. */
export function nodeCount(root: unknown): number {
  let count = 0;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (!value || typeof value !== 'object') continue;
    count++;
    for (const child of Object.values(value)) if (child && typeof child === 'object') stack.push(child);
  }
  return count;
}

/** A `too-large` diagnostic when the KPIs' IR has more than MAX_DEFINITION_NODES nodes. */
export function sizeDiagnostic(kpis: readonly unknown[]): Diagnostic | null {
  const nodes = nodeCount(kpis);
  if (nodes <= LIMITS.MAX_DEFINITION_NODES) return null;
  const at = { line: 1, column: 1, offset: 0 };
  return {
    severity: 'error',
    code: 'too-large',
    message: `the definitions of one request analyze to ${nodes} IR nodes (${kpis.length} KPIs); ${limitText('MAX_DEFINITION_NODES')} (send them in several requests)`,
    span: { start: at, end: at },
  };
}
