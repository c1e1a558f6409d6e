import type { Actor } from '../store/records.js';

/**
 * The event as a machine sees it: the validated payload, plus the engine's stamp (`at`, `actor`).
 * Guards, actions and delays read time from `at`, never from `Date.now()`, so a replay of the
 * journal reproduces the same snapshot.
 *
 * @example
 * ```ts
 * type VisitBooked = StampedEvent<'visit.booked', { slot: string }>;
 * const event: VisitBooked = { type: 'visit.booked', slot: '2025-03-04T09:00:00Z', at: Date.parse('2025-03-01T10:00:00Z'), actor: { id: 'n-1', role: 'nurse' } };
 * ```
 */
export type StampedEvent<TType extends string = string, TPayload = Record<string, unknown>> = {
  readonly type: TType;
  /** When the event took effect, in epoch milliseconds (the clock's time, or a timer's due time). */
  readonly at: number;
  readonly actor: Actor;
} & TPayload;

/**
 * What a guard rule sees: the journey's context and the stamped event being judged (for
 * `scope: 'context'` rules evaluated by `engine.get`, a probe with only `type`, `at` and `actor`).
 *
 * @example
 * ```ts
 * const notInFuture = ({ event }: GuardArgs<unknown, StampedEvent<'visit.booked', { slot: string }>>) =>
 *   Date.parse(event.slot) >= event.at || 'The slot is in the past';
 * ```
 */
export interface GuardArgs<TContext = Record<string, unknown>, TEvent = StampedEvent> {
  readonly context: TContext;
  readonly event: TEvent;
}

/**
 * A clinical rule used as an XState guard. `check` returns `true` when the rule is met, or the
 * reason it is not, in words a clinician understands.
 *
 * `scope: 'context'` says the rule reads only the journey's context (and `event.at`), so
 * `engine.get` can evaluate it ahead of time to explain why an event is blocked now;
 * `scope: 'event'` rules depend on the event's payload and are evaluated only on `send`.
 *
 * @example
 * ```ts
 * const consentRecorded: GuardRule<{ consentAt: string | null }> = {
 *   description: 'Consent is recorded',
 *   scope: 'context',
 *   check: ({ context }) => context.consentAt !== null || 'Consent has not been recorded yet',
 * };
 * defineJourney({ ...config, guards: { consentRecorded } });
 * ```
 */
export interface GuardRule<TContext = any, TEvent = any> {
  readonly description: string;
  readonly scope: 'context' | 'event';
  /** `true` when the rule is met, or why not, in words a clinician understands. A rule that throws counts as not met. */
  readonly check: (args: GuardArgs<TContext, TEvent>) => true | string;
}

/**
 * Declares a clinical rule. Keeps the rule's types when written inline.
 *
 * @example
 * ```ts
 * const consentRecorded = guardRule<Ctx>({
 *   description: 'Consent is recorded',
 *   scope: 'context',
 *   check: ({ context }) => context.consentAt !== null || 'Consent has not been recorded yet',
 * });
 * ```
 */
export function guardRule<TContext = any, TEvent = any>(rule: GuardRule<TContext, TEvent>): GuardRule<TContext, TEvent> {
  return rule;
}

/** Evaluates a rule; a rule that throws fails with the error's message. */
export function evaluateRule(name: string, rule: GuardRule, args: GuardArgs<unknown, unknown>): true | string {
  let outcome: true | string;
  try {
    const r = rule.check(args as GuardArgs);
    outcome = r === true ? true : typeof r === 'string' && r.length > 0 ? r : rule.description;
  } catch (error) {
    outcome = `${rule.description}: the rule could not be evaluated (${error instanceof Error ? error.message : String(error)})`;
  }
  return outcome;
}

/**
 * XState guard implementations from rules, for `setup({ guards: guardsFrom(rules) })`, so the
 * machine also runs on its own (graph tests, the Stately inspector).
 *
 * @example
 * ```ts
 * const machine = setup({ guards: guardsFrom(rules) }).createMachine({ ... });
 * ```
 */
export function guardsFrom<TRules extends Record<string, GuardRule>>(
  rules: TRules,
): { [K in keyof TRules]: (args: { context: any; event: any }) => boolean } {
  const out: Record<string, (args: { context: unknown; event: unknown }) => boolean> = {};
  for (const [name, rule] of Object.entries(rules)) {
    out[name] = ({ context, event }) => evaluateRule(name, rule, { context, event }) === true;
  }
  return out as { [K in keyof TRules]: (args: { context: any; event: any }) => boolean };
}
