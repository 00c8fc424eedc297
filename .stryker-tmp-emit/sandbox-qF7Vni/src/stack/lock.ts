/**
 * A lock file around stack:up/down: several test runs (and several people's shells) share one stack,
 * and two concurrent `up`s must not both initdb or both start Trino. A lock whose holder died is taken over.
 */
// @ts-nocheck

import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive } from './process.ts';

export async function withStackLock<T>(
  stackDir: string,
  log: (line: string) => void,
  work: () => Promise<T>,
): Promise<T> {
  const path = join(stackDir, 'run', 'stack.lock');
  mkdirSync(join(stackDir, 'run'), { recursive: true });
  let waited = false;
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(path, 'utf8').trim() || '0');
      if (!holder || !isAlive(holder)) {
        rmSync(path, { force: true });
        continue;
      }
      if (!waited) log(`waiting for another stack:up/down (pid ${holder}) to finish`);
      waited = true;
      await sleep(500);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(path, { force: true });
  }
}
