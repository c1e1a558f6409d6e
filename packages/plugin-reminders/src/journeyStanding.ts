import type { JourneyView } from '@carejourney/core';

/**
 * Where a journey stands for reminders: patient reminders go out only while it is in care.
 *
 * @example
 * ```ts
 * const standing: JourneyStanding = journeyStanding(await engine.get(journeyId));
 * if (standing.onHold) console.log('patient reminders wait until a clinician resumes treatment');
 * ```
 */
export interface JourneyStanding {
  /** Ended, or ending: an outcome is recorded (a journey waiting for REMS forms has ended clinically) or pending. */
  readonly ended: boolean;
  /** Treatment is on hold (or a hold waits for a dosed session to end). */
  readonly onHold: boolean;
  /** Neither ended nor on hold. */
  readonly inCare: boolean;
}

/**
 * Reads a ketamine journey's standing from its view. Reads only fields that every version of the
 * journey keeps (`status`, `context.outcome`, `context.hold`, a pending ending, the state), so a
 * reminder rule never depends on how the journey models a hold internally.
 *
 * @example
 * ```ts
 * const { inCare } = journeyStanding(await engine.get(journeyId));
 * ```
 */
export function journeyStanding(view: Pick<JourneyView<unknown>, 'status' | 'context' | 'stateLabel'>): JourneyStanding {
  const context = (view.context ?? {}) as { outcome?: unknown; hold?: unknown; pendingEnding?: unknown };
  const ended = view.status !== 'active' || (context.outcome ?? null) !== null || (context.pendingEnding ?? null) !== null;
  const onHold = (context.hold ?? null) !== null || view.stateLabel.split('|').some((leaf) => leaf.split('.').includes('onHold'));
  return { ended, onHold, inCare: !ended && !onHold };
}

/** Why a reminder no longer applies: the journey ended, is on hold, or what it was about changed. */
export function staleReason(standing: JourneyStanding): 'ended' | 'hold' | 'stale' {
  return standing.ended ? 'ended' : standing.onHold ? 'hold' : 'stale';
}
