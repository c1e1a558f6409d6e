import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { z } from 'zod';
import { CareJourneyError } from '../errors.js';
import { journalEntrySchema, type JournalEntry, type PersistedSnapshot } from '../store/records.js';
import { parseArgument } from '../validation/parseArgument.js';
import type { AnyJourneyDefinition, JourneyStartInput } from './defineJourney.js';
import { persistSnapshot } from './snapshotCodec.js';

/** The machine event a journal entry stands for. */
export function eventFromEntry(entry: JournalEntry): Record<string, unknown> & { type: string } {
  return { ...entry.payload, type: entry.type, at: Date.parse(entry.at), actor: entry.actor };
}

const definitionSchema = z.custom<AnyJourneyDefinition>((v) => v !== null && typeof v === 'object' && (v as { kind?: unknown }).kind === 'carejourney.definition', {
  message: 'must be a journey definition made with defineJourney()',
});

/** True for the journal entry of a machine timer skipped because its event no longer applied. */
export function isSkippedTimer(entry: JournalEntry): boolean {
  return entry.kind === 'timer' && entry.from === entry.to && entry.payload['skipped'] === true && typeof entry.payload['code'] === 'string';
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
  parseArgument(definitionSchema, definition, 'CJ_ERR_INVALID_INPUT', 'The definition to replay with', 'definition');
  const checked = parseArgument(z.array(journalEntrySchema).max(10_000_000), entries, 'CJ_ERR_INVALID_INPUT', 'The journal to replay', 'entries');
  const [first, ...rest] = checked;
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
  let seq = first.seq;
  try {
    let [snapshot] = initialTransition(definition.machine, input) as [AnyMachineSnapshot, unknown[]];
    for (const entry of rest) {
      seq = entry.seq;
      // A machine timer that no longer applied when it fired changed nothing but the journal.
      if (isSkippedTimer(entry)) continue;
      [snapshot] = transition(definition.machine, snapshot, eventFromEntry(entry) as never) as [AnyMachineSnapshot, unknown[]];
    }
    return persistSnapshot(definition.machine, snapshot);
  } catch (error) {
    throw new CareJourneyError('CJ_ERR_INVALID_INPUT', `The journal could not be replayed: the machine threw at entry ${seq} of journey "${first.journeyId}".`, { journeyId: first.journeyId }, { cause: error });
  }
}
