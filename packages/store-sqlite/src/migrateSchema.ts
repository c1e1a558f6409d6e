import type { Database } from 'better-sqlite3';
import { CareJourneyError } from '@carejourney/core';

/** One step of the schema: applied once, in order, inside the opening transaction. */
interface SchemaMigration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

/**
 * The schema, as an append-only list of steps. Never edit a released step: add a new one, so a
 * database created by any earlier release upgrades by replaying only what it lacks.
 */
const MIGRATIONS: readonly SchemaMigration[] = [
  {
    version: 1,
    description: 'journeys, state leaves, journal, idempotency keys, timers, outbox',
    sql: `
      CREATE TABLE journeys (
        id TEXT PRIMARY KEY NOT NULL,
        definition_id TEXT NOT NULL,
        definition_version INTEGER NOT NULL,
        patient_ref TEXT NOT NULL,
        version INTEGER NOT NULL,
        last_seq INTEGER NOT NULL,
        snapshot TEXT,
        state TEXT NOT NULL,
        phase TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX journeys_by_patient ON journeys (patient_ref, id);
      CREATE INDEX journeys_by_phase ON journeys (phase, id);
      CREATE INDEX journeys_by_status ON journeys (status, id);
      -- No index on definition_id: a clinic runs one or two definitions, so such a filter is
      -- answered by walking ids in order, and every index is one more page to write per commit.

      -- One row per leaf of the flattened state ("a.b|a.c" gives two), so a state-path query is an
      -- index range instead of a scan of every journey. Keyed by leaf first: that range is the
      -- only way it is read, and one b-tree is one page to write when a journey changes state.
      CREATE TABLE journey_states (
        leaf TEXT NOT NULL,
        journey_id TEXT NOT NULL,
        PRIMARY KEY (leaf, journey_id)
      ) STRICT, WITHOUT ROWID;

      -- Clustered by journey: a journey's history is a few adjacent pages.
      CREATE TABLE journal (
        journey_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL,
        type TEXT NOT NULL,
        payload TEXT NOT NULL,
        actor TEXT NOT NULL,
        at TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        from_state TEXT,
        to_state TEXT NOT NULL,
        definition_version INTEGER NOT NULL,
        idempotency_key TEXT,
        PRIMARY KEY (journey_id, seq)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE idempotency_keys (
        journey_id TEXT NOT NULL,
        key TEXT NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (journey_id, key)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE timers (
        journey_id TEXT NOT NULL,
        key TEXT NOT NULL,
        owner TEXT NOT NULL,
        due_at REAL NOT NULL,
        event TEXT,
        payload TEXT,
        PRIMARY KEY (journey_id, key)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX timers_by_due ON timers (due_at, journey_id, key);

      -- seq is the rowid: it rises with every insert, so it is the outbox's insertion order.
      CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        journey_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        type TEXT NOT NULL,
        payload TEXT,
        created_at TEXT NOT NULL,
        delivered_at TEXT
      ) STRICT;
      -- A partial index: only undelivered items are in it, so recovery reads just those however
      -- long the delivered history grows (and a journey's pending items are a filter over them).
      CREATE INDEX outbox_pending ON outbox (seq) WHERE delivered_at IS NULL;
    `,
  },
  {
    version: 2,
    description: 'journeys rebuilt with the snapshot column last',
    // A snapshot runs to hundreds of KB, spilling onto overflow pages; a column stored after it
    // is read by walking those pages. With the snapshot last, the version check of every commit
    // (and every summary a query lists) reads only the row's first page. SQLite cannot move a
    // column, so the table is rebuilt: create, copy, drop, rename, index again, all inside the
    // opening transaction (a crash leaves the file at version 1, to be upgraded on next open).
    sql: `
      CREATE TABLE journeys_v2 (
        id TEXT PRIMARY KEY NOT NULL,
        definition_id TEXT NOT NULL,
        definition_version INTEGER NOT NULL,
        patient_ref TEXT NOT NULL,
        version INTEGER NOT NULL,
        last_seq INTEGER NOT NULL,
        state TEXT NOT NULL,
        phase TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        snapshot TEXT
      ) STRICT;
      INSERT INTO journeys_v2 (id, definition_id, definition_version, patient_ref, version, last_seq, state, phase, status, created_at, updated_at, snapshot)
        SELECT id, definition_id, definition_version, patient_ref, version, last_seq, state, phase, status, created_at, updated_at, snapshot FROM journeys ORDER BY id;
      DROP TABLE journeys;
      ALTER TABLE journeys_v2 RENAME TO journeys;
      CREATE INDEX journeys_by_patient ON journeys (patient_ref, id);
      CREATE INDEX journeys_by_phase ON journeys (phase, id);
      CREATE INDEX journeys_by_status ON journeys (status, id);
    `,
  },
  {
    version: 3,
    description: 'protocols, each version stored once by its ref',
    // A journey's snapshot and start entry refer to the clinic protocol by `ref` (the hash of its
    // content) instead of holding a copy of it: the protocol is kept here once, by the first
    // commit that brings it, and never changed or deleted. A rowid table, not WITHOUT ROWID: a
    // protocol's body runs to kilobytes, too large for the rows of a clustered b-tree.
    sql: `
      CREATE TABLE protocols (
        ref TEXT PRIMARY KEY NOT NULL,
        definition_id TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;
    `,
  },
];

/**
 * The schema version this release of `@carejourney/store-sqlite` creates and understands.
 *
 * @example
 * ```ts
 * const db = new Database('journeys.db', { readonly: true });
 * const applied = db.prepare(`SELECT max(version) AS v FROM ${SCHEMA_VERSION_TABLE}`).get() as { v: number };
 * if (applied.v > SCHEMA_VERSION) console.warn('written by a newer release of @carejourney/store-sqlite');
 * ```
 */
export const SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/**
 * The table that records which schema steps a database has.
 *
 * @example
 * ```ts
 * db.prepare(`SELECT version FROM ${SCHEMA_VERSION_TABLE} ORDER BY version`).all(); // the steps this file has
 * ```
 */
export const SCHEMA_VERSION_TABLE = 'carejourney_schema_version';

/**
 * Brings a database to {@link SCHEMA_VERSION}: creates the tables of a new database, applies the
 * steps an older one lacks, and refuses one written by a newer release. Runs in one immediate
 * transaction, so two processes opening the same new file never both create the schema.
 * `SqliteStore` calls it every time it opens a file.
 *
 * @returns the version the database had before (`0` for a new database).
 * @throws `CareJourneyError` `CJ_ERR_STORE` when the database's schema is newer than this release.
 *
 * @example
 * ```ts
 * const db = new Database('clinic.db');
 * const before = migrateSchema(db); // 0 on a new file; the file is now at SCHEMA_VERSION
 * ```
 */
export function migrateSchema(db: Database): number {
  const run = db.transaction((): number => {
    db.exec(`CREATE TABLE IF NOT EXISTS ${SCHEMA_VERSION_TABLE} (
      version INTEGER PRIMARY KEY NOT NULL,
      description TEXT NOT NULL,
      applied_at TEXT NOT NULL
    ) STRICT`);
    const row = db.prepare(`SELECT MAX(version) AS version FROM ${SCHEMA_VERSION_TABLE}`).get() as { version: number | null };
    const current = row.version ?? 0;
    if (current > SCHEMA_VERSION) {
      throw new CareJourneyError(
        'CJ_ERR_STORE',
        `The database schema is at version ${current}, newer than version ${SCHEMA_VERSION} that this release of @carejourney/store-sqlite understands. Upgrade @carejourney/store-sqlite before opening it; the database was left untouched.`,
      );
    }
    const record = db.prepare(`INSERT INTO ${SCHEMA_VERSION_TABLE} (version, description, applied_at) VALUES (?, ?, ?)`);
    for (const step of MIGRATIONS) {
      if (step.version <= current) continue;
      db.exec(step.sql);
      record.run(step.version, step.description, new Date().toISOString());
    }
    return current;
  });
  return run.immediate();
}
