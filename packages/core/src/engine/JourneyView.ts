import type { StateValue } from 'xstate';
import type { JourneyRecord } from '../store/records.js';
import type { BlockedEvent } from './explainEvents.js';

/**
 * A journey as the host sees it. JSON-safe. An engine types it from its definition
 * (`JourneyViewFrom<typeof definition>`): the context, the phase names and the event types.
 *
 * `allowedEvents` and `blockedEvents` are computed when either is first read (then kept), so a
 * `send` whose caller reads neither does not pay for judging every event's rules. They are
 * ordinary enumerable properties: `JSON.stringify`, spreads and `structuredClone` include them.
 * Whenever they are read, they are judged from the journey as the view holds it (its context is
 * frozen) and at the view's time, so they give what they would have given at once.
 *
 * @example
 * ```ts
 * const view = await engine.get(id);
 * for (const blocked of view.blockedEvents) console.log(blocked.type, blocked.reason);
 * ```
 */
export interface JourneyView<TContext = unknown, TPhase extends string = string, TEventType extends string = string> {
  readonly id: string;
  readonly definitionId: string;
  readonly definitionVersion: number;
  readonly patientRef: string;
  /** Rises by one with every commit; the optimistic-concurrency token (`send(..., { expectedVersion })`). */
  readonly version: number;
  readonly state: StateValue;
  /** The state as dotted leaf paths, parallel regions joined by `|`. */
  readonly stateLabel: string;
  readonly phase: TPhase;
  readonly status: JourneyRecord['status'];
  /** The machine's context: everything the journey knows now (e.g. the ketamine journey's `schedule`, `sessions`, `hold`). */
  readonly context: TContext;
  /** Event types that the current state accepts now (payload rules are checked on send). Computed when first read. */
  readonly allowedEvents: readonly TEventType[];
  /** Event types the state has a transition for but a clinical rule blocks now, and why. Computed when first read. */
  readonly blockedEvents: readonly BlockedEvent<TEventType>[];
  /**
   * Pending timers, earliest first (then by key, by code point, as the stores order them). After
   * `send`, the ones the commit left: the engine reads them from the store unless its own last
   * commit of the journey is still the latest, whose timers it knows (every change of a
   * journey's timers is a commit of a new version). A timer row edited in the database by hand,
   * without a new version, shows here from the journey's next version on; `engine.get` and
   * `runDue` always read the store.
   */
  readonly timers: readonly { readonly key: string; readonly owner: string; readonly dueAt: string }[];
  readonly createdAt: string;
  readonly updatedAt: string;
}
