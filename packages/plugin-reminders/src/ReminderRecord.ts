import { CareJourneyError } from '@carejourney/core';
import { z } from 'zod';

/**
 * What happened to a reminder:
 * - `delivered`: the host's `deliver` accepted it (`late` when it went out after downtime);
 * - `attempt-failed`: one attempt failed and another is scheduled (`nextAttemptAt`);
 * - `failed`: delivery gave up after the last attempt (the clinic is told for critical kinds);
 * - `suppressed`: it came due but did not go out (`reason`);
 * - `cancelled`: it was withdrawn before it came due (`reason`);
 * - `confirmed`: the host recorded the patient's confirmation (e.g. of a ride home).
 *
 * @example
 * ```ts
 * const counts = Object.fromEntries(REMINDER_OUTCOMES.map((o) => [o, records.filter((r) => r.outcome === o).length]));
 * ```
 */
export const REMINDER_OUTCOMES = Object.freeze(['delivered', 'attempt-failed', 'failed', 'suppressed', 'cancelled', 'confirmed'] as const);
/**
 * What happened to a reminder: one of {@link REMINDER_OUTCOMES}.
 *
 * @example
 * ```ts
 * const final: ReminderOutcome[] = ['delivered', 'failed', 'suppressed'];
 * ```
 *
 * @useDeclaredType
 */
export type ReminderOutcome = (typeof REMINDER_OUTCOMES)[number];

/**
 * Why a reminder did not go out: the patient opted out; the journey is on hold or ended; what it
 * was about changed (a session moved, was cancelled or began); its moment passed (after downtime,
 * or it was planned too late: a follow-up whose time had passed, an instruction whose session had
 * begun); a confirmation made it unnecessary; its rule was removed from the configuration; a later
 * reminder of the same rule about the same moment went out instead (planned too late together,
 * e.g. the 48 h and the 24 h reminder of a session booked for tomorrow).
 *
 * @example
 * ```ts
 * REMINDER_REASONS.includes('opt-out'); // true
 * ```
 */
export const REMINDER_REASONS = Object.freeze(['opt-out', 'hold', 'ended', 'stale', 'expired', 'confirmed', 'rule-removed', 'superseded'] as const);
/**
 * Why a reminder did not go out: one of {@link REMINDER_REASONS}.
 *
 * @example
 * ```ts
 * const optedOut = (await reminders.outcomes(journeyId)).filter((r) => r.reason === ('opt-out' satisfies ReminderReason));
 * ```
 *
 * @useDeclaredType
 */
export type ReminderReason = (typeof REMINDER_REASONS)[number];

const isoInstant = z.iso.datetime({ offset: true });

/**
 * One line of a journey's reminder record. JSON; no PHI (opaque ids, kinds, times, counts).
 *
 * @example
 * ```ts
 * const valid = reminderRecordSchema.safeParse(JSON.parse(row.record)).success;
 * ```
 */
export const reminderRecordSchema = z.strictObject({
  /** Unique: the same outcome recorded twice (after a redelivery) is stored once. */
  id: z.string().min(1).max(300),
  journeyId: z.string().min(1).max(200),
  /** The reminder's stable id, the one the host's `deliver` got (its idempotency key). */
  deliveryId: z.string().min(1).max(100),
  rule: z.string().min(1).max(100),
  kind: z.string().min(1).max(100),
  audience: z.enum(['patient', 'clinic']),
  templateKey: z.string().min(1).max(100),
  outcome: z.enum(REMINDER_OUTCOMES),
  reason: z.enum(REMINDER_REASONS).nullable(),
  /** The channel used (or that would have been used). */
  channel: z.string().max(100).nullable(),
  /** The delivery attempt (1 = the first); 0 when none was made. */
  attempt: z.number().int().min(0),
  /** The moment the reminder is about (a session's start, a discharge, a form's due time). */
  aboutAt: isoInstant,
  /** When it was planned to go out, after quiet hours. */
  plannedAt: isoInstant,
  /** Set when quiet hours moved it: from when, and which way. */
  quietHours: z.strictObject({ movedFrom: isoInstant, direction: z.enum(['earlier', 'later']) }).nullable(),
  /** Set when it went out late (downtime): by how many minutes. */
  lateMinutes: z.number().int().min(0).nullable(),
  /** For `attempt-failed`: the next attempt. */
  nextAttemptAt: isoInstant.nullable(),
  /** For `failed`: the escalation's delivery id, when the clinic was told. */
  escalationId: z.string().max(100).nullable(),
  /** A host error code (never its message, which may quote a phone number or an address). */
  errorCode: z.string().max(50).nullable(),
  /** When this was recorded (the engine clock). */
  at: isoInstant,
});

/**
 * One line of a journey's reminder record: which reminder (`deliveryId`, `rule`, `kind`), what
 * happened (`outcome`, `reason`), on which channel and attempt, and when.
 *
 * @example
 * ```ts
 * for (const r of await reminders.outcomes(journeyId)) {
 *   console.log(`${r.at} ${r.kind} ${r.outcome}${r.reason ? ` (${r.reason})` : ''}`);
 * }
 * ```
 *
 * @useDeclaredType
 */
export type ReminderRecord = z.infer<typeof reminderRecordSchema>;

/**
 * Checks a record before a log stores it. Throws `CJ_ERR_INVALID_INPUT` naming each bad field and
 * its rule (never a value).
 *
 * @example
 * ```ts
 * const checked = parseReminderRecord(record); // in a custom ReminderLog's append
 * ```
 */
export function parseReminderRecord(record: unknown): ReminderRecord {
  const parsed = reminderRecordSchema.safeParse(record);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({ path: ['record', ...i.path.map(String)].join('.'), rule: i.code, message: i.message }));
  throw new CareJourneyError('CJ_ERR_INVALID_INPUT', `A reminder record is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
}
