/**
 * The embedded default's data folder (KPI_DATA_DIR, default `.kpi-data` in the working directory):
 *
 *   store/                 the metrics store's PGlite data folder (definitions, versions, reports, kpi_metrics)
 *   demo-sources.tar       a snapshot of the demo sources database (a cache: delete it to regenerate)
 *   demo-sources.json      which data set the snapshot holds (scale, seed, generator version)
 *   kpi-engine.pid         the process using the folder (pid and a token); a second service on it refuses to start
 *
 * PGlite is a single-user PostgreSQL: two processes on one data folder would corrupt it, hence the lock.
 */
// @ts-nocheck


import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface DataDir {
  readonly root: string;
  readonly storeDir: string;
  readonly snapshot: { readonly tarball: string; readonly key: string };
  /** Removes the lock (the folder and its data stay). */
  release(): void;
}

export class DataDirInUseError extends Error {
  constructor(
    readonly root: string,
    readonly pid: number,
  ) {
    super(`KPI_DATA_DIR ${root} is in use by process ${pid}: stop it, or give this one another KPI_DATA_DIR`);
    this.name = 'DataDirInUseError';
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Creates the folder when missing and takes its lock. The lock names the process and a token of this
 * opening, so a second opening in the same process (another worker thread of a test runner) is refused
 * too; a lock left by a dead process is taken over.
 */
export function openDataDir(dir: string): DataDir {
  const root = resolve(dir);
  mkdirSync(root, { recursive: true });
  const lock = join(root, 'kpi-engine.pid');
  const token = `${process.pid} ${randomUUID()}`;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, token);
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(lock, 'utf8').trim().split(' ')[0] || '0');
      if (holder && alive(holder)) throw new DataDirInUseError(root, holder);
      rmSync(lock, { force: true });
    }
  }
  let released = false;
  return {
    root,
    storeDir: join(root, 'store'),
    snapshot: { tarball: join(root, 'demo-sources.tar'), key: join(root, 'demo-sources.json') },
    release() {
      if (released) return;
      released = true;
      // Only our own lock: never one another process took over meanwhile.
      let holder = '';
      try {
        holder = readFileSync(lock, 'utf8');
      } catch {
        // already gone
      }
      if (holder === token) rmSync(lock, { force: true });
    },
  };
}
