import type { JournalEntry, JourneyView, KetamineEventPayload, KetamineEventType, KetamineJourneyContext } from '@carejourney/core';
import type { ReminderAudience, ReminderKind } from '../kinds.js';
import type { QuietHoursMove } from '../quietHours.js';

/**
 * Values a template may use: times already written in the reader's zone, numbers, flags. Never PHI.
 *
 * @example
 * ```ts
 * const variables: ReminderVariables = { sessionDate: '2027-03-29', sessionTime: '09:00', hoursBefore: 24, atHome: false };
 * ```
 */
export type ReminderVariables = Readonly<Record<string, string | number | boolean | null>>;

/**
 * One reminder a rule asks for: what it is about, when that is, and when it should go out.
 *
 * @example
 * ```ts
 * const dueAt = Date.parse('2027-03-29T07:00:00Z');
 * const reminder: PlannedReminder = {
 *   subject: 's3-24h',
 *   aboutAt: dueAt,
 *   at: hoursBeforeInLocalTime(dueAt, 24, 'Europe/Berlin'),
 *   variables: { hoursBefore: 24 },
 * };
 * ```
 */
export interface PlannedReminder {
  /**
   * What the reminder is about within the journey, e.g. `s3` for session 3 or `s3-24h` for the
   * 24-hour reminder of it. With the rule and `aboutAt` it makes the reminder's identity: when a
   * session moves, its reminders get new identities, and the old ones are cancelled.
   */
  readonly subject: string;
  /** The moment it is about, epoch ms: a session's start, a discharge, a form's due time. */
  readonly aboutAt: number;
  /** When it should go out, epoch ms, before quiet hours move it. */
  readonly at: number;
  /**
   * What the template may use. A function is called only when the reminder goes out (a re-plan
   * of a journey needs every reminder's identity and time, not its wording).
   */
  readonly variables?: ReminderVariables | (() => ReminderVariables);
}

/**
 * What a rule plans from: the journey's view and context, the reader's time zone and the clock's
 * time.
 *
 * @example
 * ```ts
 * const plan = ({ context, timeZone }: ReminderPlanInput): PlannedReminder[] =>
 *   plannedSessions(context).map((s) => ({
 *     subject: `s${s.number}-parking`,
 *     aboutAt: Date.parse(s.dueAt),
 *     at: hoursBeforeInLocalTime(Date.parse(s.dueAt), 48, timeZone),
 *   }));
 * ```
 */
export interface ReminderPlanInput {
  readonly journeyId: string;
  readonly view: JourneyView<KetamineJourneyContext>;
  readonly context: KetamineJourneyContext;
  /** The zone the reminder is read in: the patient's for patient reminders, the clinic's for staff ones. */
  readonly timeZone: string;
  /** The clock's time, epoch ms. */
  readonly now: number;
  /**
   * Set when only the reminder with this subject is needed (it is coming due): a rule may skip
   * planning the others. Reminders with other subjects are ignored either way.
   */
  readonly subject?: string;
}

/**
 * An effect as the journey emitted it (e.g. `care.alert` with `kind: 'missed-session'`): what an
 * effect rule's `plan` gets.
 *
 * @example
 * ```ts
 * const isMissedSession = (effect: ReminderEffect) => effect.type === 'care.alert' && effect.payload['kind'] === 'missed-session';
 * ```
 */
export interface ReminderEffect {
  readonly type: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

/**
 * Effects the ketamine journey emits, for an effect rule's `effect`; any other string is allowed
 * for effects of a host's own plugins.
 *
 * @example
 * ```ts
 * const effect: KetamineEffectType = 'care.alert';
 * ```
 */
export type KetamineEffectType = 'safety.alert' | 'care.alert' | 'monitoring.checkDue' | 'rems.formDue' | 'assessment.due' | 'journey.ended' | (string & {});

/**
 * What every reminder rule declares, whatever it plans on: its id, kind, audience, template, how
 * quiet hours move it, and how critical it is.
 *
 * @example
 * ```ts
 * const common: ReminderRuleCommon<'custom.parking'> = {
 *   id: 'custom.parking', kind: 'custom.parking', audience: 'patient', templateKey: 'clinic.parking',
 *   quietHours: 'earlier', description: 'Where to park, two days before each session',
 * };
 * const rule = defineReminderRule({ ...common, on: 'view', plan: () => [] });
 * ```
 */
export interface ReminderRuleCommon<TKind extends ReminderKind> {
  /** Unique among the plugin's rules; part of every reminder's identity. Letters, digits, `.`, `-`, `_`. */
  readonly id: string;
  readonly kind: TKind;
  readonly audience: ReminderAudience;
  /** The clinic's template for the wording; the plugin never writes text. */
  readonly templateKey: string;
  readonly quietHours: QuietHoursMove;
  /**
   * A safety notice: kept when the journey is on hold or ends, never moved by quiet hours, and no
   * patient can opt out of it.
   */
  readonly safetyNotice?: boolean;
  /** No patient can opt out of it (it is still cancelled by a hold or an ending). */
  readonly safetyCritical?: boolean;
  /** When delivery gives up, the clinic is told (`reminder.escalation`). */
  readonly escalateOnFailure?: boolean;
  /**
   * Rule ids whose reminder for the same subject and moment, once the host confirms it
   * (`plugin.confirm`), makes this one unnecessary: it is then recorded as suppressed (`confirmed`).
   */
  readonly confirmationOf?: readonly string[];
  /** One line for the clinic's documentation. */
  readonly description: string;
}

/**
 * Reminders derived from the journey as it is now (its schedule, sessions, forms); re-planned after
 * every change, so a moved session moves its reminders.
 *
 * @example
 * ```ts
 * const parking: ViewReminderRule<CustomReminderKind> = defineReminderRule({
 *   id: 'custom.parking', kind: 'custom.parking', audience: 'patient', templateKey: 'clinic.parking',
 *   quietHours: 'earlier', on: 'view', description: 'Where to park, two days before each session',
 *   plan: ({ context, timeZone }) =>
 *     plannedSessions(context).map((s) => ({ subject: `s${s.number}`, aboutAt: Date.parse(s.dueAt), at: hoursBeforeInLocalTime(Date.parse(s.dueAt), 48, timeZone) })),
 * });
 * ```
 */
export interface ViewReminderRule<TKind extends ReminderKind = ReminderKind> extends ReminderRuleCommon<TKind> {
  readonly on: 'view';
  /** The reminders the journey needs now. Pure: called again after every change of the journey. */
  plan(input: ReminderPlanInput): readonly PlannedReminder[];
}

/**
 * Reminders planned once when an event is applied to the journey.
 *
 * @example
 * ```ts
 * const welcome: EventReminderRule<CustomReminderKind, 'induction.started'> = defineReminderRule({
 *   id: 'custom.welcome', kind: 'custom.welcome', audience: 'patient', templateKey: 'clinic.welcome',
 *   quietHours: 'later', on: 'event', event: 'induction.started', description: 'Welcome pack when induction is booked',
 *   plan: ({ entry }) => [{ subject: 'welcome', aboutAt: Date.parse(entry.payload.firstSessionAt), at: Date.parse(entry.at) }],
 * });
 * ```
 */
export interface EventReminderRule<TKind extends ReminderKind = ReminderKind, TEvent extends KetamineEventType = KetamineEventType> extends ReminderRuleCommon<TKind> {
  readonly on: 'event';
  /** The journey event it plans on. */
  readonly event: TEvent;
  /** The reminders this event asks for, from its journal entry. */
  plan(input: ReminderPlanInput & { readonly entry: JournalEntry & { readonly type: TEvent; readonly payload: KetamineEventPayload<TEvent> } }): readonly PlannedReminder[];
}

/**
 * Reminders planned once when the journey emits an effect.
 *
 * @example
 * ```ts
 * const missed: EffectReminderRule<CustomReminderKind> = defineReminderRule({
 *   id: 'custom.missedCall', kind: 'custom.missed-call', audience: 'clinic', templateKey: 'clinic.missedCall',
 *   quietHours: 'ignore', on: 'effect', effect: 'care.alert', description: 'Staff: call a patient who missed a session',
 *   plan: ({ effect, now }) => (effect.payload['kind'] === 'missed-session' ? [{ subject: `missed-${now}`, aboutAt: now, at: now }] : []),
 * });
 * ```
 */
export interface EffectReminderRule<TKind extends ReminderKind = ReminderKind> extends ReminderRuleCommon<TKind> {
  readonly on: 'effect';
  /** The effect type it plans on. */
  readonly effect: KetamineEffectType;
  /** The reminders this effect asks for. */
  plan(input: ReminderPlanInput & { readonly effect: ReminderEffect }): readonly PlannedReminder[];
}

/**
 * A reminder rule: derived from the journey view, or planned on an event or an effect.
 *
 * @example
 * ```ts
 * const rules: ReminderRule[] = [...defaultReminderRules({ 'discharge.checkIn': false }), parking];
 * rules.map((r) => `${r.id} (${r.on}): ${r.description}`);
 * ```
 */
export type ReminderRule<TKind extends ReminderKind = ReminderKind> =
  | ViewReminderRule<TKind>
  | EffectReminderRule<TKind>
  // The event type is erased here so rules of different events fit one list.
  | EventReminderRule<TKind, any>;
