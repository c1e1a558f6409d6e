// A host may call a store's JourneyStore methods directly. On both stores a bad argument is
// refused with CJ_ERR_INVALID_INPUT naming the store, the method, the argument and its rule
// (never a raw TypeError or RangeError, whatever the value), and the refusal changes nothing.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createEngine, isCareJourneyError, ManualClock, MemoryStore, type CareJourneyError, type JourneyCommit, type JourneyStore, type ProtocolRecord } from '@carejourney/core';
import { actors, visitJourney } from '../../core/test/fixtures/visitJourney.js';
import { SqliteStore } from '../src/index.js';
import { removeTempDbs, tempDbPath } from './helpers/tempDb.js';

afterAll(removeTempDbs);
const open: JourneyStore[] = [];
afterEach(async () => {
  for (const store of open.splice(0).reverse()) await store.close?.();
});

const T0 = Date.parse('2026-01-05T09:00:00Z');
const ID = 'j-1';

const trap = () => {
  throw new Error('trap');
};
const throwingProxy = new Proxy({}, { get: trap, ownKeys: trap, getPrototypeOf: trap, has: trap, getOwnPropertyDescriptor: trap });
const revoked = Proxy.revocable({}, {});
revoked.revoke();
let deep: unknown = 0;
for (let i = 0; i < 50_000; i++) deep = [deep];
const cyclic: Record<string, unknown> = {};
cyclic['self'] = cyclic;

/** A booked visit with a pending timer and an undelivered outbox item: something to change. */
async function seeded(makeStore: () => JourneyStore) {
  const store = makeStore();
  open.push(store);
  const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0) });
  await engine.start({ journeyId: ID, patientRef: 'pt-1', input: {}, actor: actors.coordinator });
  await engine.send(ID, { type: 'consent.recorded' }, { actor: actors.physician });
  await engine.send(ID, { type: 'visit.book', slot: '2026-01-05T10:00:00Z' }, { actor: actors.coordinator });
  const record = (await store.load(ID))!;
  // An undelivered item, as after a crash between commit and delivery.
  await store.commit({
    journey: { ...record, version: record.version + 1 },
    expectedVersion: record.version,
    timersToSet: [],
    timersToCancel: [],
    outbox: [{ id: `${ID}:x`, journeyId: ID, kind: 'effect', type: 'visit.missed', payload: {}, createdAt: new Date(T0).toISOString() }],
  });
  return store;
}

/** A protocol no seeded store holds: a refused commit that brings it must not store it. */
const PROBE_PROTOCOL: ProtocolRecord = { ref: `sha256:${'ab'.repeat(32)}`, definitionId: 'clinic-visit', protocol: { observationMinutes: 45 }, createdAt: new Date(T0).toISOString() };

async function dump(store: JourneyStore) {
  const start = (await store.readJournal(ID, { limit: 1 }))[0];
  return {
    protocol: await store.loadProtocol(start?.payload['protocolRef'] as string),
    probe: await store.loadProtocol(PROBE_PROTOCOL.ref),
    record: await store.load(ID),
    journal: await store.readJournal(ID),
    timers: await store.listTimers(ID),
    due: await store.dueTimers(Number.MAX_SAFE_INTEGER, 100),
    outbox: await store.pendingOutbox(100),
    journeys: await store.query({}),
  };
}

/** A valid next commit of the seeded journey, built from what the store holds. */
async function nextCommit(store: JourneyStore): Promise<JourneyCommit> {
  const record = (await store.load(ID))!;
  const at = new Date(T0).toISOString();
  return {
    journey: { ...record, version: record.version + 1, lastSeq: record.lastSeq + 1 },
    expectedVersion: record.version,
    entry: { journeyId: ID, seq: record.lastSeq + 1, kind: 'event', type: 'patient.arrived', payload: {}, actor: actors.nurse, at, recordedAt: at, from: record.state, to: record.state, definitionVersion: record.definitionVersion },
    timersToSet: [{ journeyId: ID, key: 'machine:t', owner: 'machine', dueAt: T0, event: { type: 'xstate.after.t' } }],
    timersToCancel: [],
    outbox: [{ id: `${ID}:next`, journeyId: ID, kind: 'effect', type: 'visit.missed', payload: { n: 1 }, createdAt: at }],
  };
}

type BadCall = readonly [label: string, call: (store: JourneyStore, commit: JourneyCommit) => Promise<unknown>, path: string];

const any = (store: JourneyStore) => store as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
const withOver = (commit: JourneyCommit, over: (c: JourneyCommit) => unknown) => over(commit);

const BAD_CALLS: BadCall[] = [
  ['load(undefined)', (s) => any(s).load!(undefined), 'journeyId'],
  ['load(Symbol)', (s) => any(s).load!(Symbol('id')), 'journeyId'],
  ['load(a revoked proxy)', (s) => any(s).load!(revoked.proxy), 'arguments'],
  ['load(a lone surrogate)', (s) => s.load('j-\uD800'), 'journeyId'],
  ['load("")', (s) => s.load(''), 'journeyId'],
  ['findIdempotencyKey(id, 42)', (s) => any(s).findIdempotencyKey!(ID, 42), 'key'],
  ['readJournal(id, null)', (s) => any(s).readJournal!(ID, null), 'options'],
  ['readJournal(id, { limit: -1 })', (s) => s.readJournal(ID, { limit: -1 }), 'options.limit'],
  ['readJournal(id, { fromSeq: NaN })', (s) => s.readJournal(ID, { fromSeq: Number.NaN }), 'options.fromSeq'],
  ['readJournal(id, { limit: 10n })', (s) => any(s).readJournal!(ID, { limit: 10n }), 'options.limit'],
  ['readJournal(id, a proxy whose traps throw)', (s) => any(s).readJournal!(ID, throwingProxy), 'arguments'],
  ['listTimers(null)', (s) => any(s).listTimers!(null), 'journeyId'],
  ['listTimers(a deep array)', (s) => any(s).listTimers!(deep), 'journeyId'],
  ['dueTimers(NaN, 10)', (s) => s.dueTimers(Number.NaN, 10), 'now'],
  ['dueTimers(Infinity, 10)', (s) => s.dueTimers(Number.POSITIVE_INFINITY, 10), 'now'],
  ['dueTimers(now, -1)', (s) => s.dueTimers(T0, -1), 'limit'],
  ['dueTimers(now, 1.5)', (s) => s.dueTimers(T0, 1.5), 'limit'],
  ['dueTimers(now, a BigInt)', (s) => any(s).dueTimers!(T0, 10n), 'limit'],
  ['pendingOutbox("10")', (s) => any(s).pendingOutbox!('10'), 'limit'],
  ['pendingOutbox(10, 42)', (s) => any(s).pendingOutbox!(10, 42), 'journeyId'],
  ['markDelivered(null)', (s) => any(s).markDelivered!(null), 'ids'],
  ['markDelivered("j-1:x")', (s) => any(s).markDelivered!(`${ID}:x`), 'ids'],
  ['markDelivered([a Symbol])', (s) => any(s).markDelivered!([Symbol('x')]), 'ids[0]'],
  ['markDelivered([a lone surrogate])', (s) => s.markDelivered(['\uDC00']), 'ids[0]'],
  ['markDelivered(a deep array)', (s) => any(s).markDelivered!(deep), 'ids[0]'],
  ['loadProtocol(undefined)', (s) => any(s).loadProtocol!(undefined), 'ref'],
  ['loadProtocol(42)', (s) => any(s).loadProtocol!(42), 'ref'],
  ['loadProtocol(a Symbol)', (s) => any(s).loadProtocol!(Symbol('ref')), 'ref'],
  ['loadProtocol("")', (s) => s.loadProtocol(''), 'ref'],
  ['loadProtocol(a lone surrogate)', (s) => s.loadProtocol('sha256:\uD800'), 'ref'],
  ['loadProtocol(a deep array)', (s) => any(s).loadProtocol!(deep), 'ref'],
  ['loadProtocol(a revoked proxy)', (s) => any(s).loadProtocol!(revoked.proxy), 'arguments'],
  ['query(null)', (s) => any(s).query!(null), 'filter'],
  ['query({ phase: 5 })', (s) => any(s).query!({ phase: 5 }), 'filter.phase'],
  ['query({ status: "asleep" })', (s) => any(s).query!({ status: 'asleep' }), 'filter.status'],
  ['query({ limit: NaN })', (s) => s.query({ limit: Number.NaN }), 'filter.limit'],
  ['query({ unknown: 1 })', (s) => any(s).query!({ unknown: 1 }), 'filter'],
  ['query(a null-prototype object with a bad field)', (s) => any(s).query!(Object.assign(Object.create(null) as object, { after: 10n })), 'filter.after'],
  ['commit(null)', (s) => any(s).commit!(null), 'commit'],
  ['commit(a revoked proxy)', (s) => any(s).commit!(revoked.proxy), 'commit'],
  ['commit(a proxy whose traps throw)', (s) => any(s).commit!(throwingProxy), 'commit'],
  ['commit without timersToSet', (s, c) => any(s).commit!(withOver(c, ({ timersToSet: _t, ...rest }) => rest)), 'commit.timersToSet'],
  ['commit with a version that is not a number', (s, c) => any(s).commit!({ ...c, journey: { ...c.journey, version: '5' } }), 'commit.journey.version'],
  ['commit with a NaN expectedVersion', (s, c) => any(s).commit!({ ...c, expectedVersion: Number.NaN }), 'commit.expectedVersion'],
  ['commit with an entry payload that is an array', (s, c) => any(s).commit!({ ...c, entry: { ...c.entry!, payload: ['x'] } }), 'commit.entry.payload'],
  ['commit with a timer due at NaN', (s, c) => any(s).commit!({ ...c, timersToSet: [{ ...c.timersToSet[0]!, dueAt: Number.NaN }] }), 'commit.timersToSet[0].dueAt'],
  ['commit with an outbox item of an unknown kind', (s, c) => any(s).commit!({ ...c, outbox: [{ ...c.outbox[0]!, kind: 'teleport' }] }), 'commit.outbox[0].kind'],
  ['commit with a BigInt in the snapshot', (s, c) => any(s).commit!({ ...c, journey: { ...c.journey, snapshot: { ...(c.journey.snapshot as object), n: 10n } } }), 'commit.journey.snapshot'],
  ['commit with a cycle in the entry payload', (s, c) => any(s).commit!({ ...c, entry: { ...c.entry!, payload: cyclic } }), 'commit.entry.payload'],
  ['commit with a getter that throws in an outbox payload', (s, c) => any(s).commit!({ ...c, outbox: [{ ...c.outbox[0]!, payload: { get x() { return trap(); } } }] }), 'commit.outbox[0].payload'],
  ['commit with a proxy as a timer event', (s, c) => any(s).commit!({ ...c, timersToSet: [{ ...c.timersToSet[0]!, event: throwingProxy }] }), 'commit.timersToSet[0].event'],
  ['commit with protocols that are not an array', (s, c) => any(s).commit!({ ...c, protocols: PROBE_PROTOCOL }), 'commit.protocols'],
  ['commit with a protocol whose ref is not a hash', (s, c) => any(s).commit!({ ...c, protocols: [PROBE_PROTOCOL, { ...PROBE_PROTOCOL, ref: 'v1' }] }), 'commit.protocols[1].ref'],
  ['commit with a protocol that is an array', (s, c) => any(s).commit!({ ...c, protocols: [{ ...PROBE_PROTOCOL, protocol: [1] }] }), 'commit.protocols[0].protocol'],
  ['commit with a protocol without definitionId', (s, c) => any(s).commit!({ ...c, protocols: [(({ definitionId: _d, ...rest }: ProtocolRecord) => rest)(PROBE_PROTOCOL)] }), 'commit.protocols[0].definitionId'],
  ['commit with a BigInt in a protocol', (s, c) => any(s).commit!({ ...c, protocols: [PROBE_PROTOCOL, { ...PROBE_PROTOCOL, ref: `sha256:${'cd'.repeat(32)}`, protocol: { n: 10n } }] }), 'commit.protocols[1].protocol'],
];

const STORES = [
  ['MemoryStore', () => new MemoryStore()],
  ['SqliteStore', () => new SqliteStore({ path: tempDbPath() })],
] as const;

describe.each(STORES)('%s refuses bad arguments of its JourneyStore methods', (name, makeStore) => {
  it.each(BAD_CALLS)('%s: CJ_ERR_INVALID_INPUT naming the argument and its rule, changing nothing', async (label, call, path) => {
    const store = await seeded(makeStore);
    const commit = await nextCommit(store);
    const before = await dump(store);
    let thrown: unknown;
    try {
      await call(store, commit);
    } catch (error) {
      thrown = error;
    }
    expect(isCareJourneyError(thrown, 'CJ_ERR_INVALID_INPUT'), `${label} threw ${String(thrown)}`).toBe(true);
    const error = thrown as CareJourneyError;
    expect(error.message).toMatch(new RegExp(`^${name}\\.\\w+ refused its arguments: `));
    expect(error.message).toMatch(/\[CJ_ERR_INVALID_INPUT\]$/);
    expect(error.details.issues?.[0]?.path).toBe(path);
    expect(await dump(store)).toEqual(before);
    // The valid commit still applies afterwards: nothing was half-written.
    await store.commit(commit);
    expect((await store.load(ID))?.version).toBe(commit.journey.version);
  });

  it('accepts the calls the engine and hosts make', async () => {
    const store = await seeded(makeStore);
    expect(await store.readJournal(ID)).toHaveLength(3);
    expect(await store.readJournal(ID, {})).toHaveLength(3);
    expect(await store.readJournal(ID, { fromSeq: 2, limit: 1 })).toHaveLength(1);
    expect(await store.readJournal(ID, { limit: 0 })).toEqual([]);
    expect(await store.readJournal('no-such-journey')).toEqual([]);
    expect(await store.pendingOutbox(10, undefined)).toHaveLength(1);
    expect(await store.pendingOutbox(0)).toEqual([]);
    expect(await store.dueTimers(-1, 10)).toEqual([]);
    expect(await store.dueTimers(Number.MAX_SAFE_INTEGER, 0)).toEqual([]);
    expect(await store.query({ phase: 'booked', limit: 5 })).toHaveLength(1);
    expect(await store.query(Object.assign(Object.create(null) as object, { patientRef: 'pt-1' }))).toHaveLength(1);
    expect(await store.findIdempotencyKey(ID, 'no-such-key')).toBeUndefined();
    await store.markDelivered([]);
    await store.markDelivered(['unknown-id', `${ID}:x`]);
    expect(await store.pendingOutbox(10)).toEqual([]);
  });
});

describe('SqliteStore.pruneDelivered and backup refuse bad arguments with CJ_ERR_INVALID_INPUT', () => {
  it.each([
    ['undefined', undefined, '(root)'],
    ['null', null, '(root)'],
    ['a Date', new Date(T0), 'deliveredBefore'],
    ['no deliveredBefore', {}, 'deliveredBefore'],
    ['an invalid Date', { deliveredBefore: new Date(Number.NaN) }, 'deliveredBefore'],
    ['a number', { deliveredBefore: T0 }, 'deliveredBefore'],
    ['a BigInt', { deliveredBefore: 10n }, 'deliveredBefore'],
    ['a Symbol', { deliveredBefore: Symbol('t') }, 'deliveredBefore'],
    ['words', { deliveredBefore: 'last tuesday' }, 'deliveredBefore'],
    ['a local time without an offset', { deliveredBefore: '2026-01-05T09:00:00' }, 'deliveredBefore'],
    ['a lone surrogate', { deliveredBefore: '2026-01-05T09:00:00Z\uD800' }, 'deliveredBefore'],
    ['an unknown option', { deliveredBefore: new Date(T0), all: true }, '(root)'],
    ['a revoked proxy', revoked.proxy, '(root)'],
    ['a proxy whose traps throw', throwingProxy, '(root)'],
    ['a getter that throws', { get deliveredBefore() { return trap(); } }, '(root)'],
    ['a Date whose getTime throws', { deliveredBefore: Object.assign(new Date(T0), { getTime: trap }) }, '(root)'],
  ])('pruneDelivered(%s)', async (_label, options, path) => {
    const store = await seeded(STORES[1][1]);
    await store.markDelivered([`${ID}:x`]);
    const before = await dump(store);
    const error = await (store as SqliteStore).pruneDelivered(options as never).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isCareJourneyError(error, 'CJ_ERR_INVALID_INPUT'), String(error)).toBe(true);
    expect((error as CareJourneyError).message).toMatch(/^SqliteStore\.pruneDelivered refused its options: /);
    expect((error as CareJourneyError).details.issues?.[0]?.path).toBe(path);
    expect(await dump(store)).toEqual(before);
    // A valid instant, as a Date or ISO text with an offset, still prunes.
    expect(await (store as SqliteStore).pruneDelivered({ deliveredBefore: '2999-01-01T00:00:00+01:00' })).toBeGreaterThan(0);
  });

  it.each([
    ['undefined', undefined],
    ['an empty path', ''],
    ['a NUL', 'a\u0000b'],
    ['a lone surrogate', `${tempDbPath()}\uD800`],
    ['a number', 42],
    ['a Symbol', Symbol('p')],
    ['a String object', Object('copy.db')],
    ['a revoked proxy', revoked.proxy],
    ['a path of 5000 characters', 'x'.repeat(5000)],
  ])('backup(%s)', async (_label, path) => {
    const store = (await seeded(STORES[1][1])) as SqliteStore;
    const error = await store.backup(path as never).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isCareJourneyError(error, 'CJ_ERR_INVALID_INPUT'), String(error)).toBe(true);
    expect((error as CareJourneyError).message).toMatch(/^SqliteStore\.backup refused its path: path: /);
    expect((error as CareJourneyError).details.issues?.[0]?.path).toBe('path');
  });
});
