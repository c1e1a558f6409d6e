import type { AnyMachineSnapshot } from 'xstate';
import { SYSTEM_ACTOR } from '../store/records.js';
import type { EngineCore } from './EngineCore.js';
import { explainEvents, type BlockedEvent } from './explainEvents.js';
import type { StampedEvent } from './guardRule.js';

/** What a view's `allowedEvents` and `blockedEvents` are: judged together, once. */
export interface Judged {
  readonly allowed: string[];
  readonly blocked: BlockedEvent[];
}

/** What judging needs until it is done, then what it gave. Mutable: it outlives a frozen view. */
interface Judgement {
  pending?: { readonly core: EngineCore; readonly snapshot: AnyMachineSnapshot; readonly at: number };
  judged?: Judged;
}

/**
 * Where a view keeps its judgement: a symbol-keyed, non-enumerable property, so JSON, spreads,
 * `Object.assign`, `structuredClone` and deep equality leave it out.
 */
const JUDGEMENT = Symbol('carejourney.viewJudgement');

/**
 * Attaches to `view` what judging its events against `snapshot` at `at` needs, judged when
 * {@link judgedEvents} is first called for it. Keeping the data on the view rather than in
 * closures or a WeakMap keeps an unread view (the common case: most callers never read the two
 * lists) as cheap for the garbage collector as a plain object.
 *
 * @example
 * ```ts
 * attachJudgement(view, core, snapshot, at);
 * judgedEvents(view).allowed; // judged now, once
 * ```
 */
export function attachJudgement(view: object, core: EngineCore, snapshot: AnyMachineSnapshot, at: number): void {
  const judgement: Judgement = { pending: { core, snapshot, at } };
  Object.defineProperty(view, JUDGEMENT, { value: judgement });
}

/**
 * The events of the view judged, the first call doing the work (every later call, also on a
 * view frozen since, gets the same lists). An object that is not such a view, or derives from
 * none, throws a TypeError.
 */
export function judgedEvents(view: object): Judged {
  const judgement = (view as { [JUDGEMENT]?: Judgement })[JUDGEMENT];
  if (judgement === undefined) throw new TypeError('allowedEvents and blockedEvents are judged on a journey view only');
  if (judgement.judged) return judgement.judged;
  const { core, snapshot, at } = judgement.pending!;
  judgement.judged = explainEvents(core.definition, snapshot, { type: '', at, actor: SYSTEM_ACTOR } as StampedEvent);
  // What judging needed is let go: a view kept for long does not keep its snapshot alive.
  delete judgement.pending;
  return judgement.judged;
}

/**
 * Replaces the accessor `key` of `view` with a plain data property holding `value`, in its place
 * among the keys, and returns `value`. On a frozen view nothing changes (and nothing throws).
 */
export function settleProperty<T>(view: object, key: string, value: T): T {
  Reflect.defineProperty(view, key, { value, writable: true, enumerable: true, configurable: true });
  return value;
}
