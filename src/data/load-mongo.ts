/** Loads the demo data's `analytics` source (events, sessions) into MongoDB over the mongodb driver. */
import { MongoClient } from 'mongodb';
import { batches, type DemoDataSet } from './generate.ts';
import { rate } from './load-common.ts';
import { progress } from './progress.ts';
import { DEMO_DATA, GENERATOR_VERSION } from './settings.ts';
import { describe, keep, type SourceState } from './source-state.ts';

/** Documents per MongoDB insertMany. */
const BATCH = 5_000;

/** Loads `analytics` unless `onlyIfEmpty` leaves it alone; true when it loaded. */
export async function loadMongo(
  url: string,
  data: DemoDataSet,
  options: { readonly onlyIfEmpty?: boolean | undefined },
  log: (line: string) => void,
): Promise<boolean> {
  const client = new MongoClient(url);
  await client.connect();
  try {
    const db = client.db();
    const events = db.collection('events');
    const sessions = db.collection('sessions');
    const marker = db.collection('_kpi_engine_demo');
    if (options.onlyIfEmpty) {
      const held = (await events.findOne({})) !== null || (await sessions.findOne({})) !== null;
      const last = held ? await marker.findOne({}, { sort: { loaded_at: -1 } }) : null;
      const state: SourceState = !held
        ? { kind: 'empty' }
        : !last
          ? { kind: 'foreign' }
          : last.complete !== false // markers written before `complete` existed were complete
            ? {
                kind: 'demo',
                scale: Number(last.scale),
                seed: Number(last.seed),
                version: Number(last.version ?? 1),
                end: last.end instanceof Date ? last.end.getTime() : DEMO_DATA.end,
              }
            : { kind: 'partial' };
      const reason = keep(state, data);
      if (reason) {
        log(`demo data: analytics.events, analytics.sessions ${reason}`);
        return false;
      }
      log(
        `demo data: analytics.events, analytics.sessions ${describe(state)}; loading scale ${data.scale} (seed ${data.seed})`,
      );
    }
    // The marker says "loading" first and "complete" last, so an interrupted load is reloaded next time.
    await marker.deleteMany({});
    const { insertedId } = await marker.insertOne({
      scale: data.scale,
      seed: data.seed,
      version: GENERATOR_VERSION,
      end: new Date(data.end),
      complete: false,
      loaded_at: new Date(),
    });
    for (const [name, collection, rows] of [
      ['events', events, () => data.events()],
      ['sessions', sessions, () => data.sessions()],
    ] as const) {
      // Dropping is far faster than deleting documents one by one; the indexes are rebuilt below.
      await collection.drop().catch(() => false);
      const t0 = Date.now();
      let n = 0;
      // One insertMany at a time (mongo-java-server slows down under concurrent writes: measured 13k
      // docs/s with one in flight, 9k with three), but the next batch is generated while it runs.
      let pending: Promise<unknown> = Promise.resolve();
      const report = progress(`analytics.${name}`, data.counts[name], log);
      for (const batch of batches<any>(rows(), BATCH)) {
        await pending;
        report(n);
        pending = collection.insertMany(batch, { ordered: false });
        n += batch.length;
      }
      await pending;
      log(`demo data: analytics.${name}: ${rate(n, Date.now() - t0)}`);
    }
    await events.createIndex({ ts: 1 });
    await sessions.createIndex({ started_at: 1 });
    await marker.updateOne({ _id: insertedId }, { $set: { complete: true, loaded_at: new Date() } });
    return true;
  } finally {
    await client.close();
  }
}
