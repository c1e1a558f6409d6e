// The public contract of @carejourney/plugin-reminders: named exports only.
export { remindersPlugin } from './remindersPlugin.js';
export type { RemindersPlugin, RemindersEvents, ReminderFailedNotice, ReminderWarning } from './remindersPlugin.js';
export { remindersOptionsSchema } from './remindersOptions.js';
export type { RemindersOptions, ReminderPatient } from './remindersOptions.js';
export type { ReminderMessage, Deliver, DeliverResult } from './ReminderMessage.js';

export { defineReminderRule } from './rules/defineReminderRule.js';
export type {
  ReminderRule,
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

export { applyQuietHours } from './quietHours.js';
export type { QuietHours, QuietHoursMove } from './quietHours.js';
export { hoursBeforeInLocalTime, localDayAt } from './localTime.js';
export { journeyStanding } from './journeyStanding.js';
export type { JourneyStanding } from './journeyStanding.js';
export { reminderKey, deliveryIdOf } from './reminderIdentity.js';
export { retryDelay } from './retryDelay.js';
export type { RetryPolicy } from './retryDelay.js';
