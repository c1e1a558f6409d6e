import { SYSTEM_ACTOR, type JourneyRecord } from '../store/records.js';
import { iso, type EngineCore } from './EngineCore.js';
import { explainEvents, type BlockedEvent } from './explainEvents.js';
import { stateOf } from './stateOf.js';
import type { StampedEvent } from './guardRule.js';
import type { JourneyView } from './JourneyView.js';
import { defineLazy } from './defineLazy.js';
import type { Loaded } from './load.js';

/**
 * The journey as the host sees it: state, phase, context, what is allowed now and why not,
 * judged at `at`. Pure: reads no store and no clock, so it can be built after a commit without
 * anything left that could fail.
 *
 * `allowedEvents` and `blockedEvents` are judged when one of them is first read, once for both,
 * against this snapshot and `at`: a caller that never reads them does not pay for judging every
 * event type's rules. The snapshot is immutable and its context frozen, so the answer is the one
 * an eager view would have held.
 */
export function journeyView(core: EngineCore, { record, snapshot, timers }: Loaded, at: number): JourneyView {
  let explained: { readonly allowed: string[]; readonly blocked: BlockedEvent[] } | undefined;
  const explain = () => (explained ??= explainEvents(core.definition, snapshot, { type: '', at, actor: SYSTEM_ACTOR } as StampedEvent));
  const view: JourneyView = {
    id: record.id,
    definitionId: record.definitionId,
    definitionVersion: core.definition.version,
    patientRef: record.patientRef,
    version: record.version,
    state: snapshot.value,
    stateLabel: stateOf(snapshot),
    phase: core.phase(snapshot),
    status: snapshot.status as JourneyRecord['status'],
    // Snapshots loaded from the store, and transitions of them, hold contexts private to this
    // call (the store hands out copies): no copy needed. `start` copies its own.
    context: snapshot.context as Record<string, unknown>,
    // Placeholders that keep the key order; defineLazy replaces them below.
    allowedEvents: [],
    blockedEvents: [],
    timers: timers.map((t) => ({ key: t.key, owner: t.owner, dueAt: iso(t.dueAt) })),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
  defineLazy(view, 'allowedEvents', () => explain().allowed);
  defineLazy(view, 'blockedEvents', () => explain().blocked);
  return view;
}
