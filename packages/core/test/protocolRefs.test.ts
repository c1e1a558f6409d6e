import { describe, expect, it } from 'vitest';
import {
  createEngine,
  defineJourney,
  ketamineAnxietyJourney,
  ManualClock,
  MemoryStore,
  protocolRefOf,
  replayJournal,
  type JourneyCommit,
  type JourneyStore,
  type PersistedSnapshot,
  type ProtocolRecord,
} from '../src/index.js';
import { actors, visitJourney, visitJourneyConfig } from './fixtures/visitJourney.js';
import { checkedInVisit, dump, must, T0 } from './helpers.js';

/** A MemoryStore that records every commit it is given and can be told to fail the next ones. */
class RecordingStore extends MemoryStore {
  readonly commits: JourneyCommit[] = [];
  failNext = 0;
  protocolReads = 0;
  override async commit(commit: JourneyCommit): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('disk full');
    }
    await super.commit(commit);
    this.commits.push(commit);
  }
  override async loadProtocol(ref: string): Promise<ProtocolRecord | undefined> {
    this.protocolReads++;
    return super.loadProtocol(ref);
  }
}

const contextOf = (snapshot: unknown) => (snapshot as PersistedSnapshot).context;

describe('protocols stored once, by the hash of their content', () => {
  it('snapshots, start entries and outbox items refer to the protocol; the store holds it once for every journey', async () => {
    const store = new RecordingStore();
    const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0), protocol: { observationMinutes: 90 } });
    const ref = protocolRefOf(engine.protocol);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await checkedInVisit(engine));
    // Only the first commit that referred to it brought it.
    expect(store.commits.filter((c) => c.protocols !== undefined).map((c) => c.protocols!.map((p) => p.ref))).toEqual([[ref]]);
    expect(await store.loadProtocol(ref)).toEqual({ ref, definitionId: visitJourney.id, protocol: engine.protocol, createdAt: T0 });
    for (const id of ids) {
      const { record, journal, outbox } = await dump(store, id);
      expect(contextOf(record!.snapshot)['protocol']).toEqual({ $protocolRef: ref });
      expect(journal[0]!.payload).toEqual({ patientRef: 'pt-1', input: {}, protocolRef: ref });
      // Nothing the store holds for the journey repeats the protocol's content.
      expect(JSON.stringify({ record, journal, outbox })).not.toContain('"observationMinutes"');
      // Hosts and plugins see the protocol itself.
      expect((await engine.get(id)).context.protocol).toEqual(engine.protocol);
    }
  });

  it('another engine over the same store reads the protocol once and acts on it', async () => {
    const store = new RecordingStore();
    const a = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0), protocol: { observationMinutes: 90 } });
    const id = await checkedInVisit(a);
    const b = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0) });
    expect(b.protocol).not.toEqual(a.protocol);
    const before = store.protocolReads;
    const view = await b.get(id);
    expect(view.context.protocol).toEqual(a.protocol);
    await must(b.send(id, { type: 'vitals.recorded', systolic: 120, diastolic: 80 }, { actor: actors.nurse }));
    await b.get(id);
    expect(store.protocolReads - before).toBe(1);
    // Its commits carry no protocol: it read the one referred to from the store.
    expect(store.commits.at(-1)?.protocols).toBeUndefined();
  });

  it('journeys started under different protocols keep theirs', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock(T0);
    const a = createEngine({ definition: visitJourney, store, clock, protocol: { observationMinutes: 90 } });
    const b = createEngine({ definition: visitJourney, store, clock, protocol: { observationMinutes: 45 } });
    const [ia, ib] = [await checkedInVisit(a), await checkedInVisit(b)];
    expect(protocolRefOf(a.protocol)).not.toBe(protocolRefOf(b.protocol));
    expect((await b.get(ia)).context.protocol.observationMinutes).toBe(90);
    expect((await a.get(ib)).context.protocol.observationMinutes).toBe(45);
  });

  it('a commit the store did not acknowledge brings the protocol again the next time', async () => {
    const store = new RecordingStore();
    const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0) });
    store.failNext = 1;
    await expect(engine.start({ patientRef: 'pt-1', input: {}, actor: actors.coordinator })).rejects.toThrow();
    const view = await engine.start({ patientRef: 'pt-2', input: {}, actor: actors.coordinator });
    expect(store.commits[0]?.protocols?.map((p) => p.ref)).toEqual([protocolRefOf(engine.protocol)]);
    expect((await engine.get(view.id)).context.protocol).toEqual(engine.protocol);
  });

  it('refuses to load a journey whose protocol is missing or was changed, changing nothing', async () => {
    for (const damage of ['missing', 'changed', 'malformed ref'] as const) {
      const inner = new MemoryStore();
      // b's own protocol is another one: it must read a's from the store.
      const a = createEngine({ definition: visitJourney, store: inner, clock: new ManualClock(T0), protocol: { observationMinutes: 90 } });
      const id = await checkedInVisit(a);
      const ref = protocolRefOf(a.protocol);
      const record = (await inner.load(id))!;
      const loadProtocol = async (asked: string): Promise<ProtocolRecord | undefined> => {
        const stored = await inner.loadProtocol(asked);
        if (damage === 'missing' || !stored) return undefined;
        return { ...stored, protocol: { ...stored.protocol, observationMinutes: 1 } };
      };
      const methods = ['load', 'commit', 'findIdempotencyKey', 'readJournal', 'listTimers', 'dueTimers', 'pendingOutbox', 'markDelivered', 'query'] as const;
      const store = { ...Object.fromEntries(methods.map((m) => [m, inner[m].bind(inner)])), loadProtocol } as unknown as JourneyStore;
      if (damage === 'malformed ref') {
        const snapshot = record.snapshot as PersistedSnapshot;
        await inner.commit({
          journey: { ...record, version: record.version + 1, snapshot: { ...snapshot, context: { ...snapshot.context, protocol: { $protocolRef: 'sha256:nope' } } } },
          expectedVersion: record.version,
          timersToSet: [],
          timersToCancel: [],
          outbox: [],
        });
      }
      const b = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0) });
      const before = await dump(inner, id);
      await expect(b.get(id), damage).rejects.toMatchObject({ code: 'CJ_ERR_CORRUPT_SNAPSHOT', message: expect.stringContaining('protocol') });
      const r = await b.send(id, { type: 'vitals.recorded', systolic: 120, diastolic: 80 }, { actor: actors.nurse });
      expect(r.ok || r.error.code, damage).toBe('CJ_ERR_CORRUPT_SNAPSHOT');
      expect(await dump(inner, id)).toEqual(before);
      expect(ref).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
  });

  it('a snapshot stored with the protocol inline (as before) loads, and its next commit refers to it', async () => {
    const store = new MemoryStore();
    const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0) });
    const id = await checkedInVisit(engine);
    const record = (await store.load(id))!;
    const snapshot = record.snapshot as PersistedSnapshot;
    // What a store of an older release holds: the protocol copied into the snapshot.
    await store.commit({
      journey: { ...record, version: record.version + 1, snapshot: { ...snapshot, context: { ...snapshot.context, protocol: engine.protocol } } },
      expectedVersion: record.version,
      timersToSet: [],
      timersToCancel: [],
      outbox: [],
    });
    const fresh = createEngine({ definition: visitJourney, store: new MemoryStore(), clock: new ManualClock(T0) });
    expect(fresh).toBeDefined();
    const other = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0) });
    expect((await other.get(id)).context.protocol).toEqual(engine.protocol);
    await must(other.send(id, { type: 'vitals.recorded', systolic: 120, diastolic: 80 }, { actor: actors.nurse }));
    expect(contextOf((await store.load(id))!.snapshot)['protocol']).toEqual({ $protocolRef: protocolRefOf(engine.protocol) });
  });

  it('a migration may change the protocol: the migrated journey refers to the new one, the old stays stored', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock(T0);
    const v2 = createEngine({ definition: visitJourney, store, clock });
    const id = await checkedInVisit(v2);
    const v3 = defineJourney({
      ...visitJourneyConfig,
      version: 3,
      migrations: {
        ...visitJourneyConfig.migrations,
        2: (snapshot: PersistedSnapshot) => {
          const protocol = snapshot.context['protocol'] as Record<string, unknown>;
          return { ...snapshot, context: { ...snapshot.context, protocol: { ...protocol, observationMinutes: 75 } } };
        },
      },
    });
    const engine = createEngine({ definition: v3, store, clock });
    expect((await engine.get(id)).context.protocol.observationMinutes).toBe(75);
    await must(engine.send(id, { type: 'vitals.recorded', systolic: 120, diastolic: 80 }, { actor: actors.nurse }));
    const migratedRef = protocolRefOf({ ...v2.protocol, observationMinutes: 75 });
    expect(contextOf((await store.load(id))!.snapshot)['protocol']).toEqual({ $protocolRef: migratedRef });
    expect((await store.loadProtocol(migratedRef))?.protocol).toMatchObject({ observationMinutes: 75 });
    expect((await store.loadProtocol(protocolRefOf(v2.protocol)))?.protocol).toEqual(v2.protocol);
    expect((await createEngine({ definition: v3, store, clock }).get(id)).context.protocol.observationMinutes).toBe(75);
  });

  it('protocols handed out are frozen: no host can change the protocol a ref names', async () => {
    const engine = createEngine({ definition: ketamineAnxietyJourney, store: new MemoryStore(), clock: new ManualClock(T0), protocol: { timeZone: 'UTC', acceptUnconfirmedDefaults: true } });
    const view = await engine.start({ patientRef: 'pt-1', actor: { id: 'c', role: 'coordinator' }, input: { referral: { source: 'professional', indication: 'panic' } } });
    const got = await engine.get(view.id);
    expect(engine.protocol.routes.iv.preDoseBpLimit.systolic).toBe(140);
    expect(Object.isFrozen(engine.protocol.routes.iv.preDoseBpLimit)).toBe(true);
    expect(() => ((got.context.protocol.routes.iv.preDoseBpLimit as { systolic: number }).systolic = 250)).toThrow(TypeError);
    expect((await engine.get(view.id)).context.protocol).toEqual(engine.protocol);
  });
});

describe('replayJournal with a protocol by reference', () => {
  it('needs the protocol the start entry names, and refuses another', async () => {
    const store = new MemoryStore();
    const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0) });
    const id = await checkedInVisit(engine);
    const journal = await engine.history(id);
    const stored = (await store.load(id))!.snapshot;
    expect(replayJournal(visitJourney, journal, { protocol: engine.protocol })).toEqual(stored);
    expect(() => replayJournal(visitJourney, journal)).toThrowError(expect.objectContaining({ code: 'CJ_ERR_INVALID_INPUT', message: expect.stringContaining('options.protocol') }));
    expect(() => replayJournal(visitJourney, journal, { protocol: { ...engine.protocol, observationMinutes: 5 } })).toThrowError(
      expect.objectContaining({ code: 'CJ_ERR_INVALID_INPUT', message: expect.stringContaining('not the protocol') }),
    );
  });

  it('replays a journal whose start entry holds the protocol inline (as before)', async () => {
    const store = new MemoryStore();
    const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0) });
    const id = await checkedInVisit(engine);
    const [start, ...rest] = await engine.history(id);
    const { protocolRef: _ref, ...payload } = start!.payload;
    const inline = [{ ...start!, payload: { ...payload, protocol: engine.protocol } }, ...rest];
    expect(replayJournal(visitJourney, inline)).toEqual((await store.load(id))!.snapshot);
  });
});
