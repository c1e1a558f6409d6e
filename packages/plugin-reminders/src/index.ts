/**
 * Durable reminders for the ketamine-for-anxiety journey, delivered through the host's own
 * channels (SMS, e-mail, push, a staff pager): rules derive reminders from the journey's schedule,
 * sessions, events and effects; each is a durable timer in the journey store, moved by quiet hours
 * in the patient's zone, cancelled by a hold, retried with backoff, and recorded in a log. Messages
 * carry an opaque patientRef, a template key and variables; the host writes the words.
 *
 * @example
 * ```ts
 * import { createEngine, ketamineAnxietyJourney, MemoryStore } from '@carejourney/core';
 * import { remindersPlugin } from '@carejourney/plugin-reminders';
 *
 * const reminders = remindersPlugin({
 *   deliver: async (message) => {
 *     await sms.send({ idempotencyKey: message.deliveryId, patientRef: message.patientRef, template: message.templateKey, variables: message.variables });
 *   },
 *   rules: { 'session.upcoming': { offsetsHours: [24, 2] } },
 * });
 * const engine = createEngine({
 *   definition: ketamineAnxietyJourney,
 *   store: new MemoryStore(),
 *   protocol: { timeZone: 'Europe/Berlin', acceptUnconfirmedDefaults: true },
 *   plugins: [reminders],
 * });
 * await engine.runDue(); // sends the reminders that are due
 * await reminders.outcomes(journeyId); // what happened to each
 * ```
 *
 * @module @carejourney/plugin-reminders
 */
// The public contract of @carejourney/plugin-reminders: named exports only.
export { remindersPlugin } from './remindersPlugin.js';
export type { RemindersPlugin, RemindersEvents, ReminderFailedNotice, ReminderWarning } from './remindersPlugin.js';
export { remindersOptionsSchema } from './remindersOptions.js';
export type { RemindersOptions, ReminderPatient } from './remindersOptions.js';
export type { ReminderMessage, Deliver, DeliverResult } from './ReminderMessage.js';

export { defineReminderRule } from './rules/defineReminderRule.js';
export type {
  ReminderRule,
  ReminderRuleCommon,
  ViewReminderRule,
  EventReminderRule,
  EffectReminderRule,
  PlannedReminder,
  ReminderPlanInput,
  ReminderEffect,
  ReminderVariables,
  KetamineEffectType,
} from './rules/ReminderRule.js';
export { defaultReminderRules, defaultRuleOptionsSchema, DEFAULT_RULE_IDS } from './rules/defaultReminderRules.js';
export type { DefaultRuleOptions, DefaultRuleId } from './rules/defaultReminderRules.js';
export { plannedSessions, sessionVariables } from './rules/sessionVariables.js';

export {
  PATIENT_REMINDER_KINDS,
  CLINIC_REMINDER_KINDS,
  SAFETY_CRITICAL_KINDS,
  isSafetyCriticalKind,
} from './kinds.js';
export type {
  ReminderKind,
  PatientReminderKind,
  ClinicReminderKind,
  SafetyCriticalKind,
  CustomReminderKind,
  OptOutKind,
  ReminderAudience,
  ReminderChannel,
} from './kinds.js';
export { parseReminderPreferences, reminderPreferencesSchema } from './preferences.js';
export type { ReminderPreferences } from './preferences.js';

export type { ReminderLog } from './ReminderLog.js';
export { MemoryReminderLog } from './MemoryReminderLog.js';
export { reminderRecordSchema, parseReminderRecord, REMINDER_OUTCOMES, REMINDER_REASONS } from './ReminderRecord.js';
export type { ReminderRecord, ReminderOutcome, ReminderReason } from './ReminderRecord.js';
export type { PendingReminder } from './PendingReminder.js';

export { applyQuietHours } from './quietHours.js';
export type { QuietHours, QuietHoursMove, QuietHoursBounds } from './quietHours.js';
export { hoursBeforeInLocalTime, localDayAt } from './localTime.js';
export { journeyStanding } from './journeyStanding.js';
export type { JourneyStanding } from './journeyStanding.js';
export { reminderKey, deliveryIdOf } from './reminderIdentity.js';
export { retryDelay } from './retryDelay.js';
export type { RetryPolicy } from './retryDelay.js';
