/**
 * How the statements write a row limit bound as a parameter: as an expression, not a bare
 * `LIMIT ?`. SQLite built with STAT4 (as better-sqlite3 is) weighs a bare limit parameter when it
 * plans the query, so binding one marks the statement expired and every call prepares it again:
 * several microseconds on each `dueTimers` (twice per `runDue`), `readJournal`, `pendingOutbox`
 * and `query`. An expression is read only when the statement runs; the plan is the same, and -1
 * still means no limit.
 *
 * @example
 * ```ts
 * db.prepare(`SELECT key FROM timers WHERE due_at <= ? ORDER BY due_at ${BOUND_LIMIT}`).all(now, 100);
 * ```
 */
export const BOUND_LIMIT = 'LIMIT CAST(? AS INTEGER)';
