import { z } from 'zod';
import type { JourneyQuery } from '../store/JourneyStore.js';
import { journalEntrySchema } from '../store/records.js';
import type { JourneyStore } from '../store/JourneyStore.js';
import type { Clock } from '../time/Clock.js';
import { CareJourneyError } from '../errors.js';
import { once } from '../lazyInstance.js';
import { identifierSchema } from '../validation/identifierSchema.js';
import { parseArgument } from '../validation/parseArgument.js';
import { describeStoredIssues } from '../validation/zodIssues.js';
import type { AnyJourneyDefinition } from './defineJourney.js';
import type {
  JourneyEntryFrom,
  JourneyEventFrom,
  JourneyProtocolOutputFrom,
  JourneyQueryFrom,
  JourneySummaryFrom,
  JourneyViewFrom,
} from './JourneyTypesFrom.js';
import { createEngineCore, settle, type EngineCore } from './EngineCore.js';
import type { EngineEventName, EngineListener } from './EngineEvents.js';
import type { EngineOptions, SendOptions, StartOptions } from './EngineOptions.js';
import { loadJourney, notFound } from './load.js';
import { pluginApi } from './pluginApi.js';
import { querySchema } from './querySchema.js';
import { recoverOutbox } from './recovery.js';
import { sendEvent } from './send.js';
import type { SendResult } from './SendResult.js';
import { startJourney } from './start.js';
import { runDueTimers, type FiredTimer } from './timers.js';
import { journeyView } from './view.js';

// Built on first use, not at import (`identifierSchema.optional()` would build that one too).
const runDueSchema = once(() => z.strictObject({ limit: z.int().min(1).max(1_000_000).optional() }).optional());
const recoverSchema = once(() => z.strictObject({ journeyId: identifierSchema.optional() }).optional());
const listenerSchema = once(() => z.custom<(notice: never) => unknown>((v) => typeof v === 'function', { message: 'must be a function' }));
const busNameSchema = identifierSchema;

/**
 * The durable journey engine. Every event runs: validate → authorize → de-duplicate → load →
 * migrate → XState's pure `transition` → one atomic store commit (snapshot, journal entry, timers,
 * outbox) → deliver the outbox to plugins and listeners. Each step lives in its own file.
 *
 * Every method validates its arguments: `send` returns refusals as `{ ok: false, error }`;
 * the other methods throw `CareJourneyError`. None throws anything else. Create it with
 * {@link createEngine}.
 *
 * @example
 * ```ts
 * const engine: JourneyEngine<typeof ketamineAnxietyJourney> = createEngine({ definition: ketamineAnxietyJourney, store, protocol });
 * ```
 */
export class JourneyEngine<TDef extends AnyJourneyDefinition> {
  /**
   * The journey definition this engine runs (machine, policy, rules, migrations), as given to
   * {@link createEngine}. Stored journeys of older versions of it are migrated on load.
   *
   * @example
   * ```ts
   * engine.definition.version; // the version new journeys are stored with
   * ```
   */
  readonly definition: TDef;
  /**
   * The store every journey, journal entry, timer and outbox item is committed to. Read it for
   * what the engine does not expose (e.g. `listTimers`); write to it only through the engine.
   *
   * @example
   * ```ts
   * const timers = await engine.store.listTimers(journeyId); // what is due when, for one journey
   * ```
   */
  readonly store: JourneyStore;
  /**
   * The clock every event is stamped with and timers fall due by: a `ManualClock` in tests and
   * examples, `SystemClock` in production.
   *
   * @example
   * ```ts
   * const now = new Date(engine.clock.now()).toISOString();
   * ```
   */
  readonly clock: Clock;
  /**
   * The validated protocol every new journey starts with: the clinic's overrides over the defaults.
   *
   * @example
   * ```ts
   * engine.protocol.routes.iv.stopRules.singleBp; // { systolic: 200, diastolic: 120 } unless the clinic set its own
   * ```
   */
  readonly protocol: JourneyProtocolOutputFrom<TDef>;
  readonly #core: EngineCore;

  /**
   * Validates the options (store, clock, protocol, plugins and their dependencies) and registers
   * the plugins; throws `CareJourneyError` (`CJ_ERR_INVALID_CONFIG`, `CJ_ERR_PLUGIN`) when one
   * is wrong. {@link createEngine} does the same and infers the definition's types.
   *
   * @example
   * ```ts
   * const engine = new JourneyEngine({ definition: ketamineAnxietyJourney, store: new MemoryStore(), clock: new ManualClock('2026-03-02T08:00:00Z'), protocol: { timeZone: 'Europe/Berlin', acceptUnconfirmedDefaults: true } });
   * ```
   */
  constructor(options: EngineOptions<TDef>) {
    this.#core = createEngineCore(options, (core, name, hooks) => pluginApi(core, name, hooks, (id) => this.get(id)));
    this.definition = this.#core.definition as TDef;
    this.store = this.#core.store;
    this.clock = this.#core.clock;
    this.protocol = this.#core.protocol as JourneyProtocolOutputFrom<TDef>;
  }

  /**
   * Starts a journey. Throws `CareJourneyError` (`CJ_ERR_INVALID_INPUT`, `CJ_ERR_FORBIDDEN`,
   * `CJ_ERR_CONFLICT` for an id in use) and changes nothing when it refuses.
   *
   * @example
   * ```ts
   * const view = await engine.start({ patientRef: 'pt-8842', input: { referral: { source: 'professional', indication: 'panic' } }, actor: { id: 'u1', role: 'coordinator' } });
   * ```
   */
  async start(options: StartOptions<TDef>): Promise<JourneyViewFrom<TDef>> {
    const view = await startJourney(this.#core, options);
    await settle(this.#core);
    return view as JourneyViewFrom<TDef>;
  }

  /**
   * Applies one event to a journey. Refusals come back as `{ ok: false, error }` and change
   * nothing. It throws only when the store fails before the commit (nothing applied) or the
   * configuration is broken; once the event is committed it never throws.
   *
   * @example
   * ```ts
   * const r = await engine.send(id, { type: 'referral.accepted' }, { actor: { id: 'u7', role: 'physician' } });
   * if (!r.ok) console.log(r.error.code, r.error.message);
   * ```
   */
  async send(journeyId: string, event: JourneyEventFrom<TDef>, options: SendOptions<TDef>): Promise<SendResult<JourneyViewFrom<TDef>, JourneyEntryFrom<TDef>>> {
    const result = await sendEvent(this.#core, journeyId, event, options);
    await settle(this.#core);
    return result as SendResult<JourneyViewFrom<TDef>, JourneyEntryFrom<TDef>>;
  }

  /**
   * The journey now: state, phase, context, the events allowed now and why blocked ones are
   * blocked. Throws `CJ_ERR_INVALID_INPUT`, `CJ_ERR_NOT_FOUND`, `CJ_ERR_MIGRATION` or
   * `CJ_ERR_CORRUPT_SNAPSHOT`.
   *
   * @example
   * ```ts
   * const view = await engine.get(journeyId);
   * view.phase; // e.g. 'induction'
   * view.blockedEvents.find((b) => b.type === 'dose.recorded')?.reason; // why no dose yet, in a clinician's words
   * ```
   */
  async get(journeyId: string): Promise<JourneyViewFrom<TDef>> {
    const id = parseArgument(identifierSchema, journeyId, 'CJ_ERR_INVALID_INPUT', 'The journey id', 'journeyId');
    const at = this.#core.now();
    const loaded = await loadJourney(this.#core, id);
    if ('refusal' in loaded) throw loaded.refusal;
    return journeyView(this.#core, loaded, at) as JourneyViewFrom<TDef>;
  }

  /**
   * The journal: who did what, when, from which state to which, oldest first. Throws
   * `CJ_ERR_NOT_FOUND` for an unknown journey and `CJ_ERR_CORRUPT_SNAPSHOT` for a malformed entry.
   *
   * @example
   * ```ts
   * for (const entry of await engine.history(journeyId)) console.log(entry.seq, entry.at, entry.actor.role, entry.type, entry.to);
   * ```
   */
  async history(journeyId: string): Promise<JourneyEntryFrom<TDef>[]> {
    const id = parseArgument(identifierSchema, journeyId, 'CJ_ERR_INVALID_INPUT', 'The journey id', 'journeyId');
    const journal = await this.store.readJournal(id);
    // Every journey has its start entry, so an empty journal means no journey (no snapshot load).
    if (journal.length === 0) throw notFound(id);
    return journal.map((entry, i) => {
      const parsed = journalEntrySchema.safeParse(entry);
      if (parsed.success) return parsed.data as JourneyEntryFrom<TDef>;
      throw new CareJourneyError(
        'CJ_ERR_CORRUPT_SNAPSHOT',
        `Journey "${id}" cannot be read: journal entry ${i + 1} is malformed (${describeStoredIssues(parsed.error, 'entry')}). It was left untouched.`,
        { journeyId: id },
      );
    });
  }

  /**
   * Journeys matching a filter, without their snapshots, ordered by id: by `patientRef`,
   * `phase` (one of the definition's phases), `state` (a state as a dotted path from the root,
   * matching it and every state below it), `status`; `limit` and `after` page. A phase or state
   * the definition does not have is refused (`CJ_ERR_INVALID_INPUT`) rather than finding nothing.
   *
   * @example
   * ```ts
   * const onHold = await engine.query({ state: 'care.clinical.treatment.onHold', limit: 50 });
   * const last = onHold.at(-1);
   * if (last) await engine.query({ state: 'care.clinical.treatment.onHold', limit: 50, after: last.id }); // the next page
   * ```
   */
  async query(filter: JourneyQueryFrom<TDef> = {}): Promise<JourneySummaryFrom<TDef>[]> {
    const parsed = parseArgument(querySchema(this.#core), filter, 'CJ_ERR_INVALID_INPUT', 'The query', 'filter');
    return (await this.store.query(parsed as JourneyQuery)) as JourneySummaryFrom<TDef>[];
  }

  /**
   * Fires every timer due by the clock's time, each once, earliest first: XState `after` delays
   * are applied to their journeys (stamped with their due time); plugin timers go to their
   * plugin's `onTimer`. Returns what fired (and what could not). Each due timer is committed
   * under the version of the journey it loaded, so a timer another engine fired first is not
   * fired again. A journey's pending timers are read from the store only when this engine did
   * not make its last commit, or when the due row differs from the one it committed.
   *
   * @example
   * ```ts
   * setInterval(() => void engine.runDue(), 30_000); // a worker's loop; each due timer fires once
   * ```
   */
  async runDue(options: { limit?: number } = {}): Promise<FiredTimer[]> {
    const parsed = parseArgument(runDueSchema(), options, 'CJ_ERR_INVALID_INPUT', 'The runDue options', 'options');
    const fired = await runDueTimers(this.#core, parsed?.limit ?? 10_000);
    await settle(this.#core);
    return fired;
  }

  /**
   * Delivers every outbox item not yet marked delivered (after a crash between commit and
   * delivery, or a delivery that failed). At least once: handlers de-duplicate on `deliveryId`.
   * Returns how many it delivered.
   *
   * @example
   * ```ts
   * const redelivered = await engine.recover(); // at process start, before serving requests
   * ```
   */
  async recover(options: { journeyId?: string } = {}): Promise<number> {
    const parsed = parseArgument(recoverSchema(), options, 'CJ_ERR_INVALID_INPUT', 'The recover options', 'options');
    const count = await recoverOutbox(this.#core, parsed?.journeyId);
    await settle(this.#core);
    return count;
  }

  /**
   * Listens on the bus. Returns a function that removes this registration. A listener that
   * throws or rejects is reported as `plugin.error` and the others still run.
   *
   * @example
   * ```ts
   * const stop = engine.on('safety.alert', ({ journeyId, payload }) => pageOnDuty(journeyId, payload.kind, payload.reason));
   * // later
   * stop();
   * ```
   */
  on<K extends EngineEventName<TDef>>(name: K, listener: EngineListener<K, TDef>): () => void {
    const n = parseArgument(busNameSchema, name, 'CJ_ERR_INVALID_INPUT', 'The bus event name', 'name');
    const l = parseArgument(listenerSchema(), listener, 'CJ_ERR_INVALID_INPUT', 'The listener', 'listener');
    this.#core.bus.on(n, l);
    let registered = true;
    return () => {
      if (registered) this.#core.bus.off(n, l);
      registered = false;
    };
  }

  /**
   * Removes one registration of a listener (a listener registered twice needs two calls).
   *
   * @example
   * ```ts
   * engine.off('safety.alert', pageOnDuty);
   * ```
   */
  off<K extends EngineEventName<TDef>>(name: K, listener: EngineListener<K, TDef>): void {
    const n = parseArgument(busNameSchema, name, 'CJ_ERR_INVALID_INPUT', 'The bus event name', 'name');
    const l = parseArgument(listenerSchema(), listener, 'CJ_ERR_INVALID_INPUT', 'The listener', 'listener');
    this.#core.bus.off(n, l);
  }
}
