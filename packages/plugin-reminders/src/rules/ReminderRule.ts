import type { JournalEntry, JourneyView, KetamineEventPayload, KetamineEventType, KetamineJourneyContext } from '@carejourney/core';
import type { ReminderAudience, ReminderKind } from '../kinds.js';
import type { QuietHoursMove } from '../quietHours.js';

/** Values a template may use: times already written in the reader's zone, numbers, flags. Never PHI. */
export type ReminderVariables = Readonly<Record<string, string | number | boolean | null>>;

/** One reminder a rule asks for. */
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

/** What a rule plans from. */
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

/** An effect as the journey emitted it (e.g. `care.alert` with `kind: 'missed-session'`). */
export interface ReminderEffect {
  readonly type: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

/** Effects the ketamine journey emits. */
export type KetamineEffectType = 'safety.alert' | 'care.alert' | 'monitoring.checkDue' | 'rems.formDue' | 'assessment.due' | 'journey.ended' | (string & {});

interface ReminderRuleCommon<TKind extends ReminderKind> {
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

/** Reminders derived from the journey as it is now (its schedule, sessions, forms); re-planned after every change. */
export interface ViewReminderRule<TKind extends ReminderKind = ReminderKind> extends ReminderRuleCommon<TKind> {
  readonly on: 'view';
  plan(input: ReminderPlanInput): readonly PlannedReminder[];
}

/** Reminders planned once when an event is applied to the journey. */
export interface EventReminderRule<TKind extends ReminderKind = ReminderKind, TEvent extends KetamineEventType = KetamineEventType> extends ReminderRuleCommon<TKind> {
  readonly on: 'event';
  readonly event: TEvent;
  plan(input: ReminderPlanInput & { readonly entry: JournalEntry & { readonly type: TEvent; readonly payload: KetamineEventPayload<TEvent> } }): readonly PlannedReminder[];
}

/** Reminders planned once when the journey emits an effect. */
export interface EffectReminderRule<TKind extends ReminderKind = ReminderKind> extends ReminderRuleCommon<TKind> {
  readonly on: 'effect';
  readonly effect: KetamineEffectType;
  plan(input: ReminderPlanInput & { readonly effect: ReminderEffect }): readonly PlannedReminder[];
}

/** A reminder rule: derived from the journey view, or planned on an event or an effect. */
export type ReminderRule<TKind extends ReminderKind = ReminderKind> =
  | ViewReminderRule<TKind>
  | EffectReminderRule<TKind>
  // The event type is erased here so rules of different events fit one list.
  | EventReminderRule<TKind, any>;
