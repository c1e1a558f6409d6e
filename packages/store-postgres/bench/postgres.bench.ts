// `pnpm bench`: events per second through the engine on PostgresStore in one process and in four,
// against a raw `pg` floor that writes the same rows (the engine's own commits, captured) in one
// transaction per event. Prints `ratio postgres/raw` (cost per event) and `ratio 4 processes/1`
// (throughput).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createEngine, ketamineAnxietyJourney, ManualClock, type CommitTexts, type JourneyCommit } from '@carejourney/core';
import { PostgresStore } from '../src/index.js';
import { commitValues, storeSql } from '../src/storeSql.js';
import { benchCourse, DATABASE_URL, dropSchemas, journeyIds, seedSchema, type BenchCourse } from './benchSetup.js';

// Sized so the whole workspace `pnpm bench` stays within minutes on a two-core machine, where
// each commit waits for the server's fsync.
const JOURNEYS = 60;
const EVENTS = 300;
const WARM_UP = 100;
const ROUNDS = 3;
const CHILD_EVENTS = 240;
const PROCESSES = 4;

const packageDir = fileURLToPath(new URL('../', import.meta.url));
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const tag = randomUUID().slice(0, 8);
const engineSchema = `cj_bench_${tag}`;
const rawSchema = `cj_bench_raw_${tag}`;
const stmtSchema = `cj_bench_stmt_${tag}`;

/** Events per second of `engine.send` in this process; the store's commits are captured for the raw runs. */
async function engineRun(course: BenchCourse, ids: readonly string[], events: number, round: number, captured: JourneyCommit[]): Promise<number> {
  const postgres = await PostgresStore.open({ connectionString: DATABASE_URL, schema: engineSchema, poolSize: 2 });
  const store = new Proxy(postgres, {
    get: (target, prop) => {
      if (prop === 'commit') return (c: JourneyCommit) => (captured.push(c), target.commit(c));
      const value: unknown = Reflect.get(target, prop);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  const engine = createEngine({ definition: ketamineAnxietyJourney, store, clock: new ManualClock(course.at), protocol: course.protocol as never });
  const started = process.hrtime.bigint();
  for (let i = 0; i < events; i++) {
    const id = ids[i % ids.length]!;
    const { event, actor } = course.stream[Math.floor(i / ids.length) % course.stream.length]!;
    const result = await engine.send(id, event as never, { actor: actor as never, idempotencyKey: `r${round}-${i}` });
    if (!result.ok) throw result.error;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await postgres.close();
  return events / seconds;
}

/**
 * The raw floor: the rows of each captured commit written with plain `pg` in one transaction:
 * BEGIN, the journey row with the version check, the journal entry, the idempotency key, the
 * timers, the outbox items, COMMIT. Values are serialized per event, as any writer must.
 */
async function rawRun(commits: readonly JourneyCommit[]): Promise<number> {
  const db = new pg.Client({ connectionString: DATABASE_URL });
  await db.connect();
  const s = `"${rawSchema}"`;
  const q = (name: string, text: string, values: unknown[]) => db.query({ name: `raw_${name}`, text, values });
  const started = process.hrtime.bigint();
  for (const c of commits) {
    const j = c.journey;
    const e = c.entry!;
    await db.query('BEGIN');
    const updated = await q(
      'journey',
      `UPDATE ${s}.journeys SET definition_version = $3, version = $4, last_seq = $5, snapshot = $6::json, state = $7, phase = $8, status = $9, updated_at = $10
       WHERE id = $1 AND version = $2`,
      [j.id, c.expectedVersion, j.definitionVersion, j.version, j.lastSeq, JSON.stringify(j.snapshot), j.state, j.phase, j.status, j.updatedAt],
    );
    if (updated.rowCount !== 1) throw new Error('raw floor: version conflict');
    await q(
      'journal',
      `INSERT INTO ${s}.journal (journey_id, seq, kind, type, payload, actor, at, recorded_at, from_state, to_state, definition_version, idempotency_key)
       VALUES ($1, $2, $3, $4, $5::json, $6::json, $7, $8, $9, $10, $11, $12)`,
      [e.journeyId, e.seq, e.kind, e.type, JSON.stringify(e.payload), JSON.stringify(e.actor), e.at, e.recordedAt, e.from, e.to, e.definitionVersion, e.idempotencyKey ?? null],
    );
    if (c.idempotencyKey !== undefined) await q('key', `INSERT INTO ${s}.idempotency_keys (journey_id, key, seq) VALUES ($1, $2, $3)`, [j.id, c.idempotencyKey, e.seq]);
    if (c.timersToCancel.length > 0) await q('cancel', `DELETE FROM ${s}.timers WHERE journey_id = $1 AND key = ANY($2::text[])`, [j.id, c.timersToCancel]);
    for (const t of c.timersToSet) {
      await q(
        'timer',
        `INSERT INTO ${s}.timers (journey_id, key, owner, due_at, event, payload) VALUES ($1, $2, $3, $4, $5::json, $6::json)
         ON CONFLICT (journey_id, key) DO UPDATE SET due_at = excluded.due_at, event = excluded.event, payload = excluded.payload`,
        [j.id, t.key, t.owner, t.dueAt, t.event === undefined ? null : JSON.stringify(t.event), t.payload === undefined ? null : JSON.stringify(t.payload)],
      );
    }
    await q(
      'outbox',
      `INSERT INTO ${s}.outbox (id, journey_id, kind, type, payload, created_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::json[], $6::text[])`,
      [c.outbox.map((o) => o.id), c.outbox.map((o) => o.journeyId), c.outbox.map((o) => o.kind), c.outbox.map((o) => o.type), c.outbox.map((o) => JSON.stringify(o.payload)), c.outbox.map((o) => o.createdAt)],
    );
    await db.query('COMMIT');
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await db.end();
  return commits.length / seconds;
}

const plain = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));

/** Every JSON value of a commit written whole by `JSON.stringify`, as a plain writer does. */
const plainTexts = (c: JourneyCommit): CommitTexts => ({
  snapshot: plain(c.journey.snapshot),
  entry: c.entry ? { payload: plain(c.entry.payload), actor: plain(c.entry.actor) } : undefined,
  timers: c.timersToSet.map((t) => ({ event: plain(t.event), payload: plain(t.payload) })),
  outbox: c.outbox.map((o) => plain(o.payload)),
  protocols: (c.protocols ?? []).map((p) => plain(p.protocol)),
});

/** The same rows as one statement per event: the store's own commit SQL, sent with plain `pg`. */
async function statementRun(commits: readonly JourneyCommit[]): Promise<number> {
  const db = new pg.Client({ connectionString: DATABASE_URL });
  await db.connect();
  const text = storeSql(`"${stmtSchema}"`).commit;
  const started = process.hrtime.bigint();
  for (const c of commits) {
    const values = commitValues(c, { commitId: randomUUID(), workerId: 'raw', leaseMs: 30_000, delivered: [], notifyChannel: 'raw', notifyWithinMs: 0 }, plainTexts(c));
    const { rows } = await db.query({ name: 'stmt_commit', text, values });
    if (rows[0]?.applied !== 1) throw new Error('one-statement floor: version conflict');
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await db.end();
  return commits.length / seconds;
}

/** Total events per second of `n` processes sending at once, each to its own journeys. */
async function processesRun(course: BenchCourse, n: number, group: string): Promise<number> {
  const children = Array.from({ length: n }, (_, k) => {
    const config = {
      databaseUrl: DATABASE_URL,
      schema: engineSchema,
      journeyIds: journeyIds(`${group}${k}`, JOURNEYS),
      stream: course.stream,
      protocol: course.protocol,
      at: course.at,
      events: CHILD_EVENTS,
      name: `${group}${k}`,
    };
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/children/sendWorker.ts', JSON.stringify(config)], {
      cwd: packageDir,
      env: { ...process.env, TSX_TSCONFIG_PATH: `${packageDir}tsconfig.json` },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (out.includes('ready\n')) resolve();
      });
      child.on('exit', (code) => (code === 0 ? undefined : reject(new Error(`bench worker exited with ${code}`))));
    });
    const done = new Promise<void>((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bench worker exited with ${code}`)))));
    return { child, ready, done };
  });
  await Promise.all(children.map((c) => c.ready));
  const started = process.hrtime.bigint();
  for (const c of children) c.child.stdin.write('go\n');
  await Promise.all(children.map((c) => c.done));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return (n * CHILD_EVENTS) / seconds;
}

const benchStart = process.hrtime.bigint();
const course = await benchCourse();
const one = journeyIds('one', JOURNEYS);
const groups = ['c', 'p'].flatMap((g) => Array.from({ length: g === 'c' ? 1 : PROCESSES }, (_, k) => journeyIds(`${g}${k}`, JOURNEYS)));
try {
  await seedSchema(engineSchema, course, [...one, ...groups.flat()]);
  await seedSchema(rawSchema, course, one);
  await seedSchema(stmtSchema, course, one);
  console.log(
    `@carejourney/store-postgres bench: ketamine journeys in a dosed IV session, the flagship course's monitoring events (${course.stream.map((s) => s.event.type).join(', ')}), ${JOURNEYS} journeys per process, one idempotency key per event; PostgreSQL at ${new URL(DATABASE_URL).host}`,
  );

  // Warm up, then alternate engine and raw rounds over the same rows and keep the best of each:
  // both meet the same server, disk and neighbours, and a round slowed by another process on the
  // machine does not decide the ratio. The raw rounds write exactly the commits of the engine
  // round before them, into schemas that started as copies.
  const figures = { engine: 0, raw: 0, statement: 0 };
  for (let round = 0; round <= ROUNDS; round++) {
    const events = round === 0 ? WARM_UP : EVENTS;
    const captured: JourneyCommit[] = [];
    const engine = await engineRun(course, one, events, round, captured);
    const raw = await rawRun(captured);
    const statement = await statementRun(captured);
    if (round === 0) continue;
    figures.engine = Math.max(figures.engine, engine);
    figures.raw = Math.max(figures.raw, raw);
    figures.statement = Math.max(figures.statement, statement);
  }
  const oneProcess = await processesRun(course, 1, 'c');
  const fourProcesses = await processesRun(course, PROCESSES, 'p');

  console.log(`engine on PostgreSQL, 1 process: ${fmt(oneProcess)} events/s`);
  console.log(`engine on PostgreSQL, ${PROCESSES} processes: ${fmt(fourProcesses)} events/s in total`);
  console.log(`engine on PostgreSQL in this process (best of ${ROUNDS}): ${fmt(figures.engine)} events/s`);
  console.log(`raw pg floor, the same rows in one transaction per event (BEGIN, a statement per table, COMMIT): ${fmt(figures.raw)} events/s`);
  console.log(`raw pg, the same rows as one statement per event (the store's commit SQL): ${fmt(figures.statement)} events/s`);
  console.log(`ratio postgres/raw: ${(figures.raw / figures.engine).toFixed(2)}`);
  console.log(`ratio postgres/raw (one-statement floor): ${(figures.statement / figures.engine).toFixed(2)}`);
  console.log(`ratio ${PROCESSES} processes/1: ${(fourProcesses / oneProcess).toFixed(2)}`);
} finally {
  await dropSchemas([engineSchema, rawSchema, stmtSchema]);
}
console.log(`bench time: ${(Number(process.hrtime.bigint() - benchStart) / 1e9).toFixed(1)} s`);
