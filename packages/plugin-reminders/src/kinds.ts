/**
 * Kinds of reminders patients receive. A kind is what a patient's preferences name (channel,
 * opt-out) and what the host's `deliver` receives; several rules may share one kind.
 */
export const PATIENT_REMINDER_KINDS = [
  'session.upcoming',
  'session.fasting',
  'transport.confirm',
  'trustedAdult.confirm',
  'maintenance.due',
  'discharge.noDriving',
  'discharge.checkIn',
  'assessment.due',
  'session.missedOutreach',
  'therapy.followUp',
] as const;

/** Kinds of reminders that go to the clinic's staff. */
export const CLINIC_REMINDER_KINDS = [
  'companion.unconfirmed',
  'monitoring.bpCheck',
  'monitoring.vitalsOverdue',
  'rems.formDue',
  'rems.formOverdue',
  'reminder.escalation',
] as const;

/**
 * Patient reminders a patient cannot opt out of: the no-driving notice after a dose, and the
 * pre-dose instructions a session cannot safely go ahead without (fasting, a ride home with a
 * responsible adult, a trusted adult at home).
 */
export const SAFETY_CRITICAL_KINDS = ['discharge.noDriving', 'session.fasting', 'transport.confirm', 'trustedAdult.confirm'] as const;

export type PatientReminderKind = (typeof PATIENT_REMINDER_KINDS)[number];
export type ClinicReminderKind = (typeof CLINIC_REMINDER_KINDS)[number];
export type SafetyCriticalKind = (typeof SAFETY_CRITICAL_KINDS)[number];
/** Kinds of a clinic's own rules: `custom.` and a name, e.g. `custom.parking-info`. */
export type CustomReminderKind = `custom.${string}`;
export type ReminderKind = PatientReminderKind | ClinicReminderKind | CustomReminderKind;
/** What a patient may opt out of: every patient kind but the safety-critical ones. */
export type OptOutKind = Exclude<PatientReminderKind, SafetyCriticalKind> | CustomReminderKind;
/** Who a reminder is for. */
export type ReminderAudience = 'patient' | 'clinic';

/** A channel the host provides, e.g. `sms`, `email`, `push`, `call`, or a staff pager. */
export type ReminderChannel = 'sms' | 'email' | 'push' | 'call' | (string & {});

const safety = new Set<string>(SAFETY_CRITICAL_KINDS);

/**
 * True for the built-in kinds no patient can opt out of.
 *
 * @example
 * ```ts
 * isSafetyCriticalKind('discharge.noDriving'); // true
 * isSafetyCriticalKind('session.upcoming'); // false
 * ```
 */
export function isSafetyCriticalKind(kind: string): kind is SafetyCriticalKind {
  return safety.has(kind);
}
