import type { JourneyQuery } from '@carejourney/core';
import { BOUND_LIMIT } from './boundLimit.js';

/** The columns of a journey summary (every column but the snapshot), as `SqliteStore` reads them. */
export const SUMMARY_COLUMNS: string = 'id, definition_id, definition_version, patient_ref, version, last_seq, state, phase, status, created_at, updated_at';

/** A query's SQL (the same text for every filter of the same shape) and its parameters. */
export interface JourneyQuerySql {
  readonly sql: string;
  readonly params: readonly (string | number)[];
}

/**
 * Translates a {@link JourneyQuery} into one SQL statement over the indexes of the schema:
 * `patient_ref`, `phase` and `status` each have an `(column, id)` index, and a
 * state path is a range over the `journey_states` leaves (`leaf = path` or `leaf` starting with
 * `path.`). Results are ordered by id; `after` and `limit` page through them.
 *
 * @example
 * ```ts
 * const { sql, params } = journeyQuerySql({ phase: 'treatment', limit: 50 });
 * db.prepare(sql).all(...params);
 * ```
 */
export function journeyQuerySql(filter: JourneyQuery): JourneyQuerySql {
  const where: string[] = [];
  const params: (string | number)[] = [];
  const equal = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    where.push(`${column} = ?`);
    params.push(value);
  };
  equal('patient_ref', filter.patientRef);
  equal('phase', filter.phase);
  equal('status', filter.status);
  equal('definition_id', filter.definitionId);
  if (filter.state !== undefined) {
    // Every string that starts with "path." sorts at or after "path." and before "path/"
    // ('/' follows '.' in UTF-8), so the prefix test is an index range, not a LIKE scan.
    where.push('id IN (SELECT journey_id FROM journey_states WHERE leaf = ? OR (leaf >= ? AND leaf < ?))');
    params.push(filter.state, `${filter.state}.`, `${filter.state}/`);
    // The leaves are derived from `state`; checking `state` itself as well keeps the answer exact
    // even if the two were ever out of step (a hand-edited row). instr() matches literally.
    where.push("(instr('|' || state || '|', ?) > 0 OR instr('|' || state, ?) > 0)");
    params.push(`|${filter.state}|`, `|${filter.state}.`);
  }
  if (filter.after !== undefined) {
    where.push('id > ?');
    params.push(filter.after);
  }
  params.push(filter.limit ?? -1);
  const sql = `SELECT ${SUMMARY_COLUMNS} FROM journeys${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id ${BOUND_LIMIT}`;
  return { sql, params };
}
