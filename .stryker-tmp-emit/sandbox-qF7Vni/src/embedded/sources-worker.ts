/**
 * The worker thread that owns the embedded demo sources (see README.md): opens PGlite from the
 * snapshot (or generates the demo data and writes the snapshot), serves it on the given port and
 * reports `ready`. Its statements block only this thread; the main thread terminates it to cancel one.
 */
// @ts-nocheck

import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { loadDemoDataIntoPglite } from '../data/load.ts';
import { DEMO_DATA, GENERATOR_VERSION } from '../data/settings.ts';
import { serveEmbedded } from '../store/embedded-socket.ts';
import type { SourcesWorkerInput, SourcesWorkerMessage } from './sources-protocol.ts';

const input = workerData as SourcesWorkerInput;
const post = (message: SourcesWorkerMessage) => parentPort!.postMessage(message);

/** What the snapshot holds; a different scale, seed, end or generator means generating it again. */
const snapshotKey = () =>
  JSON.stringify({ scale: input.scale, end: input.end, GENERATOR_VERSION, DEMO_DATA });

async function fromSnapshot(): Promise<PGlite | null> {
  const { tarball, key } = input.snapshot;
  if (!existsSync(tarball) || !existsSync(key) || readFileSync(key, 'utf8') !== snapshotKey()) return null;
  try {
    return await PGlite.create({ loadDataDir: new Blob([readFileSync(tarball)]) });
  } catch (error) {
    // A damaged snapshot is only a cache: generate the data again.
    post({
      kind: 'log',
      line: `demo sources snapshot unreadable (${(error as Error).message}); regenerating`,
    });
    rmSync(tarball, { force: true });
    return null;
  }
}

async function generated(): Promise<PGlite> {
  const db = await PGlite.create();
  await loadDemoDataIntoPglite(db, { scale: input.scale, end: input.end });
  const dump = await db.dumpDataDir('none');
  // Written aside and renamed, so a crash never leaves a half snapshot under the real name.
  writeFileSync(`${input.snapshot.tarball}.tmp`, new Uint8Array(await dump.arrayBuffer()));
  renameSync(`${input.snapshot.tarball}.tmp`, input.snapshot.tarball);
  writeFileSync(input.snapshot.key, snapshotKey());
  return db;
}

async function main(): Promise<void> {
  const started = Date.now();
  const restored = await fromSnapshot();
  const db = restored ?? (await generated());
  const socket = await serveEmbedded(db, {
    port: input.port,
    log: (message, error) => post({ kind: 'log', line: `${message}: ${(error as Error)?.message ?? error}` }),
    onBackendFailure: (error) =>
      post({ kind: 'backend-failure', message: String((error as Error)?.message) }),
  });
  post({
    kind: 'ready',
    url: socket.url,
    port: Number(new URL(socket.url).port),
    origin: restored ? 'snapshot' : 'generated',
    ms: Date.now() - started,
  });
}

main().catch((error) => post({ kind: 'failed', message: (error as Error)?.stack ?? String(error) }));
