import { ketamineJourneyEvents } from '@carejourney/core';
import { z } from 'zod';
import type { CustomReminderKind, ReminderChannel, ReminderKind } from './kinds.js';
import type { ReminderLog } from './ReminderLog.js';
import type { Deliver } from './ReminderMessage.js';
import type { ReminderPreferences } from './preferences.js';
import type { QuietHours } from './quietHours.js';
import type { RetryPolicy } from './retryDelay.js';
import { defaultRuleOptionsSchema, type DefaultRuleOptions } from './rules/defaultReminderRules.js';
import type { ReminderRule } from './rules/ReminderRule.js';

/**
 * Who a host resolver is asked about: opaque ids only.
 *
 * @example
 * ```ts
 * const patientTimeZone = async ({ patientRef }: ReminderPatient) => (await patients.settingsOf(patientRef))?.timeZone;
 * remindersPlugin({ deliver, patientTimeZone });
 * ```
 */
export interface ReminderPatient {
  readonly patientRef: string;
  readonly journeyId: string;
}

/**
 * Options of {@link remindersPlugin}. Only `deliver` is required.
 *
 * @example
 * ```ts
 * const options: RemindersOptions = {
 *   deliver,
 *   log: new SqliteReminderLog({ path: 'clinic.db' }),
 *   patientTimeZone: ({ patientRef }) => timeZones.get(patientRef),
 *   quietHours: { start: '21:00', end: '08:00' },
 *   channels: { patient: 'sms', clinic: 'clinic-inbox', byKind: { 'monitoring.vitalsOverdue': 'pager' } },
 *   rules: { 'therapy.followUp': false },
 * };
 * const reminders = remindersPlugin(options);
 * ```
 */
export interface RemindersOptions {
  /** The host's channels: called with a stable `deliveryId`, a template key and variables. */
  readonly deliver: Deliver;
  /** Where outcomes are recorded (default: a new `MemoryReminderLog`; use `SqliteReminderLog` in production). */
  readonly log?: ReminderLog;
  /** The patient's IANA time zone; `undefined` or `null` for the protocol's `timeZone`. */
  readonly patientTimeZone?: (patient: ReminderPatient) => string | null | undefined | Promise<string | null | undefined>;
  /** The patient's preferences (channel per kind, opt-outs); `undefined` or `null` for none. */
  readonly preferences?: (patient: ReminderPatient) => ReminderPreferences | null | undefined | Promise<ReminderPreferences | null | undefined>;
  /** Quiet hours in the patient's local time (default 21:00-08:00); `null` for none. */
  readonly quietHours?: QuietHours | null;
  /** Default channels per audience (`sms`, `clinic-inbox`), and per kind. */
  readonly channels?: {
    readonly patient?: ReminderChannel;
    readonly clinic?: ReminderChannel;
    readonly byKind?: Partial<Record<ReminderKind, ReminderChannel>>;
  };
  /** The default rules: `false` removes one, an object configures it. */
  readonly rules?: DefaultRuleOptions;
  /** The clinic's own rules (see `defineReminderRule`). */
  readonly customRules?: readonly ReminderRule<CustomReminderKind>[];
  /** Delivery retries: attempts in all (5), first wait (1 min, doubling), longest wait (60 min). */
  readonly retry?: Partial<RetryPolicy>;
  /** A reminder that goes out more than this many minutes after its time is recorded as late (default 15). */
  readonly lateAfterMinutes?: number;
  /** A `deliver` call that takes longer fails (and is retried), in ms (default 30000). */
  readonly deliverTimeoutMs?: number;
  /** The plugin's name in the engine (default `reminders`); its timers are keyed with it. */
  readonly name?: string;
}

const fn = (what: string) => z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', `must be a function (${what})`);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time HH:MM');
const channel = z.string().regex(/^[A-Za-z0-9._:-]{1,50}$/, 'must be a channel name (1-50 letters, digits, dots, dashes, colons or underscores)');
const ruleId = z.string().regex(/^[a-z][A-Za-z0-9._-]{0,59}$/, 'must be 1-60 letters, digits, dots, dashes or underscores, starting with a lowercase letter');

const customRuleSchema = z
  .looseObject({
    id: ruleId,
    kind: z.string().regex(/^custom\.[A-Za-z0-9._-]{1,60}$/, 'must be custom.<name>: the built-in kinds belong to the default rules'),
    audience: z.enum(['patient', 'clinic']),
    templateKey: z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, 'must be 1-100 letters, digits, dots, dashes, colons or underscores'),
    quietHours: z.enum(['earlier', 'later', 'ignore']),
    on: z.enum(['view', 'event', 'effect']),
    event: z.enum(Object.keys(ketamineJourneyEvents) as [string, ...string[]]).optional(),
    effect: z.string().min(1).max(100).optional(),
    /** The rule's planner (see {@link ViewReminderRule.plan}). */
    plan: fn('plan'),
    safetyNotice: z.boolean().optional(),
    safetyCritical: z.boolean().optional(),
    escalateOnFailure: z.boolean().optional(),
    confirmationOf: z.array(ruleId).max(10).optional(),
    description: z.string().min(1).max(300),
  })
  .superRefine((r, ctx) => {
    if (r.on === 'event' && r.event === undefined) ctx.addIssue({ code: 'custom', path: ['event'], message: 'an event rule names the journey event it plans on' });
    if (r.on === 'effect' && r.effect === undefined) ctx.addIssue({ code: 'custom', path: ['effect'], message: 'an effect rule names the effect it plans on' });
    if (r.safetyNotice === true && r.quietHours !== 'ignore') ctx.addIssue({ code: 'custom', path: ['quietHours'], message: "a safety notice ignores quiet hours: use 'ignore'" });
  });

/**
 * Validates {@link RemindersOptions}; defaults filled in. `remindersPlugin` runs it and refuses bad
 * options with `CJ_ERR_INVALID_CONFIG` naming each field.
 *
 * @example
 * ```ts
 * const resolved = remindersOptionsSchema.parse({ deliver });
 * resolved.quietHours; // { start: '21:00', end: '08:00' }
 * resolved.retry; // { maxAttempts: 5, initialDelayMinutes: 1, maxDelayMinutes: 60 }
 * ```
 */
export const remindersOptionsSchema = z.strictObject({
  /** The host's channels (see {@link RemindersOptions.deliver}). */
  deliver: fn('deliver'),
  log: z
    .custom<ReminderLog>((v) => v !== null && typeof v === 'object' && typeof (v as ReminderLog).append === 'function' && typeof (v as ReminderLog).list === 'function', 'must be a ReminderLog (append and list)')
    .optional(),
  /** The patient's IANA time zone (see {@link RemindersOptions.patientTimeZone}). */
  patientTimeZone: fn('patientTimeZone').optional(),
  /** The patient's preferences (see {@link RemindersOptions.preferences}). */
  preferences: fn('preferences').optional(),
  quietHours: z
    .strictObject({ start: hhmm, end: hhmm })
    .refine((q) => q.start !== q.end, { message: 'start and end must differ' })
    .nullable()
    .default({ start: '21:00', end: '08:00' }),
  channels: z
    .strictObject({
      patient: channel.default('sms'),
      clinic: channel.default('clinic-inbox'),
      byKind: z.record(z.string().min(1).max(100), channel).default({}),
    })
    .prefault({}),
  rules: defaultRuleOptionsSchema,
  customRules: z.array(customRuleSchema).max(50).default([]),
  retry: z
    .strictObject({
      maxAttempts: z.number().int().min(1).max(20).default(5),
      initialDelayMinutes: z.number().min(0.1).max(24 * 60).default(1),
      maxDelayMinutes: z.number().min(0.1).max(7 * 24 * 60).default(60),
    })
    .prefault({}),
  lateAfterMinutes: z.number().int().min(0).max(7 * 24 * 60).default(15),
  deliverTimeoutMs: z.number().int().min(100).max(10 * 60_000).default(30_000),
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,49}$/, 'must be 1-50 lowercase letters, digits, dots, dashes or underscores')
    .default('reminders'),
});
