import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { CareJourneyError } from '../errors.js';
import type { JournalEntry, PersistedSnapshot } from '../store/records.js';
import type { AnyJourneyDefinition, JourneyStartInput } from './defineJourney.js';
import { persistSnapshot } from './snapshotCodec.js';

/** The machine event a journal entry stands for. */
export function eventFromEntry(entry: JournalEntry): Record<string, unknown> & { type: string } {
  return { ...entry.payload, type: entry.type, at: Date.parse(entry.at), actor: entry.actor };
}

/**
 * Rebuilds a journey's snapshot from its journal alone, with XState's pure functions. Used to
 * audit a stored journey: the result must equal the stored snapshot.
 *
 * @example
 * ```ts
 * const replayed = replayJournal(definition, await engine.history(id));
 * ```
 */
export function replayJournal(definition: AnyJourneyDefinition, entries: readonly JournalEntry[]): PersistedSnapshot {
  const [first, ...rest] = entries;
  if (!first || first.kind !== 'start') {
    throw new CareJourneyError('CJ_ERR_INVALID_INPUT', 'A journal replay must begin with the journey\'s start entry.');
  }
  const mixed = entries.find((e) => e.definitionVersion !== definition.version);
  if (mixed) {
    throw new CareJourneyError(
      'CJ_ERR_MIGRATION',
      `Entry ${mixed.seq} of journey "${mixed.journeyId}" was applied under version ${mixed.definitionVersion}; replay runs version ${definition.version} only.`,
      { journeyId: mixed.journeyId },
    );
  }
  const payload = first.payload as { patientRef: string; input: unknown; protocol: unknown };
  const input: JourneyStartInput = {
    patientRef: payload.patientRef,
    startedAt: Date.parse(first.at),
    actor: first.actor,
    data: payload.input,
    protocol: payload.protocol,
  };
  let [snapshot] = initialTransition(definition.machine, input) as [AnyMachineSnapshot, unknown[]];
  for (const entry of rest) {
    [snapshot] = transition(definition.machine, snapshot, eventFromEntry(entry) as never) as [AnyMachineSnapshot, unknown[]];
  }
  return persistSnapshot(definition.machine, snapshot);
}
