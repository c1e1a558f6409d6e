import type { AnyStateMachine, ContextFrom, EmittedFrom, StateValueFrom } from 'xstate';
import type { z } from 'zod';
import type { JourneyQuery, JourneySummary } from '../store/JourneyStore.js';
import type { Actor, JournalEntry } from '../store/records.js';
import type { EventSchemas, JourneyDefinition } from './defineJourney.js';
import type { JourneyView } from './JourneyView.js';

// Types derived from a journey definition (`typeof definition`), so every value an engine hands
// out or takes is typed by the journey it runs: roles, phases, states, events, effects.

/**
 * Any event, as an engine of an unknown definition takes it.
 *
 * @example
 * ```ts
 * const event: AnyJourneyEvent = { type: 'visit.booked', slot: '2026-03-02T09:00:00Z' };
 * ```
 */
export type AnyJourneyEvent = { readonly type: string } & Readonly<Record<string, unknown>>;

/**
 * The events a host may send to journeys of a definition: `{ type, ...payload }`, a union
 * discriminated by `type` (any `{ type: string }` for a definition of unknown events).
 *
 * @example
 * ```ts
 * const event: JourneyEventFrom<typeof ketamineAnxietyJourney> = { type: 'referral.accepted' };
 * ```
 */
export type JourneyEventFrom<TDef> =
  TDef extends JourneyDefinition<AnyStateMachine, infer TEvents, z.ZodType, z.ZodType, string, string, string>
    ? string extends keyof TEvents
      ? AnyJourneyEvent
      : { [K in keyof TEvents & string]: { type: K } & WithoutIndex<z.input<TEvents[K]>> }[keyof TEvents & string]
    : never;

/**
 * The event types a host may send to journeys of a definition.
 *
 * @example
 * ```ts
 * type KetamineEventType = JourneyEventTypeFrom<typeof ketamineAnxietyJourney>; // 'referral.accepted' | ...
 * ```
 */
export type JourneyEventTypeFrom<TDef> =
  TDef extends JourneyDefinition<AnyStateMachine, infer TEvents, z.ZodType, z.ZodType, string, string, string> ? (string extends keyof TEvents ? string : keyof TEvents & string) : never;

/**
 * Every event type a journal entry of a definition can carry: host events, timer events, `journey.start`.
 *
 * @example
 * ```ts
 * const types: JourneyEntryTypeFrom<typeof ketamineAnxietyJourney>[] = ['journey.start', 'session.noShow'];
 * ```
 */
export type JourneyEntryTypeFrom<TDef> = JourneyEventTypeFrom<TDef> | (string extends JourneyEventTypeFrom<TDef> ? string : JourneyTimerEventFrom<TDef>) | 'journey.start';

/**
 * The event types a definition's machine raises itself as timers (its `timerEvents`).
 *
 * @example
 * ```ts
 * type Timers = JourneyTimerEventFrom<typeof ketamineAnxietyJourney>; // 'session.noShow' | 'session.observationElapsed' | ...
 * ```
 */
export type JourneyTimerEventFrom<TDef> = TDef extends { readonly timerEvents: readonly (infer T)[] } ? (T extends string ? T : never) : never;

/**
 * The phases of a definition (its `phases`, or what its `phase` function returns).
 *
 * @example
 * ```ts
 * const phase: JourneyPhaseFrom<typeof ketamineAnxietyJourney> = 'on-hold';
 * ```
 */
export type JourneyPhaseFrom<TDef> = TDef extends JourneyDefinition<AnyStateMachine, EventSchemas, z.ZodType, z.ZodType, string, infer TPhase, string> ? TPhase : never;

/** Dotted paths of a state value: every state below the root, e.g. `care.clinical.treatment.onHold`. */
type StatePaths<TValue> = TValue extends string
  ? TValue
  : TValue extends object
    ? { [K in keyof TValue & string]: K | `${K}.${StatePaths<NonNullable<TValue[K]>>}` }[keyof TValue & string]
    : never;

/**
 * Every state of a definition's machine as a dotted path from the root, e.g.
 * `care.clinical.treatment.onHold`: what `engine.query({ state })` takes. A path matches that
 * state and every state below it.
 *
 * @example
 * ```ts
 * const state: JourneyStatePathFrom<typeof ketamineAnxietyJourney> = 'care.clinical.treatment.onHold';
 * ```
 */
export type JourneyStatePathFrom<TDef> = TDef extends { readonly machine: infer TMachine }
  ? TMachine extends AnyStateMachine
    ? string extends StatePaths<StateValueFrom<TMachine>>
      ? string
      : StatePaths<StateValueFrom<TMachine>>
    : never
  : never;

/**
 * The effects a definition's machine emits, from its `emitted` type: a union discriminated by
 * `type` (members with a plain `string` type are left out; a definition with none typed gets
 * any `{ type: string }`).
 *
 * @example
 * ```ts
 * const isAlert = (e: JourneyEffectFrom<typeof ketamineAnxietyJourney>) => e.type === 'safety.alert';
 * ```
 */
export type JourneyEffectFrom<TDef> = TDef extends { readonly machine: infer TMachine }
  ? TMachine extends AnyStateMachine
    ? [TypedEffects<EmittedFrom<TMachine>>] extends [never]
      ? AnyJourneyEvent
      : TypedEffects<EmittedFrom<TMachine>>
    : never
  : never;
type TypedEffects<TEmitted> = TEmitted extends { readonly type: infer T } ? (string extends T ? never : TEmitted) : never;

/** Drops index signatures (an empty strict object's input is `Record<string, never>`). */
type WithoutIndex<T> = { [P in keyof T as string extends P ? never : number extends P ? never : P]: T[P] };

/**
 * The context of a definition's machine, as `engine.get(id).context` returns it.
 *
 * @example
 * ```ts
 * const context: JourneyContextFrom<typeof ketamineAnxietyJourney> = (await engine.get(id)).context;
 * ```
 */
export type JourneyContextFrom<TDef> = TDef extends { readonly machine: infer TMachine } ? (TMachine extends AnyStateMachine ? ContextFrom<TMachine> : never) : never;

/**
 * The start input of a definition.
 *
 * @example
 * ```ts
 * const input: JourneyInputFrom<typeof ketamineAnxietyJourney> = { referral: { source: 'professional', indication: 'panic' } };
 * ```
 */
export type JourneyInputFrom<TDef> = TDef extends JourneyDefinition<AnyStateMachine, EventSchemas, infer TInput, z.ZodType, string, string, string> ? z.input<TInput> : never;

/**
 * The protocol overrides a clinic may give for a definition.
 *
 * @example
 * ```ts
 * const protocol: JourneyProtocolFrom<typeof ketamineAnxietyJourney> = { timeZone: 'Europe/Berlin', acceptUnconfirmedDefaults: true };
 * ```
 */
export type JourneyProtocolFrom<TDef> = TDef extends JourneyDefinition<AnyStateMachine, EventSchemas, z.ZodType, infer TProtocol, string, string, string> ? z.input<TProtocol> : never;

/**
 * The validated protocol of a definition, with every default filled in (`engine.protocol`).
 *
 * @example
 * ```ts
 * const observation: number = (engine.protocol as JourneyProtocolOutputFrom<typeof ketamineAnxietyJourney>).routes.iv.observationMinutes;
 * ```
 */
export type JourneyProtocolOutputFrom<TDef> = TDef extends JourneyDefinition<AnyStateMachine, EventSchemas, z.ZodType, infer TProtocol, string, string, string>
  ? z.ZodUndefined extends TProtocol
    ? null
    : z.output<TProtocol>
  : never;

/**
 * The roles of a definition (`system` included: the engine fires timers as `system`).
 *
 * @example
 * ```ts
 * const nurse: Actor<JourneyRoleFrom<typeof ketamineAnxietyJourney>> = { id: 'n-1', role: 'nurse' };
 * ```
 */
export type JourneyRoleFrom<TDef> = TDef extends JourneyDefinition<AnyStateMachine, EventSchemas, z.ZodType, z.ZodType, infer TRole, string, string> ? TRole | 'system' : never;

/**
 * The journey view an engine of a definition hands out: its context, phases and event types.
 *
 * @example
 * ```ts
 * const show = (view: JourneyViewFrom<typeof ketamineAnxietyJourney>) => `${view.phase}: ${view.allowedEvents.join(', ')}`;
 * ```
 */
export type JourneyViewFrom<TDef> = JourneyView<JourneyContextFrom<TDef>, JourneyPhaseFrom<TDef>, JourneyEventTypeFrom<TDef>>;

/**
 * A journal entry of a definition: its event types and roles.
 *
 * @example
 * ```ts
 * const byPhysician = (entries: JourneyEntryFrom<typeof ketamineAnxietyJourney>[]) => entries.filter((e) => e.actor.role === 'physician');
 * ```
 */
export type JourneyEntryFrom<TDef> = Omit<JournalEntry, 'type' | 'actor'> & {
  readonly type: JourneyEntryTypeFrom<TDef>;
  readonly actor: Actor<JourneyRoleFrom<TDef>>;
};

/**
 * A filter for `engine.query` of a definition: `phase` one of its phases, `state` one of its
 * states as a dotted path from the root (`care.clinical.treatment.onHold`).
 *
 * @example
 * ```ts
 * const filter: JourneyQueryFrom<typeof ketamineAnxietyJourney> = { phase: 'maintenance', limit: 50 };
 * ```
 */
export type JourneyQueryFrom<TDef> = Omit<JourneyQuery, 'phase' | 'state'> & {
  readonly phase?: JourneyPhaseFrom<TDef>;
  readonly state?: JourneyStatePathFrom<TDef>;
};

/**
 * A journey summary (a record without its snapshot) of a definition.
 *
 * @example
 * ```ts
 * const onHold = (list: JourneySummaryFrom<typeof ketamineAnxietyJourney>[]) => list.filter((j) => j.phase === 'on-hold');
 * ```
 */
export type JourneySummaryFrom<TDef> = Omit<JourneySummary, 'phase'> & { readonly phase: JourneyPhaseFrom<TDef> };
