/**
 * `npm run bench -- GROUP [GROUP…]` runs benchmark groups (test/bench/groups/<group>.ts), prints each
 * group's table, writes .bench/<group>.json, and prints each headline; the very last line is the last
 * group's headline. With no argument it lists the groups. Benchmarks report figures; tests assert.
 */
// @ts-nocheck

import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './types.ts';

const groupsDir = fileURLToPath(new URL('./groups/', import.meta.url));
const available = (() => {
  try {
    return readdirSync(groupsDir)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.slice(0, -3))
      .sort();
  } catch {
    return [];
  }
})();

function printTable(rows: ReadonlyArray<Record<string, string | number>>): void {
  if (rows.length === 0) return;
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) =>
    typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : String(v ?? '');
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i]!)).join('  ');
  console.log(line(columns));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(columns.map((c) => cell(r[c]))));
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  if (wanted.length === 0) {
    console.log(`usage: npm run bench -- GROUP\ngroups: ${available.join(', ') || '(none yet)'}`);
    return;
  }
  const unknown = wanted.filter((g) => !available.includes(g));
  if (unknown.length > 0) {
    console.error(`unknown bench group(s): ${unknown.join(', ')}; groups: ${available.join(', ')}`);
    process.exitCode = 2;
    return;
  }
  mkdirSync('.bench', { recursive: true });
  const headlines: string[] = [];
  for (const group of wanted) {
    const mod = (await import(`./groups/${group}.ts`)) as { run: () => Promise<BenchResult> };
    console.log(`\n== ${group} ==`);
    const result = await mod.run();
    printTable(result.table);
    writeFileSync(
      `.bench/${group}.json`,
      JSON.stringify({ at: new Date().toISOString(), node: process.version, ...result }, null, 2),
    );
    headlines.push(result.headline);
  }
  console.log('');
  for (const h of headlines) console.log(h);
}

await main();
// Groups may leave pools or timers open; a benchmark run ends when its report is printed.
process.exit(process.exitCode ?? 0);
