import type { RemsMonitoringForm } from './remsMonitoringForm.js';
import type { ResponseResult } from './responseReview.js';

/**
 * The effects the ketamine-for-anxiety journey emits. Each reaches the engine's bus under its
 * `type` (`engine.on('safety.alert', ...)`) and plugins' `onEffect`, from the outbox, at least
 * once, with a stable `deliveryId`. Every effect carries the journey's opaque `patientRef` and
 * the instant it refers to (`at`, ISO 8601); none carries names or other PHI.
 */

/**
 * A safety signal for the clinician on duty: page them.
 *
 * @example
 * ```ts
 * engine.on('safety.alert', ({ journeyId, payload }) => pager.send(journeyId, payload.kind, payload.reason));
 * ```
 */
export interface SafetyAlertEffect {
  readonly type: 'safety.alert';
  /** What raised it, e.g. `suicidality-screen`, `stop-rule`, `session-aborted`, `transfer`, `hold`. */
  readonly kind: string;
  /** What happened and what it means for care, in a clinician's words. */
  readonly reason: string;
  readonly patientRef: string;
  readonly at: string;
  /** The session it concerns, when there is one. */
  readonly sessionNumber?: number;
  /** For `kind: 'hold'`: the signal that put treatment on hold. */
  readonly signal?: string;
}

/**
 * Something the care team must follow up (a missed session, an overdue form, a lapse, ...).
 *
 * @example
 * ```ts
 * engine.on('care.alert', ({ payload }) => { if (payload.kind === 'missed-session') tasks.add(payload.patientRef, 'call about the missed session'); });
 * ```
 */
export interface CareAlertEffect {
  readonly type: 'care.alert';
  /** e.g. `missed-session`, `vitals-overdue`, `ending-after-session`, `rems-form-overdue`, `response-not-held`, `therapy-lapse`. */
  readonly kind: string;
  readonly patientRef: string;
  readonly at: string;
  readonly sessionNumber?: number | null;
  /** `missed-session`: a clinician must review before the schedule goes on. */
  readonly needsClinicianReview?: boolean;
  /** `vitals-overdue`: the protocol's vitals cadence in minutes. */
  readonly everyMinutes?: number | null;
  /** `ending-after-session`: the ending that waits for the session to close. */
  readonly ending?: 'discontinued' | 'closed' | null;
  /** `response-not-held`: the instrument and its baseline and current scores. */
  readonly instrument?: string;
  readonly baseline?: number;
  readonly current?: number;
  /** `therapy-lapse`: the last attended therapy session and the gap that counts as a lapse. */
  readonly lastAttendedAt?: string | null;
  readonly gapDays?: number;
}

/**
 * A monitoring check is due during a session (e.g. the blood-pressure re-check at 40 minutes).
 *
 * @example
 * ```ts
 * engine.on('monitoring.checkDue', ({ payload }) => ward.notify(`session ${payload.sessionNumber}: check at minute ${payload.minute}`));
 * ```
 */
export interface MonitoringCheckDueEffect {
  readonly type: 'monitoring.checkDue';
  readonly patientRef: string;
  readonly sessionNumber: number;
  /** Minutes after the dose the check is due at. */
  readonly minute: number;
  readonly at: string;
}

/**
 * An esketamine REMS monitoring form is due: its data, filled in from the session's records.
 *
 * @example
 * ```ts
 * engine.on('rems.formDue', ({ payload }) => remsQueue.add(payload.sessionNumber, payload.dueAt, payload));
 * ```
 */
export interface RemsFormDueEffect extends RemsMonitoringForm {
  readonly type: 'rems.formDue';
}

/**
 * An assessment (the primary instrument) is due: for the response review or a maintenance re-assessment.
 *
 * @example
 * ```ts
 * engine.on('assessment.due', ({ payload }) => questionnaires.send(payload.patientRef, payload.instrument));
 * ```
 */
export interface AssessmentDueEffect {
  readonly type: 'assessment.due';
  readonly patientRef: string;
  readonly instrument: string;
  readonly reason: 'response-review' | 'maintenance-reassessment';
  readonly at: string;
}

/**
 * The response at the end of induction, computed for the clinician's decision (never decided by the library).
 *
 * @example
 * ```ts
 * engine.on('response.proposed', ({ payload }) => reviewList.add(payload.patientRef, payload.responded));
 * ```
 */
export interface ResponseProposedEffect extends Partial<ResponseResult> {
  readonly type: 'response.proposed';
  readonly patientRef: string;
  readonly at: string;
}

/**
 * Every effect of the ketamine-for-anxiety journey, discriminated by `type`.
 *
 * @example
 * ```ts
 * const handle = (effect: KetamineEffect) => (effect.type === 'safety.alert' ? page(effect.reason) : undefined);
 * ```
 */
export type KetamineEffect = SafetyAlertEffect | CareAlertEffect | MonitoringCheckDueEffect | RemsFormDueEffect | AssessmentDueEffect | ResponseProposedEffect;

/**
 * The effect types of the ketamine-for-anxiety journey.
 *
 * @example
 * ```ts
 * const urgent: KetamineEffectType[] = ['safety.alert', 'care.alert'];
 * ```
 */
export type KetamineEffectType = KetamineEffect['type'];
