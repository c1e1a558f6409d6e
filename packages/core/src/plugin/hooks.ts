import type { AnyJourneyDefinition } from '../engine/defineJourney.js';
import type { EffectNotice, JourneyEndedEffect } from '../engine/EngineEvents.js';
import type { JourneyEffectFrom, JourneyEntryFrom, JourneyEventFrom, JourneyPhaseFrom, JourneyRoleFrom, JourneyViewFrom } from '../engine/JourneyTypesFrom.js';
import type { Actor } from '../store/records.js';

/** What a veto hook sees before an event is applied. Typed from the plugin's definition. */
export interface BeforeEventContext<TDef = AnyJourneyDefinition> {
  readonly journeyId: string;
  /** The validated event: `{ type, ...payload }`. */
  readonly event: Readonly<JourneyEventFrom<TDef>>;
  readonly actor: Actor<JourneyRoleFrom<TDef>>;
  /** The journey as it is now. */
  readonly view: JourneyViewFrom<TDef>;
  /** Epoch milliseconds the event will be stamped with. */
  readonly at: number;
}

/**
 * A veto hook's answer: nothing to let the event through, `{ refuse }` to stop it with a reason,
 * or `{ enrich }` to add payload fields (validated again against the event's schema).
 */
export type BeforeEventResult = void | undefined | { readonly refuse: string } | { readonly enrich: Readonly<Record<string, unknown>> };

/** What a notification hook sees after a commit. */
export interface AfterCommitContext<TDef = AnyJourneyDefinition> {
  readonly journeyId: string;
  readonly entry: JourneyEntryFrom<TDef>;
  /** The outbox item being delivered; its `id` is stable across redeliveries. */
  readonly deliveryId: string;
}

/** An effect the journey emitted (`type` and its `payload`), typed from the plugin's definition. */
export type EffectContext<TDef = AnyJourneyDefinition> = EffectNotice<JourneyEffectFrom<TDef> | JourneyEndedEffect<JourneyPhaseFrom<TDef>>>;

export interface PluginTimerContext {
  readonly journeyId: string;
  readonly key: string;
  readonly payload: unknown;
  readonly dueAt: number;
  readonly deliveryId: string;
}

/**
 * Every hook a plugin can register. Veto hooks (`beforeEvent`) are fail-fast; the rest are
 * isolated: a hook that throws is reported as `plugin.error` and is not retried (the item is
 * marked delivered), so a hook that must not miss an item keeps its own retry.
 */
export interface PluginHooks<TDef = AnyJourneyDefinition> {
  beforeEvent(ctx: BeforeEventContext<TDef>): BeforeEventResult | Promise<BeforeEventResult>;
  afterCommit(ctx: AfterCommitContext<TDef>): void | Promise<void>;
  onEffect(ctx: EffectContext<TDef>): void | Promise<void>;
  onTimer(ctx: PluginTimerContext): void | Promise<void>;
}

export type HookName = keyof PluginHooks;
export const HOOK_NAMES: readonly HookName[] = ['beforeEvent', 'afterCommit', 'onEffect', 'onTimer'];
