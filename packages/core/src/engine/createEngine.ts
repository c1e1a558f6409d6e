import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'eventemitter3';
import type { AnyMachineSnapshot } from 'xstate';
import { z } from 'zod';
import { CareJourneyError, type FieldIssue } from '../errors.js';
import type { CareJourneyPlugin, PluginApi } from '../plugin/definePlugin.js';
import type { HookName } from '../plugin/hooks.js';
import { PluginHost } from '../plugin/PluginHost.js';
import type { JourneyCommit, JourneyQuery, JourneyStore, JourneySummary } from '../store/JourneyStore.js';
import {
  actorSchema,
  journalEntrySchema,
  journeyRecordSchema,
  SYSTEM_ACTOR,
  type Actor,
  type JournalEntry,
  type JourneyRecord,
  type OutboxItem,
  type TimerRow,
} from '../store/records.js';
import type { Clock } from '../time/Clock.js';
import { SystemClock } from '../time/SystemClock.js';
import { checkJsonSafe, DEFAULT_INPUT_LIMITS, type InputLimits } from '../validation/checkJsonSafe.js';
import { describeIssues, zodIssues } from '../validation/zodIssues.js';
import { collectActions, type JourneyEffect } from './collectActions.js';
import type {
  AnyJourneyDefinition,
  JourneyContextFrom,
  JourneyEventFrom,
  JourneyInputFrom,
  JourneyProtocolFrom,
  JourneyStartInput,
} from './defineJourney.js';
import type { EngineEvents, EngineListener, PluginErrorNotice } from './EngineEvents.js';
import { candidateTransitions, explainEvents, explainRefusal } from './explainEvents.js';
import { flattenState } from './flattenState.js';
import type { StampedEvent } from './guardRule.js';
import type { JourneyView } from './JourneyView.js';
import type { SendResult } from './SendResult.js';
import { migrateSnapshot, persistSnapshot, restoreSnapshot } from './snapshotCodec.js';
import { pureTransition, type PureTransition } from './pureTransition.js';

export interface EngineOptions<TDef extends AnyJourneyDefinition> {
  readonly definition: TDef;
  readonly store: JourneyStore;
  /** Defaults to the wall clock. Use `ManualClock` in tests and examples. */
  readonly clock?: Clock;
  /** Registered in order; a plugin's dependencies must come before it. */
  readonly plugins?: readonly CareJourneyPlugin[];
  /** The clinic's protocol overrides, validated against the definition's protocol schema. */
  readonly protocol?: JourneyProtocolFrom<TDef>;
  /** Size limits for every incoming value. */
  readonly limits?: Partial<InputLimits>;
  /** How many times a commit is retried on a version conflict (default 5). */
  readonly maxRetries?: number;
  /** Journey id generator (default: random UUID). */
  readonly generateId?: () => string;
}

export interface StartOptions<TDef extends AnyJourneyDefinition> {
  /** Opaque reference to the patient in the host system. Never a name or other PHI. */
  readonly patientRef: string;
  readonly input: JourneyInputFrom<TDef>;
  readonly actor: Actor;
  /** Choose the journey id (e.g. to make the start idempotent); defaults to a random UUID. */
  readonly journeyId?: string;
}

export interface SendOptions {
  readonly actor: Actor;
  /** The same key sent twice to a journey applies once and returns the first result. */
  readonly idempotencyKey?: string;
}

/** One timer `runDue` fired. */
export interface FiredTimer {
  readonly journeyId: string;
  readonly key: string;
  readonly owner: string;
  readonly dueAt: string;
  /** Set when the timer could not fire (e.g. its journey cannot be loaded); it stays pending. */
  readonly error?: CareJourneyError;
}

const idSchema = z.string().min(1).max(200);
const sendOptionsSchema = z.strictObject({ actor: actorSchema, idempotencyKey: idSchema.optional() });
const startOptionsSchema = z.strictObject({
  patientRef: idSchema,
  input: z.unknown(),
  actor: actorSchema,
  journeyId: idSchema.optional(),
});

type Loaded = { record: JourneyRecord; snapshot: AnyMachineSnapshot };
type Refusal = { refusal: CareJourneyError };

const iso = (ms: number): string => new Date(ms).toISOString();

function invalid(code: 'CJ_ERR_INVALID_EVENT' | 'CJ_ERR_INVALID_INPUT', what: string, issues: FieldIssue[], journeyId?: string, eventType?: string): CareJourneyError {
  return new CareJourneyError(code, `${what} is invalid: ${describeIssues(issues)}`, {
    issues,
    ...(journeyId === undefined ? {} : { journeyId }),
    ...(eventType === undefined ? {} : { eventType }),
  });
}

/**
 * The durable journey engine. Every event runs: validate → authorize → de-duplicate → load →
 * migrate → XState's pure `transition` → one atomic store commit (snapshot, journal entry, timers,
 * outbox) → dispatch the outbox to plugins and listeners.
 */
export class JourneyEngine<TDef extends AnyJourneyDefinition> {
  readonly definition: TDef;
  readonly store: JourneyStore;
  readonly clock: Clock;
  /** The validated protocol every new journey starts with. */
  readonly protocol: unknown;
  readonly #plugins: PluginHost;
  readonly #bus = new EventEmitter();
  readonly #limits: InputLimits;
  readonly #maxRetries: number;
  readonly #generateId: () => string;
  readonly #locks = new Map<string, Promise<unknown>>();
  readonly #pendingPluginSends = new Set<Promise<unknown>>();
  readonly #wrapped = new WeakMap<object, Map<string, (notice: unknown) => void>>();
  readonly #pure: PureTransition;
  /** Strict payload schemas, built once: zod compiles each schema on first use. */
  readonly #eventSchemas: ReadonlyMap<string, z.ZodObject>;

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
    this.#limits = { ...DEFAULT_INPUT_LIMITS, ...options.limits };
    this.#maxRetries = options.maxRetries ?? 5;
    this.#generateId = options.generateId ?? randomUUID;
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
    this.#pure = pureTransition(definition.machine);
    this.#eventSchemas = new Map(Object.entries(definition.events).map(([type, schema]) => [type, (schema as z.ZodObject).strict()]));
    this.#plugins = new PluginHost(options.plugins ?? [], (name, hooks) => this.#pluginApi(name, hooks));
  }

  // ---------------------------------------------------------------- public API

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
    const parsed = startOptionsSchema.safeParse(options);
    if (!parsed.success) throw invalid('CJ_ERR_INVALID_INPUT', 'The start request', zodIssues(parsed.error, ''));
    const jsonIssues = checkJsonSafe(options.input, 'input', this.#limits);
    if (jsonIssues.length > 0) throw invalid('CJ_ERR_INVALID_INPUT', 'The start input', jsonIssues);
    const input = this.definition.input.safeParse(options.input);
    if (!input.success) throw invalid('CJ_ERR_INVALID_INPUT', 'The start input', zodIssues(input.error, 'input'));
    const { actor, patientRef } = parsed.data;
    const forbidden = this.#checkRole(actor, 'journey.start', this.definition.policy.start);
    if (forbidden) throw forbidden;

    const journeyId = parsed.data.journeyId ?? this.#generateId();
    const at = this.clock.now();
    const startInput: JourneyStartInput = { patientRef, startedAt: at, actor, data: input.data, protocol: this.protocol };
    const [snapshot, actions] = this.#pure.initial(startInput);
    const persisted = persistSnapshot(this.definition.machine, snapshot);
    const collected = collectActions(actions, journeyId, at);
    const state = flattenState(snapshot.value);
    const record: JourneyRecord = {
      id: journeyId,
      definitionId: this.definition.id,
      definitionVersion: this.definition.version,
      patientRef,
      version: 1,
      lastSeq: 1,
      snapshot: persisted,
      state,
      phase: this.#phase(snapshot),
      status: snapshot.status as JourneyRecord['status'],
      createdAt: iso(at),
      updatedAt: iso(at),
    };
    const entry: JournalEntry = {
      journeyId,
      seq: 1,
      kind: 'start',
      type: 'journey.start',
      payload: JSON.parse(JSON.stringify({ patientRef, input: input.data, protocol: this.protocol })) as Record<string, unknown>,
      actor,
      at: iso(at),
      recordedAt: iso(at),
      from: null,
      to: state,
      definitionVersion: this.definition.version,
    };
    const outbox = this.#outboxFor(record, entry, collected.effects, at);
    await this.#withLock(journeyId, () =>
      this.store.commit({ journey: record, expectedVersion: 0, entry, timersToSet: collected.timersToSet, timersToCancel: [], outbox }),
    );
    await this.#deliverAll(outbox, true);
    await this.#settle();
    // The initial context may share objects with the machine's definition: hand out a copy.
    const view = await this.#view({ record, snapshot });
    return { ...view, context: JSON.parse(JSON.stringify(view.context)) as JourneyContextFrom<TDef> };
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
    const result = await this.#send(journeyId, event, options);
    await this.#settle();
    return result as SendResult<JourneyView<JourneyContextFrom<TDef>>>;
  }

  /**
   * The journey now: state, phase, context, the events allowed now and why blocked ones are
   * blocked. Throws `CJ_ERR_NOT_FOUND`, `CJ_ERR_MIGRATION` or `CJ_ERR_CORRUPT_SNAPSHOT`.
   */
  async get(journeyId: string): Promise<JourneyView<JourneyContextFrom<TDef>>> {
    const loaded = await this.#load(journeyId);
    if ('refusal' in loaded) throw loaded.refusal;
    return (await this.#view(loaded)) as JourneyView<JourneyContextFrom<TDef>>;
  }

  /** The journal: who did what, when, from which state to which. */
  async history(journeyId: string): Promise<JournalEntry[]> {
    const journal = await this.store.readJournal(journeyId);
    // Every journey has its start entry, so an empty journal means no journey (no snapshot load).
    if (journal.length === 0) throw this.#notFound(journeyId);
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
    const limit = options.limit ?? 10_000;
    const fired: FiredTimer[] = [];
    // Timers that failed or vanished are skipped for the rest of this run, so it always ends.
    const skip = new Set<string>();
    const id = (t: TimerRow) => `${t.journeyId}\u0000${t.key}\u0000${t.dueAt}`;
    while (fired.length < limit) {
      const now = this.clock.now();
      const due = (await this.store.dueTimers(now, Math.min(100, limit - fired.length) + skip.size)).filter((t) => !skip.has(id(t)));
      if (due.length === 0) break;
      for (const timer of due) {
        const outcome = await this.#fireTimer(timer);
        if (outcome !== 'fired') skip.add(id(timer));
        if (outcome === 'gone') continue;
        fired.push({
          journeyId: timer.journeyId,
          key: timer.key,
          owner: timer.owner,
          dueAt: iso(timer.dueAt),
          ...(outcome === 'fired' ? {} : { error: outcome }),
        });
        if (fired.length >= limit) break;
      }
    }
    await this.#settle();
    return fired;
  }

  /**
   * Delivers every outbox item not yet marked delivered (after a crash between commit and
   * dispatch). At least once: handlers de-duplicate on `deliveryId`. Returns how many it delivered.
   */
  async recover(options: { journeyId?: string } = {}): Promise<number> {
    let count = 0;
    for (;;) {
      const pending = await this.store.pendingOutbox(100, options.journeyId);
      if (pending.length === 0) break;
      await this.#deliverAll(pending);
      count += pending.length;
    }
    await this.#settle();
    return count;
  }

  /** Listens on the bus. Returns a function that removes the listener. Listener errors are isolated. */
  on<K extends keyof EngineEvents | (string & {})>(name: K, listener: EngineListener<K>): () => void {
    const wrapped = (notice: unknown) => {
      try {
        (listener as (n: unknown) => void)(notice);
      } catch (error) {
        if (name !== 'plugin.error') this.#reportPluginError({ plugin: 'listener', hook: 'listener', error });
      }
    };
    const byName = this.#wrapped.get(listener) ?? new Map<string, (notice: unknown) => void>();
    byName.set(name, wrapped);
    this.#wrapped.set(listener, byName);
    this.#bus.on(name, wrapped);
    return () => this.off(name, listener);
  }

  off<K extends keyof EngineEvents | (string & {})>(name: K, listener: EngineListener<K>): void {
    const byName = this.#wrapped.get(listener);
    const wrapped = byName?.get(name);
    if (wrapped) {
      this.#bus.off(name, wrapped);
      byName?.delete(name);
    }
  }

  // ---------------------------------------------------------------- the pipeline

  async #send(journeyId: string, event: unknown, options: SendOptions): Promise<SendResult> {
    const eventType = typeof (event as { type?: unknown } | null)?.type === 'string' ? (event as { type: string }).type : '(missing)';
    const refuse = (error: CareJourneyError): SendResult => {
      this.#bus.emit('refused', { journeyId: String(journeyId), eventType, code: error.code, message: error.message });
      return { ok: false, error };
    };
    const checked = this.#validateEvent(journeyId, event, options);
    if ('refusal' in checked) return refuse(checked.refusal);
    const { type, actor, idempotencyKey } = checked;
    let payload = checked.payload;

    for (let attempt = 0; ; attempt++) {
      const outcome = await this.#withLock(journeyId, async (): Promise<SendResult | { commit: JourneyCommit; next: AnyMachineSnapshot } | 'conflict'> => {
        if (idempotencyKey !== undefined) {
          const duplicate = await this.#duplicate(journeyId, idempotencyKey);
          if (duplicate) return duplicate;
        }
        const loaded = await this.#load(journeyId);
        if ('refusal' in loaded) return { ok: false, error: loaded.refusal };
        const at = this.clock.now();
        if (this.#plugins.has('beforeEvent')) {
          const view = await this.#view(loaded);
          const veto = await this.#plugins.runBeforeEvent({ journeyId, event: { ...payload, type }, actor, view, at });
          if (veto.refusal) return { ok: false, error: veto.refusal };
          if (Object.keys(veto.enrich).length > 0) {
            const enriched = this.#validatePayload(journeyId, type, { ...payload, ...veto.enrich });
            if ('refusal' in enriched) return { ok: false, error: enriched.refusal };
            payload = enriched.payload;
          }
        }
        const step = this.#step(loaded, { ...payload, type, at, actor } as StampedEvent, 'event', idempotencyKey);
        if ('refusal' in step) return { ok: false, error: step.refusal };
        try {
          await this.store.commit(step.commit);
        } catch (error) {
          if (error instanceof CareJourneyError && error.code === 'CJ_ERR_CONFLICT') return 'conflict';
          throw error;
        }
        return step;
      });
      if (outcome === 'conflict') {
        if (attempt < this.#maxRetries) continue;
        return refuse(
          new CareJourneyError(
            'CJ_ERR_CONFLICT',
            `Event "${type}" on journey "${journeyId}" could not be committed: other writers changed the journey ${attempt + 1} times in a row. Nothing was applied; send it again.`,
            { journeyId, eventType: type },
          ),
        );
      }
      if ('ok' in outcome) return outcome.ok ? outcome : refuse(outcome.error);
      const { commit, next } = outcome;
      await this.#deliverAll(commit.outbox, true);
      return { ok: true, view: await this.#view({ record: commit.journey, snapshot: next }), entry: commit.entry as JournalEntry, duplicate: false };
    }
  }

  /** Validates the envelope, the payload and the actor's role. */
  #validateEvent(
    journeyId: unknown,
    event: unknown,
    options: unknown,
  ): { type: string; payload: Record<string, unknown>; actor: Actor; idempotencyKey: string | undefined } | Refusal {
    const id = idSchema.safeParse(journeyId);
    if (!id.success) return { refusal: invalid('CJ_ERR_INVALID_EVENT', 'The journey id', zodIssues(id.error, 'journeyId')) };
    const opts = sendOptionsSchema.safeParse(options);
    if (!opts.success) return { refusal: invalid('CJ_ERR_INVALID_EVENT', 'The send options', zodIssues(opts.error, 'options'), id.data) };
    if (event === null || typeof event !== 'object' || Array.isArray(event)) {
      return { refusal: invalid('CJ_ERR_INVALID_EVENT', 'The event', [{ path: 'event', rule: 'invalid_type', message: 'expected an object { type, ...payload }' }], id.data) };
    }
    const jsonIssues = checkJsonSafe(event, 'event', this.#limits);
    if (jsonIssues.length > 0) return { refusal: invalid('CJ_ERR_INVALID_EVENT', 'The event', jsonIssues, id.data) };
    const { type, ...rest } = event as Record<string, unknown>;
    if (typeof type !== 'string' || !Object.hasOwn(this.definition.events, type)) {
      const known = Object.keys(this.definition.events).join(', ');
      return {
        refusal: invalid(
          'CJ_ERR_INVALID_EVENT',
          'The event',
          [{ path: 'type', rule: 'unknown_event', message: `${typeof type === 'string' ? `"${type.slice(0, 100)}"` : String(typeof type)} is not an event of "${this.definition.id}"; known events: ${known}` }],
          id.data,
        ),
      };
    }
    const payload = this.#validatePayload(id.data, type, rest, false);
    if ('refusal' in payload) return payload;
    const policy = (this.definition.policy.events as Record<string, readonly string[]>)[type] ?? [];
    const forbidden = this.#checkRole(opts.data.actor, type, policy, id.data);
    if (forbidden) return { refusal: forbidden };
    return { type, payload: payload.payload, actor: opts.data.actor, idempotencyKey: opts.data.idempotencyKey };
  }

  #validatePayload(journeyId: string, type: string, raw: Record<string, unknown>, checkJson = true): { payload: Record<string, unknown> } | Refusal {
    const jsonIssues = checkJson ? checkJsonSafe(raw, 'event', this.#limits) : [];
    if (jsonIssues.length > 0) return { refusal: invalid('CJ_ERR_INVALID_EVENT', `Event "${type}"`, jsonIssues, journeyId, type) };
    const schema = this.#eventSchemas.get(type) as z.ZodObject;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) return { refusal: invalid('CJ_ERR_INVALID_EVENT', `Event "${type}"`, zodIssues(parsed.error, 'event'), journeyId, type) };
    return { payload: parsed.data as Record<string, unknown> };
  }

  #checkRole(actor: Actor, action: string, allowed: readonly string[], journeyId?: string): CareJourneyError | undefined {
    const base = { role: actor.role, allowedRoles: allowed, eventType: action, ...(journeyId === undefined ? {} : { journeyId }) };
    if (!this.definition.roles.includes(actor.role)) {
      return new CareJourneyError(
        'CJ_ERR_FORBIDDEN',
        `Role "${actor.role.slice(0, 100)}" is not a role of journey "${this.definition.id}" (roles: ${this.definition.roles.join(', ')}).`,
        base,
      );
    }
    if (!allowed.includes(actor.role)) {
      return new CareJourneyError(
        'CJ_ERR_FORBIDDEN',
        `A ${actor.role} may not send "${action}": it is for ${allowed.length > 0 ? allowed.join(' or ') : 'no role'}.`,
        base,
      );
    }
    return undefined;
  }

  async #duplicate(journeyId: string, key: string): Promise<SendResult | undefined> {
    const seq = await this.store.findIdempotencyKey(journeyId, key);
    if (seq === undefined) return undefined;
    const [entry] = await this.store.readJournal(journeyId, { fromSeq: seq, limit: 1 });
    if (!entry) return undefined;
    const loaded = await this.#load(journeyId);
    if ('refusal' in loaded) return { ok: false, error: loaded.refusal };
    return { ok: true, view: await this.#view(loaded), entry, duplicate: true };
  }

  /** Loads, checks, migrates and restores a journey. */
  async #load(journeyId: string): Promise<Loaded | Refusal> {
    let raw: JourneyRecord | undefined;
    try {
      raw = await this.store.load(journeyId);
    } catch (error) {
      // A store that cannot even parse the row names the journey; it is a refusal for this
      // journey only, so the others (and runDue over them) keep working.
      if (error instanceof CareJourneyError && error.code === 'CJ_ERR_CORRUPT_SNAPSHOT') return { refusal: error };
      throw error;
    }
    if (!raw) return { refusal: this.#notFound(journeyId) };
    const parsed = journeyRecordSchema.safeParse(raw);
    if (!parsed.success) {
      return {
        refusal: new CareJourneyError(
          'CJ_ERR_CORRUPT_SNAPSHOT',
          `Journey "${journeyId}" cannot be loaded: its stored record is malformed (${describeIssues(zodIssues(parsed.error, 'record'))}). It was left untouched.`,
          { journeyId },
        ),
      };
    }
    const record = parsed.data;
    if (record.definitionId !== this.definition.id) {
      return {
        refusal: new CareJourneyError(
          'CJ_ERR_MIGRATION',
          `Journey "${journeyId}" belongs to definition "${record.definitionId}", not "${this.definition.id}": load it with an engine for that definition.`,
          { journeyId },
        ),
      };
    }
    try {
      const persisted = migrateSnapshot(this.definition, journeyId, record.definitionVersion, record.snapshot);
      return { record, snapshot: restoreSnapshot(this.definition, journeyId, persisted) };
    } catch (error) {
      if (error instanceof CareJourneyError) return { refusal: error };
      throw error;
    }
  }

  /** The pure part: the transition and the commit it implies, or the reason it is refused. */
  #step(
    loaded: Loaded,
    event: StampedEvent,
    kind: 'event' | 'timer',
    idempotencyKey?: string,
    cancelTimer?: string,
  ): { commit: JourneyCommit; next: AnyMachineSnapshot } | Refusal {
    const { record, snapshot } = loaded;
    const journeyId = record.id;
    const from = flattenState(snapshot.value);
    if (snapshot.status !== 'active') {
      return {
        refusal: new CareJourneyError('CJ_ERR_NOT_ALLOWED', `Journey "${journeyId}" has ended (${from}); it accepts no more events.`, {
          journeyId,
          eventType: event.type,
          state: from,
          allowedEvents: [],
        }),
      };
    }
    if (candidateTransitions(snapshot, event.type).length === 0) {
      const { allowed } = explainEvents(this.definition, snapshot, event);
      return {
        refusal: new CareJourneyError(
          'CJ_ERR_NOT_ALLOWED',
          `"${event.type}" is not allowed in state ${from}. Allowed now: ${allowed.length > 0 ? allowed.join(', ') : 'none'}.`,
          { journeyId, eventType: event.type, state: from, allowedEvents: allowed },
        ),
      };
    }
    const [next, actions] = this.#pure.next(snapshot, event);
    // XState hands back the same snapshot when no transition was enabled; a taken transition
    // that changes nothing (e.g. only `emit`s) still returns actions, and an empty one is
    // confirmed with getTransitionData.
    const refused =
      next === snapshot &&
      actions.length === 0 &&
      this.definition.machine.getTransitionData(snapshot as never, event as never).length === 0;
    if (refused) {
      const { guard, reason } = explainRefusal(this.definition, snapshot, event);
      return {
        refusal: new CareJourneyError('CJ_ERR_GUARD', `"${event.type}" refused in state ${from}: ${reason}`, {
          journeyId,
          eventType: event.type,
          state: from,
          guard,
          reason,
        }),
      };
    }
    const collected = collectActions(actions, journeyId, event.at);
    const to = flattenState(next.value);
    const now = this.clock.now();
    const nowIso = iso(now);
    const { type, at, actor, ...payload } = event;
    const entry: JournalEntry = {
      journeyId,
      seq: record.lastSeq + 1,
      kind,
      type,
      // The payload is zod's fresh output, already checked to be JSON: no copy needed.
      payload: payload as Record<string, unknown>,
      actor,
      at: iso(at),
      recordedAt: nowIso,
      from,
      to,
      definitionVersion: this.definition.version,
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    };
    const journey: JourneyRecord = {
      ...record,
      definitionVersion: this.definition.version,
      version: record.version + 1,
      lastSeq: entry.seq,
      snapshot: persistSnapshot(this.definition.machine, next),
      state: to,
      phase: this.#phase(next),
      status: next.status as JourneyRecord['status'],
      updatedAt: nowIso,
    };
    return {
      next,
      commit: {
        journey,
        expectedVersion: record.version,
        entry,
        ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
        timersToSet: collected.timersToSet,
        timersToCancel: cancelTimer === undefined ? collected.timersToCancel : [cancelTimer, ...collected.timersToCancel],
        outbox: this.#outboxFor(journey, entry, collected.effects, now),
      },
    };
  }

  #outboxFor(record: JourneyRecord, entry: JournalEntry, effects: readonly JourneyEffect[], now: number): OutboxItem[] {
    const base = `${record.id}:${record.version}`;
    const createdAt = iso(now);
    const items: OutboxItem[] = [{ id: `${base}:0`, journeyId: record.id, kind: 'transition', type: entry.type, payload: entry, createdAt }];
    effects.forEach((effect, i) => {
      items.push({ id: `${base}:${i + 1}`, journeyId: record.id, kind: 'effect', type: effect.type, payload: effect.payload, createdAt });
    });
    if (record.status === 'done') {
      items.push({
        id: `${base}:end`,
        journeyId: record.id,
        kind: 'effect',
        type: 'journey.ended',
        payload: { state: record.state, phase: record.phase, at: entry.at },
        createdAt,
      });
    }
    return items;
  }

  /** Fires one due timer. `gone` when another writer fired or cancelled it first. */
  async #fireTimer(timer: TimerRow): Promise<'fired' | 'gone' | CareJourneyError> {
    for (let attempt = 0; attempt <= this.#maxRetries; attempt++) {
      const outcome = await this.#withLock(timer.journeyId, async (): Promise<'gone' | 'conflict' | CareJourneyError | JourneyCommit> => {
        const current = (await this.store.listTimers(timer.journeyId)).find((t) => t.key === timer.key);
        if (!current || current.dueAt > this.clock.now()) return 'gone';
        const loaded = await this.#load(timer.journeyId);
        if ('refusal' in loaded) return loaded.refusal;
        const { record } = loaded;
        let commit: JourneyCommit;
        if (current.owner === 'machine' && current.event) {
          const event = { ...current.event, at: current.dueAt, actor: SYSTEM_ACTOR } as StampedEvent;
          const step = this.#step(loaded, event, 'timer', undefined, current.key);
          // A timer whose transition no longer applies is dropped without a journal entry.
          commit = 'commit' in step ? step.commit : this.#bareCommit(record, [current.key], []);
        } else {
          const item: OutboxItem = {
            id: `${record.id}:${record.version + 1}:timer`,
            journeyId: record.id,
            kind: 'timer',
            type: current.owner,
            payload: { key: current.key.slice(`plugin:${current.owner}:`.length), dueAt: current.dueAt, payload: current.payload ?? null },
            createdAt: iso(this.clock.now()),
          };
          commit = this.#bareCommit(record, [current.key], [item]);
        }
        try {
          await this.store.commit(commit);
        } catch (error) {
          if (error instanceof CareJourneyError && error.code === 'CJ_ERR_CONFLICT') return 'conflict';
          throw error;
        }
        return commit;
      });
      if (outcome === 'conflict') continue;
      if (outcome === 'gone' || outcome instanceof CareJourneyError) return outcome;
      this.#bus.emit('timer.fired', { journeyId: timer.journeyId, key: timer.key, owner: timer.owner, dueAt: iso(timer.dueAt) });
      await this.#deliverAll(outcome.outbox, true);
      return 'fired';
    }
    return new CareJourneyError('CJ_ERR_CONFLICT', `Timer "${timer.key}" of journey "${timer.journeyId}" kept conflicting with other writers; it stays pending.`, {
      journeyId: timer.journeyId,
    });
  }

  /** A commit that changes only timers and the outbox (no journal entry). */
  #bareCommit(record: JourneyRecord, cancel: string[], outbox: OutboxItem[], set: TimerRow[] = []): JourneyCommit {
    return {
      journey: { ...record, version: record.version + 1, updatedAt: iso(this.clock.now()) },
      expectedVersion: record.version,
      timersToSet: set,
      timersToCancel: cancel,
      outbox,
    };
  }

  // ---------------------------------------------------------------- delivery

  /** Delivers items in order, then marks them delivered. `fresh` items were built by this engine. */
  async #deliverAll(items: readonly OutboxItem[], fresh = false): Promise<void> {
    if (items.length === 0) return;
    for (const item of items) await this.#deliver(item, fresh);
    await this.store.markDelivered(items.map((i) => i.id));
  }

  async #deliver(item: OutboxItem, fresh: boolean): Promise<void> {
    const report = (r: { plugin: string; hook: HookName; error: unknown; journeyId?: string }) => this.#reportPluginError(r);
    if (item.kind === 'transition') {
      // Items read back from a store are checked; items this engine just built are known good.
      const entry = fresh ? (item.payload as JournalEntry) : journalEntrySchema.parse(item.payload);
      const notice = { journeyId: item.journeyId, entry, deliveryId: item.id };
      this.#bus.emit('transition', notice);
      if (entry.kind === 'start') this.#bus.emit('journey.started', notice);
      await this.#plugins.notify('afterCommit', notice, report);
    } else if (item.kind === 'effect') {
      const notice = { journeyId: item.journeyId, type: item.type, payload: (item.payload ?? {}) as Record<string, unknown>, deliveryId: item.id };
      this.#bus.emit('effect', notice);
      if (item.type !== 'effect' && !['transition', 'plugin.error', 'refused', 'timer.fired', 'journey.started'].includes(item.type)) {
        this.#bus.emit(item.type, notice);
      }
      await this.#plugins.notify('onEffect', notice, report);
    } else {
      const p = item.payload as { key: string; dueAt: number; payload: unknown };
      await this.#plugins.notify('onTimer', { journeyId: item.journeyId, key: p.key, payload: p.payload, dueAt: p.dueAt, deliveryId: item.id }, report, item.type);
    }
  }

  #reportPluginError(r: { plugin: string; hook: HookName | 'listener'; error: unknown; journeyId?: string }): void {
    const notice: PluginErrorNotice = {
      plugin: r.plugin,
      hook: r.hook,
      message: r.error instanceof Error ? r.error.message : String(r.error),
      error: r.error,
      ...(r.journeyId === undefined ? {} : { journeyId: r.journeyId }),
    };
    this.#bus.emit('plugin.error', notice);
  }

  // ---------------------------------------------------------------- plugins

  #pluginApi(name: string, hooks: PluginApi['hooks']): PluginApi {
    const timerKey = (key: string) => `plugin:${name}:${key}`;
    const keySchema = z.string().min(1).max(200);
    return Object.freeze({
      name,
      hooks,
      now: () => this.clock.now(),
      get: (journeyId: string) => this.get(journeyId),
      send: (journeyId: string, event: { type: string } & Record<string, unknown>, options: { actor: Actor; idempotencyKey?: string }) => {
        // Queued: starts after the calling hook yields, never inside the current transition.
        const task = Promise.resolve().then(() => this.#send(journeyId, event, options));
        this.#pendingPluginSends.add(task);
        void task.finally(() => this.#pendingPluginSends.delete(task)).catch(() => undefined);
        return task;
      },
      timers: Object.freeze({
        schedule: async (timer: { journeyId: string; key: string; dueAt: number; payload?: unknown }) => {
          const key = keySchema.safeParse(timer.key);
          if (!key.success || !Number.isFinite(timer.dueAt)) {
            throw new CareJourneyError('CJ_ERR_PLUGIN', `Plugin "${name}" scheduled an invalid timer: key must be 1-200 characters and dueAt a finite epoch-ms time.`, { plugin: name });
          }
          const issues = checkJsonSafe(timer.payload ?? null, 'payload', this.#limits);
          if (issues.length > 0) throw new CareJourneyError('CJ_ERR_PLUGIN', `Plugin "${name}" timer payload is not JSON: ${describeIssues(issues)}`, { plugin: name, issues });
          const row: TimerRow = { journeyId: timer.journeyId, key: timerKey(timer.key), owner: name, dueAt: timer.dueAt, payload: timer.payload ?? null };
          await this.#mutateTimers(timer.journeyId, [row.key], [row]);
        },
        cancel: async (journeyId: string, key: string) => {
          await this.#mutateTimers(journeyId, [timerKey(key)], []);
        },
        list: async (journeyId: string) => {
          const rows = await this.store.listTimers(journeyId);
          return rows.filter((t) => t.owner === name).map(({ owner: _owner, ...t }) => ({ ...t, key: t.key.slice(timerKey('').length) }));
        },
      }),
    });
  }

  async #mutateTimers(journeyId: string, cancel: string[], set: TimerRow[]): Promise<void> {
    for (let attempt = 0; attempt <= this.#maxRetries; attempt++) {
      const done = await this.#withLock(journeyId, async () => {
        const record = await this.store.load(journeyId);
        if (!record) throw this.#notFound(journeyId);
        try {
          await this.store.commit(this.#bareCommit(record, cancel, [], set));
          return true;
        } catch (error) {
          if (error instanceof CareJourneyError && error.code === 'CJ_ERR_CONFLICT') return false;
          throw error;
        }
      });
      if (done) return;
    }
    throw new CareJourneyError('CJ_ERR_CONFLICT', `Timers of journey "${journeyId}" could not be changed: other writers kept committing first.`, { journeyId });
  }

  // ---------------------------------------------------------------- helpers

  /** Waits until follow-up events queued by plugins have been applied. */
  async #settle(): Promise<void> {
    while (this.#pendingPluginSends.size > 0) await Promise.allSettled([...this.#pendingPluginSends]);
  }

  /** Serializes work on one journey within this engine; other processes are handled by versions. */
  async #withLock<T>(journeyId: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#locks.get(journeyId);
    // Uncontended (the usual case): run at once, with no extra promise hops.
    const run = previous ? previous.then(fn, fn) : fn();
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.#locks.set(journeyId, tail);
    try {
      return await run;
    } finally {
      if (this.#locks.get(journeyId) === tail) this.#locks.delete(journeyId);
    }
  }

  #phase(snapshot: AnyMachineSnapshot): string {
    if (this.definition.phase) return this.definition.phase(snapshot as never);
    const value = snapshot.value;
    return typeof value === 'string' ? value : (Object.keys(value)[0] ?? '');
  }

  async #view({ record, snapshot }: Loaded): Promise<JourneyView> {
    const probe = { type: '', at: this.clock.now(), actor: SYSTEM_ACTOR } as StampedEvent;
    const { allowed, blocked } = explainEvents(this.definition, snapshot, probe);
    const timers = await this.store.listTimers(record.id);
    return {
      id: record.id,
      definitionId: record.definitionId,
      definitionVersion: this.definition.version,
      patientRef: record.patientRef,
      version: record.version,
      state: snapshot.value,
      stateLabel: flattenState(snapshot.value),
      phase: this.#phase(snapshot),
      status: snapshot.status as JourneyRecord['status'],
      // Snapshots loaded from the store, and transitions of them, hold contexts private to this
      // call (the store hands out copies): no copy needed. `start` copies its own.
      context: snapshot.context as Record<string, unknown>,
      allowedEvents: allowed,
      blockedEvents: blocked,
      timers: timers.map((t) => ({ key: t.key, owner: t.owner, dueAt: iso(t.dueAt) })),
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
    };
  }

  #notFound(journeyId: string): CareJourneyError {
    return new CareJourneyError('CJ_ERR_NOT_FOUND', `No journey "${String(journeyId).slice(0, 200)}" in the store.`, { journeyId: String(journeyId) });
  }
}

/**
 * Creates an engine for one journey definition over a store.
 *
 * @example
 * ```ts
 * const engine = createEngine({ definition, store: new MemoryStore(), clock: new ManualClock('2026-01-05T09:00:00Z') });
 * const view = await engine.start({ patientRef: 'pt-1', input: {}, actor: { id: 'c1', role: 'coordinator' } });
 * ```
 */
export function createEngine<TDef extends AnyJourneyDefinition>(options: EngineOptions<TDef>): JourneyEngine<TDef> {
  return new JourneyEngine(options);
}
