import { byCodePoint } from './byCodePoint.js';
import type { JourneyQuery } from './JourneyStore.js';
import type { JourneyRecord } from './records.js';

/**
 * True when the flattened state (`a.b|a.c`) contains the dotted path or one below it.
 *
 * @example
 * ```ts
 * stateMatches('care.clinical.treatment.onHold|care.therapy.active', 'care.clinical.treatment'); // true
 * stateMatches('care.clinical.intake.screening', 'care.clinical.treatment'); // false
 * ```
 */
export function stateMatches(flattened: string, path: string): boolean {
  return flattened.split('|').some((leaf) => leaf === path || leaf.startsWith(`${path}.`));
}

/**
 * The reference semantics of {@link JourneyQuery}, used by MemoryStore and the conformance suite.
 *
 * @example
 * ```ts
 * const found = [...records.values()].filter((r) => matchesQuery(r, { phase: 'maintenance', status: 'active' }));
 * ```
 */
export function matchesQuery(record: Omit<JourneyRecord, 'snapshot'>, q: JourneyQuery): boolean {
  return (
    (q.patientRef === undefined || record.patientRef === q.patientRef) &&
    (q.phase === undefined || record.phase === q.phase) &&
    (q.status === undefined || record.status === q.status) &&
    (q.definitionId === undefined || record.definitionId === q.definitionId) &&
    (q.state === undefined || stateMatches(record.state, q.state)) &&
    // Ids after `after` by code point, the order every store pages in.
    (q.after === undefined || byCodePoint(record.id, q.after) > 0)
  );
}
