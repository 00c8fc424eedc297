/** What a benchmark reads of another process (the service under test): found by its port, from /proc. */
// @ts-nocheck

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The pid of the process listening on `port` on this machine, or null. */
export function pidOnPort(port: number): number | null {
  const ss = execFileSync('ss', ['-ltnp'], { encoding: 'utf8' });
  const line = ss.split('\n').find((l) => l.includes(`:${port} `)) ?? '';
  const pid = /pid=(\d+)/.exec(line)?.[1];
  return pid ? Number(pid) : null;
}

/** Peak and current RSS (MiB) of `pid`. */
export function memoryOf(pid: number | null): { peak: number; rss: number } {
  if (pid === null) return { peak: Number.NaN, rss: Number.NaN };
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  return { peak: Math.round(kb('VmHWM') / 1024), rss: Math.round(kb('VmRSS') / 1024) };
}

/** CPU time (user + system, ms) `pid` has used so far. */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100;
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}
