/**
 * Detached server processes with pid files: a server outlives the `stack:up` that started it and is
 * stopped by `stack:down` through its pid file. Each server leads its own process group, so stopping
 * the group also stops the children a launcher may have forked.
 */
import { type SpawnOptions, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export function pidFile(stackDir: string, name: string): string {
  return join(stackDir, 'run', `${name}.pid`);
}

export function logFile(stackDir: string, name: string): string {
  return join(stackDir, 'logs', `${name}.log`);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/**
 * An exited process not yet reaped by its parent (here often an init that reaps only every few
 * seconds). A JVM whose main thread ended while shutdown hooks still run also shows state Z, but it
 * still has other threads: only a single-threaded Z is really gone.
 */
function isZombie(pid: number): boolean {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const state = /^State:\s+(\S)/m.exec(status)?.[1];
    const threads = Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? '1');
    return state === 'Z' && threads <= 1;
  } catch {
    return false;
  }
}

/** The pid recorded for `name`, if that process is still alive. */
export function runningPid(stackDir: string, name: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile(stackDir, name), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export interface DetachedOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Run as this system user (the stack runs as root in CI containers; PostgreSQL refuses root). */
  readonly uid?: number;
  readonly gid?: number;
}

/** Starts `command` detached, output appended to .stack/logs/<name>.log, pid in .stack/run/<name>.pid. */
export function spawnDetached(
  stackDir: string,
  name: string,
  command: string,
  args: readonly string[],
  options: DetachedOptions = {},
): number {
  mkdirSync(join(stackDir, 'logs'), { recursive: true });
  mkdirSync(join(stackDir, 'run'), { recursive: true });
  const log = openSync(logFile(stackDir, name), 'a');
  const spawnOptions: SpawnOptions = {
    cwd: options.cwd,
    env: options.env, // undefined: the child inherits this process's environment
    detached: true,
    stdio: ['ignore', log, log],
  };
  if (options.uid !== undefined) spawnOptions.uid = options.uid;
  if (options.gid !== undefined) spawnOptions.gid = options.gid;
  const child = spawn(command, args, spawnOptions);
  closeSync(log);
  if (child.pid === undefined) throw new Error(`could not start ${name} (${command})`);
  child.unref();
  writeFileSync(pidFile(stackDir, name), `${child.pid}\n`);
  return child.pid;
}

/** Sends `signal` (to the whole process group when `group`), then SIGKILL if still alive after `graceMs`. */
export async function stopProcessGroup(
  pid: number,
  {
    signal = 'SIGTERM',
    group = true,
    graceMs = 30_000,
  }: { signal?: NodeJS.Signals; group?: boolean; graceMs?: number } = {},
): Promise<void> {
  const send = (sig: NodeJS.Signals, toGroup: boolean) => {
    try {
      process.kill(toGroup ? -pid : pid, sig);
    } catch {
      // already gone (or not a group leader: the pid alone gets it below)
      if (toGroup) send(sig, false);
    }
  };
  send(signal, group);
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) send('SIGKILL', true);
  while (isAlive(pid)) await sleep(50);
}

export function removePidFile(stackDir: string, name: string): void {
  rmSync(pidFile(stackDir, name), { force: true });
}

/** True when something accepts TCP connections on host:port. */
export function portOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolveOpen) => {
    const socket = createConnection({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolveOpen(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Polls `probe` until it returns true; fails after `timeoutMs`, or as soon as `pid` dies (with the tail
 * of the log, which is where the reason is).
 */
/**
 * CPU time a process has used so far, in clock ticks (Linux /proc), or undefined where it cannot be read.
 * A process whose CPU time still grows is working (a JVM compiling, a database replaying its log), not hung.
 */
export function cpuTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After "(comm)" the fields start at field 3 (state): utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

/** How many times its readiness limit a server that keeps working may take before it is given up. */
export const BUSY_LIMIT_FACTOR = 3;

/**
 * Waits until `probe` answers true. `timeoutMs` is the limit on a machine that gives the server its
 * share: past it, a server whose CPU time still grew in the last `timeoutMs` is still starting — slower
 * because the machine is loaded — and is waited for, up to BUSY_LIMIT_FACTOR × `timeoutMs`; one that
 * did no work for `timeoutMs` is stuck and fails at once. A server that exits fails at once too.
 */
export async function waitUntilReady(
  what: string,
  probe: () => Promise<boolean>,
  {
    timeoutMs,
    pid,
    log,
    ticksOf = cpuTicks,
  }: {
    timeoutMs: number;
    pid?: number;
    log?: string;
    /** The CPU-time reading (tests replace it). */
    ticksOf?: (pid: number) => number | undefined;
  },
): Promise<void> {
  const started = Date.now();
  let ticks = pid === undefined ? undefined : ticksOf(pid);
  let lastWork = started;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (pid !== undefined && !isAlive(pid)) {
      throw new Error(
        `${what} exited before it was ready${log ? `; last lines of ${log}:\n${tail(log)}` : ''}`,
      );
    }
    const now = Date.now();
    const current = pid === undefined ? undefined : ticksOf(pid);
    if (current !== undefined && current !== ticks) {
      ticks = current;
      lastWork = now;
    }
    const idle = now - lastWork >= timeoutMs;
    if (now - started > timeoutMs && (idle || now - started > BUSY_LIMIT_FACTOR * timeoutMs)) {
      const why = idle
        ? `, ${Math.round((now - lastWork) / 1000)}s without using the CPU`
        : ', busy throughout';
      throw new Error(
        `${what} not ready after ${Math.round((now - started) / 1000)}s${pid === undefined ? '' : why}` +
          `${log ? `; see ${log}:\n${tail(log)}` : ''}`,
      );
    }
    await sleep(250);
  }
}

export function tail(path: string, lines = 15): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
