import type { KetamineEventType } from './events.js';
import { freezeNew } from '../store/freezeNew.js';

/**
 * Roles of the ketamine-for-anxiety journey. `system` (timers, integrations, plugins) is added by
 * the engine. A physician is also the prescriber.
 *
 * @example
 * ```ts
 * const actor = { id: 'rn-bo', role: KETAMINE_ROLES[1] }; // 'nurse'
 * ```
 */
export const KETAMINE_ROLES = freezeNew(['coordinator', 'nurse', 'physician', 'therapist', 'patient'] as const);
/**
 * A role of the ketamine-for-anxiety journey's policy: one of {@link KETAMINE_ROLES}, or `system` for timers, integrations and plugins.
 *
 * @example
 * ```ts
 * const role: KetamineRole = 'physician';
 * ketamineJourneyPolicy.events['predose.bpOverridden'].includes(role); // true
 * ```
 */
export type KetamineRole = (typeof KETAMINE_ROLES)[number] | 'system';

const staff = ['nurse', 'physician'] as const;
/** Events a patient may record for their own at-home sessions (the rules refuse them for in-clinic sessions). */
const sessionRecorders = ['nurse', 'physician', 'patient'] as const;

/**
 * Which roles may start a journey and send each event. A refused role changes nothing
 * (`CJ_ERR_FORBIDDEN`). The clinical rules add finer limits, e.g. only a physician finds a patient
 * eligible, and patients record only at-home sessions.
 *
 * @example
 * ```ts
 * ketamineJourneyPolicy.events['predose.bpOverridden']; // ['physician']: only a physician overrides a BP hold
 * ```
 */
export const ketamineJourneyPolicy = freezeNew({
  start: ['coordinator', 'physician', 'system'],
  events: {
    'referral.accepted': ['coordinator', 'physician'],
    'referral.declined': ['coordinator', 'physician'],
    'consultation.recorded': [...staff],
    'assessment.recorded': ['nurse', 'physician', 'therapist', 'patient', 'system'],
    'screening.contraindicationsRecorded': [...staff],
    'screening.vitalsRecorded': [...staff],
    'screening.medicationsReviewed': [...staff],
    'screening.selfReferralReviewed': [...staff],
    'eligibility.decided': ['nurse', 'physician', 'system'],
    'consent.recorded': ['physician'],
    'rems.enrolled': ['coordinator', 'physician'],
    'plan.recorded': ['physician'],
    'induction.started': ['coordinator', 'physician'],
    'session.rescheduled': ['coordinator', 'nurse', 'physician'],
    'session.cancelled': ['coordinator', 'nurse', 'physician'],
    'session.missedReviewed': ['physician'],
    'session.checkedIn': ['coordinator', 'nurse', 'physician', 'patient'],
    'predose.fastingConfirmed': [...sessionRecorders],
    'predose.transportConfirmed': ['coordinator', 'nurse', 'physician'],
    'predose.trustedAdultConfirmed': [...sessionRecorders],
    'predose.vitalsRecorded': [...sessionRecorders],
    'predose.bpOverridden': ['physician'],
    'predose.contraindicationsChecked': [...sessionRecorders],
    'predose.findingCleared': ['physician'],
    'predose.medicationsConfirmed': [...sessionRecorders],
    'predose.doseDeviationApproved': ['physician'],
    'dose.recorded': [...sessionRecorders],
    'monitoring.vitalsRecorded': [...sessionRecorders],
    'monitoring.sedationRecorded': [...sessionRecorders],
    'monitoring.dissociationRecorded': [...sessionRecorders],
    'monitoring.adverseEventRecorded': [...sessionRecorders],
    'session.discharged': [...sessionRecorders],
    'session.aborted': [...staff],
    'session.escalated': [...staff],
    'monitoring.bpCheckMissed': ['physician'],
    'response.decided': ['physician'],
    'maintenance.cadenceChanged': ['physician'],
    'checkIn.recorded': [...staff],
    'maintenance.ended': ['physician'],
    'safety.signalReported': ['nurse', 'physician', 'therapist', 'patient', 'system'],
    'hold.reviewed': ['physician'],
    'treatment.discontinued': ['physician'],
    'journey.withdrawn': ['coordinator', 'physician', 'patient'],
    'therapy.linked': ['coordinator', 'therapist', 'physician'],
    'therapy.sessionAttended': ['therapist', 'patient', 'system'],
    'therapy.ended': ['therapist', 'physician'],
    'rems.formSubmitted': ['coordinator', 'nurse', 'physician'],
  },
} as const satisfies { start: readonly KetamineRole[]; events: { readonly [K in KetamineEventType]: readonly KetamineRole[] } });
