import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEngine, definePlugin, ketamineAnxietyJourney, ManualClock, MemoryStore, type JourneyStore, type PluginApi } from '../src/index.js';
import { LoadedSnapshots } from '../src/engine/load.js';
import type { JourneyRecord, TimerRow } from '../src/store/records.js';
import { COURSE_PROTOCOL, COURSE_START, IV_COURSE, runCourse } from './fixtures/ketamineCourse.js';
import { actors, visitJourney } from './fixtures/visitJourney.js';
import { checkedInVisit, dump, must, T0 } from './helpers.js';

/** Counts the loads the engine's snapshot cache answered. */
function countHits(): { hits: () => number } {
  const lookup = LoadedSnapshots.prototype.lookup;
  let hits = 0;
  vi.spyOn(LoadedSnapshots.prototype, 'lookup').mockImplementation(function (this: LoadedSnapshots, ...args) {
    const found = lookup.apply(this, args);
    if (found) hits++;
    return found;
  });
  return { hits: () => hits };
}

afterEach(() => vi.restoreAllMocks());

/** `inner` with some methods replaced. */
function wrap(inner: MemoryStore, overrides: Partial<JourneyStore>): JourneyStore {
  const bound = (m: string) => (inner as unknown as Record<string, (...a: unknown[]) => unknown>)[m]!.bind(inner);
  const methods = ['load', 'commit', 'findIdempotencyKey', 'readJournal', 'listTimers', 'dueTimers', 'pendingOutbox', 'markDelivered', 'query', 'loadProtocol'] as const;
  return { ...(Object.fromEntries(methods.map((m) => [m, bound(m)])) as unknown as JourneyStore), ...overrides };
}

/** `inner`, with `interpose(run)` to have `run` (another writer) go just before the next commit, once. */
function interposing(inner: MemoryStore): { store: JourneyStore; interpose: (run: () => Promise<void>) => void } {
  let next: (() => Promise<void>) | undefined;
  const store = wrap(inner, {
    commit: async (c: Parameters<JourneyStore['commit']>[0]) => {
      const run = next;
      next = undefined;
      if (run) await run();
      return inner.commit(c);
    },
  });
  return { store, interpose: (run) => void (next = run) };
}

const vitals = (systolic: number) => ({ type: 'vitals.recorded' as const, systolic, diastolic: 80 });

describe('the engine load cache', () => {
  it('two engines over one store, sending in turn to one journey, always act on the latest state', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock(T0);
    const a = createEngine({ definition: visitJourney, store, clock });
    const b = createEngine({ definition: visitJourney, store, clock });
    const id = await checkedInVisit(a);
    const { hits } = countHits();
    for (let i = 0; i < 12; i++) {
      const [sender, other] = i % 2 === 0 ? [a, b] : [b, a];
      const before = await store.load(id);
      const r = await must(sender.send(id, vitals(100 + i), { actor: actors.nurse }));
      expect(r.view.version).toBe(before!.version + 1);
      expect(r.view.context).toMatchObject({ bp: { systolic: 100 + i } });
      // The other engine sees the write at once, whatever it cached.
      expect((await other.get(id)).context).toMatchObject({ bp: { systolic: 100 + i } });
      expect(await other.get(id)).toEqual(await createEngine({ definition: visitJourney, store, clock }).get(id));
    }
    expect(hits()).toBeGreaterThan(0);
    // Every event is in the journal, in order, once.
    const systolics = (await a.history(id)).filter((e) => e.type === 'vitals.recorded').map((e) => (e.payload as { systolic: number }).systolic);
    expect(systolics).toEqual(Array.from({ length: 12 }, (_, i) => 100 + i));
  });

  it('an expected version another engine moved past is a conflict, as without the cache', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock(T0);
    const a = createEngine({ definition: visitJourney, store, clock });
    const b = createEngine({ definition: visitJourney, store, clock });
    const id = await checkedInVisit(a);
    const seen = await a.get(id);
    await must(b.send(id, vitals(120), { actor: actors.nurse }));
    const r = await a.send(id, vitals(130), { actor: actors.nurse, expectedVersion: seen.version });
    expect(!r.ok && r.error).toMatchObject({ code: 'CJ_ERR_CONFLICT', details: { expectedVersion: seen.version, actualVersion: seen.version + 1 } });
    expect((await a.get(id)).context).toMatchObject({ bp: { systolic: 120 } });
  });

  it('a commit that loses the race to another engine is retried on the other engine\'s state', async () => {
    const inner = new MemoryStore();
    const clock = new ManualClock(T0);
    // Another engine commits between this engine's load and its commit, once.
    const { store, interpose } = interposing(inner);
    const a = createEngine({ definition: visitJourney, store, clock });
    const b = createEngine({ definition: visitJourney, store: inner, clock });
    const id = await checkedInVisit(a);
    await must(a.send(id, vitals(110), { actor: actors.nurse }));
    interpose(async () => void (await must(b.send(id, { type: 'bp.override', reason: 'reviewed' }, { actor: actors.physician }))));
    const r = await must(a.send(id, vitals(140), { actor: actors.nurse }));
    // Both events applied: the retry started from b's state, not from a's cached one.
    expect(r.view.context).toMatchObject({ bp: { systolic: 140 }, override: 'reviewed' });
    expect(await a.get(id)).toEqual(await createEngine({ definition: visitJourney, store: inner, clock }).get(id));
  });

  it('a damaged snapshot stored after the cached one is reported as before', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock(T0);
    const a = createEngine({ definition: visitJourney, store, clock });
    const id = await checkedInVisit(a);
    await a.get(id);
    const record = (await store.load(id))!;
    const damaged: JourneyRecord = { ...record, version: record.version + 1, snapshot: { ...(record.snapshot as object), value: 'no-such-state' } };
    await store.commit({ journey: damaged, expectedVersion: record.version, timersToSet: [], timersToCancel: [], outbox: [] });
    await expect(a.get(id)).rejects.toMatchObject({ code: 'CJ_ERR_CORRUPT_SNAPSHOT' });
    const r = await a.send(id, vitals(120), { actor: actors.nurse });
    expect(!r.ok && r.error.code).toBe('CJ_ERR_CORRUPT_SNAPSHOT');
    // A snapshot of the wrong shape, too.
    const bad: JourneyRecord = { ...record, version: record.version + 2, snapshot: { ...(record.snapshot as object), context: null } };
    await store.commit({ journey: bad, expectedVersion: record.version + 1, timersToSet: [], timersToCancel: [], outbox: [] });
    await expect(a.get(id)).rejects.toMatchObject({ code: 'CJ_ERR_CORRUPT_SNAPSHOT', message: expect.stringContaining('malformed') });
  });

  it('a row changed in place (same version) is restored and checked again', async () => {
    const inner = new MemoryStore();
    let tamper: ((r: JourneyRecord) => JourneyRecord) | undefined;
    const store = wrap(inner, {
      load: async (id: string) => {
        const r = await inner.load(id);
        return r && tamper ? tamper(r) : r;
      },
    });
    const a = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0) });
    const id = await checkedInVisit(a);
    await a.get(id);
    tamper = (r) => ({ ...r, snapshot: { ...(r.snapshot as object), value: 'no-such-state' } });
    await expect(a.get(id)).rejects.toMatchObject({ code: 'CJ_ERR_CORRUPT_SNAPSHOT' });
  });

  it('a view\'s context cannot be changed by the host, so it cannot change what the engine acts on', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock(T0);
    const a = createEngine({ definition: visitJourney, store, clock });
    const id = await checkedInVisit(a);
    const r = await must(a.send(id, vitals(120), { actor: actors.nurse }));
    // Frozen all through, after a send as after a get (a strict-mode assignment throws).
    expect(() => ((r.view.context as { bp: { systolic: number } }).bp.systolic = 999)).toThrow(TypeError);
    expect(() => ((r.view.context as { doses: number }).doses = 7)).toThrow(TypeError);
    const got = await a.get(id);
    expect(() => ((got.context as { bp: { systolic: number } }).bp.systolic = 999)).toThrow(TypeError);
    expect(Object.isFrozen(r.view.context) && Object.isFrozen(got.context)).toBe(true);
    expect(await a.get(id)).toEqual(await createEngine({ definition: visitJourney, store, clock }).get(id));
    expect((await a.get(id)).context).toMatchObject({ bp: { systolic: 120 }, doses: 0 });
  });

  it('answers repeated loads of several journeys, and loads journeys beyond its capacity in full', async () => {
    const store = new MemoryStore();
    const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0) });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await engine.start({ patientRef: `pt-${i}`, input: {}, actor: actors.coordinator })).id);
    const { hits } = countHits();
    for (const id of ids) await engine.get(id);
    for (const id of ids) await engine.get(id);
    expect(hits()).toBe(3);
    // 256 by default: journeys beyond it are loaded in full again, and still right.
    for (let i = 0; i < 260; i++) ids.push((await engine.start({ patientRef: `pt-x${i}`, input: {}, actor: actors.coordinator })).id);
    for (const id of ids) await engine.get(id);
    expect((await engine.get(ids[0]!)).patientRef).toBe('pt-0');
  });

  it('on the shipped ketamine journey, a cached engine stores and shows exactly what an engine without the cache does', async () => {
    const run = async (cached: boolean) => {
      if (!cached) vi.spyOn(LoadedSnapshots.prototype, 'lookup').mockReturnValue(undefined);
      const store = new MemoryStore();
      const clock = new ManualClock(Date.parse(COURSE_START));
      const engine = createEngine({ definition: ketamineAnxietyJourney, store, clock, protocol: COURSE_PROTOCOL });
      const views: unknown[] = [];
      const { journeyId } = await runCourse(engine, clock, IV_COURSE, {
        journeyId: 'course-1',
        untilSession: 3,
        afterSession: async (_session, view) => {
          views.push(view, await engine.get('course-1'));
        },
      });
      vi.restoreAllMocks();
      const fresh = createEngine({ definition: ketamineAnxietyJourney, store, clock, protocol: COURSE_PROTOCOL });
      return { views, dump: await dump(store, journeyId), history: await engine.history(journeyId), get: await engine.get(journeyId), freshGet: await fresh.get(journeyId) };
    };
    const { hits } = countHits();
    const withCache = await run(true);
    expect(hits()).toBeGreaterThan(50);
    const without = await run(false);
    expect(withCache.get).toEqual(withCache.freshGet);
    expect(withCache.views).toEqual(without.views);
    expect(withCache.history).toEqual(without.history);
    expect(withCache.dump).toEqual(without.dump);
  }, 60_000);

  it('a send shows the pending timers without reading them while only this engine commits, and reads them after another engine changed only the timers', async () => {
    const inner = new MemoryStore();
    let listed = 0;
    const store = wrap(inner, { listTimers: (id) => (listed++, inner.listTimers(id)) });
    const clock = new ManualClock(T0);
    let api: PluginApi | undefined;
    const grab = definePlugin({ name: 'reminders', setup: (given) => void (api = given) });
    const a = createEngine({ definition: visitJourney, store, clock });
    const b = createEngine({ definition: visitJourney, store, clock, plugins: [grab] });
    const { id } = await a.start({ patientRef: 'p', input: {}, actor: actors.coordinator });
    await must(a.send(id, { type: 'consent.recorded' }, { actor: actors.physician }));
    const booked = await must(a.send(id, { type: 'visit.book', slot: '2026-01-05T10:00:00Z' }, { actor: actors.coordinator }));
    expect(booked.view.timers.map((t) => t.key)).toEqual(['machine:xstate.after.noShowDelay.visit.booked']);
    expect(booked.view.timers).toEqual((await b.get(id)).timers);
    // The safe twin first: with no other writer, the next sends read no timers and show the store's.
    listed = 0;
    const checkedIn = await must(a.send(id, { type: 'patient.arrived' }, { actor: actors.nurse }));
    const again = await must(a.send(id, vitals(120), { actor: actors.nurse }));
    expect(listed).toBe(0);
    expect(checkedIn.view.timers).not.toEqual(booked.view.timers);
    expect(again.view.timers).toEqual((await b.get(id)).timers);
    // Another engine changes only the timers: a new version whose snapshot is the same.
    const before = (await inner.load(id))!;
    await api!.timers.schedule({ journeyId: id, key: 'day-before', dueAt: Date.parse('2026-01-05T09:30:00Z') });
    const after = (await inner.load(id))!;
    expect(after.version).toBe(before.version + 1);
    expect(after.snapshot).toEqual(before.snapshot);
    listed = 0;
    const next = await must(a.send(id, vitals(121), { actor: actors.nurse }));
    expect(listed).toBe(1);
    expect(next.view.timers.map((t) => t.key)).toContain('plugin:reminders:day-before');
    expect(next.view.timers).toEqual((await b.get(id)).timers);
  });

  describe('runDue and the timers this engine knows', () => {
    const NO_SHOW = 'machine:xstate.after.noShowDelay.visit.booked';
    /** A booked visit (its no-show timer pending) on `engine`, and the clock past the timer's due time. */
    async function bookedAndDue(engine: ReturnType<typeof createEngine<typeof visitJourney>>, clock: ManualClock): Promise<string> {
      const { id } = await engine.start({ patientRef: 'p', input: {}, actor: actors.coordinator });
      await must(engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician }));
      await must(engine.send(id, { type: 'visit.book', slot: '2026-01-05T10:00:00Z' }, { actor: actors.coordinator }));
      clock.advanceTo(Date.parse('2026-01-05T12:00:00Z'));
      return id;
    }
    const timerEntries = async (engine: ReturnType<typeof createEngine<typeof visitJourney>>, id: string) => (await engine.history(id)).filter((e) => e.kind === 'timer');

    it('fires a due timer of a journey it last committed without reading the journey\'s timers, and the next send reads none either', async () => {
      const inner = new MemoryStore();
      let listed = 0;
      const store = wrap(inner, { listTimers: (id) => (listed++, inner.listTimers(id)) });
      const clock = new ManualClock(T0);
      const a = createEngine({ definition: visitJourney, store, clock });
      const id = await bookedAndDue(a, clock);
      listed = 0;
      expect((await a.runDue()).map((t) => [t.key, t.error])).toEqual([[NO_SHOW, undefined]]);
      const rebooked = await must(a.send(id, { type: 'visit.book', slot: '2026-01-06T10:00:00Z' }, { actor: actors.coordinator }));
      expect(listed).toBe(0);
      // What it showed without reading is what an engine reading the store shows.
      expect(rebooked.view.timers).toEqual((await createEngine({ definition: visitJourney, store: inner, clock }).get(id)).timers);
      expect(rebooked.view.timers.map((t) => t.key)).toEqual([NO_SHOW]);
      expect(rebooked.view.context).toMatchObject({ noShows: 1 });
      expect(await timerEntries(a, id)).toHaveLength(1);
      // Fired once: nothing more is due.
      expect(await a.runDue()).toEqual([]);
    });

    it('a due row changed in place (same version) is the row that is checked: a host event put in it is reported, and the timer stays pending', async () => {
      const inner = new MemoryStore();
      let tampered = false;
      const edit = (rows: TimerRow[]): TimerRow[] =>
        tampered ? rows.map((t) => (t.key === NO_SHOW ? { ...t, event: { type: 'dose.given' } } : t)) : rows;
      const store = wrap(inner, {
        dueTimers: async (now, limit) => edit(await inner.dueTimers(now, limit)),
        listTimers: async (id) => edit(await inner.listTimers(id)),
      });
      const clock = new ManualClock(T0);
      const a = createEngine({ definition: visitJourney, store, clock });
      const id = await bookedAndDue(a, clock);
      const before = await dump(inner, id);
      tampered = true;
      const [result] = await a.runDue();
      expect(result).toMatchObject({ key: NO_SHOW, error: { code: 'CJ_ERR_CORRUPT_SNAPSHOT' } });
      expect(await dump(inner, id)).toEqual(before);
      // The safe twin: the row as the engine stored it fires.
      tampered = false;
      expect((await a.runDue()).map((t) => [t.key, t.error])).toEqual([[NO_SHOW, undefined]]);
      expect((await a.get(id)).context).toMatchObject({ noShows: 1 });
    });

    it('a timer another engine fires between this engine\'s read of what is due and its commit fires once', async () => {
      const inner = new MemoryStore();
      const clock = new ManualClock(T0);
      const { store, interpose } = interposing(inner);
      const a = createEngine({ definition: visitJourney, store, clock });
      const b = createEngine({ definition: visitJourney, store: inner, clock });
      const id = await bookedAndDue(a, clock);
      let otherFired: unknown[] = [];
      interpose(async () => void (otherFired = await b.runDue()));
      // a read the row as due and loaded the journey (its timers known from its own commit); b
      // fires it first; a's commit is a conflict, and the retry finds it gone.
      expect(await a.runDue()).toEqual([]);
      expect(otherFired).toHaveLength(1);
      expect(await timerEntries(a, id)).toHaveLength(1);
      expect((await a.get(id)).context).toMatchObject({ noShows: 1 });
      expect(await inner.listTimers(id)).toEqual([]);
    });
  });
});
