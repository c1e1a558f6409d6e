// `pnpm bench` for @carejourney/store-sqlite, on the shipped ketamine journey driven through the
// public engine API (packages/core/test/fixtures/ketamineCourse.ts: referral, intake, induction, the
// response review, then 100 maintenance sessions). Prints, against baselines run in this process:
//
//   ratio sqlite/raw                        cost per event of engine + SqliteStore (the default,
//                                           synchronous=full, wall time) / a raw better-sqlite3
//                                           writer putting the same rows (journey row with its
//                                           snapshot, journal entry, idempotency key, timers,
//                                           outbox items) in ONE transaction per event, on the
//                                           IV course up to its 12th session; the raw side
//                                           writes exactly the commits the engine made in the
//                                           round before it, into a file of the same schema
//   ratio sqlite/raw (synchronous=normal)   the same over the whole IV course, CPU time
//   figure SqliteStore's share / raw        of that CPU time, what SqliteStore adds to the engine
//                                           (the course on SqliteStore less the same course on a
//                                           MemoryStore, round by round) / the raw writer's
//   figure SqliteStore.commit replay / raw  the same commits (those of the MemoryStore run, whose
//                                           snapshots no store has written as text yet) handed to
//                                           a new SqliteStore's `commit` and `markDelivered` alone,
//                                           as the engine hands them, without the engine / the raw
//                                           writer (CPU): what the store itself costs against the
//                                           floor
//   ratio session100/session1 (SqliteStore, IV|esketamine)
//                                           µs CPU per event around session 100 / around session
//                                           1: the median of the sessions 98-102 of every round /
//                                           that of the sessions 1-5 (each session's time over
//                                           its events; the median keeps a session that met a WAL
//                                           checkpoint from deciding it), at synchronous=normal so
//                                           the disk's fsync does not flatten the difference
//   figure bytes per journey at start       what the store holds for one journey right after
//                                           `start` (its journey row, journal, outbox, timers and
//                                           any other row under its id), and the snapshot's
//                                           bytes after sessions 1, 12, 50 and 100
//
// Then memory while 50,000 journeys are created (a process serving a growing clinic must not
// grow with it; sized so the workspace `pnpm bench` stays within minutes on two cores).
//
// Each engine/raw ratio is the median of the ratios of ROUNDS rounds (default 5, BENCH_ROUNDS),
// engine and raw taking turns within each round so a change in the machine's load hits both
// alike; the range of the rounds' ratios is printed beside it. The other ratios are of medians.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { createEngine, ketamineAnxietyJourney, ManualClock, MemoryStore, type JourneyCommit } from '@carejourney/core';
import { COURSE_PROTOCOL, COURSE_START, ESKETAMINE_COURSE, IV_COURSE, median, printPaired, perSessionUs, runCourse, type CourseOptions, type CourseResult, type CourseSpec } from '../../core/test/fixtures/ketamineCourse.js';
import { actors, visitJourney } from '../../core/test/fixtures/visitJourney.js';
import { SqliteStore } from '../src/index.js';

type Synchronous = 'full' | 'normal';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
/** The full-sync comparison runs the IV course to this session (each event waits for the disk). */
const FULL_SYNC_SESSIONS = 12;
const MEMORY_JOURNEYS = 50_000;
/** The sessions after which the snapshot's size is printed: it grows until the compacted sessions fill their window (12), then stays flat. */
const SNAPSHOT_SESSIONS = [1, 12, 50, 100];
const T0 = Date.parse('2026-01-05T09:00:00Z');

const dir = mkdtempSync(join(tmpdir(), 'carejourney-bench-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ratio = (name: string, value: number) => console.log(`ratio ${name}: ${value.toFixed(2)}`);
const cpuNow = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
let files = 0;
const freshPath = (name: string) => join(dir, `${name}-${++files}.db`);

// ------------------------------------------------------------------------- stored bytes

const valueBytes = (v: unknown): number =>
  typeof v === 'string' ? Buffer.byteLength(v) : Buffer.isBuffer(v) ? v.length : typeof v === 'number' || typeof v === 'bigint' ? 8 : 0;

/**
 * Bytes of the values the file holds for one journey: every row of every table keyed by its id
 * (`journeys.id`, or a `journey_id` column), column by column, as SQLite stores them (text as
 * UTF-8). Rows of other tables are shared by all journeys and reported apart.
 */
function storedBytes(db: Database.Database, journeyId: string): { perTable: Record<string, number>; total: number; shared: Record<string, number> } {
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
  const perTable: Record<string, number> = {};
  const shared: Record<string, number> = {};
  let total = 0;
  for (const table of tables) {
    const columns = (db.pragma(`table_info("${table}")`) as { name: string }[]).map((c) => c.name);
    const key = columns.includes('journey_id') ? 'journey_id' : table === 'journeys' ? 'id' : null;
    const rows = (key ? db.prepare(`SELECT * FROM "${table}" WHERE "${key}" = ?`).all(journeyId) : db.prepare(`SELECT * FROM "${table}"`).all()) as Record<string, unknown>[];
    const bytes = rows.reduce((sum, row) => sum + Object.values(row).reduce<number>((s, v) => s + valueBytes(v), 0), 0);
    if (key) {
      perTable[table] = bytes;
      total += bytes;
    } else if (rows.length > 0) shared[table] = bytes;
  }
  return { perTable, total, shared };
}

const snapshotBytes = (db: Database.Database, journeyId: string): number =>
  (db.prepare('SELECT length(CAST(snapshot AS BLOB)) AS n FROM journeys WHERE id = ?').get(journeyId) as { n: number }).n;

// ------------------------------------------------------------------- engine and raw runs

/** A store that hands every commit it is given to `captured` as well. */
function capturing<TStore extends SqliteStore | MemoryStore>(store: TStore, captured: JourneyCommit[]): TStore {
  return new Proxy(store, {
    get: (target, prop) => {
      if (prop === 'commit') return (c: JourneyCommit) => (captured.push(c), target.commit(c));
      const value: unknown = Reflect.get(target, prop);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** The course through engine.send/runDue on a new SqliteStore file; the store's commits are captured. */
async function engineRun(spec: CourseSpec, synchronous: Synchronous, captured: JourneyCommit[], options: Omit<CourseOptions, 'afterStart' | 'afterSession'> & { observe?: (db: Database.Database) => Pick<CourseOptions, 'afterStart' | 'afterSession'> } = {}): Promise<CourseResult> {
  const path = freshPath('engine');
  const store = new SqliteStore({ path, synchronous });
  const clock = new ManualClock(COURSE_START);
  const engine = createEngine({ definition: ketamineAnxietyJourney, store: capturing(store, captured), clock, protocol: COURSE_PROTOCOL });
  const reader = options.observe ? new Database(path, { readonly: true }) : undefined;
  try {
    return await runCourse(engine, clock, spec, { ...options, ...(reader ? options.observe!(reader) : {}) });
  } finally {
    reader?.close();
    await store.close();
    rmSync(path, { force: true });
  }
}

/** The same course through the engine on a MemoryStore: the engine's cost without SQLite. Its commits are captured. */
async function memoryRun(spec: CourseSpec, captured: JourneyCommit[]): Promise<CourseResult> {
  const clock = new ManualClock(COURSE_START);
  return runCourse(createEngine({ definition: ketamineAnxietyJourney, store: capturing(new MemoryStore(), captured), clock, protocol: COURSE_PROTOCOL }), clock, spec);
}

const KNOWN_COMMIT_FIELDS = new Set(['journey', 'expectedVersion', 'entry', 'idempotencyKey', 'timersToSet', 'timersToCancel', 'outbox', 'protocols']);
let warnedFields = false;

/**
 * The raw floor: the rows of each captured commit written by hand with better-sqlite3, one
 * immediate transaction per event: the journey row (inserted, or updated under the version
 * check, its indexed columns only when they change), the journal entry, the idempotency key, the
 * timers cancelled and set, the outbox items, the protocols it brings (unless stored already);
 * the previous event's outbox items are marked delivered in the same transaction (at least once,
 * as the engine's are). JSON is serialized per event, as any writer of these rows must. The state-leaf rows SqliteStore keeps for state
 * queries are its own index and are not written here.
 */
async function rawRun(commits: readonly JourneyCommit[], synchronous: Synchronous): Promise<{ cpuMs: number; wallMs: number }> {
  const path = freshPath('raw');
  // The store's own schema, indexes included.
  await new SqliteStore({ path, synchronous }).close();
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous.toUpperCase()}`);
  const insertJourney = db.prepare(
    `INSERT INTO journeys (id, definition_id, definition_version, patient_ref, version, last_seq, snapshot, state, phase, status, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const updateJourney = db.prepare('UPDATE journeys SET definition_version = ?, version = ?, last_seq = ?, snapshot = ?, state = ?, updated_at = ? WHERE id = ? AND version = ?');
  const setPhase = db.prepare('UPDATE journeys SET phase = ? WHERE id = ?');
  const setStatus = db.prepare('UPDATE journeys SET status = ? WHERE id = ?');
  const insertJournal = db.prepare(
    `INSERT INTO journal (journey_id, seq, kind, type, payload, actor, at, recorded_at, from_state, to_state, definition_version, idempotency_key)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertKey = db.prepare('INSERT INTO idempotency_keys (journey_id, key, seq) VALUES (?, ?, ?)');
  const deleteTimer = db.prepare('DELETE FROM timers WHERE journey_id = ? AND key = ?');
  const upsertTimer = db.prepare(
    `INSERT INTO timers (journey_id, key, owner, due_at, event, payload) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (journey_id, key) DO UPDATE SET owner = excluded.owner, due_at = excluded.due_at, event = excluded.event, payload = excluded.payload`,
  );
  const insertOutbox = db.prepare('INSERT INTO outbox (id, journey_id, kind, type, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)');
  const markDelivered = db.prepare('UPDATE outbox SET delivered_at = ? WHERE id = ?');
  const insertProtocol = db.prepare('INSERT INTO protocols (ref, definition_id, body, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (ref) DO NOTHING');
  const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
  const indexed = new Map<string, { phase: string; status: string }>();
  let delivered: string[] = [];
  const write = db.transaction((c: JourneyCommit) => {
    const j = c.journey;
    const snapshot = JSON.stringify(j.snapshot);
    const before = indexed.get(j.id);
    if (c.expectedVersion === 0) {
      insertJourney.run(j.id, j.definitionId, j.definitionVersion, j.patientRef, j.version, j.lastSeq, snapshot, j.state, j.phase, j.status, j.createdAt, j.updatedAt);
    } else {
      if (updateJourney.run(j.definitionVersion, j.version, j.lastSeq, snapshot, j.state, j.updatedAt, j.id, c.expectedVersion).changes !== 1) throw new Error('raw floor: version conflict');
      if (before?.phase !== j.phase) setPhase.run(j.phase, j.id);
      if (before?.status !== j.status) setStatus.run(j.status, j.id);
    }
    indexed.set(j.id, { phase: j.phase, status: j.status });
    const e = c.entry;
    if (e) {
      insertJournal.run(e.journeyId, e.seq, e.kind, e.type, json(e.payload), json(e.actor), e.at, e.recordedAt, e.from, e.to, e.definitionVersion, e.idempotencyKey ?? null);
      if (c.idempotencyKey !== undefined) insertKey.run(j.id, c.idempotencyKey, e.seq);
    }
    for (const key of c.timersToCancel) deleteTimer.run(j.id, key);
    for (const t of c.timersToSet) upsertTimer.run(j.id, t.key, t.owner, t.dueAt, json(t.event), json(t.payload));
    for (const item of c.outbox) insertOutbox.run(item.id, item.journeyId, item.kind, item.type, json(item.payload), item.createdAt);
    for (const p of c.protocols ?? []) insertProtocol.run(p.ref, p.definitionId, JSON.stringify(p.protocol), p.createdAt);
    for (const id of delivered) markDelivered.run(j.updatedAt, id);
    delivered = c.outbox.map((item) => item.id);
  });
  if (!warnedFields) {
    const unknown = [...new Set(commits.flatMap((c) => Object.keys(c).filter((k) => !KNOWN_COMMIT_FIELDS.has(k))))];
    if (unknown.length > 0) console.log(`warning: the raw floor does not write these commit fields: ${unknown.join(', ')}`);
    warnedFields = true;
  }
  const w = performance.now();
  const c0 = cpuNow();
  for (const c of commits) write.immediate(c);
  const cpuMs = cpuNow() - c0;
  const wallMs = performance.now() - w;
  db.close();
  rmSync(path, { force: true });
  return { cpuMs, wallMs };
}

/**
 * The captured commits through a new SqliteStore, without the engine: each `commit`, then
 * `markDelivered` of its outbox items, as the engine calls them (the marks ride on the next commit).
 */
async function replayRun(commits: readonly JourneyCommit[], synchronous: Synchronous): Promise<{ cpuMs: number }> {
  const path = freshPath('replay');
  const store = new SqliteStore({ path, synchronous });
  const c0 = cpuNow();
  for (const c of commits) {
    await store.commit(c);
    await store.markDelivered(c.outbox.map((item) => item.id));
  }
  const cpuMs = cpuNow() - c0;
  await store.close();
  rmSync(path, { force: true });
  return { cpuMs };
}

// ----------------------------------------------------------------------- the comparisons

const benchStart = performance.now();
console.log(`@carejourney/store-sqlite bench: the shipped ketamine journey, one journey per file, WAL; medians of ${ROUNDS} rounds, engine and raw taking turns`);

// Warm-up: the code paths of both sides, once.
{
  const captured: JourneyCommit[] = [];
  await engineRun(IV_COURSE, 'normal', captured, { untilSession: 8 });
  await rawRun(captured, 'normal');
}

interface Figures {
  engineCpu: number[];
  engineWall: number[];
  rawCpu: number[];
  rawWall: number[];
  memoryCpu: number[];
  replayCpu: number[];
  early: number[];
  late: number[];
  events: number;
}
const figures = (): Figures => ({ engineCpu: [], engineWall: [], rawCpu: [], rawWall: [], memoryCpu: [], replayCpu: [], early: [], late: [], events: 0 });
const us = (ms: number, events: number) => ((ms * 1000) / events).toFixed(0);

// The long courses at synchronous=normal: session100/session1, the stored bytes, and (IV) the raw floor.
for (const spec of [IV_COURSE, ESKETAMINE_COURSE]) {
  const f = figures();
  const bytes: { start?: ReturnType<typeof storedBytes>; session: Record<number, number> } = { session: {} };
  for (let round = 0; round < ROUNDS; round++) {
    const captured: JourneyCommit[] = [];
    const run = await engineRun(spec, 'normal', captured, {
      ...(round === 0
        ? {
            observe: (db) => ({
              afterStart: (id) => void (bytes.start = storedBytes(db, id)),
              afterSession: (n, view) => void (SNAPSHOT_SESSIONS.includes(n) && (bytes.session[n] = snapshotBytes(db, view.id))),
            }),
          }
        : {}),
    });
    f.engineCpu.push(run.totals.cpuMs);
    f.engineWall.push(run.totals.wallMs);
    f.early.push(...perSessionUs(run, 1, 5, 'cpuMs'));
    f.late.push(...perSessionUs(run, 98, 102, 'cpuMs'));
    f.events = run.totals.events;
    if (spec === IV_COURSE) {
      if (captured.length !== run.totals.events) throw new Error(`IV course: ${run.totals.events} events, ${captured.length} commits`);
      const raw = await rawRun(captured, 'normal');
      f.rawCpu.push(raw.cpuMs);
      f.rawWall.push(raw.wallMs);
      // The replay takes the MemoryStore run's commits, whose snapshots no store has written as
      // text yet: the SqliteStore run's were, and their kept texts would make the replay cheaper.
      const fresh: JourneyCommit[] = [];
      f.memoryCpu.push((await memoryRun(spec, fresh)).totals.cpuMs);
      if (fresh.length !== captured.length) throw new Error(`IV course: ${captured.length} commits on SqliteStore, ${fresh.length} on MemoryStore`);
      f.replayCpu.push((await replayRun(fresh, 'normal')).cpuMs);
    }
  }
  console.log('');
  console.log(`${spec.name} course: ${fmt(f.events)} events and timers over ${spec.maintenanceSessions} maintenance sessions after induction, synchronous=normal`);
  console.log(`engine on SqliteStore: ${us(median(f.engineCpu), f.events)} µs CPU per event (${us(median(f.engineWall), f.events)} µs wall)`);
  if (spec === IV_COURSE) {
    console.log(`raw better-sqlite3, the same rows in one transaction per event: ${us(median(f.rawCpu), f.events)} µs CPU per event (${us(median(f.rawWall), f.events)} µs wall)`);
    printPaired('sqlite/raw (synchronous=normal)', f.engineCpu, f.rawCpu);
    // Where the CPU goes: the engine on MemoryStore does all but the SQLite store's own work.
    const store = median(f.engineCpu.map((e, i) => e - f.memoryCpu[i]!));
    console.log(`the same course on MemoryStore: ${us(median(f.memoryCpu), f.events)} µs CPU per event; so SqliteStore's own share is ${us(store, f.events)} µs CPU per event`);
    console.log(`figure SqliteStore's share / raw (synchronous=normal): ${(store / median(f.rawCpu)).toFixed(2)}`);
    // The store alone on the same commits: its share above holds what the engine's work next to it adds.
    console.log(`the same commits through SqliteStore.commit and markDelivered alone: ${us(median(f.replayCpu), f.events)} µs CPU per event`);
    printPaired('SqliteStore.commit replay / raw (synchronous=normal)', f.replayCpu, f.rawCpu, 'figure');
  }
  console.log(`µs CPU per event, sessions 1-5: ${median(f.early).toFixed(0)}; sessions 98-102: ${median(f.late).toFixed(0)} (medians over the sessions of ${ROUNDS} rounds)`);
  ratio(`session100/session1 (SqliteStore, ${spec.name})`, median(f.late) / median(f.early));
  const suffix = spec === IV_COURSE ? '' : ` (${spec.name})`;
  if (bytes.start && spec === IV_COURSE) {
    const parts = Object.entries(bytes.start.perTable).map(([t, n]) => `${t} ${fmt(n)}`);
    const shared = Object.entries(bytes.start.shared).map(([t, n]) => `${t} ${fmt(n)}`);
    console.log(`stored for one journey right after start, bytes: ${parts.join(', ')}${shared.length > 0 ? `; shared by all journeys: ${shared.join(', ')}` : ''}`);
    console.log(`figure bytes per journey at start: ${bytes.start.total}`);
  }
  for (const n of SNAPSHOT_SESSIONS) console.log(`figure snapshot bytes at session ${n}${suffix}: ${bytes.session[n]}`);
}

// The default, synchronous=full: every commit waits for the disk, so the ratio is of wall time,
// over the IV course's intake, induction and first maintenance sessions.
{
  const f = figures();
  for (let round = 0; round < ROUNDS; round++) {
    const captured: JourneyCommit[] = [];
    const run = await engineRun(IV_COURSE, 'full', captured, { untilSession: FULL_SYNC_SESSIONS });
    f.engineWall.push(run.totals.wallMs);
    f.engineCpu.push(run.totals.cpuMs);
    f.events = run.totals.events;
    const raw = await rawRun(captured, 'full');
    f.rawWall.push(raw.wallMs);
    f.rawCpu.push(raw.cpuMs);
  }
  console.log('');
  console.log(`IV course to session ${FULL_SYNC_SESSIONS}: ${fmt(f.events)} events and timers, synchronous=full (the default)`);
  console.log(`engine on SqliteStore: ${us(median(f.engineWall), f.events)} µs wall per event (${us(median(f.engineCpu), f.events)} µs CPU)`);
  console.log(`raw better-sqlite3, the same rows in one transaction per event: ${us(median(f.rawWall), f.events)} µs wall per event (${us(median(f.rawCpu), f.events)} µs CPU)`);
  // What the disk adds to every commit on this machine: the ratio shrinks as it grows, since both sides wait for it alike.
  console.log(`the raw writer waits for the disk about ${us(median(f.rawWall) - median(f.rawCpu), f.events)} µs per commit (wall less CPU)`);
  printPaired('sqlite/raw', f.engineWall, f.rawWall);
}

// -------------------------------------------------------------------------------- memory

/**
 * Creates MEMORY_JOURNEYS journeys and reports memory along the way, while an engine keeps working on
 * random ones. The journeys (of the small visit journey of the tests, so the file stays small)
 * are committed through the store one transaction each, the commit the engine makes for a start.
 */
async function memoryAfterJourneys(): Promise<void> {
  // NORMAL, so the creations take seconds rather than one fsync each.
  const store = new SqliteStore({ path: freshPath('memory'), synchronous: 'normal' });
  const clock = new ManualClock(T0);
  const engine = createEngine({ definition: visitJourney, store, clock });
  const template = await engine.start({ journeyId: 'm-template', patientRef: 'pt-template', input: {}, actor: actors.coordinator });
  const record = (await store.load(template.id))!;
  const [entry] = await store.readJournal(template.id);
  gc();
  const base = process.memoryUsage();
  console.log('');
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
    if (i % 12_500 === 0) {
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

await memoryAfterJourneys();
console.log(`bench time: ${((performance.now() - benchStart) / 1000).toFixed(1)} s`);
