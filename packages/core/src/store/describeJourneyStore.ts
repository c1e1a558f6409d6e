import { afterEach, describe, expect, it } from 'vitest';
import { isCareJourneyError } from '../errors.js';
import type { JourneyCommit, JourneyStore } from './JourneyStore.js';
import type { ProtocolRecord } from './protocolRecord.js';
import type { JournalEntry, JourneyRecord, OutboxItem, TimerRow } from './records.js';

/**
 * How the conformance suite gets stores.
 *
 * @example
 * ```ts
 * import { describeJourneyStore } from '@carejourney/core/testing';
 *
 * describeJourneyStore('MyStore', {
 *   create: () => new MyStore({ url: testUrl() }),
 *   reopen: async (store) => {
 *     await store.close?.();
 *     return new MyStore({ url: testUrl() }); // same data, new instance: a restart
 *   },
 * });
 * ```
 */
export interface StoreHarness {
  /** A new, empty store. */
  create(): JourneyStore | Promise<JourneyStore>;
  /**
   * Closes the store and opens it again over the same data (a restart). Omit for stores that
   * do not outlive their process, such as MemoryStore.
   */
  reopen?(store: JourneyStore): JourneyStore | Promise<JourneyStore>;
}

const T0 = Date.parse('2026-01-05T09:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function record(id: string, version: number, over: Partial<JourneyRecord> = {}): JourneyRecord {
  return {
    id,
    definitionId: 'conformance',
    definitionVersion: 1,
    patientRef: `pt-${id}`,
    version,
    lastSeq: version,
    snapshot: { status: 'active', value: { treatment: 'induction' }, context: { n: version, note: 'ünïcødé ✓' }, historyValue: {}, children: {} },
    state: 'treatment.induction',
    phase: 'treatment',
    status: 'active',
    createdAt: iso(T0),
    updatedAt: iso(T0 + version),
    ...over,
  };
}

function entry(journeyId: string, seq: number, type = 'ev'): JournalEntry {
  return {
    journeyId,
    seq,
    kind: seq === 1 ? 'start' : 'event',
    type,
    payload: { seq, nested: { list: [1, 'two', null] } },
    actor: { id: 'u-1', role: 'nurse' },
    at: iso(T0 + seq * 1000),
    recordedAt: iso(T0 + seq * 1000),
    from: seq === 1 ? null : 'a',
    to: 'b',
    definitionVersion: 1,
  };
}

function timer(journeyId: string, key: string, dueAt: number): TimerRow {
  return { journeyId, key, owner: 'machine', dueAt, event: { type: `xstate.after.${key}` } };
}

function outbox(journeyId: string, version: number, n = 1): OutboxItem[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${journeyId}:${version}:${i}`,
    journeyId,
    kind: 'effect' as const,
    type: 'safety.alert',
    payload: { i },
    createdAt: iso(T0 + version),
  }));
}

function protocolRecord(n: number, protocol: Record<string, unknown> = { timeZone: 'Europe/Berlin', routes: { iv: { observationMinutes: 60 + n, limits: [140, 90] } }, note: 'ünïcødé ✓' }): ProtocolRecord {
  return { ref: `sha256:${n.toString(16).padStart(64, '0')}`, definitionId: 'conformance', protocol, createdAt: iso(T0 + n) };
}

function commitOf(id: string, version: number, over: Partial<JourneyCommit> = {}): JourneyCommit {
  return {
    journey: record(id, version),
    expectedVersion: version - 1,
    entry: entry(id, version),
    timersToSet: [],
    timersToCancel: [],
    outbox: outbox(id, version),
    ...over,
  };
}

async function expectConflict(p: Promise<unknown>): Promise<void> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isCareJourneyError(error, 'CJ_ERR_CONFLICT'), `expected CJ_ERR_CONFLICT, got ${String(error)}`).toBe(true);
}

/** Runs a change to a value a store handed out: a frozen value refuses it, which is as good. */
function attempt(change: () => void): void {
  try {
    change();
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
  }
}

/** Everything a store holds about one journey, for "nothing changed" checks. */
async function dump(store: JourneyStore, id: string) {
  return {
    record: await store.load(id),
    journal: await store.readJournal(id),
    timers: await store.listTimers(id),
    outbox: await store.pendingOutbox(1000, id),
  };
}

/**
 * The conformance suite every `JourneyStore` must pass. Call it inside a vitest test file.
 *
 * @example
 * ```ts
 * import { describeJourneyStore } from '@carejourney/core/testing';
 * describeJourneyStore('SqliteStore', { create: () => new SqliteStore({ path: tmpFile() }) });
 * ```
 */
export function describeJourneyStore(name: string, harness: StoreHarness): void {
  describe(`JourneyStore conformance: ${name}`, () => {
    const open: JourneyStore[] = [];
    const make = async () => {
      const s = await harness.create();
      open.push(s);
      return s;
    };
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close?.();
    });

    it('returns undefined for an unknown journey and empty lists for it', async () => {
      const store = await make();
      expect(await store.load('nope')).toBeUndefined();
      expect(await store.readJournal('nope')).toEqual([]);
      expect(await store.listTimers('nope')).toEqual([]);
      expect(await store.findIdempotencyKey('nope', 'k')).toBeUndefined();
    });

    it('creates a journey with expectedVersion 0 and reads back exactly what was written', async () => {
      const store = await make();
      const c = commitOf('j1', 1, { timersToSet: [timer('j1', 'machine:a', T0 + 5000)] });
      await store.commit(c);
      expect(await store.load('j1')).toEqual(c.journey);
      expect(await store.readJournal('j1')).toEqual([c.entry]);
      expect(await store.listTimers('j1')).toEqual(c.timersToSet);
      expect(await store.pendingOutbox(10, 'j1')).toEqual(c.outbox);
    });

    it('refuses a second create of the same id and changes nothing', async () => {
      const store = await make();
      await store.commit(commitOf('j1', 1));
      const before = await dump(store, 'j1');
      await expectConflict(store.commit(commitOf('j1', 1, { outbox: outbox('j1', 99) })));
      expect(await dump(store, 'j1')).toEqual(before);
    });

    it('refuses a stale expected version, all or nothing', async () => {
      const store = await make();
      await store.commit(commitOf('j1', 1));
      await store.commit(commitOf('j1', 2));
      const before = await dump(store, 'j1');
      const stale = commitOf('j1', 2, { timersToSet: [timer('j1', 'machine:x', T0)], outbox: outbox('j1', 50) });
      await expectConflict(store.commit(stale));
      expect(await dump(store, 'j1')).toEqual(before);
    });

    it('refuses a commit to a journey that does not exist', async () => {
      const store = await make();
      await expectConflict(store.commit(commitOf('ghost', 3)));
      expect(await store.load('ghost')).toBeUndefined();
    });

    it('rejects a commit whose version is not expectedVersion + 1', async () => {
      const store = await make();
      const bad = { ...commitOf('j1', 1), journey: record('j1', 5) };
      await expect(store.commit(bad)).rejects.toMatchObject({ code: 'CJ_ERR_STORE' });
      expect(await store.load('j1')).toBeUndefined();
    });

    it('lets exactly one of two racing commits with the same expected version win', async () => {
      const store = await make();
      await store.commit(commitOf('j1', 1));
      const a = commitOf('j1', 2, { entry: entry('j1', 2, 'a'), outbox: [{ ...outbox('j1', 2)[0]!, id: 'a' }] });
      const b = commitOf('j1', 2, { entry: entry('j1', 2, 'b'), outbox: [{ ...outbox('j1', 2)[0]!, id: 'b' }] });
      const results = await Promise.allSettled([store.commit(a), store.commit(b)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(isCareJourneyError(rejected.reason, 'CJ_ERR_CONFLICT')).toBe(true);
      const journal = await store.readJournal('j1');
      expect(journal).toHaveLength(2);
      expect((await store.pendingOutbox(10, 'j1')).map((o) => o.id).filter((id) => id === 'a' || id === 'b')).toHaveLength(1);
    });

    it('records idempotency keys and refuses a reused key without changing anything', async () => {
      const store = await make();
      await store.commit(commitOf('j1', 1));
      await store.commit(commitOf('j1', 2, { idempotencyKey: 'key-1' }));
      expect(await store.findIdempotencyKey('j1', 'key-1')).toBe(2);
      expect(await store.findIdempotencyKey('j1', 'key-2')).toBeUndefined();
      expect(await store.findIdempotencyKey('other', 'key-1')).toBeUndefined();
      const before = await dump(store, 'j1');
      await expectConflict(store.commit(commitOf('j1', 3, { idempotencyKey: 'key-1' })));
      expect(await dump(store, 'j1')).toEqual(before);
    });

    it('scopes idempotency keys to their journey', async () => {
      const store = await make();
      await store.commit(commitOf('j1', 1, { idempotencyKey: 'same' }));
      await store.commit(commitOf('j2', 1, { idempotencyKey: 'same' }));
      expect(await store.findIdempotencyKey('j1', 'same')).toBe(1);
      expect(await store.findIdempotencyKey('j2', 'same')).toBe(1);
    });

    it('keeps the journal in seq order and pages it', async () => {
      const store = await make();
      for (let v = 1; v <= 6; v++) await store.commit(commitOf('j1', v));
      const all = await store.readJournal('j1');
      expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
      expect((await store.readJournal('j1', { fromSeq: 3 })).map((e) => e.seq)).toEqual([3, 4, 5, 6]);
      expect((await store.readJournal('j1', { fromSeq: 2, limit: 2 })).map((e) => e.seq)).toEqual([2, 3]);
    });

    it('accepts commits without a journal entry (timer-only changes)', async () => {
      const store = await make();
      await store.commit(commitOf('j1', 1));
      const { entry: _e, ...rest } = commitOf('j1', 2, { timersToSet: [timer('j1', 'plugin:p:k', T0)], outbox: [] });
      await store.commit(rest);
      expect(await store.readJournal('j1')).toHaveLength(1);
      expect((await store.load('j1'))?.version).toBe(2);
      expect(await store.listTimers('j1')).toHaveLength(1);
    });

    it('sets, replaces and cancels timers; cancel runs before set in one commit', async () => {
      const store = await make();
      await store.commit(commitOf('j1', 1, { timersToSet: [timer('j1', 'machine:a', T0 + 10), timer('j1', 'machine:b', T0 + 20)] }));
      await store.commit(
        commitOf('j1', 2, {
          timersToCancel: ['machine:a', 'machine:b', 'machine:missing'],
          timersToSet: [timer('j1', 'machine:a', T0 + 30)],
        }),
      );
      expect(await store.listTimers('j1')).toEqual([timer('j1', 'machine:a', T0 + 30)]);
    });

    it('lists due timers across journeys, earliest first, up to a limit, never early', async () => {
      const store = await make();
      await store.commit(commitOf('j1', 1, { timersToSet: [timer('j1', 'machine:late', T0 + 300), timer('j1', 'machine:first', T0 + 100)] }));
      await store.commit(commitOf('j2', 1, { timersToSet: [timer('j2', 'machine:mid', T0 + 200)] }));
      expect(await store.dueTimers(T0 + 99, 10)).toEqual([]);
      expect((await store.dueTimers(T0 + 200, 10)).map((t) => t.key)).toEqual(['machine:first', 'machine:mid']);
      expect((await store.dueTimers(T0 + 1000, 2)).map((t) => t.key)).toEqual(['machine:first', 'machine:mid']);
      expect(await store.dueTimers(T0 + 1000, 10)).toHaveLength(3);
    });

    it('orders timers and journeys by code point (the byte order of their UTF-8), not by UTF-16 unit', async () => {
      const store = await make();
      // U+FF01 comes before U+1F600 by code point; JavaScript's < puts the surrogate pair first.
      const [wide, emoji] = ['\uFF01', '\u{1F600}'];
      await store.commit(commitOf(`j-${emoji}`, 1, { timersToSet: [timer(`j-${emoji}`, `machine:${emoji}`, T0 + 10), timer(`j-${emoji}`, `machine:${wide}`, T0 + 10)] }));
      await store.commit(commitOf(`j-${wide}`, 1, { timersToSet: [timer(`j-${wide}`, 'machine:a', T0 + 10)] }));
      expect((await store.listTimers(`j-${emoji}`)).map((t) => t.key)).toEqual([`machine:${wide}`, `machine:${emoji}`]);
      expect((await store.dueTimers(T0 + 10, 10)).map((t) => [t.journeyId, t.key])).toEqual([
        [`j-${wide}`, 'machine:a'],
        [`j-${emoji}`, `machine:${wide}`],
        [`j-${emoji}`, `machine:${emoji}`],
      ]);
      expect((await store.query({})).map((r) => r.id)).toEqual([`j-${wide}`, `j-${emoji}`]);
      expect((await store.query({ after: `j-${wide}` })).map((r) => r.id)).toEqual([`j-${emoji}`]);
    });

    it('keeps plugin timer payloads as JSON', async () => {
      const store = await make();
      const row: TimerRow = { journeyId: 'j1', key: 'plugin:reminders:r1', owner: 'reminders', dueAt: T0, payload: { channel: 'sms', at: [1, 2] } };
      await store.commit(commitOf('j1', 1, { timersToSet: [row] }));
      expect(await store.listTimers('j1')).toEqual([row]);
    });

    it('keeps undelivered outbox items in order until marked delivered', async () => {
      const store = await make();
      await store.commit(commitOf('j1', 1, { outbox: outbox('j1', 1, 3) }));
      await store.commit(commitOf('j2', 1, { outbox: outbox('j2', 1, 1) }));
      expect((await store.pendingOutbox(10)).map((o) => o.id)).toEqual(['j1:1:0', 'j1:1:1', 'j1:1:2', 'j2:1:0']);
      expect((await store.pendingOutbox(2)).map((o) => o.id)).toEqual(['j1:1:0', 'j1:1:1']);
      expect((await store.pendingOutbox(10, 'j2')).map((o) => o.id)).toEqual(['j2:1:0']);
      await store.markDelivered(['j1:1:1', 'unknown-id']);
      expect((await store.pendingOutbox(10)).map((o) => o.id)).toEqual(['j1:1:0', 'j1:1:2', 'j2:1:0']);
      await store.markDelivered(['j1:1:0', 'j1:1:2', 'j2:1:0']);
      expect(await store.pendingOutbox(10)).toEqual([]);
    });

    it('refuses a commit that reuses an outbox id, changing nothing', async () => {
      const store = await make();
      await store.commit(commitOf('j1', 1));
      const before = await dump(store, 'j1');
      const error = await store.commit(commitOf('j1', 2, { outbox: outbox('j1', 1) })).then(() => undefined, (e: unknown) => e);
      expect(isCareJourneyError(error, 'CJ_ERR_CONFLICT')).toBe(true);
      expect(await dump(store, 'j1')).toEqual(before);
    });

    it('queries journeys by patientRef, phase, state path, status, with paging', async () => {
      const store = await make();
      await store.commit(commitOf('a', 1, { journey: record('a', 1, { patientRef: 'pt-x', phase: 'intake', state: 'intake.screening', status: 'active' }) }));
      await store.commit(commitOf('b', 1, { journey: record('b', 1, { patientRef: 'pt-x', phase: 'treatment', state: 'treatment.course.induction|treatment.therapy.active' }) }));
      await store.commit(commitOf('c', 1, { journey: record('c', 1, { patientRef: 'pt-y', phase: 'closed', state: 'closed', status: 'done' }) }));
      const ids = async (q: Parameters<JourneyStore['query']>[0]) => (await store.query(q)).map((r) => r.id);
      expect(await ids({ patientRef: 'pt-x' })).toEqual(['a', 'b']);
      expect(await ids({ phase: 'treatment' })).toEqual(['b']);
      expect(await ids({ state: 'treatment.therapy' })).toEqual(['b']);
      expect(await ids({ state: 'treatment.course.induction' })).toEqual(['b']);
      expect(await ids({ state: 'treatment.course.induct' })).toEqual([]);
      expect(await ids({ state: 'intake' })).toEqual(['a']);
      expect(await ids({ status: 'done' })).toEqual(['c']);
      expect(await ids({ patientRef: 'pt-x', phase: 'intake' })).toEqual(['a']);
      expect(await ids({ limit: 2 })).toEqual(['a', 'b']);
      expect(await ids({ after: 'a', limit: 5 })).toEqual(['b', 'c']);
      expect(await ids({})).toEqual(['a', 'b', 'c']);
      // Lists never carry snapshots: a summary is the record without it.
      const { snapshot: _snapshot, ...summary } = record('a', 1, { patientRef: 'pt-x', phase: 'intake', state: 'intake.screening', status: 'active' });
      expect(await store.query({ patientRef: 'pt-x', phase: 'intake' })).toEqual([summary]);
    });

    it('hands out copies: mutating what was passed in or read back changes nothing stored', async () => {
      const store = await make();
      const c = commitOf('j1', 1, { timersToSet: [timer('j1', 'machine:a', T0)] });
      await store.commit(c);
      (c.journey.snapshot as { context: { n: number } }).context.n = 999;
      const loaded = await store.load('j1');
      // A store may hand out frozen values instead of copies: then the change throws.
      attempt(() => ((loaded!.snapshot as { context: { n: number } }).context.n = 777));
      const journal = await store.readJournal('j1');
      attempt(() => ((journal[0]!.payload as { seq: number }).seq = 555));
      const again = await store.load('j1');
      expect((again!.snapshot as { context: { n: number } }).context.n).toBe(1);
      expect((await store.readJournal('j1'))[0]!.payload).toEqual({ seq: 1, nested: { list: [1, 'two', null] } });
    });

    it('keeps the protocols a commit brings, once per ref, and reads them back', async () => {
      const store = await make();
      const [p1, p2] = [protocolRecord(1), protocolRecord(2)];
      expect(await store.loadProtocol(p1.ref)).toBeUndefined();
      await store.commit(commitOf('j1', 1, { protocols: [p1, p2] }));
      expect(await store.loadProtocol(p1.ref)).toEqual(p1);
      expect(await store.loadProtocol(p2.ref)).toEqual(p2);
      expect(await store.loadProtocol(protocolRecord(3).ref)).toBeUndefined();
      // A ref names its content: a later commit bringing the same ref never overwrites it.
      const other = { ...p1, protocol: { changed: true }, createdAt: iso(T0 + 999) };
      await store.commit(commitOf('j2', 1, { protocols: [other] }));
      await store.commit(commitOf('j1', 2, { protocols: [other, p2] }));
      expect(await store.loadProtocol(p1.ref)).toEqual(p1);
      expect((await store.load('j2'))?.version).toBe(1);
      expect((await store.load('j1'))?.version).toBe(2);
    });

    it('keeps no protocol of a refused commit', async () => {
      const store = await make();
      await store.commit(commitOf('j1', 1));
      await expectConflict(store.commit(commitOf('j1', 1, { protocols: [protocolRecord(4)] })));
      await expect(store.commit({ ...commitOf('j1', 2, { protocols: [protocolRecord(5)] }), journey: record('j1', 9) })).rejects.toMatchObject({ code: 'CJ_ERR_STORE' });
      expect(await store.loadProtocol(protocolRecord(4).ref)).toBeUndefined();
      expect(await store.loadProtocol(protocolRecord(5).ref)).toBeUndefined();
    });

    it('hands out protocols as copies', async () => {
      const store = await make();
      const p = protocolRecord(6);
      await store.commit(commitOf('j1', 1, { protocols: [p] }));
      (p.protocol as { note: string }).note = 'changed by the caller';
      const loaded = await store.loadProtocol(p.ref);
      attempt(() => ((loaded!.protocol as { note: string }).note = 'changed by a reader'));
      expect(await store.loadProtocol(p.ref)).toEqual(protocolRecord(6));
    });

    if (harness.reopen) {
      const reopen = harness.reopen;
      it('keeps everything it acknowledged across a restart', async () => {
        const store = await harness.create();
        await store.commit(commitOf('j1', 1, { timersToSet: [timer('j1', 'machine:a', T0 + 5)], idempotencyKey: 'k', protocols: [protocolRecord(7)] }));
        await store.commit(commitOf('j1', 2, { outbox: outbox('j1', 2, 2) }));
        await store.markDelivered(['j1:1:0']);
        const before = await dump(store, 'j1');
        const reopened = await reopen(store);
        open.push(reopened);
        expect(await dump(reopened, 'j1')).toEqual(before);
        expect(await reopened.findIdempotencyKey('j1', 'k')).toBe(1);
        expect(await reopened.loadProtocol(protocolRecord(7).ref)).toEqual(protocolRecord(7));
        expect((await reopened.dueTimers(T0 + 5, 10)).map((t) => t.key)).toEqual(['machine:a']);
      });
    }
  });
}
