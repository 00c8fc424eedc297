/**
 * A compact, deterministic text form of a plan (golden tests, EXPLAIN) and `planHash` (cache keys).
 */
import { createHash } from 'node:crypto';
import { assertNever, type RowExpr } from '../ir/kpi.ts';
import type { Aggregate, Bucketing, Plan, PlanNode, ValueExpr, WindowOp } from './nodes.ts';

const lit = (v: unknown): string => (typeof v === 'string' ? `'${v.replaceAll("'", "''")}'` : String(v));

/** Prints row or value expressions in a DSL-like, fully parenthesized form. */
export function printExpr(e: RowExpr | ValueExpr): string {
  switch (e.kind) {
    case 'literal':
      return lit(e.value);
    case 'duration':
      return `${e.duration.amount} ${e.duration.unit}`;
    case 'column':
      return `${e.table.source}.${e.table.table}.${e.column}`;
    case 'dimension':
      return `dim(${e.name})`;
    case 'col':
      return e.name;
    case 'binary':
      return `(${printExpr(e.left)} ${e.op} ${printExpr(e.right)})`;
    case 'unary':
      return e.op === 'not' ? `(not ${printExpr(e.operand)})` : `(-${printExpr(e.operand)})`;
    case 'call':
      return `${e.fn}(${e.args.map(printExpr).join(', ')})`;
    case 'case':
      return `case ${e.whens.map((w) => `when ${printExpr(w.when)} then ${printExpr(w.then)}`).join(' ')}${
        e.else ? ` else ${printExpr(e.else)}` : ''
      } end`;
    case 'in':
      return `(${printExpr(e.operand)}${e.negated ? ' not' : ''} in (${e.values.map(printExpr).join(', ')}))`;
    case 'between':
      return `(${printExpr(e.operand)}${e.negated ? ' not' : ''} between ${printExpr(e.low)} and ${printExpr(e.high)})`;
    case 'is_null':
      return `(${printExpr(e.operand)} is${e.negated ? ' not' : ''} null)`;
    case 'like':
      return `(${printExpr(e.operand)}${e.negated ? ' not' : ''} like ${printExpr(e.pattern)})`;
    case 'zero_fill':
      return `zero_fill(${printExpr(e.operand)})`;
    default:
      return assertNever(e, 'expression');
  }
}

function printWindow(w: WindowOp): string {
  switch (w.op) {
    case 'shift':
      return `shift ${w.amount} ${w.unit}`;
    case 'trailing':
      return `trailing ${w.amount} ${w.unit}`;
    case 'to_date':
      return `to_date ${w.period}`;
    case 'cumulative':
      return 'cumulative';
    default:
      return assertNever(w, 'window op');
  }
}

function printBucketing(b: Bucketing): string {
  switch (b.kind) {
    case 'truncate':
      return `truncate(${b.grain ?? 'total'}, ${b.time.table.table}.${b.time.column})`;
    case 'spine': {
      const v = b.validity
        ? ` valid [${b.validity.startColumn}, ${b.validity.endColumn})`
        : ` at ${b.time.column}`;
      const w = b.window.length ? ` window ${b.window.map(printWindow).join(' ∘ ')}` : '';
      return `spine(${b.spine.grain ?? 'total'})${v}${w}`;
    }
    default:
      return assertNever(b, 'bucketing');
  }
}

const printDims = (dims: Aggregate['dimensions']): string =>
  dims.length ? ` dims ${dims.map((d) => `${d.name}=${d.table.table}.${d.column}`).join(', ')}` : '';

function printAggregate(node: Aggregate): string {
  const arg = node.arg ? printExpr(node.arg) : '*';
  const frac = node.fraction !== null ? `, ${node.fraction}` : '';
  return `${node.name} = ${node.fn}(${arg}${frac}) [${node.source}] by ${printBucketing(node.bucketing)}${printDims(node.dimensions)}`;
}

function printNode(node: PlanNode, depth: number, out: string[]): void {
  const pad = '  '.repeat(depth);
  switch (node.kind) {
    case 'project':
      for (const s of node.shared ?? [])
        out.push(`${pad}shared ${s.name} = ${printExpr(s.value)} :: ${s.type}`);
      out.push(`${pad}project value = ${printExpr(node.value)} :: ${node.type}`);
      printNode(node.input, depth + 1, out);
      return;
    case 'join':
      out.push(
        `${pad}join full on (${[node.timed ? 'bucket' : null, ...node.dimensions].filter(Boolean).join(', ')})${
          node.spine ? ' with spine' : ''
        }`,
      );
      for (const input of node.inputs) printNode(input, depth + 1, out);
      if (node.spine) printNode(node.spine, depth + 1, out);
      return;
    case 'aggregate':
      out.push(`${pad}aggregate ${printAggregate(node)}`);
      printNode(node.input, depth + 1, out);
      return;
    case 'stitch':
      out.push(
        `${pad}stitch ${node.name} = ${node.combine} of ${node.pieces.length} pieces [${node.source}]${printDims(node.dimensions)}`,
      );
      if (node.over) {
        out.push(
          `${pad}  over spine, window ${node.over.window.map(printWindow).join(' ∘ ')} over the pieces' rows`,
        );
      }
      for (const piece of node.pieces) {
        const b = piece.bucketing;
        const range = b.kind === 'truncate' ? ` [${b.range.start}, ${b.range.end})` : '';
        out.push(`${pad}  piece${range} ${printAggregate(piece)}`);
        printNode(piece.input, depth + 2, out);
      }
      return;
    case 'filter':
      if (node.conditions.length > 0) {
        out.push(`${pad}filter ${node.conditions.map(printExpr).join(' and ')}`);
        printNode(node.input, depth + 1, out);
      } else {
        printNode(node.input, depth, out);
      }
      return;
    case 'scan':
      out.push(
        `${pad}scan ${node.table.source}.${node.table.table} as ${node.alias}${node.joins
          .map((j) => ` ⋈ ${j.table.source}.${j.table.table} as ${j.alias} on ${j.fromAlias}.${j.column}`)
          .join('')}`,
      );
      return;
    case 'spine':
      out.push(
        `${pad}spine ${node.grain ?? 'total'} in ${node.timezone} [${node.range.start}, ${node.range.end})`,
      );
      return;
    default:
      assertNever(node, 'plan node');
  }
}

/** One line per node, children indented; stable across runs. */
export function printPlan(p: Plan): string {
  const out = [
    `plan ${p.kpi} grain=${p.grain ?? 'total'} tz=${p.timezone} range=[${p.range.start}, ${p.range.end}) dims=[${p.dimensions.join(', ')}]`,
  ];
  printNode(p.root, 1, out);
  return out.join('\n');
}

/** JSON with object keys sorted, so equal plans give equal text whatever their construction order. */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}

/** sha256 of the plan's stable JSON, base64url, 32 chars: the result cache's key core. */
export function planHash(p: Plan): string {
  return createHash('sha256').update(stableJson(p)).digest('base64url').slice(0, 32);
}
