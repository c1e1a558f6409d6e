import type { JourneyQuery } from '@carejourney/core';

/** The columns of a journey summary (every column but the snapshot). */
export const SUMMARY_COLUMNS: string = 'id, definition_id, definition_version, patient_ref, version, last_seq, state, phase, status, created_at, updated_at';

/** A query's SQL (the same text for every filter of the same shape) and its parameters. */
export interface JourneyQuerySql {
  readonly sql: string;
  readonly params: readonly (string | number | null)[];
}

/**
 * Translates a {@link JourneyQuery} into one SQL statement over the schema's indexes:
 * `patient_ref`, `phase` and `status` each have a `(column, id)` b-tree, and a state path is a
 * GIN lookup in `state_paths` (every path a journey is in, ancestors included). Results are
 * ordered by id (byte-wise, the "C" collation); `after` and `limit` page through them.
 *
 * @example
 * ```ts
 * const { sql, params } = journeyQuerySql('"carejourney"', { phase: 'treatment', limit: 50 });
 * await pool.query(sql, [...params]);
 * ```
 */
export function journeyQuerySql(schema: string, filter: JourneyQuery): JourneyQuerySql {
  const where: string[] = [];
  const params: (string | number | null)[] = [];
  const param = (value: string | number | null): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const equal = (column: string, value: string | undefined) => {
    if (value !== undefined) where.push(`${column} = ${param(value)}`);
  };
  equal('patient_ref', filter.patientRef);
  equal('phase', filter.phase);
  equal('status', filter.status);
  equal('definition_id', filter.definitionId);
  if (filter.state !== undefined) {
    const path = param(filter.state);
    where.push(`state_paths @> ARRAY[${path}::text]`);
    // The paths are derived from `state`; testing `state` itself too keeps the answer exact even
    // if the two were ever out of step (a hand-edited row). strpos matches literally.
    where.push(`(strpos('|' || state || '|', '|' || ${path} || '|') > 0 OR strpos('|' || state, '|' || ${path} || '.') > 0)`);
  }
  if (filter.after !== undefined) where.push(`id > ${param(filter.after)}`);
  const limit = param(filter.limit ?? null);
  const sql = `SELECT ${SUMMARY_COLUMNS} FROM ${schema}.journeys${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT ${limit}`;
  return { sql, params };
}
