import Database from 'better-sqlite3';
import { CareJourneyError, isCareJourneyError } from '@carejourney/core';
import type { ReminderLog } from './ReminderLog.js';
import { parseReminderRecord, reminderRecordSchema, type ReminderRecord } from './ReminderRecord.js';

/**
 * How `SqliteReminderLog` opens its database.
 *
 * @example
 * ```ts
 * const log = new SqliteReminderLog({ path: 'clinic.db', synchronous: 'full', busyTimeoutMs: 5000 });
 * ```
 */
export interface SqliteReminderLogOptions {
  /**
   * The database file, typically the `SqliteStore`'s own file (the log adds its own table), or
   * `':memory:'`. Created when missing.
   */
  readonly path: string;
  /** SQLite's `synchronous` setting (WAL mode): `'full'` (default) survives a power loss; `'normal'` a process crash. */
  readonly synchronous?: 'full' | 'normal';
  /** How long a write waits for another connection's write lock, in ms (default 5000). */
  readonly busyTimeoutMs?: number;
}

/** The log's own schema version table, so it never touches the store's. */
const VERSION_TABLE = 'carejourney_reminders_schema_version';
const SCHEMA_VERSION = 1;
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS reminder_records (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    journey_id TEXT NOT NULL,
    delivery_id TEXT NOT NULL,
    record TEXT NOT NULL
  ) STRICT;
  -- A journey's records in order, and one reminder's records, are both a range of this index.
  CREATE INDEX IF NOT EXISTS reminder_records_by_journey ON reminder_records (journey_id, delivery_id, seq);
`;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * A durable {@link ReminderLog} in a SQLite file (better-sqlite3, WAL). Point it at the
 * `SqliteStore`'s file so journeys, their reminder timers and the reminder record live together
 * and survive a restart together. Appends are idempotent on the record id.
 *
 * @example
 * ```ts
 * import { SqliteStore } from '@carejourney/store-sqlite';
 * import { SqliteReminderLog } from '@carejourney/plugin-reminders/sqlite';
 *
 * const store = new SqliteStore({ path: 'clinic.db' });
 * const log = new SqliteReminderLog({ path: 'clinic.db' });
 * ```
 */
export class SqliteReminderLog implements ReminderLog {
  readonly #db: Database.Database;
  readonly #insert: Database.Statement;
  readonly #byJourney: Database.Statement;
  readonly #byDelivery: Database.Statement;

  /**
   * Opens (or creates) the database file and its `reminder_records` table, in WAL mode. Throws
   * `CJ_ERR_INVALID_CONFIG` for bad options and `CJ_ERR_STORE` when the file cannot be opened or
   * was written by a newer release (left untouched).
   *
   * @example
   * ```ts
   * const log = new SqliteReminderLog({ path: 'clinic.db' }); // the SqliteStore's file
   * const reminders = remindersPlugin({ deliver, log });
   * ```
   */
  constructor(options: SqliteReminderLogOptions) {
    if (options === null || typeof options !== 'object' || typeof options.path !== 'string' || options.path.length === 0) {
      throw new CareJourneyError('CJ_ERR_INVALID_CONFIG', 'SqliteReminderLog needs { path }: the database file to open (or ":memory:").', {
        issues: [{ path: 'path', rule: 'required', message: 'must be a non-empty file path' }],
      });
    }
    const synchronous = options.synchronous ?? 'full';
    if (synchronous !== 'full' && synchronous !== 'normal') {
      throw new CareJourneyError('CJ_ERR_INVALID_CONFIG', 'SqliteReminderLog option synchronous must be "full" or "normal".', {
        issues: [{ path: 'synchronous', rule: 'enum', message: 'must be "full" or "normal"' }],
      });
    }
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
      throw new CareJourneyError('CJ_ERR_INVALID_CONFIG', 'SqliteReminderLog option busyTimeoutMs must be a non-negative integer (milliseconds).', {
        issues: [{ path: 'busyTimeoutMs', rule: 'integer', message: 'must be a non-negative integer' }],
      });
    }
    let db: Database.Database;
    try {
      db = new Database(options.path, { timeout: busyTimeoutMs });
    } catch (error) {
      throw new CareJourneyError('CJ_ERR_STORE', `SqliteReminderLog could not open its database file: ${messageOf(error)}`, {}, { cause: error });
    }
    try {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${synchronous.toUpperCase()}`);
      db.transaction(() => {
        db.exec(`CREATE TABLE IF NOT EXISTS ${VERSION_TABLE} (version INTEGER PRIMARY KEY NOT NULL, applied_at TEXT NOT NULL) STRICT`);
        const { version } = db.prepare(`SELECT MAX(version) AS version FROM ${VERSION_TABLE}`).get() as { version: number | null };
        if ((version ?? 0) > SCHEMA_VERSION) {
          throw new CareJourneyError(
            'CJ_ERR_STORE',
            `The reminder log's schema is at version ${version}, newer than version ${SCHEMA_VERSION} that this release understands. Upgrade @carejourney/plugin-reminders; the database was left untouched.`,
          );
        }
        if (version === null) {
          db.exec(SCHEMA);
          db.prepare(`INSERT INTO ${VERSION_TABLE} (version, applied_at) VALUES (?, ?)`).run(SCHEMA_VERSION, new Date().toISOString());
        }
      }).immediate();
      this.#insert = db.prepare('INSERT OR IGNORE INTO reminder_records (id, journey_id, delivery_id, record) VALUES (?, ?, ?, ?)');
      this.#byJourney = db.prepare('SELECT record FROM reminder_records WHERE journey_id = ? ORDER BY seq');
      this.#byDelivery = db.prepare('SELECT record FROM reminder_records WHERE journey_id = ? AND delivery_id = ? ORDER BY seq');
    } catch (error) {
      db.close();
      if (isCareJourneyError(error)) throw error;
      throw new CareJourneyError('CJ_ERR_STORE', `SqliteReminderLog could not prepare its database: ${messageOf(error)}`, {}, { cause: error });
    }
    this.#db = db;
  }

  /**
   * Stores a record after checking it (`CJ_ERR_INVALID_INPUT` names each bad field); committed
   * when the promise resolves. A record whose `id` is stored is ignored: the first one stays. The
   * plugin calls it; hosts rarely do. Throws `CJ_ERR_STORE` when the database fails.
   *
   * @example
   * ```ts
   * for (const record of await memoryLog.list(journeyId)) await log.append(record); // move a journey's record to the file
   * ```
   */
  async append(record: ReminderRecord): Promise<void> {
    const parsed = parseReminderRecord(record);
    this.#guard(parsed.journeyId, () => this.#insert.run(parsed.id, parsed.journeyId, parsed.deliveryId, JSON.stringify(parsed)));
  }

  /**
   * One journey's records in the order they were appended, or only one reminder's with
   * `deliveryId`. A damaged row throws `CJ_ERR_CORRUPT_SNAPSHOT` naming the journey (the row is
   * left untouched); a database failure throws `CJ_ERR_STORE`.
   *
   * @example
   * ```ts
   * const failed = (await log.list(journeyId)).filter((r) => r.outcome === 'failed');
   * ```
   */
  async list(journeyId: string, filter: { readonly deliveryId?: string } = {}): Promise<ReminderRecord[]> {
    const rows = this.#guard(journeyId, () =>
      (filter.deliveryId === undefined ? this.#byJourney.all(journeyId) : this.#byDelivery.all(journeyId, filter.deliveryId)) as { record: string }[],
    );
    return rows.map((row) => readRecord(journeyId, row.record));
  }

  /**
   * Closes the database connection; calling it again does nothing. The plugin never closes the
   * log: the host does, at shutdown, beside its store.
   *
   * @example
   * ```ts
   * process.once('SIGTERM', async () => { await log.close(); await store.close(); });
   * ```
   */
  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }

  #guard<T>(journeyId: string, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      if (isCareJourneyError(error)) throw error;
      throw new CareJourneyError('CJ_ERR_STORE', `SqliteReminderLog could not read or write the reminder record of journey "${journeyId}": ${messageOf(error)}`, { journeyId }, { cause: error });
    }
  }
}

/** A stored record, checked on the way out; a damaged row names the journey, never its content. */
function readRecord(journeyId: string, text: string): ReminderRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const parsed = reminderRecordSchema.safeParse(value);
  if (!parsed.success) {
    throw new CareJourneyError(
      'CJ_ERR_CORRUPT_SNAPSHOT',
      `A reminder record of journey "${journeyId}" cannot be read: the stored row is damaged. It was left untouched; repair it or restore it from a backup.`,
      { journeyId },
    );
  }
  return parsed.data;
}
