import type { CareJourneyPlugin } from '../plugin/definePlugin.js';
import type { JourneyStore } from '../store/JourneyStore.js';
import type { Actor } from '../store/records.js';
import type { Clock } from '../time/Clock.js';
import type { InputLimits } from '../validation/checkJsonSafe.js';
import type { AnyJourneyDefinition } from './defineJourney.js';
import type { JourneyInputFrom, JourneyProtocolFrom, JourneyRoleFrom } from './JourneyTypesFrom.js';

/**
 * What `createEngine` takes. Validated: a bad or unknown option throws `CJ_ERR_INVALID_CONFIG`.
 *
 * @example
 * ```ts
 * createEngine({ definition: ketamineAnxietyJourney, store: new MemoryStore(), clock: new ManualClock(), protocol: { timeZone: 'Europe/Berlin', acceptUnconfirmedDefaults: true } });
 * ```
 */
export interface EngineOptions<TDef extends AnyJourneyDefinition> {
  readonly definition: TDef;
  readonly store: JourneyStore;
  /** Defaults to the wall clock. Use `ManualClock` in tests and examples. */
  readonly clock?: Clock;
  /**
   * Registered in order; a plugin's dependencies must come before it. A plugin is written for
   * any journey (`definePlugin({...})`) or for this definition (`definePlugin<typeof definition>({...})`).
   */
  readonly plugins?: readonly (CareJourneyPlugin<TDef> | CareJourneyPlugin)[];
  /** The clinic's protocol overrides, validated against the definition's protocol schema. */
  readonly protocol?: JourneyProtocolFrom<TDef>;
  /** Size limits for every incoming value (`maxStringLength` 4096, `maxDepth` 16, `maxEntries` 1000 by default). */
  readonly limits?: Partial<InputLimits>;
  /** How many times a commit is retried on a version conflict (default 5, at most 100). */
  readonly maxRetries?: number;
  /** Journey id generator (default: random UUID); its ids are checked like any id. */
  readonly generateId?: () => string;
}

/**
 * What `engine.start` takes: who the patient is (opaquely), the start input, who starts it.
 *
 * @example
 * ```ts
 * await engine.start({ patientRef: 'pt-8842', input: { referral: { source: 'self', indication: 'panic' } }, actor: { id: 'c-1', role: 'coordinator' } });
 * ```
 */
export interface StartOptions<TDef extends AnyJourneyDefinition> {
  /**
   * Opaque reference to the patient in the host system. Never a name or other PHI.
   * 1-200 characters of well-formed Unicode, no control characters.
   */
  readonly patientRef: string;
  readonly input: JourneyInputFrom<TDef>;
  /** Who starts the journey; `role` is one of the definition's roles that the policy lets start it. */
  readonly actor: Actor<JourneyRoleFrom<TDef>>;
  /** Choose the journey id (e.g. to make the start idempotent); defaults to `generateId()`. Same rules as `patientRef`. */
  readonly journeyId?: string;
}

/**
 * What `engine.send` takes besides the event: who sends it, and optionally an idempotency key and
 * the version the caller saw.
 *
 * @example
 * ```ts
 * await engine.send(id, { type: 'referral.accepted' }, { actor, idempotencyKey: 'form-7781', expectedVersion: view.version });
 * ```
 */
export interface SendOptions<TDef extends AnyJourneyDefinition = AnyJourneyDefinition> {
  /** Who sends the event; `role` is one of the definition's roles. */
  readonly actor: Actor<JourneyRoleFrom<TDef>>;
  /**
   * The same key sent twice to a journey with the same event (type, payload, actor) applies it
   * once and returns the first result (`duplicate: true`); the key with a different event is
   * refused with `CJ_ERR_IDEMPOTENCY_MISMATCH`. 1-200 characters, no control characters.
   */
  readonly idempotencyKey?: string;
  /**
   * The journey's version the caller's screen showed (`view.version`). When the journey has
   * moved on since, the event is refused with `CJ_ERR_CONFLICT` and nothing is applied, so a
   * form filled in on an old view is never applied to a newer journey.
   */
  readonly expectedVersion?: number;
}
