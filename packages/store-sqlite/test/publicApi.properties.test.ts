// A property test over every public call with arbitrary and hostile arguments, on both stores:
// the engine's calls, the stores' own methods (as a host may call them directly, including
// SqliteStore's pruneDelivered and backup) and createEngine with a hostile generateId. The only
// outcomes are a result or a CareJourneyError (never a TypeError, a RangeError or a stack
// overflow), a refusal changes nothing, and Object.prototype is never touched.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createEngine,
  definePlugin,
  isCareJourneyError,
  ManualClock,
  MemoryStore,
  replayJournal,
  toMillis,
  type JourneyStore,
  type PluginApi,
} from '@carejourney/core';
import { actors, visitJourney } from '../../core/test/fixtures/visitJourney.js';
import { SqliteStore } from '../src/index.js';
import { removeTempDbs, tempDbPath } from './helpers/tempDb.js';

afterAll(removeTempDbs);

const T0 = '2026-01-05T09:00:00.000Z';

/** Values crafted to break naive code: lone surrogates, proxies whose traps throw, deep nesting, ... */
function hostileValues(): unknown[] {
  let deep: unknown = 0;
  for (let i = 0; i < 50_000; i++) deep = [deep];
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const trap = () => {
    throw new Error('trap');
  };
  const throwingProxy = new Proxy({}, { get: trap, ownKeys: trap, getPrototypeOf: trap, has: trap, getOwnPropertyDescriptor: trap });
  const getter = Object.defineProperty({ type: 'patient.arrived' }, 'systolic', { enumerable: true, get: trap });
  const nullProto = Object.assign(Object.create(null) as object, { type: 'vitals.recorded', systolic: 120, diastolic: 80 });
  const cyclic: Record<string, unknown> = { type: 'patient.arrived' };
  cyclic['self'] = cyclic;
  return [
    undefined,
    null,
    Number.NaN,
    -0,
    Number.POSITIVE_INFINITY,
    Number.MAX_VALUE,
    10n,
    Symbol('s'),
    '',
    '\uD800',
    'j-\uDC00',
    'a\nb',
    'x'.repeat(100_000),
    deep,
    revoked.proxy,
    throwingProxy,
    getter,
    nullProto,
    cyclic,
    JSON.parse('{"__proto__": {"polluted": true}, "type": "patient.arrived"}'),
    JSON.parse('{"constructor": {"prototype": {"polluted": true}}}'),
    () => 'fn',
    new Date(Number.NaN),
    new Map([['a', 1]]),
    [1, , 3],
    Object.create({ inherited: true }),
  ];
}

/**
 * A generated argument, boxed: fast-check inspects the values it generates, and a hostile value
 * (a proxy whose traps throw) must reach only the call under test.
 */
interface Box {
  readonly label: string;
  readonly value: () => unknown;
}

const hostile = hostileValues();
const anyValue: fc.Arbitrary<Box> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .anything({ withBigInt: true, withBoxedValues: true, withDate: true, withMap: true, withNullPrototype: true, withObjectString: true, withSet: true, withSparseArray: true, withTypedArray: true, withUnicodeString: true, maxDepth: 4 })
      .map((v) => ({ label: 'anything', value: () => v })),
  },
  { weight: 1, arbitrary: fc.nat(hostile.length - 1).map((i) => ({ label: `hostile #${i}`, value: () => hostile[i] })) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary' }).map((v) => ({ label: 'binary string', value: () => v })) },
);

/** A valid argument with one field replaced by an arbitrary value (or the value itself). */
function nearly(valid: Record<string, unknown>): fc.Arbitrary<Box> {
  return fc.oneof(
    anyValue,
    fc.tuple(fc.constantFrom(...Object.keys(valid)), anyValue).map(([key, box]) => ({ label: `${key}: ${box.label}`, value: () => ({ ...valid, [key]: box.value() }) })),
  );
}

/**
 * Keeps a file path the store would accept inside a temporary directory: an arbitrary string is
 * a valid file name, and the test must not create files wherever it points. Strings the store
 * refuses (empty, NUL, lone surrogates) and non-strings reach it unchanged.
 */
function confined(options: unknown): unknown {
  try {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) return options;
    const path = (options as { path?: unknown }).path;
    if (typeof path !== 'string' || path === ':memory:' || path.length === 0 || path.includes('\u0000') || !path.isWellFormed()) return options;
    return { ...options, path: tempDbPath() };
  } catch {
    // A hostile value (a revoked proxy, a getter that throws) goes to the store as it is.
    return options;
  }
}

let backups = 0;
let lastBackup = '';
/**
 * Keeps a backup inside a temporary directory: any string the store would accept as a path is
 * replaced by a fresh one (a backup writes a file); anything else reaches it unchanged. After a
 * few copies, the path of the last one is reused, which the store refuses (it never overwrites a
 * file): both outcomes are covered without copying the database thousands of times.
 */
function confinedBackupPath(path: unknown): unknown {
  if (typeof path !== 'string' || path.length === 0 || path.length > 4096 || path.includes('\u0000') || !path.isWellFormed()) return path;
  if (backups >= 5 && lastBackup !== '') return lastBackup;
  backups++;
  lastBackup = tempDbPath('backup.db');
  return lastBackup;
}

type Call = { readonly name: string; readonly run: (ctx: Ctx) => unknown };
interface Ctx {
  readonly engine: ReturnType<typeof createEngine<typeof visitJourney>>;
  readonly api: PluginApi;
  readonly clock: ManualClock;
  readonly id: string;
  readonly store: JourneyStore;
}

/** A store method called as a host would, with whatever arguments. */
const storeCall = (c: Ctx, method: string, ...args: unknown[]): unknown => {
  const fn = (c.store as unknown as Record<string, ((...a: unknown[]) => unknown) | undefined>)[method];
  // MemoryStore has no pruneDelivered or backup: nothing to call.
  return typeof fn === 'function' ? fn.apply(c.store, args) : undefined;
};

const AT = new Date(Date.parse(T0)).toISOString();
/** A valid commit that creates a journey, for the commit calls to break one field of. */
const validRecord = {
  id: 'j-commit',
  definitionId: 'clinic-visit',
  definitionVersion: 2,
  patientRef: 'pt-commit',
  version: 1,
  lastSeq: 1,
  snapshot: { status: 'active', value: 'referral', context: {} },
  state: 'referral',
  phase: 'referral',
  status: 'active',
  createdAt: AT,
  updatedAt: AT,
};
const validEntry = { journeyId: 'j-commit', seq: 1, kind: 'start', type: 'journey.start', payload: {}, actor: actors.coordinator, at: AT, recordedAt: AT, from: null, to: 'referral', definitionVersion: 2 };
const validTimer = { journeyId: 'j-commit', key: 'machine:t', owner: 'machine', dueAt: Date.parse(T0), event: { type: 'xstate.after.t' } };
const validOutbox = { id: 'j-commit:1:0', journeyId: 'j-commit', kind: 'effect', type: 'visit.missed', payload: {}, createdAt: AT };
const validCommit = { journey: validRecord, expectedVersion: 0, entry: validEntry, timersToSet: [validTimer], timersToCancel: [], outbox: [validOutbox] };
/** A commit with one field replaced, at the top or one level down. */
const nearlyCommit: fc.Arbitrary<Box> = fc.oneof(
  nearly(validCommit),
  nearly(validRecord).map((b) => ({ label: `journey.${b.label}`, value: () => ({ ...validCommit, journey: b.value() }) })),
  nearly(validEntry).map((b) => ({ label: `entry.${b.label}`, value: () => ({ ...validCommit, entry: b.value() }) })),
  nearly(validTimer).map((b) => ({ label: `timersToSet[0].${b.label}`, value: () => ({ ...validCommit, timersToSet: [b.value()] }) })),
  nearly(validOutbox).map((b) => ({ label: `outbox[0].${b.label}`, value: () => ({ ...validCommit, outbox: [b.value()] }) })),
);

const call = (name: string, run: (ctx: Ctx) => unknown): Call => ({ name, run, toString: () => name }) as Call;

const callArb: fc.Arbitrary<Call> = fc.oneof(
  fc.tuple(fc.oneof(anyValue, fc.constant<Box>({ label: 'the journey', value: () => 'KNOWN' })), nearly({ type: 'vitals.recorded', systolic: 120, diastolic: 80 }), nearly({ actor: actors.nurse, idempotencyKey: 'k-1', expectedVersion: 4 })).map(([id, event, options]) =>
    call(`send(${id.label}, ${event.label}, ${options.label})`, (c) => {
      const journeyId = id.value();
      return c.engine.send((journeyId === 'KNOWN' ? c.id : journeyId) as never, event.value() as never, options.value() as never);
    }),
  ),
  nearly({ patientRef: 'pt-2', input: {}, actor: actors.coordinator }).map((o) => call(`start(${o.label})`, (c) => c.engine.start(o.value() as never))),
  anyValue.map((id) => call(`get(${id.label})`, (c) => c.engine.get(id.value() as never))),
  anyValue.map((id) => call(`history(${id.label})`, (c) => c.engine.history(id.value() as never))),
  nearly({ phase: 'checkedIn', state: 'checkedIn', limit: 5, patientRef: 'pt-1', after: 'a', status: 'active' }).map((f) => call(`query(${f.label})`, (c) => c.engine.query(f.value() as never))),
  nearly({ limit: 3 }).map((o) => call(`runDue(${o.label})`, (c) => c.engine.runDue(o.value() as never))),
  nearly({ journeyId: 'j-1' }).map((o) => call(`recover(${o.label})`, (c) => c.engine.recover(o.value() as never))),
  fc.tuple(anyValue, fc.oneof(anyValue, fc.constant<Box>({ label: 'a function', value: () => () => undefined }))).map(([name, listener]) =>
    call(`on(${name.label}, ${listener.label})`, (c) => c.engine.on(name.value() as never, listener.value() as never)),
  ),
  fc.tuple(anyValue, anyValue).map(([name, listener]) => call(`off(${name.label}, ${listener.label})`, (c) => c.engine.off(name.value() as never, listener.value() as never))),
  nearly({ definition: visitJourney, store: new MemoryStore(), maxRetries: 2, limits: { maxDepth: 8 } }).map((o) => call(`createEngine(${o.label})`, () => createEngine(o.value() as never))),
  anyValue.map((v) => call(`new ManualClock(${v.label})`, () => new ManualClock(v.value() as never))),
  anyValue.map((v) => call(`clock.advance(${v.label})`, (c) => new ManualClock(c.clock.now()).advance(v.value() as never))),
  anyValue.map((v) => call(`clock.advanceTo(${v.label})`, (c) => new ManualClock(c.clock.now()).advanceTo(v.value() as never))),
  anyValue.map((v) => call(`toMillis(${v.label})`, () => toMillis(v.value() as never))),
  fc.tuple(anyValue, anyValue).map(([d, e]) => call(`replayJournal(${d.label}, ${e.label})`, () => replayJournal(d.value() as never, e.value() as never))),
  nearly({ name: 'p', setup: () => undefined }).map((o) => call(`definePlugin(${o.label})`, () => definePlugin(o.value() as never))),
  nearly({ journeyId: 'j-1', key: 'reminder', dueAt: Date.parse(T0) + 60_000, payload: { n: 1 } }).map((t) => call(`api.timers.schedule(${t.label})`, (c) => c.api.timers.schedule(t.value() as never))),
  fc.tuple(anyValue, anyValue).map(([j, k]) => call(`api.timers.cancel(${j.label}, ${k.label})`, (c) => c.api.timers.cancel(j.value() as never, k.value() as never))),
  anyValue.map((j) => call(`api.timers.list(${j.label})`, (c) => c.api.timers.list(j.value() as never))),
  anyValue.map((j) => call(`api.get(${j.label})`, (c) => c.api.get(j.value() as never))),
  fc.tuple(anyValue, nearly({ type: 'vitals.recorded', systolic: 120, diastolic: 80 }), nearly({ actor: actors.nurse })).map(([j, e, o]) =>
    call(`send(via api.send: ${j.label}, ${e.label}, ${o.label})`, (c) => c.api.send(j.value() as never, e.value() as never, o.value() as never)),
  ),
  nearly({ path: ':memory:', busyTimeoutMs: 10, synchronous: 'normal' }).map((o) => call(`new SqliteStore(${o.label})`, () => new SqliteStore(confined(o.value()) as never).close())),
  // createEngine with a generateId that returns or throws anything: start must refuse it.
  fc.tuple(anyValue, fc.boolean()).map(([v, throws]) =>
    call(`start with generateId ${throws ? 'throwing' : 'returning'} ${v.label}`, (c) => {
      const generateId = () => {
        if (throws) throw v.value();
        return v.value();
      };
      const engine = createEngine({ definition: visitJourney, store: c.store, clock: c.clock, generateId: generateId as () => string });
      return engine.start({ patientRef: 'pt-3', input: {}, actor: actors.coordinator });
    }),
  ),
  // The store's own methods, as a host may call them directly.
  fc.oneof(anyValue, fc.constant<Box>({ label: 'the journey', value: () => 'KNOWN' })).map((j) =>
    call(`store.load(${j.label})`, (c) => storeCall(c, 'load', j.value() === 'KNOWN' ? c.id : j.value())),
  ),
  fc.tuple(anyValue, nearly({ fromSeq: 2, limit: 2 })).map(([j, o]) => call(`store.readJournal(${j.label}, ${o.label})`, (c) => storeCall(c, 'readJournal', j.value(), o.value()))),
  fc.tuple(anyValue, anyValue).map(([j, k]) => call(`store.findIdempotencyKey(${j.label}, ${k.label})`, (c) => storeCall(c, 'findIdempotencyKey', j.value(), k.value()))),
  anyValue.map((j) => call(`store.listTimers(${j.label})`, (c) => storeCall(c, 'listTimers', j.value()))),
  fc.tuple(anyValue, anyValue).map(([n, l]) => call(`store.dueTimers(${n.label}, ${l.label})`, (c) => storeCall(c, 'dueTimers', n.value(), l.value()))),
  fc.tuple(anyValue, anyValue).map(([l, j]) => call(`store.pendingOutbox(${l.label}, ${j.label})`, (c) => storeCall(c, 'pendingOutbox', l.value(), j.value()))),
  fc.oneof(anyValue, fc.array(anyValue, { maxLength: 3 }).map((boxes) => ({ label: `[${boxes.map((b) => b.label).join(', ')}]`, value: () => boxes.map((b) => b.value()) }))).map((ids) =>
    call(`store.markDelivered(${ids.label})`, (c) => storeCall(c, 'markDelivered', ids.value())),
  ),
  nearly({ phase: 'checkedIn', state: 'checkedIn', limit: 5, patientRef: 'pt-1', after: 'a', status: 'active' }).map((f) => call(`store.query(${f.label})`, (c) => storeCall(c, 'query', f.value()))),
  anyValue.map((r) => call(`store.loadProtocol(${r.label})`, (c) => storeCall(c, 'loadProtocol', r.value()))),
  nearlyCommit.map((commit) => call(`store.commit(${commit.label})`, (c) => storeCall(c, 'commit', commit.value()))),
  nearly({ deliveredBefore: new Date(Date.parse(T0)) }).map((o) => call(`store.pruneDelivered(${o.label})`, (c) => storeCall(c, 'pruneDelivered', o.value()))),
  anyValue.map((p) => call(`store.backup(${p.label})`, (c) => storeCall(c, 'backup', confinedBackupPath(p.value())))),
);

async function dump(store: JourneyStore, id: string) {
  const start = (await store.readJournal(id, { limit: 1 }))[0];
  return {
    protocol: await store.loadProtocol(start?.payload['protocolRef'] as string),
    record: await store.load(id),
    journal: await store.readJournal(id),
    timers: await store.listTimers(id),
    outbox: await store.pendingOutbox(1000),
    journeys: (await store.query({})).length,
  };
}

describe.each([
  ['MemoryStore', () => new MemoryStore()],
  ['SqliteStore', () => new SqliteStore({ path: tempDbPath() })],
] as const)('the public API on %s, with arbitrary and hostile arguments', (_name, makeStore) => {
  it('answers with a result or a CareJourneyError; a refusal changes nothing; Object.prototype is untouched', async () => {
    const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
    const store = makeStore();
    const clock = new ManualClock(T0);
    let api!: PluginApi;
    const capture = definePlugin({ name: 'capture', setup: (given) => void (api = given) });
    const engine = createEngine({ definition: visitJourney, store, clock, plugins: [capture] });
    const { id } = await engine.start({ journeyId: 'j-1', patientRef: 'pt-1', input: {}, actor: actors.coordinator });
    await engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician });
    await engine.send(id, { type: 'visit.book', slot: '2026-01-06T10:00:00Z' }, { actor: actors.coordinator });
    await engine.send(id, { type: 'patient.arrived' }, { actor: actors.nurse });
    const ctx: Ctx = { engine, api, clock, id, store };
    backups = 0;
    lastBackup = '';
    const outcomes = { results: 0, refusals: 0 };
    await fc.assert(
      fc.asyncProperty(callArb, async (c) => {
        const before = await dump(store, id);
        let threw: unknown;
        let value: unknown;
        try {
          value = await c.run(ctx);
        } catch (error) {
          threw = error;
        }
        if (threw !== undefined) {
          expect(isCareJourneyError(threw), `${c.name} threw ${String(threw)}`).toBe(true);
          expect((threw as Error).message).toMatch(/\[CJ_ERR_[A-Z_]+\]$/);
        }
        const refused = threw !== undefined || (c.name.startsWith('send(') && (value as { ok: boolean }).ok === false);
        // Plugin timers change the store on success; only refusals must leave it as it was.
        if (refused) {
          outcomes.refusals++;
          expect(await dump(store, id), `${c.name} refused yet changed the store`).toEqual(before);
        } else {
          outcomes.results++;
        }
      }),
      { numRuns: 2000 },
    );
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    // Both kinds of outcome were reached.
    expect(outcomes.results).toBeGreaterThan(20);
    expect(outcomes.refusals).toBeGreaterThan(100);
    await (store as JourneyStore).close?.();
  });
});
