import type { AnyMachineSnapshot } from 'xstate';
import { CareJourneyError } from '../errors.js';
import type { JourneyCommit } from '../store/JourneyStore.js';
import { SYSTEM_ACTOR, type Actor, type JournalEntry, type JourneyRecord, type TimerRow } from '../store/records.js';
import { collectActions } from './collectActions.js';
import { outboxFor } from './commit.js';
import { iso, type EngineCore } from './EngineCore.js';
import { candidateTransitions, explainEvents, explainRefusal } from './explainEvents.js';
import { stateOf } from './stateOf.js';
import type { StampedEvent } from './guardRule.js';
import type { JourneyStartInput } from './defineJourney.js';
import type { Loaded } from './load.js';
import type { Refusal } from './validate.js';

/**
 * Runs the machine. A machine that throws (an action or guard with a bug) is a broken
 * definition: the event is not applied and the error says so, with the machine's error as cause.
 */
function pure<T>(core: EngineCore, journeyId: string, type: string, where: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw new CareJourneyError(
      'CJ_ERR_INVALID_CONFIG',
      `Journey definition "${core.definition.id}" threw while applying "${type}" in ${where === 'the start' ? where : `state ${where}`} of journey "${journeyId}"; nothing was applied. The machine has a bug: see the cause.`,
      { journeyId, eventType: type },
      { cause: error },
    );
  }
}

/** A transition that applies: the next snapshot and the commit that records it. */
export interface Step {
  readonly next: AnyMachineSnapshot;
  readonly commit: JourneyCommit & { readonly entry: JournalEntry };
}

/**
 * The step: XState's pure `transition` of the loaded snapshot, and the commit it implies
 * (snapshot, journal entry, timers, outbox), or the reason it is refused. Reads no store.
 */
export function step(core: EngineCore, loaded: Loaded, event: StampedEvent, kind: 'event' | 'timer', idempotencyKey?: string, cancelTimer?: string): Step | Refusal {
  const { definition } = core;
  const { record, snapshot } = loaded;
  const journeyId = record.id;
  const from = stateOf(snapshot);
  if (snapshot.status !== 'active') {
    return {
      refusal: new CareJourneyError('CJ_ERR_NOT_ALLOWED', `Journey "${journeyId}" has ended (${from}); it accepts no more events.`, {
        journeyId,
        eventType: event.type,
        state: from,
        allowedEvents: [],
      }),
    };
  }
  if (candidateTransitions(snapshot, event.type).length === 0) {
    const { allowed } = explainEvents(definition, snapshot, event);
    return {
      refusal: new CareJourneyError(
        'CJ_ERR_NOT_ALLOWED',
        `"${event.type}" is not allowed in state ${from}. Allowed now: ${allowed.length > 0 ? allowed.join(', ') : 'none'}.`,
        { journeyId, eventType: event.type, state: from, allowedEvents: allowed },
      ),
    };
  }
  const [next, actions] = pure(core, journeyId, event.type, from, () => core.pure.next(snapshot, event));
  // XState hands back the same snapshot when no transition was enabled; a taken transition
  // that changes nothing (e.g. only `emit`s) still returns actions, and an empty one is
  // confirmed with getTransitionData.
  const refused = next === snapshot && actions.length === 0 && definition.machine.getTransitionData(snapshot as never, event as never).length === 0;
  if (refused) {
    const { guard, reason } = explainRefusal(definition, snapshot, event);
    return {
      refusal: new CareJourneyError('CJ_ERR_GUARD', `"${event.type}" refused in state ${from}: ${reason}`, {
        journeyId,
        eventType: event.type,
        state: from,
        guard,
        reason,
      }),
    };
  }
  const collected = collectActions(actions, journeyId, event.at);
  const to = stateOf(next);
  const now = core.now();
  const nowIso = iso(now);
  const { type, at, actor, ...payload } = event;
  const stored = core.stored(next);
  const entry: JournalEntry = {
    journeyId,
    seq: record.lastSeq + 1,
    kind,
    type,
    // The payload is zod's fresh output, already checked to be JSON: no copy needed.
    payload: payload as Record<string, unknown>,
    actor,
    at: iso(at),
    recordedAt: nowIso,
    from,
    to,
    definitionVersion: definition.version,
    ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
  };
  const journey: JourneyRecord = {
    ...record,
    definitionVersion: definition.version,
    version: record.version + 1,
    lastSeq: entry.seq,
    snapshot: stored.snapshot,
    state: to,
    phase: core.phase(next),
    status: next.status as JourneyRecord['status'],
    updatedAt: nowIso,
  };
  return {
    next,
    commit: {
      journey,
      expectedVersion: record.version,
      entry,
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
      timersToSet: collected.timersToSet,
      timersToCancel: cancelTimer === undefined ? collected.timersToCancel : [cancelTimer, ...collected.timersToCancel],
      outbox: outboxFor(journey, entry, collected.effects, now),
      ...withProtocols(core, stored.ref, stored.protocol, nowIso),
    },
  };
}

/** The `protocols` of a commit: the one its snapshot refers to, unless the store is known to hold it. */
function withProtocols(core: EngineCore, ref: string | undefined, protocol: Record<string, unknown> | undefined, createdAt: string): Pick<JourneyCommit, 'protocols'> {
  const protocols = core.protocols.recordFor(ref, protocol, createdAt);
  return protocols.length > 0 ? { protocols } : {};
}

/** The step of `start`: the machine's initial snapshot and the commit that creates the journey. */
export function startStep(core: EngineCore, journeyId: string, patientRef: string, actor: Actor, input: unknown): Step {
  const { definition } = core;
  const at = core.now();
  const startInput: JourneyStartInput = { patientRef, startedAt: at, actor, data: input, protocol: core.protocol };
  const [snapshot, actions] = pure(core, journeyId, 'journey.start', 'the start', () => core.pure.initial(startInput));
  const collected = collectActions(actions, journeyId, at);
  const state = stateOf(snapshot);
  const stored = core.stored(snapshot);
  const record: JourneyRecord = {
    id: journeyId,
    definitionId: definition.id,
    definitionVersion: definition.version,
    patientRef,
    version: 1,
    lastSeq: 1,
    snapshot: stored.snapshot,
    state,
    phase: core.phase(snapshot),
    status: snapshot.status as JourneyRecord['status'],
    createdAt: iso(at),
    updatedAt: iso(at),
  };
  const entry: JournalEntry = {
    journeyId,
    seq: 1,
    kind: 'start',
    type: 'journey.start',
    // The protocol is stored once, by its ref (the commit brings it when the store may lack it).
    payload: JSON.parse(JSON.stringify({ patientRef, input, ...(stored.ref === undefined ? { protocol: core.protocol } : { protocolRef: stored.ref }) })) as Record<string, unknown>,
    actor,
    at: iso(at),
    recordedAt: iso(at),
    from: null,
    to: state,
    definitionVersion: definition.version,
  };
  return {
    next: snapshot,
    commit: {
      journey: record,
      expectedVersion: 0,
      entry,
      timersToSet: collected.timersToSet,
      timersToCancel: [],
      outbox: outboxFor(record, entry, collected.effects, at),
      ...withProtocols(core, stored.ref, stored.protocol, iso(at)),
    },
  };
}

/**
 * The commit for a machine timer whose event no longer applies when it fires (its transition is
 * refused): the timer is deleted and the journal records that it was skipped and why, so the
 * journey's version never rises without a journal entry. The state does not change.
 */
export function skippedTimerStep(core: EngineCore, loaded: Loaded, timer: TimerRow, refusal: CareJourneyError): JourneyCommit & { readonly entry: JournalEntry } {
  const { record } = loaded;
  const now = core.now();
  const { type, ...fields } = timer.event ?? {};
  const reason = refusal.details.reason ?? refusal.message;
  const entry: JournalEntry = {
    journeyId: record.id,
    seq: record.lastSeq + 1,
    kind: 'timer',
    type: typeof type === 'string' ? type : timer.key,
    payload: { ...fields, skipped: true, code: refusal.code, reason },
    actor: SYSTEM_ACTOR,
    at: iso(timer.dueAt),
    recordedAt: iso(now),
    from: record.state,
    to: record.state,
    definitionVersion: record.definitionVersion,
  };
  const journey: JourneyRecord = { ...record, version: record.version + 1, lastSeq: entry.seq, updatedAt: iso(now) };
  return { journey, expectedVersion: record.version, entry, timersToSet: [], timersToCancel: [timer.key], outbox: outboxFor(journey, entry, [], now, false) };
}
