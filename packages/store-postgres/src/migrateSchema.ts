import type { ClientBase } from 'pg';
import { CareJourneyError } from '@carejourney/core';

/** One step of the schema: applied once, in order, inside the migrating transaction. */
interface SchemaMigration {
  readonly version: number;
  readonly description: string;
  /** The statements, given the quoted schema name (e.g. `"carejourney"`). */
  readonly sql: (s: string) => string;
}

/**
 * The schema, as an append-only list of steps. Never edit a released step: add a new one, so a
 * database created by any earlier release upgrades by replaying only what it lacks.
 *
 * Ids, patient refs, timer keys and state paths use the "C" collation: ordering and ranges are then
 * byte-wise, as in JavaScript for ASCII ids, whatever the database's locale.
 */
const MIGRATIONS: readonly SchemaMigration[] = [
  {
    version: 1,
    description: 'journeys, journal, idempotency keys, timers and outbox with claims',
    sql: (s) => `
      -- fillfactor leaves room on each page, so the update every event makes to its journey row
      -- can stay on the page (a HOT update) and write no index entry when no indexed column changed.
      CREATE TABLE ${s}.journeys (
        id text COLLATE "C" PRIMARY KEY,
        definition_id text NOT NULL,
        definition_version integer NOT NULL,
        patient_ref text COLLATE "C" NOT NULL,
        version integer NOT NULL,
        last_seq integer NOT NULL,
        snapshot json,
        state text NOT NULL,
        -- Every state path the journey is in: "a.b.c" contributes "a", "a.b" and "a.b.c", so a
        -- state query is one GIN lookup for the path itself.
        state_paths text[] COLLATE "C" NOT NULL,
        phase text NOT NULL,
        status text NOT NULL,
        created_at text NOT NULL,
        updated_at text NOT NULL,
        -- Written by every commit: after a lost connection the store reads it back to learn
        -- whether its commit landed.
        commit_id uuid
      ) WITH (fillfactor = 80);
      CREATE INDEX journeys_by_patient ON ${s}.journeys (patient_ref, id);
      CREATE INDEX journeys_by_phase ON ${s}.journeys (phase, id);
      CREATE INDEX journeys_by_status ON ${s}.journeys (status, id);
      CREATE INDEX journeys_by_state_path ON ${s}.journeys USING gin (state_paths);

      CREATE TABLE ${s}.journal (
        journey_id text COLLATE "C" NOT NULL,
        seq integer NOT NULL,
        kind text NOT NULL,
        type text NOT NULL,
        payload json NOT NULL,
        actor json NOT NULL,
        at text NOT NULL,
        recorded_at text NOT NULL,
        from_state text,
        to_state text NOT NULL,
        definition_version integer NOT NULL,
        idempotency_key text,
        commit_id uuid,
        PRIMARY KEY (journey_id, seq)
      );

      CREATE TABLE ${s}.idempotency_keys (
        journey_id text COLLATE "C" NOT NULL,
        key text COLLATE "C" NOT NULL,
        seq integer NOT NULL,
        PRIMARY KEY (journey_id, key)
      );

      -- claimed_by / lease_until: a worker that lists due timers claims them until lease_until;
      -- other workers skip them until the lease runs out (a worker that died leaves its claims
      -- behind only that long). '-infinity' means unclaimed.
      CREATE TABLE ${s}.timers (
        journey_id text COLLATE "C" NOT NULL,
        key text COLLATE "C" NOT NULL,
        owner text NOT NULL,
        due_at double precision NOT NULL,
        event json,
        payload json,
        claimed_by text,
        lease_until timestamptz NOT NULL DEFAULT '-infinity',
        PRIMARY KEY (journey_id, key)
      );
      CREATE INDEX timers_by_due ON ${s}.timers (due_at, journey_id, key);

      -- seq is the insertion order. A committing store claims its own new items while it
      -- delivers them, so other workers redeliver them only if it dies before marking them.
      CREATE TABLE ${s}.outbox (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id text COLLATE "C" NOT NULL UNIQUE,
        journey_id text COLLATE "C" NOT NULL,
        kind text NOT NULL,
        type text NOT NULL,
        payload json,
        created_at text NOT NULL,
        delivered_at timestamptz,
        claimed_by text,
        lease_until timestamptz NOT NULL DEFAULT '-infinity'
      );
      -- Only undelivered items are in it, so recovery reads just those however long the
      -- delivered history grows.
      CREATE INDEX outbox_pending ON ${s}.outbox (seq) WHERE delivered_at IS NULL;
    `,
  },
  {
    version: 2,
    description: 'index of claimed timers, for giving back the claims of a worker',
    // A worker that stops (and every store.close) gives back its claims by claimed_by; without
    // an index that reads the whole timers table. Only claimed rows are in it: a timer nobody
    // claimed since it was set costs nothing. Built inside the migrating transaction (timers holds
    // pending timers only, so it is quick); commits setting timers wait for it meanwhile.
    sql: (s) => `
      CREATE INDEX timers_claimed ON ${s}.timers (claimed_by) WHERE claimed_by IS NOT NULL;
    `,
  },
  {
    version: 3,
    description: 'protocols, each version stored once under the hash of its content',
    // Snapshots and start entries refer to a protocol by ref instead of holding a copy. A row is
    // written by the first commit that brings its ref and never updated or deleted: journeys refer
    // to it for as long as they are kept. body is json, as snapshots are (kept as written, parsed
    // on read). A new, empty table: the step is quick on any database.
    sql: (s) => `
      CREATE TABLE ${s}.protocols (
        ref text COLLATE "C" PRIMARY KEY,
        definition_id text NOT NULL,
        body json NOT NULL,
        created_at text NOT NULL
      );
    `,
  },
];

/**
 * The schema version this release of `@carejourney/store-postgres` creates and understands.
 *
 * @example
 * ```ts
 * const { rows } = await pool.query(`SELECT max(version) AS v FROM carejourney.${SCHEMA_VERSION_TABLE}`);
 * if (rows[0].v > SCHEMA_VERSION) console.warn('written by a newer release of @carejourney/store-postgres');
 * ```
 */
export const SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/**
 * The table, inside the store's schema, that records which schema steps were applied.
 *
 * @example
 * ```ts
 * await pool.query(`SELECT version FROM carejourney.${SCHEMA_VERSION_TABLE} ORDER BY version`); // the steps applied
 * ```
 */
export const SCHEMA_VERSION_TABLE = 'carejourney_schema_version';

/** Quotes a schema name that {@link isSchemaName} accepted. */
export const quoteIdent = (name: string): string => `"${name}"`;

/** Lower-case letters, digits and underscores, starting with a letter or underscore, at most 48 long. */
export function isSchemaName(name: unknown): name is string {
  return typeof name === 'string' && /^[a-z_][a-z0-9_]{0,47}$/.test(name);
}

/**
 * Brings a schema to {@link SCHEMA_VERSION}: creates the schema and its tables when missing, applies
 * the steps an older one lacks, and refuses one written by a newer release. Runs in one
 * transaction under a transaction-level advisory lock keyed by the schema name, so several
 * processes starting at once migrate it exactly once; the others wait, then find it done.
 * `toVersion` stops at an earlier step (the tests build the schema of an older release with it).
 *
 * @returns the version the schema had before (`0` for a new one).
 * @throws `CareJourneyError` `CJ_ERR_STORE` when the schema is newer than this release.
 *
 * @example
 * ```ts
 * const client = await pool.connect();
 * try {
 *   await migrateSchema(client, 'carejourney');
 * } finally {
 *   client.release();
 * }
 * ```
 */
export async function migrateSchema(client: ClientBase, schema: string, toVersion: number = SCHEMA_VERSION): Promise<number> {
  if (!isSchemaName(schema)) {
    throw new CareJourneyError('CJ_ERR_INVALID_CONFIG', 'migrateSchema: the schema name must be lower-case letters, digits and underscores (at most 48).');
  }
  if (!MIGRATIONS.some((step) => step.version === toVersion)) {
    throw new CareJourneyError('CJ_ERR_INVALID_CONFIG', `migrateSchema: toVersion must be the version of a schema step (1 to ${SCHEMA_VERSION}), not ${String(toVersion)}.`);
  }
  const s = quoteIdent(schema);
  await client.query('BEGIN');
  try {
    // Two 32-bit keys: a fixed one for carejourney and the schema name's hash.
    await client.query("SELECT pg_advisory_xact_lock(1131572306, hashtext($1))", [schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${s}.${SCHEMA_VERSION_TABLE} (
      version integer PRIMARY KEY,
      description text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${s}.${SCHEMA_VERSION_TABLE}`);
    const current = rows[0]?.version ?? 0;
    if (current > SCHEMA_VERSION) {
      throw new CareJourneyError(
        'CJ_ERR_STORE',
        `The schema "${schema}" is at version ${current}, newer than version ${SCHEMA_VERSION} that this release of @carejourney/store-postgres understands. Upgrade @carejourney/store-postgres before opening it; the schema was left untouched.`,
      );
    }
    for (const step of MIGRATIONS) {
      if (step.version <= current || step.version > toVersion) continue;
      await client.query(step.sql(s));
      await client.query(`INSERT INTO ${s}.${SCHEMA_VERSION_TABLE} (version, description) VALUES ($1, $2)`, [step.version, step.description]);
    }
    await client.query('COMMIT');
    return current;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
