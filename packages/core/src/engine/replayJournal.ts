import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { z } from 'zod';
import { CareJourneyError } from '../errors.js';
import { once } from '../lazyInstance.js';
import { journalEntrySchema, type JournalEntry, type PersistedSnapshot } from '../store/records.js';
import { parseArgument } from '../validation/parseArgument.js';
import type { AnyJourneyDefinition, JourneyStartInput } from './defineJourney.js';
import { protocolRefOf } from '../store/protocolRefOf.js';
import { withProtocolRef } from './ProtocolRefs.js';
import { persistSnapshot } from './snapshotCodec.js';

/** The machine event a journal entry stands for. */
export function eventFromEntry(entry: JournalEntry): Record<string, unknown> & { type: string } {
  return { ...entry.payload, type: entry.type, at: Date.parse(entry.at), actor: entry.actor };
}

/** Built on first use, not at import. */
const definitionSchema = once(() =>
  z.custom<AnyJourneyDefinition>((v) => v !== null && typeof v === 'object' && (v as { kind?: unknown }).kind === 'carejourney.definition', {
    message: 'must be a journey definition made with defineJourney()',
  }),
);

/** True for the journal entry of a machine timer skipped because its event no longer applied. */
export function isSkippedTimer(entry: JournalEntry): boolean {
  return entry.kind === 'timer' && entry.from === entry.to && entry.payload['skipped'] === true && typeof entry.payload['code'] === 'string';
}

const replayOptionsSchema = once(() =>
  z
    .strictObject({
      /** The protocol the start entry refers to by `protocolRef` (`store.loadProtocol(ref)`). */
      protocol: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
);

/**
 * Rebuilds a journey's snapshot from its journal alone, with XState's pure functions. Used to
 * audit a stored journey: the result must equal the stored snapshot (`store.load(id)`), in the
 * form stores keep it (the protocol by ref). A start entry that names its protocol by
 * `protocolRef` needs that protocol as `options.protocol`, and it must be the one the ref names.
 *
 * @example
 * ```ts
 * const history = await engine.history(id);
 * const ref = history[0]!.payload['protocolRef'] as string | undefined;
 * const protocol = ref === undefined ? undefined : (await store.loadProtocol(ref))?.protocol;
 * const replayed = replayJournal(definition, history, protocol ? { protocol } : {});
 * ```
 */
export function replayJournal(definition: AnyJourneyDefinition, entries: readonly JournalEntry[], options?: { readonly protocol?: Record<string, unknown> }): PersistedSnapshot {
  parseArgument(definitionSchema(), definition, 'CJ_ERR_INVALID_INPUT', 'The definition to replay with', 'definition');
  const given = parseArgument(replayOptionsSchema(), options, 'CJ_ERR_INVALID_INPUT', 'The options of replayJournal', 'options');
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
  const payload = first.payload as { patientRef: string; input: unknown; protocol?: unknown; protocolRef?: unknown };
  let protocol = payload.protocol;
  if (typeof payload.protocolRef === 'string') {
    if (given?.protocol === undefined) {
      throw new CareJourneyError(
        'CJ_ERR_INVALID_INPUT',
        `The start entry of journey "${first.journeyId}" names its protocol by reference (${payload.protocolRef}): pass that protocol as options.protocol (store.loadProtocol(ref)).`,
        { journeyId: first.journeyId, issues: [{ path: 'options.protocol', rule: 'required', message: 'required: the start entry names its protocol by reference' }] },
      );
    }
    if (protocolRefOf(given.protocol) !== payload.protocolRef) {
      throw new CareJourneyError(
        'CJ_ERR_INVALID_INPUT',
        `options.protocol is not the protocol the start entry of journey "${first.journeyId}" names (${payload.protocolRef}).`,
        { journeyId: first.journeyId, issues: [{ path: 'options.protocol', rule: 'protocol_ref', message: 'must be the protocol the start entry names by reference' }] },
      );
    }
    protocol = given.protocol;
  }
  const input: JourneyStartInput = {
    patientRef: payload.patientRef,
    startedAt: Date.parse(first.at),
    actor: first.actor,
    data: payload.input,
    protocol,
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
    const persisted = persistSnapshot(definition.machine, snapshot);
    const stored = persisted.context['protocol'];
    // As stores keep it: the protocol, a JSON object, by its ref.
    return definition.protocol && stored !== null && typeof stored === 'object' && !Array.isArray(stored) ? withProtocolRef(persisted, protocolRefOf(stored)) : persisted;
  } catch (error) {
    throw new CareJourneyError('CJ_ERR_INVALID_INPUT', `The journal could not be replayed: the machine threw at entry ${seq} of journey "${first.journeyId}".`, { journeyId: first.journeyId }, { cause: error });
  }
}
