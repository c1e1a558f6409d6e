import { SYSTEM_ACTOR, type JourneyRecord } from '../store/records.js';
import { iso, type EngineCore } from './EngineCore.js';
import { explainEvents } from './explainEvents.js';
import { flattenState } from './flattenState.js';
import type { StampedEvent } from './guardRule.js';
import type { JourneyView } from './JourneyView.js';
import type { Loaded } from './load.js';

/**
 * The journey as the host sees it: state, phase, context, what is allowed now and why not,
 * judged at `at`. Pure: reads no store and no clock, so it can be built after a commit without
 * anything left that could fail.
 */
export function journeyView(core: EngineCore, { record, snapshot, timers }: Loaded, at: number): JourneyView {
  const probe = { type: '', at, actor: SYSTEM_ACTOR } as StampedEvent;
  const { allowed, blocked } = explainEvents(core.definition, snapshot, probe);
  return {
    id: record.id,
    definitionId: record.definitionId,
    definitionVersion: core.definition.version,
    patientRef: record.patientRef,
    version: record.version,
    state: snapshot.value,
    stateLabel: flattenState(snapshot.value),
    phase: core.phase(snapshot),
    status: snapshot.status as JourneyRecord['status'],
    // Snapshots loaded from the store, and transitions of them, hold contexts private to this
    // call (the store hands out copies): no copy needed. `start` copies its own.
    context: snapshot.context as Record<string, unknown>,
    allowedEvents: allowed,
    blockedEvents: blocked,
    timers: timers.map((t) => ({ key: t.key, owner: t.owner, dueAt: iso(t.dueAt) })),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
