// Measures this process's heap as a SqliteStore grows from a few thousand journeys to many
// thousands, while an engine keeps driving and querying some of them. Prints one JSON line.
//
// Run: node --expose-gc memoryProbe.mjs '<json config>' (bundled by the workspace's test/support/bundleChild.ts)
import { createEngine, ManualClock, type JourneyCommit, type JourneyRecord } from '@carejourney/core';
import { actors, visitJourney } from '../../../core/test/fixtures/visitJourney.js';
import { SqliteStore } from '../../src/index.js';
import { nextVisitAction, pick, seededRandom } from './visitActions.js';

interface MemoryProbeConfig {
  readonly dbPath: string;
  /** Journey counts at which the heap is measured, ascending. */
  readonly checkpoints: readonly number[];
}

const config = JSON.parse(process.argv[2] ?? '{}') as MemoryProbeConfig;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const random = seededRandom(42);
const clock = new ManualClock('2026-01-05T09:00:00Z');
// NORMAL: the probe measures memory, not durability, and must create its journeys quickly.
const store = new SqliteStore({ path: config.dbPath, synchronous: 'normal' });
const engine = createEngine({ definition: visitJourney, store, clock });

const template = await engine.start({ journeyId: 'template', patientRef: 'pt-template', input: {}, actor: actors.coordinator });
const record = (await store.load(template.id)) as JourneyRecord;
const [entry] = await store.readJournal(template.id);

let created = 1;
async function createDirectly(count: number): Promise<void> {
  for (; created < count; created++) {
    const id = `j-${String(created).padStart(7, '0')}`;
    const commit: JourneyCommit = {
      journey: { ...record, id, patientRef: `pt-${created % 5000}` },
      expectedVersion: 0,
      entry: { ...entry!, journeyId: id },
      timersToSet: [],
      timersToCancel: [],
      outbox: [],
    };
    await store.commit(commit);
  }
}

/** Work a clinic does all day: drive a few journeys, list some, fire what is due. */
async function clinicWork(rounds: number): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    const id = `j-${String(1 + Math.floor(random() * (created - 1))).padStart(7, '0')}`;
    const view = await engine.get(id);
    const action = nextVisitAction(view, clock.now(), random);
    if (action) await engine.send(id, action.event as never, { actor: action.actor });
    await engine.query({ phase: pick(random, ['referral', 'booked', 'checkedIn']), limit: 20 });
    await engine.query({ patientRef: `pt-${Math.floor(random() * 5000)}` });
    clock.advance(60_000);
    await engine.runDue();
  }
}

const heap: { journeys: number; heapUsed: number; rss: number }[] = [];
for (const checkpoint of config.checkpoints) {
  await createDirectly(checkpoint);
  await clinicWork(200);
  gc();
  gc();
  const usage = process.memoryUsage();
  heap.push({ journeys: created, heapUsed: usage.heapUsed, rss: usage.rss });
}
await store.close();
process.stdout.write(`${JSON.stringify({ heap })}\n`);
