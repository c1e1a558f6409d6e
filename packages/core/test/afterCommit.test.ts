import { describe, expect, it } from 'vitest';
import { CareJourneyError, createEngine, ManualClock, MemoryStore, type DeliveryFailedNotice, type OutboxItem, type TimerRow, type TransitionNotice } from '../src/index.js';
import { actors, visitJourney } from './fixtures/visitJourney.js';
import { checkedInVisit, dump, must, T0 } from './helpers.js';

/** A store whose next `markDelivered` calls fail, as a busy write lock right after a commit would. */
class FlakyMarkStore extends MemoryStore {
  failMarks = 0;
  failWith: unknown = new CareJourneyError('CJ_ERR_STORE', 'The database is locked.');
  override async markDelivered(ids: readonly string[]): Promise<void> {
    if (this.failMarks > 0) {
      this.failMarks--;
      throw this.failWith;
    }
    return super.markDelivered(ids);
  }
}

function flakyEngine() {
  const store = new FlakyMarkStore();
  const clock = new ManualClock(T0);
  const engine = createEngine({ definition: visitJourney, store, clock });
  const failed: DeliveryFailedNotice[] = [];
  const delivered: TransitionNotice[] = [];
  engine.on('delivery.failed', (n) => failed.push(n));
  engine.on('transition', (n) => delivered.push(n));
  return { store, clock, engine, failed, delivered };
}

describe('after the commit, send never throws', () => {
  it('reports a store failure while marking deliveries, returns the applied event, and recover finishes the work', async () => {
    const { store, engine, failed, delivered } = flakyEngine();
    const id = await checkedInVisit(engine);
    store.failMarks = 1;
    const r = await engine.send(id, { type: 'vitals.recorded', systolic: 120, diastolic: 80 }, { actor: actors.nurse });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.duplicate).toBe(false);
    expect(r.view.version).toBe(5);
    expect(r.view.context['bp']).toEqual({ systolic: 120, diastolic: 80 });
    expect((await engine.get(id)).version).toBe(5);
    expect(failed).toEqual([{ journeyId: id, deliveryIds: [`${id}:5:0`], code: 'CJ_ERR_STORE', message: expect.stringContaining('locked'), error: expect.any(CareJourneyError) }]);
    expect((await store.pendingOutbox(10)).map((i) => i.id)).toEqual([`${id}:5:0`]);

    // A retry of the same event without a key would apply it twice; recover only redelivers.
    expect(await engine.recover()).toBe(1);
    expect(delivered.filter((n) => n.deliveryId === `${id}:5:0`)).toHaveLength(2);
    expect(await store.pendingOutbox(10)).toEqual([]);
    expect((await engine.history(id)).filter((e) => e.type === 'vitals.recorded')).toHaveLength(1);
  });

  it('wraps a failure that is not a CareJourneyError as CJ_ERR_STORE', async () => {
    const { store, engine, failed } = flakyEngine();
    store.failWith = new TypeError('socket closed');
    store.failMarks = 1;
    const view = await engine.start({ patientRef: 'pt-1', input: {}, actor: actors.coordinator });
    expect(view.version).toBe(1);
    expect(failed).toMatchObject([{ journeyId: view.id, code: 'CJ_ERR_STORE' }]);
    expect(failed[0]?.message).toMatch(/\[CJ_ERR_STORE\]$/);
  });

  it('runDue too: a timer that fired stays fired when its delivery fails', async () => {
    const { store, clock, engine, failed } = flakyEngine();
    const id = await checkedInVisit(engine);
    await must(engine.send(id, { type: 'vitals.recorded', systolic: 120, diastolic: 80 }, { actor: actors.nurse }));
    await must(engine.send(id, { type: 'dose.given', mg: 40, lot: 'L1' }, { actor: actors.nurse }));
    clock.advance({ minutes: 61 });
    store.failMarks = 1;
    const fired = await engine.runDue();
    expect(fired).toMatchObject([{ journeyId: id, owner: 'machine' }]);
    expect(fired[0]).not.toHaveProperty('error');
    expect((await engine.get(id)).stateLabel).toBe('ready');
    expect(failed).toHaveLength(1);
    expect(await engine.recover()).toBe(1);
  });
});

describe('damaged outbox and timer rows', () => {
  /** A store that hands out a damaged row (valid JSON, wrong shape) among the healthy ones. */
  class DamagedRowsStore extends MemoryStore {
    damagedOutbox: unknown[] = [];
    damagedTimers: unknown[] = [];
    override async pendingOutbox(limit: number, journeyId?: string): Promise<OutboxItem[]> {
      const healthy = await super.pendingOutbox(limit, journeyId);
      return [...(this.damagedOutbox as OutboxItem[]), ...healthy].slice(0, limit);
    }
    override async dueTimers(now: number, limit: number): Promise<TimerRow[]> {
      const healthy = await super.dueTimers(now, limit);
      return [...(this.damagedTimers as TimerRow[]), ...healthy].slice(0, limit);
    }
  }

  it('recover delivers every healthy item, reports each damaged one and leaves it pending', async () => {
    const store = new DamagedRowsStore();
    const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0) });
    const a = await engine.start({ patientRef: 'pt-a', input: {}, actor: actors.coordinator });
    const b = await engine.start({ patientRef: 'pt-b', input: {}, actor: actors.coordinator });
    // Two undelivered healthy items, behind damaged ones.
    const healthy: OutboxItem[] = [
      { id: `${a.id}:9:1`, journeyId: a.id, kind: 'effect', type: 'safety.alert', payload: { severity: 'mild' }, createdAt: T0 },
      { id: `${b.id}:9:1`, journeyId: b.id, kind: 'effect', type: 'safety.alert', payload: { severity: 'serious' }, createdAt: T0 },
    ];
    const journeyA = (await store.load(a.id))!;
    await store.commit({ journey: { ...journeyA, version: 2 }, expectedVersion: 1, timersToSet: [], timersToCancel: [], outbox: [healthy[0]!] });
    const journeyB = (await store.load(b.id))!;
    await store.commit({ journey: { ...journeyB, version: 2 }, expectedVersion: 1, timersToSet: [], timersToCancel: [], outbox: [healthy[1]!] });
    store.damagedOutbox = [
      { id: 'x:1:0', journeyId: a.id, kind: 'transition', type: 'ev', payload: { not: 'an entry' }, createdAt: T0 },
      { id: 'x:1:1', journeyId: a.id, kind: 'teleport', type: 'ev', payload: {}, createdAt: T0 },
      { journeyId: 7 },
      null,
    ];
    const alerts: unknown[] = [];
    const failed: DeliveryFailedNotice[] = [];
    engine.on('safety.alert', (n) => alerts.push(n.payload));
    engine.on('delivery.failed', (n) => failed.push(n));
    expect(await engine.recover()).toBe(2);
    expect(alerts).toEqual([{ severity: 'mild' }, { severity: 'serious' }]);
    expect(failed.map((f) => [f.code, f.deliveryIds])).toEqual([
      ['CJ_ERR_CORRUPT_SNAPSHOT', ['x:1:0']],
      ['CJ_ERR_CORRUPT_SNAPSHOT', ['x:1:1']],
      ['CJ_ERR_CORRUPT_SNAPSHOT', []],
      ['CJ_ERR_CORRUPT_SNAPSHOT', []],
    ]);
    expect(failed[0]?.message).toContain(`An outbox item of journey "${a.id}" cannot be delivered`);
    expect(failed.map((f) => f.message).join(' ')).not.toContain('an entry');
    // The healthy items are done; the damaged ones are still there, untouched.
    expect((await store.pendingOutbox(10)).length).toBe(4);
  });

  it('runDue reports a damaged timer row and fires the others', async () => {
    const store = new DamagedRowsStore();
    const clock = new ManualClock(T0);
    const engine = createEngine({ definition: visitJourney, store, clock });
    const id = await checkedInVisit(engine);
    await must(engine.send(id, { type: 'vitals.recorded', systolic: 120, diastolic: 80 }, { actor: actors.nurse }));
    await must(engine.send(id, { type: 'dose.given', mg: 40, lot: 'L1' }, { actor: actors.nurse }));
    store.damagedTimers = [{ journeyId: 'j-broken', key: 'machine:x', owner: 'machine', dueAt: 'soon' }, { journeyId: 'j-broken', key: 'machine:y', owner: 'machine', dueAt: T0, event: [1, 2] }];
    clock.advance({ minutes: 61 });
    const fired = await engine.runDue();
    expect(fired.map((f) => [f.journeyId, f.error?.code])).toEqual([
      ['j-broken', 'CJ_ERR_CORRUPT_SNAPSHOT'],
      ['j-broken', 'CJ_ERR_CORRUPT_SNAPSHOT'],
      [id, undefined],
    ]);
    expect(fired[0]?.error?.message).toContain('A timer of journey "j-broken" cannot fire');
    expect((await engine.get(id)).stateLabel).toBe('ready');
  });
});

describe('createEngine options', () => {
  const store = new MemoryStore();
  it.each([
    ['no options', undefined, 'options'],
    ['a definition not made with defineJourney', { definition: { id: 'x' }, store }, 'options.definition'],
    ['a store missing methods', { definition: visitJourney, store: { commit() {} } }, 'options.store'],
    ['a clock without now', { definition: visitJourney, store, clock: { time: () => 0 } }, 'options.clock'],
    ['a limit that is not finite', { definition: visitJourney, store, limits: { maxDepth: Number.POSITIVE_INFINITY } }, 'options.limits.maxDepth'],
    ['a negative retry bound', { definition: visitJourney, store, maxRetries: -1 }, 'options.maxRetries'],
    ['NaN retries', { definition: visitJourney, store, maxRetries: Number.NaN }, 'options.maxRetries'],
    ['a generateId that is not a function', { definition: visitJourney, store, generateId: 'uuid' }, 'options.generateId'],
    ['an unknown option', { definition: visitJourney, store, protocl: {} }, 'options'],
    ['plugins that are not a list', { definition: visitJourney, store, plugins: {} }, 'options.plugins'],
  ])('refuses %s with CJ_ERR_INVALID_CONFIG naming the option', (_label, options, path) => {
    let error: unknown;
    try {
      createEngine(options as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CareJourneyError);
    expect((error as CareJourneyError).code).toBe('CJ_ERR_INVALID_CONFIG');
    expect((error as CareJourneyError).details.issues?.map((i) => i.path)).toContain(path);
  });

  it('refuses a clock that returns no finite time, at creation and at any later call, before changing anything', async () => {
    for (const time of [Number.NaN, Number.POSITIVE_INFINITY, '2026', 9e15]) {
      expect(() => createEngine({ definition: visitJourney, store: new MemoryStore(), clock: { now: () => time as number } })).toThrowError(
        expect.objectContaining({ code: 'CJ_ERR_INVALID_CONFIG' }),
      );
    }
    let broken = false;
    const own = new MemoryStore();
    const engine = createEngine({ definition: visitJourney, store: own, clock: { now: () => (broken ? Number.NaN : Date.parse(T0)) } });
    const id = await checkedInVisit(engine);
    const before = await dump(own, id);
    broken = true;
    await expect(engine.send(id, { type: 'vitals.recorded', systolic: 120, diastolic: 80 }, { actor: actors.nurse })).rejects.toMatchObject({ code: 'CJ_ERR_INVALID_CONFIG' });
    await expect(engine.start({ patientRef: 'pt-2', input: {}, actor: actors.coordinator })).rejects.toMatchObject({ code: 'CJ_ERR_INVALID_CONFIG' });
    await expect(engine.runDue()).rejects.toMatchObject({ code: 'CJ_ERR_INVALID_CONFIG' });
    expect(await dump(own, id)).toEqual(before);
    expect(await own.query({})).toHaveLength(1);
  });

  it('refuses an id from generateId that is not a valid id, storing nothing', async () => {
    for (const generated of ['', 'x'.repeat(201), 'a\nb', '\uD800', 42, null]) {
      const own = new MemoryStore();
      const engine = createEngine({ definition: visitJourney, store: own, clock: new ManualClock(T0), generateId: () => generated as string });
      await expect(engine.start({ patientRef: 'pt-1', input: {}, actor: actors.coordinator })).rejects.toMatchObject({ code: 'CJ_ERR_INVALID_CONFIG' });
      expect(await own.query({})).toEqual([]);
    }
  });
});
