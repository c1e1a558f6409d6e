import { CareJourneyError } from '@carejourney/core';

/**
 * Where a JSON value was read from, for the error that names it: a journey's row, or a protocol's
 * row named by its ref (a hash, never content).
 */
export type StoredJsonSource =
  | {
      readonly journeyId: string;
      /** e.g. `journeys.snapshot`, `journal.payload (seq 4)`, `timers.event (key machine:x)`. */
      readonly column: string;
    }
  | {
      readonly protocolRef: string;
      /** e.g. `protocols.body`. */
      readonly column: string;
    };

/**
 * Parses a JSON column read as text. SQL `NULL` reads as `undefined` (the value was absent), the
 * JSON `null` as `null`. The columns are of type `json`, so PostgreSQL refuses text that is not
 * JSON; a value of the wrong shape (a hand-edited row) is reported by the callers with
 * {@link corruptRow}, naming the journey (or the protocol's ref) and the column, never the content.
 *
 * @example
 * ```ts
 * const snapshot = readStoredJson(row.snapshot, { journeyId: row.id, column: 'journeys.snapshot' });
 * ```
 */
export function readStoredJson(text: unknown, source: StoredJsonSource): unknown {
  if (text === null || text === undefined) return undefined;
  if (typeof text !== 'string') throw corruptRow(source, `holds a ${typeof text} where JSON text belongs`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // The parser's message quotes the text, which may be clinical data: it is not kept as cause.
    throw corruptRow(source, 'is not valid JSON');
  }
}

/** The error for a stored row that cannot be read back. */
export function corruptRow(source: StoredJsonSource, problem: string): CareJourneyError {
  if ('protocolRef' in source) {
    // Every journey that refers to the protocol is affected; the others are not. The details
    // have no field for a ref: the message names it.
    return new CareJourneyError(
      'CJ_ERR_CORRUPT_SNAPSHOT',
      `Protocol "${source.protocolRef}" cannot be read: its stored ${source.column} ${problem}. The row was left untouched; restore it from a backup or repair it. Journeys that refer to other protocols are not affected.`,
    );
  }
  return new CareJourneyError(
    'CJ_ERR_CORRUPT_SNAPSHOT',
    `Journey "${source.journeyId}" cannot be read: its stored ${source.column} ${problem}. The row was left untouched; restore it from a backup or repair it. Other journeys are not affected.`,
    { journeyId: source.journeyId },
  );
}
