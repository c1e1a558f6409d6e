import { randomUUID } from 'node:crypto';
import type { AnyMachineSnapshot } from 'xstate';
import type { z } from 'zod';
import { CareJourneyError } from '../errors.js';
import { PluginHost } from '../plugin/PluginHost.js';
import type { JourneyQuery, JourneyStore, JourneySummary } from '../store/JourneyStore.js';
import type { JournalEntry } from '../store/records.js';
import type { Clock } from '../time/Clock.js';
import { SystemClock } from '../time/SystemClock.js';
import { DEFAULT_INPUT_LIMITS } from '../validation/checkJsonSafe.js';
import { describeIssues, zodIssues } from '../validation/zodIssues.js';
import type { AnyJourneyDefinition, JourneyContextFrom, JourneyEventFrom } from './defineJourney.js';
import { EngineBus } from './EngineBus.js';
import { settle, type EngineCore } from './EngineCore.js';
import type { EngineListener, EngineEvents } from './EngineEvents.js';
import type { EngineOptions, SendOptions, StartOptions } from './EngineOptions.js';
import type { JourneyView } from './JourneyView.js';
import { loadJourney, notFound } from './load.js';
import { JourneyLocks } from './locks.js';
import { pluginApi } from './pluginApi.js';
import { pureTransition } from './pureTransition.js';
import { recoverOutbox } from './recovery.js';
import { sendEvent } from './send.js';
import type { SendResult } from './SendResult.js';
import { startJourney } from './start.js';
import { runDueTimers, type FiredTimer } from './timers.js';
import { readView } from './view.js';

/**
 * The durable journey engine. Every event runs: validate → authorize → de-duplicate → load →
 * migrate → XState's pure `transition` → one atomic store commit (snapshot, journal entry, timers,
 * outbox) → dispatch the outbox to plugins and listeners. Each step lives in its own file.
 */
export class JourneyEngine<TDef extends AnyJourneyDefinition> {
  readonly definition: TDef;
  readonly store: JourneyStore;
  readonly clock: Clock;
  /** The validated protocol every new journey starts with. */
  readonly protocol: unknown;
  readonly #core: EngineCore;

  constructor(options: EngineOptions<TDef>) {
    const { definition } = options;
    if (definition === null || typeof definition !== 'object' || definition.kind !== 'carejourney.definition') {
      throw new CareJourneyError('CJ_ERR_INVALID_CONFIG', 'createEngine needs a definition made with defineJourney().');
    }
    if (!options.store || typeof options.store.commit !== 'function') {
      throw new CareJourneyError('CJ_ERR_INVALID_CONFIG', 'createEngine needs a store implementing JourneyStore (e.g. new MemoryStore()).');
    }
    this.definition = definition;
    this.store = options.store;
    this.clock = options.clock ?? new SystemClock();
    if (definition.protocol) {
      const parsed = definition.protocol.safeParse(options.protocol ?? {});
      if (!parsed.success) {
        const issues = zodIssues(parsed.error, 'protocol');
        throw new CareJourneyError('CJ_ERR_INVALID_CONFIG', `The protocol for "${definition.id}" is invalid: ${describeIssues(issues)}`, { issues });
      }
      this.protocol = parsed.data;
    } else {
      if (options.protocol !== undefined) {
        throw new CareJourneyError('CJ_ERR_INVALID_CONFIG', `Journey "${definition.id}" takes no protocol configuration.`);
      }
      this.protocol = null;
    }
    const clock = this.clock;
    const core: EngineCore = {
      definition,
      store: this.store,
      clock,
      protocol: this.protocol,
      limits: { ...DEFAULT_INPUT_LIMITS, ...options.limits },
      maxRetries: options.maxRetries ?? 5,
      generateId: options.generateId ?? randomUUID,
      bus: new EngineBus(),
      locks: new JourneyLocks(),
      pure: pureTransition(definition.machine),
      eventSchemas: new Map(Object.entries(definition.events).map(([type, schema]) => [type, (schema as z.ZodObject).strict()])),
      pendingSends: new Set<Promise<unknown>>(),
      now: () => clock.now(),
      phase: (snapshot: AnyMachineSnapshot): string => {
        if (definition.phase) return definition.phase(snapshot as never);
        const value = snapshot.value;
        return typeof value === 'string' ? value : (Object.keys(value)[0] ?? '');
      },
      // Set just below: plugins get their API (which needs this core) while they register.
      plugins: undefined as unknown as PluginHost,
    };
    this.#core = core;
    (core as { plugins: PluginHost }).plugins = new PluginHost(options.plugins ?? [], (name, hooks) => pluginApi(core, name, hooks, (id) => this.get(id)));
  }

  /**
   * Starts a journey. Throws `CareJourneyError` (`CJ_ERR_INVALID_INPUT`, `CJ_ERR_FORBIDDEN`,
   * `CJ_ERR_CONFLICT` for an id in use) and changes nothing when it refuses.
   *
   * @example
   * ```ts
   * const view = await engine.start({ patientRef: 'pt-8842', input: {}, actor: { id: 'u1', role: 'coordinator' } });
   * ```
   */
  async start(options: StartOptions<TDef>): Promise<JourneyView<JourneyContextFrom<TDef>>> {
    const view = await startJourney(this.#core, options);
    await settle(this.#core);
    return view as JourneyView<JourneyContextFrom<TDef>>;
  }

  /**
   * Applies one event to a journey. Expected refusals come back as `{ ok: false, error }` and
   * change nothing; only store failures throw.
   *
   * @example
   * ```ts
   * const r = await engine.send(id, { type: 'referral.accepted' }, { actor: { id: 'u7', role: 'physician' } });
   * if (!r.ok) console.log(r.error.code, r.error.message);
   * ```
   */
  async send(journeyId: string, event: JourneyEventFrom<TDef>, options: SendOptions): Promise<SendResult<JourneyView<JourneyContextFrom<TDef>>>> {
    const result = await sendEvent(this.#core, journeyId, event, options);
    await settle(this.#core);
    return result as SendResult<JourneyView<JourneyContextFrom<TDef>>>;
  }

  /**
   * The journey now: state, phase, context, the events allowed now and why blocked ones are
   * blocked. Throws `CJ_ERR_NOT_FOUND`, `CJ_ERR_MIGRATION` or `CJ_ERR_CORRUPT_SNAPSHOT`.
   */
  async get(journeyId: string): Promise<JourneyView<JourneyContextFrom<TDef>>> {
    const loaded = await loadJourney(this.#core, journeyId);
    if ('refusal' in loaded) throw loaded.refusal;
    return (await readView(this.#core, loaded)) as JourneyView<JourneyContextFrom<TDef>>;
  }

  /** The journal: who did what, when, from which state to which. */
  async history(journeyId: string): Promise<JournalEntry[]> {
    const journal = await this.store.readJournal(journeyId);
    // Every journey has its start entry, so an empty journal means no journey (no snapshot load).
    if (journal.length === 0) throw notFound(journeyId);
    return journal;
  }

  /** Journeys matching a filter (by patientRef, phase, state, status), without their snapshots. */
  async query(filter: JourneyQuery = {}): Promise<JourneySummary[]> {
    return this.store.query(filter);
  }

  /**
   * Fires every timer due by the clock's time, each once, earliest first: XState `after` delays
   * are applied to their journeys (stamped with their due time); plugin timers go to their
   * plugin's `onTimer`. Returns what fired.
   */
  async runDue(options: { limit?: number } = {}): Promise<FiredTimer[]> {
    const fired = await runDueTimers(this.#core, options.limit ?? 10_000);
    await settle(this.#core);
    return fired;
  }

  /**
   * Delivers every outbox item not yet marked delivered (after a crash between commit and
   * dispatch). At least once: handlers de-duplicate on `deliveryId`. Returns how many it delivered.
   */
  async recover(options: { journeyId?: string } = {}): Promise<number> {
    const count = await recoverOutbox(this.#core, options.journeyId);
    await settle(this.#core);
    return count;
  }

  /** Listens on the bus. Returns a function that removes the listener. Listener errors are isolated. */
  on<K extends keyof EngineEvents | (string & {})>(name: K, listener: EngineListener<K>): () => void {
    this.#core.bus.on(name, listener as never);
    return () => this.off(name, listener);
  }

  /** Removes one registration of a listener. */
  off<K extends keyof EngineEvents | (string & {})>(name: K, listener: EngineListener<K>): void {
    this.#core.bus.off(name, listener as never);
  }
}
