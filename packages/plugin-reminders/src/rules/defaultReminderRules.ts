import { zonedAddDays as addLocalDays, zonedFormat as formatLocal, zonedParts as localParts } from '../zonedTime.js';
import { CareJourneyError } from '@carejourney/core';
import { z } from 'zod';
import { journeyStanding } from '../journeyStanding.js';
import { hoursBeforeInLocalTime, localDayAt } from '../localTime.js';
import type { EffectReminderRule, EventReminderRule, PlannedReminder, ReminderEffect, ReminderPlanInput, ReminderRule, ViewReminderRule } from './ReminderRule.js';
import { plannedSessions, routeOf, sessionVariables } from './sessionVariables.js';

const HOUR = 3_600_000;
const MIN = 60_000;

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time HH:MM');
const templateKey = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,100}$/, 'must be 1-100 letters, digits, dots, dashes, colons or underscores')
  .optional();
const uniqueInts = (min: number, max: number, defaults: number[]) =>
  z
    .array(int(min, max))
    .min(1)
    .max(8)
    .refine((a) => new Set(a).size === a.length, { message: 'must not repeat a value' })
    .default(() => [...defaults]);

/** One rule's options: `false` removes the rule; an object configures it (every field has a default). */
const rule = <T extends z.ZodRawShape>(shape: T) => z.union([z.literal(false), z.strictObject({ ...shape, templateKey }).prefault({} as never)]);

/**
 * A safety notice's options: configured (its template), never removed. `false` is refused by the
 * type and at run time, naming the rule.
 */
const safetyNotice = (what: string) =>
  z
    .strictObject({ templateKey }, { error: (issue) => (issue.code === 'invalid_type' ? `is a safety notice (${what}): it cannot be removed or opted out of; only its templateKey can be set` : undefined) })
    .prefault({});

/**
 * Options of the default rules, keyed by rule id. Pass `false` to remove a rule, or the fields to
 * change; `templateKey` renames a rule's template. The no-driving notice after a dose
 * (`discharge.noDriving`) is a safety notice: it takes a `templateKey`, and `false` is refused.
 *
 * @example
 * ```ts
 * defaultRuleOptionsSchema.parse({ 'session.upcoming': { offsetsHours: [24] } })['session.upcoming']; // { offsetsHours: [24] }
 * ```
 */
export const defaultRuleOptionsSchema = z
  .strictObject({
    'session.upcoming': rule({ offsetsHours: uniqueInts(1, 24 * 14, [48, 24, 2]) }),
    'session.fasting': rule({ leadMinutes: int(0, 12 * 60).default(60) }),
    'session.transport': rule({ hoursBefore: int(1, 24 * 7).default(24) }),
    'session.trustedAdult': rule({ hoursBefore: int(1, 24 * 7).default(24) }),
    'session.companionUnconfirmed': rule({ hoursBefore: int(0, 72).default(4) }),
    'maintenance.due': rule({ daysBefore: int(1, 60).default(7) }),
    'discharge.noDriving': safetyNotice('no driving or machinery after a dose until the next day after a restful sleep'),
    'discharge.checkIn': rule({ at: hhmm.default('10:00') }),
    'assessment.due': rule({}),
    'assessment.responseReview': rule({ afterDays: uniqueInts(1, 60, [3, 7]) }),
    'session.missedOutreach': rule({}),
    'therapy.followUp': rule({}),
    'monitoring.bpCheck': rule({}),
    'monitoring.vitalsOverdue': rule({}),
    'rems.formDue': rule({}),
    'rems.formDueSoon': rule({ hoursBefore: int(1, 24 * 6).default(24) }),
    'rems.formOverdue': rule({}),
  })
  .prefault({})
  .superRefine((r, ctx) => {
    const deadline = r['session.companionUnconfirmed'];
    for (const id of ['session.transport', 'session.trustedAdult'] as const) {
      const companion = r[id];
      if (deadline !== false && companion !== false && deadline.hoursBefore >= companion.hoursBefore) {
        ctx.addIssue({
          code: 'custom',
          path: ['session.companionUnconfirmed', 'hoursBefore'],
          message: `must be fewer hours before the session than the ${id} reminder (${companion.hoursBefore} h), or the clinic is told before the patient is asked`,
        });
      }
    }
  });

/**
 * Options of the default rules, keyed by rule id: `false` removes a rule; an object changes some
 * of its fields (the others keep their defaults).
 *
 * @example
 * ```ts
 * const rules: DefaultRuleOptions = {
 *   'session.upcoming': { offsetsHours: [72, 24] },
 *   'discharge.checkIn': { at: '09:30', templateKey: 'clinic.checkIn' },
 *   'therapy.followUp': false,
 * };
 * remindersPlugin({ deliver, rules });
 * ```
 */
export type DefaultRuleOptions = z.input<typeof defaultRuleOptionsSchema>;
type ResolvedRuleOptions = z.output<typeof defaultRuleOptionsSchema>;
/**
 * Ids of the default rules: one of {@link DEFAULT_RULE_IDS}.
 *
 * @example
 * ```ts
 * const removed: DefaultRuleId[] = ['therapy.followUp', 'discharge.checkIn'];
 * remindersPlugin({ deliver, rules: Object.fromEntries(removed.map((id) => [id, false])) });
 * ```
 *
 * @useDeclaredType
 */
export type DefaultRuleId = keyof ResolvedRuleOptions;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const instant = (v: unknown): number | null => (typeof v === 'string' && Number.isFinite(Date.parse(v)) ? Date.parse(v) : null);

/** The session a discharge at `at` ended (the journey stamps the discharge with the event's time). */
function dischargedSession(sessions: readonly { number: number; discharge: { at: string } | null }[], at: string): number | null {
  const match = sessions.find((s) => s.discharge !== null && Date.parse(s.discharge.at) === Date.parse(at));
  return match?.number ?? sessions[sessions.length - 1]?.number ?? null;
}

/** False when the plugin asks for another subject only (a reminder coming due): skip the work. */
const wanted = (input: ReminderPlanInput, subject: string): boolean => input.subject === undefined || input.subject === subject;

function effectOfKind(effect: ReminderEffect, kind: string): boolean {
  return effect.payload['kind'] === kind;
}

/** An effect reminder due when the effect happened (or now, when it carries no time). */
function atEffect(effect: ReminderEffect, now: number, subject: string, variables: PlannedReminder['variables'] = {}): PlannedReminder[] {
  const at = instant(effect.payload['at']) ?? now;
  return [{ subject, aboutAt: at, at, variables }];
}

/**
 * The default reminder rules, configured: every rule of {@link DEFAULT_RULE_IDS} not removed with
 * `false`. Times read from the journey (its schedule and its protocol's fasting windows), never
 * copied into options. Invalid options (e.g. removing the `discharge.noDriving` safety notice) are
 * refused with `CJ_ERR_INVALID_CONFIG` naming each field and its rule.
 *
 * @example
 * ```ts
 * const rules = defaultReminderRules({ 'session.upcoming': { offsetsHours: [24, 2] }, 'discharge.checkIn': false });
 * ```
 */
export function defaultReminderRules(options: DefaultRuleOptions = {}): ReminderRule[] {
  const parsed = defaultRuleOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: ['rules', ...i.path.map(String)].join('.'), rule: i.code, message: i.message }));
    throw new CareJourneyError('CJ_ERR_INVALID_CONFIG', `Reminder rule options are invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
  }
  const o = parsed.data;
  const key = <T extends { templateKey?: string | undefined }>(c: T, fallback: string) => c.templateKey ?? fallback;
  const rules: ReminderRule[] = [];

  const upcoming = o['session.upcoming'];
  if (upcoming) {
    rules.push({
      id: 'session.upcoming',
      kind: 'session.upcoming',
      audience: 'patient',
      templateKey: key(upcoming, 'session.upcoming'),
      quietHours: 'earlier',
      on: 'view',
      description: `Each planned session, ${upcoming.offsetsHours.map((h) => `${h} h`).join(', ')} before (whole days in local calendar days)`,
      plan: (input) =>
        plannedSessions(input.context).flatMap((s) =>
          upcoming.offsetsHours
            .filter((hours) => wanted(input, `s${s.number}-${hours}h`))
            .map((hours) => ({
              subject: `s${s.number}-${hours}h`,
              aboutAt: Date.parse(s.dueAt),
              at: hoursBeforeInLocalTime(Date.parse(s.dueAt), hours, input.timeZone),
              variables: () => ({ ...sessionVariables(s, input.context, input.timeZone), hoursBefore: hours }),
            })),
        ),
    } satisfies ViewReminderRule);
  }

  const fasting = o['session.fasting'];
  if (fasting) {
    rules.push({
      id: 'session.fasting',
      kind: 'session.fasting',
      audience: 'patient',
      templateKey: key(fasting, 'session.fasting'),
      quietHours: 'earlier',
      safetyCritical: true,
      escalateOnFailure: true,
      on: 'view',
      description: `Fasting windows from the route's protocol (food, liquids, nasal steroid or decongestant), ${fasting.leadMinutes} min before the first of them`,
      plan: (input) => {
        const { context, timeZone } = input;
        const windows = routeOf(context)?.fasting;
        if (!windows) return [];
        return plannedSessions(context)
          .filter((s) => wanted(input, `s${s.number}`))
          .map((s) => {
          const due = Date.parse(s.dueAt);
          const food = due - windows.foodHours * HOUR;
          const liquid = due - windows.liquidMinutes * MIN;
          const nasal = windows.nasalSteroidOrDecongestantMinutes === null ? null : due - windows.nasalSteroidOrDecongestantMinutes * MIN;
          const first = Math.min(food, liquid, nasal ?? Number.POSITIVE_INFINITY);
          return {
            subject: `s${s.number}`,
            aboutAt: due,
            at: first - fasting.leadMinutes * MIN,
            variables: () => ({
              ...sessionVariables(s, context, timeZone),
              noFoodAfter: formatLocal(food, timeZone),
              noLiquidsAfter: formatLocal(liquid, timeZone),
              nasalSteroidOrDecongestantNotAfter: nasal === null ? null : formatLocal(nasal, timeZone),
              foodHours: windows.foodHours,
              liquidMinutes: windows.liquidMinutes,
              nasalSteroidOrDecongestantMinutes: windows.nasalSteroidOrDecongestantMinutes,
            }),
          };
        });
      },
    } satisfies ViewReminderRule);
  }

  const companions = [
    { id: 'session.transport', kind: 'transport.confirm', setting: 'clinic', companion: 'responsible-adult' },
    { id: 'session.trustedAdult', kind: 'trustedAdult.confirm', setting: 'home', companion: 'trusted-adult' },
  ] as const;
  const enabledCompanions = new Map<'clinic' | 'home', string>();
  for (const c of companions) {
    const config = o[c.id];
    if (!config) continue;
    enabledCompanions.set(c.setting, c.id);
    rules.push({
      id: c.id,
      kind: c.kind,
      audience: 'patient',
      templateKey: key(config, c.kind),
      quietHours: 'earlier',
      safetyCritical: true,
      escalateOnFailure: true,
      on: 'view',
      description:
        c.setting === 'clinic'
          ? `Clinic sessions: confirm a ride home with a responsible adult, ${config.hoursBefore} h before`
          : `At-home sessions: confirm the trusted adult will be present, ${config.hoursBefore} h before`,
      plan: (input) =>
        routeOf(input.context)?.setting !== c.setting
          ? []
          : plannedSessions(input.context)
              .filter((s) => wanted(input, `s${s.number}`))
              .map((s) => ({
                subject: `s${s.number}`,
                aboutAt: Date.parse(s.dueAt),
                at: hoursBeforeInLocalTime(Date.parse(s.dueAt), config.hoursBefore, input.timeZone),
                variables: () => ({ ...sessionVariables(s, input.context, input.timeZone), companion: c.companion }),
              })),
    } satisfies ViewReminderRule);
  }

  const deadline = o['session.companionUnconfirmed'];
  if (deadline && enabledCompanions.size > 0) {
    rules.push({
      id: 'session.companionUnconfirmed',
      kind: 'companion.unconfirmed',
      audience: 'clinic',
      templateKey: key(deadline, 'companion.unconfirmed'),
      quietHours: 'ignore',
      escalateOnFailure: true,
      confirmationOf: [...enabledCompanions.values()],
      on: 'view',
      description: `Tells the clinic ${deadline.hoursBefore} h before a session when the patient has not confirmed the ride home or trusted adult`,
      plan: (input) => {
        const { view, context, timeZone } = input;
        const setting = routeOf(context)?.setting;
        if (setting === undefined || !enabledCompanions.has(setting) || !journeyStanding(view).inCare) return [];
        return plannedSessions(context)
          .filter((s) => wanted(input, `s${s.number}`))
          .map((s) => ({
            subject: `s${s.number}`,
            aboutAt: Date.parse(s.dueAt),
            at: Date.parse(s.dueAt) - deadline.hoursBefore * HOUR,
            variables: () => ({ ...sessionVariables(s, context, timeZone), companion: setting === 'clinic' ? 'responsible-adult' : 'trusted-adult' }),
          }));
      },
    } satisfies ViewReminderRule);
  }

  const maintenance = o['maintenance.due'];
  if (maintenance) {
    rules.push({
      id: 'maintenance.due',
      kind: 'maintenance.due',
      audience: 'patient',
      templateKey: key(maintenance, 'maintenance.due'),
      quietHours: 'earlier',
      on: 'view',
      description: `Each planned maintenance session, ${maintenance.daysBefore} days before`,
      plan: (input) =>
        plannedSessions(input.context)
          .filter((s) => s.phase === 'maintenance' && wanted(input, `s${s.number}`))
          .map((s) => ({
            subject: `s${s.number}`,
            aboutAt: Date.parse(s.dueAt),
            at: addLocalDays(Date.parse(s.dueAt), -maintenance.daysBefore, input.timeZone),
            variables: () => ({ ...sessionVariables(s, input.context, input.timeZone), daysBefore: maintenance.daysBefore }),
          })),
    } satisfies ViewReminderRule);
  }

  // A safety notice: always in force (its options refuse `false`).
  const noDriving = o['discharge.noDriving'];
  rules.push({
    id: 'discharge.noDriving',
    kind: 'discharge.noDriving',
    audience: 'patient',
    templateKey: key(noDriving, 'discharge.noDriving'),
    quietHours: 'ignore',
    safetyNotice: true,
    escalateOnFailure: true,
    on: 'event',
    event: 'session.discharged',
    description: 'At discharge: no driving or machinery until the next day after a restful sleep (safety notice)',
    plan: ({ entry, context, timeZone }) => {
      const at = Date.parse(entry.at);
      const session = dischargedSession(context.sessions, entry.at);
      return [
        {
          subject: `s${session ?? entry.seq}`,
          aboutAt: at,
          at,
          variables: {
            sessionNumber: session,
            dischargedAt: formatLocal(at, timeZone),
            noDrivingUntilDate: localParts(addLocalDays(at, 1, timeZone), timeZone).date,
            timeZone,
          },
        },
      ];
    },
  } satisfies EventReminderRule<'discharge.noDriving', 'session.discharged'>);

  const checkIn = o['discharge.checkIn'];
  if (checkIn) {
    rules.push({
      id: 'discharge.checkIn',
      kind: 'discharge.checkIn',
      audience: 'patient',
      templateKey: key(checkIn, 'discharge.checkIn'),
      quietHours: 'later',
      on: 'event',
      event: 'session.discharged',
      description: `The day after a discharge at ${checkIn.at} local time: how are you?`,
      plan: ({ entry, context, timeZone }) => {
        const at = Date.parse(entry.at);
        const session = dischargedSession(context.sessions, entry.at);
        return [{ subject: `s${session ?? entry.seq}`, aboutAt: at, at: localDayAt(at, 1, checkIn.at, timeZone), variables: { sessionNumber: session, timeZone } }];
      },
    } satisfies EventReminderRule<'discharge.checkIn', 'session.discharged'>);
  }

  const assessment = o['assessment.due'];
  if (assessment) {
    rules.push({
      id: 'assessment.due',
      kind: 'assessment.due',
      audience: 'patient',
      templateKey: key(assessment, 'assessment.due'),
      quietHours: 'later',
      on: 'effect',
      effect: 'assessment.due',
      description: 'The journey asks for an assessment (effect `assessment.due`): at the response review, and for re-assessment in maintenance',
      plan: ({ effect, now }) => {
        const reason = typeof effect.payload['reason'] === 'string' ? effect.payload['reason'] : null;
        const instrument = typeof effect.payload['instrument'] === 'string' ? effect.payload['instrument'] : null;
        return atEffect(effect, now, `assessment-${reason ?? 'due'}`, { instrument, reason });
      },
    } satisfies EffectReminderRule);
  }

  const review = o['assessment.responseReview'];
  if (review) {
    rules.push({
      id: 'assessment.responseReview',
      kind: 'assessment.due',
      audience: 'patient',
      templateKey: key(review, 'assessment.responseReview'),
      quietHours: 'later',
      on: 'view',
      description: `The response review still waits for the primary instrument: again on ${review.afterDays.map((d) => `day ${d}`).join(' and ')} after induction ended`,
      plan: ({ view, context, timeZone }) => {
        const ended = context.inductionEndedAt === null ? null : Date.parse(context.inductionEndedAt);
        if (ended === null || !view.stateLabel.split('|').some((leaf) => leaf.endsWith('responseReview.awaitingAssessment'))) return [];
        return review.afterDays.map((days) => ({
          subject: `review-${days}d`,
          aboutAt: ended,
          at: addLocalDays(ended, days, timeZone),
          variables: { instrument: context.plan?.primaryInstrument ?? null, reason: 'response-review', daysSinceInduction: days },
        }));
      },
    } satisfies ViewReminderRule);
  }

  const missed = o['session.missedOutreach'];
  if (missed) {
    rules.push({
      id: 'session.missedOutreach',
      kind: 'session.missedOutreach',
      audience: 'patient',
      templateKey: key(missed, 'session.missedOutreach'),
      quietHours: 'later',
      on: 'effect',
      effect: 'care.alert',
      description: 'A session was missed (`care.alert` missed-session): reach out to rebook',
      plan: ({ effect, now }) =>
        effectOfKind(effect, 'missed-session') ? atEffect(effect, now, `s${num(effect.payload['sessionNumber']) ?? 0}`, { sessionNumber: num(effect.payload['sessionNumber']) }) : [],
    } satisfies EffectReminderRule);
  }

  const therapy = o['therapy.followUp'];
  if (therapy) {
    rules.push({
      id: 'therapy.followUp',
      kind: 'therapy.followUp',
      audience: 'patient',
      templateKey: key(therapy, 'therapy.followUp'),
      quietHours: 'later',
      on: 'effect',
      effect: 'care.alert',
      description: 'Concurrent therapy lapsed (`care.alert` therapy-lapse): a follow-up',
      plan: ({ effect, now }) => (effectOfKind(effect, 'therapy-lapse') ? atEffect(effect, now, 'therapy', { gapDays: num(effect.payload['gapDays']) }) : []),
    } satisfies EffectReminderRule);
  }

  const bp = o['monitoring.bpCheck'];
  if (bp) {
    rules.push({
      id: 'monitoring.bpCheck',
      kind: 'monitoring.bpCheck',
      audience: 'clinic',
      templateKey: key(bp, 'monitoring.bpCheck'),
      quietHours: 'ignore',
      escalateOnFailure: true,
      on: 'effect',
      effect: 'monitoring.checkDue',
      description: 'Staff: the blood-pressure re-check after the dose is due (about 40 min for esketamine)',
      plan: ({ effect, now, timeZone }) => {
        const session = num(effect.payload['sessionNumber']);
        const minute = num(effect.payload['minute']);
        const at = instant(effect.payload['at']) ?? now;
        return [{ subject: `s${session ?? 0}-bp${minute ?? 0}`, aboutAt: at, at, variables: { sessionNumber: session, minute, dueAt: formatLocal(at, timeZone) } }];
      },
    } satisfies EffectReminderRule);
  }

  const vitals = o['monitoring.vitalsOverdue'];
  if (vitals) {
    rules.push({
      id: 'monitoring.vitalsOverdue',
      kind: 'monitoring.vitalsOverdue',
      audience: 'clinic',
      templateKey: key(vitals, 'monitoring.vitalsOverdue'),
      quietHours: 'ignore',
      escalateOnFailure: true,
      on: 'effect',
      effect: 'care.alert',
      description: 'Staff: a vitals reading is overdue during monitoring (`care.alert` vitals-overdue)',
      plan: ({ effect, now }) =>
        effectOfKind(effect, 'vitals-overdue') ? atEffect(effect, now, `s${num(effect.payload['sessionNumber']) ?? 0}-vitals`, { sessionNumber: num(effect.payload['sessionNumber']) }) : [],
    } satisfies EffectReminderRule);
  }

  const formDue = o['rems.formDue'];
  if (formDue) {
    rules.push({
      id: 'rems.formDue',
      kind: 'rems.formDue',
      audience: 'clinic',
      templateKey: key(formDue, 'rems.formDue'),
      quietHours: 'ignore',
      on: 'effect',
      effect: 'rems.formDue',
      description: 'Staff: an esketamine REMS monitoring form is due (effect `rems.formDue`)',
      plan: ({ effect, now, timeZone }) => {
        const session = num(effect.payload['sessionNumber']);
        const due = instant(effect.payload['dueAt']);
        if (session === null || due === null) return [];
        return [{ subject: `rems-s${session}`, aboutAt: due, at: now, variables: { sessionNumber: session, formDueAt: formatLocal(due, timeZone) } }];
      },
    } satisfies EffectReminderRule);
  }

  const dueSoon = o['rems.formDueSoon'];
  if (dueSoon) {
    rules.push({
      id: 'rems.formDueSoon',
      kind: 'rems.formDue',
      audience: 'clinic',
      templateKey: key(dueSoon, 'rems.formDueSoon'),
      quietHours: 'ignore',
      on: 'view',
      description: `Staff: an outstanding REMS monitoring form, ${dueSoon.hoursBefore} h before it is due`,
      plan: (input) =>
        input.context.rems.forms
          .filter((f) => f.submitted === null && !f.overdue && wanted(input, `rems-s${f.sessionNumber}`))
          .map((f) => ({
            subject: `rems-s${f.sessionNumber}`,
            aboutAt: Date.parse(f.dueAt),
            at: hoursBeforeInLocalTime(Date.parse(f.dueAt), dueSoon.hoursBefore, input.timeZone),
            variables: () => ({ sessionNumber: f.sessionNumber, formDueAt: formatLocal(Date.parse(f.dueAt), input.timeZone) }),
          })),
    } satisfies ViewReminderRule);
  }

  const overdue = o['rems.formOverdue'];
  if (overdue) {
    rules.push({
      id: 'rems.formOverdue',
      kind: 'rems.formOverdue',
      audience: 'clinic',
      templateKey: key(overdue, 'rems.formOverdue'),
      quietHours: 'ignore',
      escalateOnFailure: true,
      on: 'effect',
      effect: 'care.alert',
      description: 'Staff: a REMS monitoring form is overdue (`care.alert` rems-form-overdue)',
      plan: ({ effect, now }) =>
        effectOfKind(effect, 'rems-form-overdue')
          ? atEffect(effect, now, `rems-s${num(effect.payload['sessionNumber']) ?? 0}`, { sessionNumber: num(effect.payload['sessionNumber']) })
          : [],
    } satisfies EffectReminderRule);
  }

  return rules;
}

/**
 * Ids of the default rules, in the order of the README's table.
 *
 * @example
 * ```ts
 * DEFAULT_RULE_IDS.includes('session.fasting'); // true
 * ```
 */
export const DEFAULT_RULE_IDS: readonly DefaultRuleId[] = Object.freeze(Object.keys(defaultRuleOptionsSchema.parse({})) as DefaultRuleId[]);
