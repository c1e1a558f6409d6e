import { CareJourneyError } from '@carejourney/core';
import { z } from 'zod';
import { isSafetyCriticalKind, PATIENT_REMINDER_KINDS, type OptOutKind, type PatientReminderKind, type CustomReminderKind, type ReminderChannel } from './kinds.js';

/**
 * A patient's reminder preferences, as the host keeps them: a channel per kind, and the kinds the
 * patient opted out of. The type admits only kinds a patient may opt out of; a safety-critical
 * kind (`discharge.noDriving`, `session.fasting`, `transport.confirm`, `trustedAdult.confirm`)
 * does not compile, and is refused at run time too.
 *
 * @example
 * ```ts
 * const preferences: ReminderPreferences = { optOut: ['maintenance.due'], channels: { 'session.upcoming': 'email' } };
 * remindersPlugin({ deliver, preferences: async ({ patientRef }) => (await prefs.load(patientRef)) ?? preferences });
 * ```
 */
export interface ReminderPreferences {
  readonly optOut?: readonly OptOutKind[];
  readonly channels?: Partial<Record<PatientReminderKind | CustomReminderKind, ReminderChannel>>;
}

const channelSchema = z.string().regex(/^[A-Za-z0-9._:-]{1,50}$/, 'must be a channel name (1-50 letters, digits, dots, dashes, colons or underscores)');
const patientKind = z.union([z.enum(PATIENT_REMINDER_KINDS), z.string().regex(/^custom\.[A-Za-z0-9._-]{1,60}$/, 'must be a patient reminder kind or custom.<name>')]);

/**
 * Validates preferences; safety-critical kinds cannot be opted out of. {@link parseReminderPreferences}
 * uses it and throws a typed error instead.
 *
 * @example
 * ```ts
 * reminderPreferencesSchema.safeParse({ optOut: ['session.fasting'] }).success; // false: safety-critical
 * ```
 */
export const reminderPreferencesSchema = z.strictObject({
  optOut: z
    .array(
      patientKind.refine((kind) => !isSafetyCriticalKind(kind), {
        message: 'is a safety-critical reminder: patients cannot opt out of it',
      }),
    )
    .max(40)
    .optional(),
  channels: z.record(patientKind, channelSchema).optional(),
});

/**
 * Checks a patient's preferences before the host saves them. Throws `CJ_ERR_INVALID_INPUT` naming
 * each bad field and its rule (e.g. `preferences.optOut[0]`: a safety-critical reminder).
 *
 * @example
 * ```ts
 * parseReminderPreferences({ optOut: ['session.upcoming'], channels: { 'session.fasting': 'sms' } });
 * ```
 */
export function parseReminderPreferences(input: unknown): ReminderPreferences {
  const parsed = reminderPreferencesSchema.safeParse(input);
  if (parsed.success) return parsed.data as ReminderPreferences;
  const issues = parsed.error.issues.map((i) => ({
    path: ['preferences', ...i.path.map(String)].reduce((a, p) => (/^\d+$/.test(p) ? `${a}[${p}]` : `${a}.${p}`)),
    rule: i.code,
    message: i.message,
  }));
  throw new CareJourneyError('CJ_ERR_INVALID_INPUT', `Reminder preferences are invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
}
