// Throughput of the engine on SqliteStore against a raw better-sqlite3 loop that writes the same
// rows in the same transaction shape, and memory after creating 100,000 journeys.
//
// Run: pnpm bench (from the package, or from the workspace root for every package).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createEngine, ManualClock, type JournalEntry, type JourneyRecord } from '@carejourney/core';
import { actors, visitJourney } from '../../core/test/fixtures/visitJourney.js';
import { SqliteStore } from '../src/index.js';
import { STORE_SQL } from '../src/storeSql.js';

type Synchronous = 'full' | 'normal';

const JOURNEYS = 50;
const EVENTS: Record<Synchronous, number> = { full: 1_500, normal: 4_000 };
const WARM_UP_EVENTS = 300;
const ROUNDS = 3;
const MEMORY_JOURNEYS = 100_000;
const T0 = Date.parse('2026-01-05T09:00:00Z');

const dir = mkdtempSync(join(tmpdir(), 'carejourney-bench-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
let files = 0;
const freshPath = (name: string) => join(dir, `${name}-${++files}.db`);

/** Journeys brought to check-in, where `vitals.recorded` applies again and again. */
async function checkedInJourneys(store: SqliteStore, clock: ManualClock): Promise<string[]> {
  const engine = createEngine({ definition: visitJourney, store, clock });
  const ids: string[] = [];
  for (let i = 0; i < JOURNEYS; i++) {
    const { id } = await engine.start({ journeyId: `bench-${i}`, patientRef: `pt-${i}`, input: {}, actor: actors.coordinator });
    await engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician });
    await engine.send(id, { type: 'visit.book', slot: '2026-01-05T10:00:00Z' }, { actor: actors.coordinator });
    await engine.send(id, { type: 'patient.arrived' }, { actor: actors.nurse });
    ids.push(id);
  }
  return ids;
}

/** Events per second through `engine.send`: validate, load, transition, commit, deliver, view. */
async function engineThroughput(synchronous: Synchronous, events = EVENTS[synchronous]): Promise<number> {
  const store = new SqliteStore({ path: freshPath('engine'), synchronous });
  const clock = new ManualClock(T0);
  const ids = await checkedInJourneys(store, clock);
  const engine = createEngine({ definition: visitJourney, store, clock });
  const start = process.hrtime.bigint();
  for (let i = 0; i < events; i++) {
    const result = await engine.send(
      ids[i % ids.length]!,
      { type: 'vitals.recorded', systolic: 110 + (i % 30), diastolic: 70 },
      { actor: actors.nurse, idempotencyKey: `k-${i}` },
    );
    if (!result.ok) throw result.error;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await store.close();
  return events / seconds;
}

/**
 * Events per second of a hand-written loop with the same statements the store runs for such an
 * event: one immediate transaction with the version check, the journey row, the journal entry,
 * the idempotency key and the outbox item; then a second one marking the item delivered. Values
 * are serialized per event, as any writer of these rows must.
 */
async function rawThroughput(synchronous: Synchronous, events = EVENTS[synchronous]): Promise<number> {
  const path = freshPath('raw');
  // The same schema and starting rows as the engine run.
  const seedStore = new SqliteStore({ path, synchronous });
  const ids = await checkedInJourneys(seedStore, new ManualClock(T0));
  const records = new Map<string, JourneyRecord>();
  for (const id of ids) records.set(id, (await seedStore.load(id))!);
  await seedStore.close();

  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous.toUpperCase()}`);
  const s = Object.fromEntries(Object.entries(STORE_SQL).map(([name, sql]) => [name, db.prepare(sql)])) as Record<keyof typeof STORE_SQL, Database.Statement>;
  const write = db.transaction((record: JourneyRecord, expectedVersion: number, entry: JournalEntry, key: string) => {
    const current = s.journeyVersion.get(record.id) as { version: number; phase: string; status: string } | undefined;
    if (current?.version !== expectedVersion) throw new Error('conflict');
    s.updateJourney.run(
      record.definitionVersion,
      record.version,
      record.lastSeq,
      JSON.stringify(record.snapshot),
      record.state,
      record.createdAt,
      record.updatedAt,
      record.id,
      expectedVersion,
    );
    if (current.phase !== record.phase) s.setPhase.run(record.phase, record.id);
    if (current.status !== record.status) s.setStatus.run(record.status, record.id);
    s.insertJournal.run(record.id, entry.seq, entry.kind, entry.type, JSON.stringify(entry.payload), JSON.stringify(entry.actor), entry.at, entry.recordedAt, entry.from, entry.to, entry.definitionVersion, key);
    s.insertKey.run(record.id, key, entry.seq);
    s.insertOutbox.run(`${record.id}:${record.version}:0`, record.id, 'transition', entry.type, JSON.stringify(entry), record.updatedAt);
  });
  const deliver = db.transaction((id: string, at: string) => {
    s.markDelivered.run(at, id);
  });

  const at = new Date(T0).toISOString();
  const start = process.hrtime.bigint();
  for (let i = 0; i < events; i++) {
    const previous = records.get(ids[i % ids.length]!)!;
    const snapshot = previous.snapshot as { context: Record<string, unknown> };
    const next: JourneyRecord = {
      ...previous,
      version: previous.version + 1,
      lastSeq: previous.lastSeq + 1,
      snapshot: { ...snapshot, context: { ...snapshot.context, bp: { systolic: 110 + (i % 30), diastolic: 70 } } },
      updatedAt: at,
    };
    const entry: JournalEntry = {
      journeyId: next.id,
      seq: next.lastSeq,
      kind: 'event',
      type: 'vitals.recorded',
      payload: { systolic: 110 + (i % 30), diastolic: 70 },
      actor: actors.nurse,
      at,
      recordedAt: at,
      from: 'checkedIn',
      to: 'checkedIn',
      definitionVersion: visitJourney.version,
      idempotencyKey: `k-${i}`,
    };
    write.immediate(next, previous.version, entry, `k-${i}`);
    deliver.immediate(`${next.id}:${next.version}:0`, at);
    records.set(next.id, next);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  db.close();
  return events / seconds;
}

/**
 * Creates 100,000 journeys and reports memory along the way, while an engine keeps working on
 * random ones: a process serving a growing clinic must not grow with it. The journeys are
 * committed through the store one transaction each (the commit the engine makes for a start),
 * which keeps this part of the bench under half a minute.
 */
async function memoryAfterJourneys(): Promise<void> {
  // NORMAL, so 100,000 creations take seconds rather than 100,000 fsyncs.
  const store = new SqliteStore({ path: freshPath('memory'), synchronous: 'normal' });
  const clock = new ManualClock(T0);
  const engine = createEngine({ definition: visitJourney, store, clock });
  const template = await engine.start({ journeyId: 'm-template', patientRef: 'pt-template', input: {}, actor: actors.coordinator });
  const record = (await store.load(template.id))!;
  const [entry] = await store.readJournal(template.id);
  gc();
  const base = process.memoryUsage();
  console.log(`memory before: rss ${mb(base.rss)}, heap used ${mb(base.heapUsed)}`);
  const idOf = (i: number) => `m-${String(i).padStart(6, '0')}`;
  const start = process.hrtime.bigint();
  let driven = 0;
  for (let i = 1; i <= MEMORY_JOURNEYS; i++) {
    const id = idOf(i);
    await store.commit({
      journey: { ...record, id, patientRef: `pt-${i}` },
      expectedVersion: 0,
      entry: { ...entry!, journeyId: id },
      timersToSet: [],
      timersToCancel: [],
      outbox: [],
    });
    if (i % 500 === 0) {
      // The engine at work in between: a send to a random journey, a clinic list, due timers.
      const target = idOf(1 + Math.floor(Math.random() * i));
      const result = await engine.send(target, { type: 'consent.recorded' }, { actor: actors.physician });
      if (result.ok) driven++;
      await engine.query({ phase: 'referral', limit: 20 });
      await engine.runDue();
    }
    if (i % 25_000 === 0) {
      gc();
      const usage = process.memoryUsage();
      console.log(`memory after ${fmt(i)} journeys: rss ${mb(usage.rss)}, heap used ${mb(usage.heapUsed)}`);
    }
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(`journeys created: ${fmt(MEMORY_JOURNEYS / seconds)}/s (synchronous=normal), ${driven} events sent through the engine in between`);
  gc();
  console.log(`RSS after creating ${fmt(MEMORY_JOURNEYS)} journeys: ${mb(process.memoryUsage().rss)}`);
  await store.close();
}

const benchStart = process.hrtime.bigint();
console.log(`@carejourney/store-sqlite bench: ${JOURNEYS} journeys, one vitals.recorded event per send, WAL, best of ${ROUNDS} alternating runs`);
const figures: Record<Synchronous, { engine: number; raw: number }> = { full: { engine: 0, raw: 0 }, normal: { engine: 0, raw: 0 } };
for (const synchronous of ['full', 'normal'] as const) {
  // Warm up JIT and the page cache, then alternate engine and raw runs and keep the best of
  // each: both meet the same disk and the same neighbours, and a run slowed by another process
  // on the machine does not decide the ratio.
  await engineThroughput(synchronous, WARM_UP_EVENTS);
  await rawThroughput(synchronous, WARM_UP_EVENTS);
  for (let round = 0; round < ROUNDS; round++) {
    const events = Math.round(EVENTS[synchronous] / ROUNDS);
    figures[synchronous].engine = Math.max(figures[synchronous].engine, await engineThroughput(synchronous, events));
    figures[synchronous].raw = Math.max(figures[synchronous].raw, await rawThroughput(synchronous, events));
  }
}
for (const synchronous of ['full', 'normal'] as const) {
  const { engine, raw } = figures[synchronous];
  const label = synchronous === 'full' ? 'synchronous=full, the default' : 'synchronous=normal';
  console.log(`engine on SqliteStore (${label}): ${fmt(engine)} committed events/s`);
  console.log(`raw better-sqlite3 loop (${label}): ${fmt(raw)} committed events/s`);
}
console.log(`ratio engine/raw: ${(figures.full.engine / figures.full.raw).toFixed(2)}`);
console.log(`ratio engine/raw (synchronous=normal): ${(figures.normal.engine / figures.normal.raw).toFixed(2)}`);
await memoryAfterJourneys();
console.log(`bench time: ${(Number(process.hrtime.bigint() - benchStart) / 1e9).toFixed(1)} s`);
