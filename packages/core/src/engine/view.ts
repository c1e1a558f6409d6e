import type { JourneyRecord } from '../store/records.js';
import { iso, type EngineCore } from './EngineCore.js';
import type { BlockedEvent } from './explainEvents.js';
import { stateOf } from './stateOf.js';
import type { JourneyView } from './JourneyView.js';
import type { Loaded } from './load.js';
import { attachJudgement, judgedEvents, settleProperty } from './viewJudgement.js';

/**
 * The journey as the host sees it: state, phase, context, what is allowed now and why not,
 * judged at `at`. Pure: reads no store and no clock, so it can be built after a commit without
 * anything left that could fail.
 *
 * `allowedEvents` and `blockedEvents` are judged when one of them is first read, once for both,
 * against this snapshot and `at`: a caller that never reads them does not pay for judging every
 * event type's rules. The snapshot is immutable and its context frozen, so the answer is the one
 * an eager view would have held. Until read they are accessors written in the literal (so the key
 * order holds and the object stays in V8's fast mode); the first read, or an assignment, makes
 * each an ordinary data property.
 */
export function journeyView(core: EngineCore, { record, snapshot, timers }: Loaded, at: number): JourneyView {
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
    get allowedEvents(): string[] {
      return settleProperty(this, 'allowedEvents', judgedEvents(this).allowed);
    },
    set allowedEvents(value: string[]) {
      settleProperty(this, 'allowedEvents', value);
    },
    get blockedEvents(): BlockedEvent[] {
      return settleProperty(this, 'blockedEvents', judgedEvents(this).blocked);
    },
    set blockedEvents(value: BlockedEvent[]) {
      settleProperty(this, 'blockedEvents', value);
    },
    timers: timers.map((t) => ({ key: t.key, owner: t.owner, dueAt: iso(t.dueAt) })),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
  attachJudgement(view, core, snapshot, at);
  return view;
}
