/**
 * Kinds of reminders patients receive. A kind is what a patient's preferences name (channel,
 * opt-out) and what the host's `deliver` receives; several rules may share one kind.
 *
 * @example
 * ```ts
 * PATIENT_REMINDER_KINDS.includes('session.upcoming'); // true
 * ```
 */
export const PATIENT_REMINDER_KINDS = Object.freeze([
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
] as const);

/**
 * Kinds of reminders that go to the clinic's staff.
 *
 * @example
 * ```ts
 * const staffChannels = Object.fromEntries(CLINIC_REMINDER_KINDS.map((kind) => [kind, 'clinic-inbox']));
 * remindersPlugin({ deliver, channels: { byKind: { ...staffChannels, 'monitoring.vitalsOverdue': 'pager' } } });
 * ```
 */
export const CLINIC_REMINDER_KINDS = Object.freeze([
  'companion.unconfirmed',
  'monitoring.bpCheck',
  'monitoring.vitalsOverdue',
  'rems.formDue',
  'rems.formOverdue',
  'reminder.escalation',
] as const);

/**
 * Patient reminders a patient cannot opt out of: the no-driving notice after a dose, and the
 * pre-dose instructions a session cannot safely go ahead without (fasting, a ride home with a
 * responsible adult, a trusted adult at home).
 *
 * @example
 * ```ts
 * // A preferences form offers opt-outs of every patient kind but these:
 * const optional = PATIENT_REMINDER_KINDS.filter((kind) => !isSafetyCriticalKind(kind));
 * SAFETY_CRITICAL_KINDS.length; // 4
 * ```
 */
export const SAFETY_CRITICAL_KINDS = Object.freeze(['discharge.noDriving', 'session.fasting', 'transport.confirm', 'trustedAdult.confirm'] as const);

/**
 * A built-in kind of patient reminder: one of {@link PATIENT_REMINDER_KINDS}.
 *
 * @example
 * ```ts
 * const kind: PatientReminderKind = 'session.upcoming';
 * ```
 *
 * @useDeclaredType
 */
export type PatientReminderKind = (typeof PATIENT_REMINDER_KINDS)[number];
/**
 * A built-in kind of staff reminder: one of {@link CLINIC_REMINDER_KINDS}.
 *
 * @example
 * ```ts
 * const kind: ClinicReminderKind = 'rems.formOverdue';
 * ```
 *
 * @useDeclaredType
 */
export type ClinicReminderKind = (typeof CLINIC_REMINDER_KINDS)[number];
/**
 * A patient reminder kind no patient can opt out of: one of {@link SAFETY_CRITICAL_KINDS}.
 *
 * @example
 * ```ts
 * const kind: SafetyCriticalKind = 'discharge.noDriving';
 * ```
 *
 * @useDeclaredType
 */
export type SafetyCriticalKind = (typeof SAFETY_CRITICAL_KINDS)[number];
/**
 * Kinds of a clinic's own rules: `custom.` and a name, e.g. `custom.parking-info`.
 *
 * @example
 * ```ts
 * const kind: CustomReminderKind = 'custom.parking-info';
 * ```
 */
export type CustomReminderKind = `custom.${string}`;
/**
 * Any reminder kind: a built-in patient or staff kind, or a clinic's `custom.` kind.
 *
 * @example
 * ```ts
 * const deliver: Deliver = (message) => {
 *   const kind: ReminderKind = message.kind;
 *   if (kind === 'discharge.noDriving') return sms.sendNow(message.deliveryId, message.patientRef, message.templateKey);
 *   return sms.queue(message.deliveryId, message.patientRef, message.templateKey, message.variables);
 * };
 * ```
 */
export type ReminderKind = PatientReminderKind | ClinicReminderKind | CustomReminderKind;
/**
 * What a patient may opt out of: every patient kind but the safety-critical ones.
 *
 * @example
 * ```ts
 * const optOut: OptOutKind[] = ['session.upcoming', 'maintenance.due'];
 * // const bad: OptOutKind = 'session.fasting'; // does not compile: safety-critical
 * ```
 */
export type OptOutKind = Exclude<PatientReminderKind, SafetyCriticalKind> | CustomReminderKind;
/**
 * Who a reminder is for: the patient, or the clinic's staff.
 *
 * @example
 * ```ts
 * const deliver: Deliver = (m) => (m.audience === 'clinic' ? inbox.post(m.deliveryId, m.templateKey, m.variables) : sms.send(m));
 * ```
 */
export type ReminderAudience = 'patient' | 'clinic';

/**
 * A channel the host provides, e.g. `sms`, `email`, `push`, `call`, or a staff pager.
 *
 * @example
 * ```ts
 * const channels: { patient: ReminderChannel; clinic: ReminderChannel } = { patient: 'push', clinic: 'pager' };
 * remindersPlugin({ deliver, channels });
 * ```
 */
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
