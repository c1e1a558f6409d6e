import { BOUND_LIMIT } from './boundLimit.js';
import { SUMMARY_COLUMNS } from './journeyQuerySql.js';

const TIMER_COLUMNS = 'journey_id, key, owner, due_at, event, payload';
const OUTBOX_COLUMNS = 'seq, id, journey_id, kind, type, payload, created_at';
const JOURNAL_COLUMNS =
  'journey_id, seq, kind, type, payload, actor, at, recorded_at, from_state, to_state, definition_version, idempotency_key';

/**
 * Every fixed statement of `SqliteStore`, prepared once when the store opens. Each read that
 * runs often has an index behind it (see `migrateSchema`); the tests check the query plans.
 */
export const STORE_SQL = {
  loadJourney: `SELECT ${SUMMARY_COLUMNS}, snapshot FROM journeys WHERE id = ?`,
  // The version check of every commit: only columns stored before the snapshot (schema version
  // 2 keeps it last), so it reads the row's first page, never the snapshot's overflow pages.
  journeyVersion: 'SELECT version, state, phase, status, patient_ref, definition_id FROM journeys WHERE id = ?',
  insertJourney: `INSERT INTO journeys (definition_version, version, last_seq, snapshot, state, created_at, updated_at, phase, status, patient_ref, definition_id, id)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  // Sets only the columns no index covers: SQLite rewrites an index entry whenever its column is
  // assigned, even to the same value, and most commits change none of them. The version check is
  // repeated in the WHERE clause so a row changed behind the store's back is never overwritten.
  updateJourney: `UPDATE journeys SET definition_version = ?, version = ?, last_seq = ?, snapshot = ?, state = ?, created_at = ?, updated_at = ?
    WHERE id = ? AND version = ?`,
  // The indexed columns, each assigned only when its value changes.
  setPhase: 'UPDATE journeys SET phase = ? WHERE id = ?',
  setStatus: 'UPDATE journeys SET status = ? WHERE id = ?',
  setPatientRef: 'UPDATE journeys SET patient_ref = ? WHERE id = ?',
  setDefinitionId: 'UPDATE journeys SET definition_id = ? WHERE id = ?',
  deleteLeaf: 'DELETE FROM journey_states WHERE leaf = ? AND journey_id = ?',
  insertLeaf: 'INSERT OR IGNORE INTO journey_states (leaf, journey_id) VALUES (?, ?)',
  insertJournal: `INSERT INTO journal (${JOURNAL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  readJournal: `SELECT ${JOURNAL_COLUMNS} FROM journal WHERE journey_id = ? AND seq >= ? ORDER BY seq ${BOUND_LIMIT}`,
  findKey: 'SELECT seq FROM idempotency_keys WHERE journey_id = ? AND key = ?',
  insertKey: 'INSERT INTO idempotency_keys (journey_id, key, seq) VALUES (?, ?, ?)',
  deleteTimer: 'DELETE FROM timers WHERE journey_id = ? AND key = ?',
  upsertTimer: `INSERT INTO timers (${TIMER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (journey_id, key) DO UPDATE SET owner = excluded.owner, due_at = excluded.due_at, event = excluded.event, payload = excluded.payload`,
  listTimers: `SELECT ${TIMER_COLUMNS} FROM timers WHERE journey_id = ? ORDER BY due_at, key`,
  dueTimers: `SELECT ${TIMER_COLUMNS} FROM timers WHERE due_at <= ? ORDER BY due_at, journey_id, key ${BOUND_LIMIT}`,
  insertOutbox: 'INSERT INTO outbox (id, journey_id, kind, type, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  pendingOutbox: `SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE delivered_at IS NULL ORDER BY seq ${BOUND_LIMIT}`,
  pendingOutboxOf: `SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE delivered_at IS NULL AND journey_id = ? ORDER BY seq ${BOUND_LIMIT}`,
  markDelivered: 'UPDATE outbox SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL',
  // Undelivered rows are never deleted, whatever the instant.
  pruneDelivered: 'DELETE FROM outbox WHERE delivered_at IS NOT NULL AND delivered_at < ?',
  // A ref names its content: a protocol stored under it already is kept, never overwritten, and
  // the first of a ref in one commit wins.
  insertProtocol: 'INSERT INTO protocols (ref, definition_id, body, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (ref) DO NOTHING',
  loadProtocol: 'SELECT ref, definition_id, body, created_at FROM protocols WHERE ref = ?',
} as const;

export type StoreStatementName = keyof typeof STORE_SQL;
