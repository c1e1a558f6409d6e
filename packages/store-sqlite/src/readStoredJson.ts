import { CareJourneyError } from '@carejourney/core';

/** Where a JSON value was read from, for the error that names it: a journey's row, or a protocol's. */
export type StoredJsonSource =
  | {
      readonly journeyId: string;
      /** e.g. `journeys.snapshot`, `journal.payload (seq 4)`, `timers.event (key machine:x)`. */
      readonly column: string;
    }
  | {
      /** The ref of a row of `protocols`: a content hash, never the content. */
      readonly protocolRef: string;
      /** e.g. `protocols.body`. */
      readonly column: string;
    };

/**
 * Parses a JSON column. SQL `NULL` reads as `undefined` (the value was absent), the text `null` as
 * `null`. Text that is not JSON (a damaged or hand-edited row) throws `CJ_ERR_CORRUPT_SNAPSHOT`
 * naming the journey (or the protocol's ref) and the column, never the content: the row may hold
 * clinical data.
 *
 * @example
 * ```ts
 * const snapshot = readStoredJson(row.snapshot, { journeyId: row.id, column: 'journeys.snapshot' });
 * const protocol = readStoredJson(row.body, { protocolRef: row.ref, column: 'protocols.body' });
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
    return new CareJourneyError(
      'CJ_ERR_CORRUPT_SNAPSHOT',
      `Protocol "${source.protocolRef}" cannot be read: its stored ${source.column} ${problem}. The row was left untouched; restore it from a backup or repair it. Journeys under other protocols are not affected.`,
    );
  }
  return new CareJourneyError(
    'CJ_ERR_CORRUPT_SNAPSHOT',
    `Journey "${source.journeyId}" cannot be read: its stored ${source.column} ${problem}. The row was left untouched; restore it from a backup or repair it. Other journeys are not affected.`,
    { journeyId: source.journeyId },
  );
}
