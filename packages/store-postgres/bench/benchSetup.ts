// What both sides of the PostgreSQL benchmark run on: ketamine journeys in a dosed IV session,
// where the nurse records monitoring vitals, sedation and dissociation (the flagship course's own
// events). One journey is brought there through the engine; the others are copies of its rows.
import pg from 'pg';
import { createEngine, ketamineAnxietyJourney, ManualClock, type Actor, type JournalEntry } from '@carejourney/core';
import { FLAGSHIP_PROTOCOL, runFlagship } from '../../../examples/src/flagship.js';
import { PostgresStore } from '../src/index.js';

export const DATABASE_URL = process.env['CAREJOURNEY_BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** One event of the stream, as the engine is sent it. */
export interface StreamEvent {
  readonly event: { type: string } & Record<string, unknown>;
  readonly actor: Actor;
}

export interface BenchCourse {
  /** The flagship course up to and including the first dose. */
  readonly prefix: readonly JournalEntry[];
  /** The monitoring events of the first session, to be sent round and round. */
  readonly stream: readonly StreamEvent[];
  /** The clinic protocol of the course. */
  readonly protocol: unknown;
  /** The clock time of the stream: the first monitoring reading. */
  readonly at: number;
}

/** Reads the flagship IV course and cuts it into the set-up prefix and the monitoring stream. */
export async function benchCourse(): Promise<BenchCourse> {
  const { journal } = await runFlagship();
  const dose = journal.findIndex((e) => e.type === 'dose.recorded');
  const discharge = journal.findIndex((e, i) => i > dose && e.type === 'session.discharged');
  if (dose < 0 || discharge < 0) throw new Error('the flagship course has no dosed session to benchmark');
  const session = journal.slice(dose + 1, discharge).filter((e) => e.kind === 'event' && e.type.startsWith('monitoring.'));
  if (session.length === 0) throw new Error('the flagship session has no monitoring events');
  return {
    prefix: journal.slice(0, dose + 1),
    stream: session.map((e) => ({ event: { ...e.payload, type: e.type }, actor: e.actor })),
    // The protocol the flagship ran under (its start entry names it by ref).
    protocol: FLAGSHIP_PROTOCOL,
    at: Date.parse(session[0]!.at),
  };
}

/**
 * Creates `schema` with one journey `template` driven through the course prefix by the engine,
 * then copies its rows (journey, journal, timers) to every id in `ids`.
 */
export async function seedSchema(schema: string, course: BenchCourse, ids: readonly string[]): Promise<void> {
  const store = await PostgresStore.open({ connectionString: DATABASE_URL, schema });
  try {
    const [startEntry, ...steps] = course.prefix as [JournalEntry, ...JournalEntry[]];
    const clock = new ManualClock(Date.parse(startEntry.at));
    const engine = createEngine({ definition: ketamineAnxietyJourney, store, clock, protocol: course.protocol as never });
    const start = startEntry.payload as { patientRef: string; input: unknown };
    await engine.start({ journeyId: 'template', patientRef: start.patientRef, input: start.input as never, actor: startEntry.actor as never });
    for (const step of steps) {
      const at = Date.parse(step.at);
      if (at > clock.now()) clock.advanceTo(at);
      if (step.kind === 'timer') {
        await engine.runDue();
        continue;
      }
      const result = await engine.send('template', { ...step.payload, type: step.type } as never, { actor: step.actor as never });
      if (!result.ok) throw new Error(`bench set-up: ${step.type} refused: ${result.error.message}`);
    }
  } finally {
    await store.close();
  }
  const db = new pg.Client({ connectionString: DATABASE_URL });
  await db.connect();
  try {
    const s = `"${schema}"`;
    await db.query(`INSERT INTO ${s}.journeys (id, definition_id, definition_version, patient_ref, version, last_seq, snapshot, state, state_paths, phase, status, created_at, updated_at)
      SELECT x.id, definition_id, definition_version, 'pt-' || x.id, version, last_seq, snapshot, state, state_paths, phase, status, created_at, updated_at
      FROM ${s}.journeys, unnest($1::text[]) AS x(id) WHERE journeys.id = 'template'`, [ids]);
    await db.query(`INSERT INTO ${s}.journal (journey_id, seq, kind, type, payload, actor, at, recorded_at, from_state, to_state, definition_version, idempotency_key)
      SELECT x.id, seq, kind, type, payload, actor, at, recorded_at, from_state, to_state, definition_version, idempotency_key
      FROM ${s}.journal, unnest($1::text[]) AS x(id) WHERE journey_id = 'template'`, [ids]);
    await db.query(`INSERT INTO ${s}.timers (journey_id, key, owner, due_at, event, payload)
      SELECT x.id, key, owner, due_at, event, payload FROM ${s}.timers, unnest($1::text[]) AS x(id) WHERE journey_id = 'template'`, [ids]);
    await db.query(`VACUUM ANALYZE ${s}.journeys`);
  } finally {
    await db.end();
  }
}

export async function dropSchemas(schemas: readonly string[]): Promise<void> {
  const db = new pg.Client({ connectionString: DATABASE_URL });
  await db.connect();
  try {
    for (const schema of schemas) await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await db.end();
  }
}

export const journeyIds = (group: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${group}-${String(i).padStart(3, '0')}`);
