import type { JournalEntry, OutboxItem, TimerRow, Actor } from '../store/records.js';
import type { JourneyView } from '../engine/JourneyView.js';

/** What a veto hook sees before an event is applied. */
export interface BeforeEventContext {
  readonly journeyId: string;
  /** The validated event: `{ type, ...payload }`. */
  readonly event: Readonly<Record<string, unknown>> & { readonly type: string };
  readonly actor: Actor;
  /** The journey as it is now. */
  readonly view: JourneyView;
  /** Epoch milliseconds the event will be stamped with. */
  readonly at: number;
}

/**
 * A veto hook's answer: nothing to let the event through, `{ refuse }` to stop it with a reason,
 * or `{ enrich }` to add payload fields (validated again against the event's schema).
 */
export type BeforeEventResult = void | undefined | { readonly refuse: string } | { readonly enrich: Readonly<Record<string, unknown>> };

/** What a notification hook sees after a commit. */
export interface AfterCommitContext {
  readonly journeyId: string;
  readonly entry: JournalEntry;
  /** The outbox item being delivered; its `id` is stable across redeliveries. */
  readonly deliveryId: string;
}

export interface EffectContext {
  readonly journeyId: string;
  readonly type: string;
  readonly payload: Readonly<Record<string, unknown>>;
  /** Stable across redeliveries: de-duplicate on it. */
  readonly deliveryId: string;
}

export interface PluginTimerContext {
  readonly journeyId: string;
  readonly key: string;
  readonly payload: unknown;
  readonly dueAt: number;
  readonly deliveryId: string;
}

/** Every hook a plugin can register. Veto hooks are fail-fast; the rest are isolated. */
export interface PluginHooks {
  beforeEvent(ctx: BeforeEventContext): BeforeEventResult | Promise<BeforeEventResult>;
  afterCommit(ctx: AfterCommitContext): void | Promise<void>;
  onEffect(ctx: EffectContext): void | Promise<void>;
  onTimer(ctx: PluginTimerContext): void | Promise<void>;
}

export type HookName = keyof PluginHooks;
export const HOOK_NAMES: readonly HookName[] = ['beforeEvent', 'afterCommit', 'onEffect', 'onTimer'];

/** Internal: a delivered outbox item with the entry it belongs to. */
export interface Delivery {
  readonly item: OutboxItem;
  readonly timer?: TimerRow;
}
