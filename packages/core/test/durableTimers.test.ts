import { describe, expect, it } from 'vitest';
import { assign, raise, setup } from 'xstate';
import { z } from 'zod';
import { createEngine, defineJourney, ManualClock, MemoryStore, replayJournal, type TransitionNotice } from '../src/index.js';
import { actors, visitJourney } from './fixtures/visitJourney.js';
import { must, T0, visitEngine } from './helpers.js';

describe('durable timers', () => {
  it('fires an `after` delay from a new engine over the same store, at its time, once', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock(T0);
    const first = createEngine({ definition: visitJourney, store, clock });
    const { id } = await first.start({ patientRef: 'pt-1', input: {}, actor: actors.coordinator });
    await must(first.send(id, { type: 'consent.recorded' }, { actor: actors.physician }));
    await must(first.send(id, { type: 'visit.book', slot: '2026-01-06T10:00:00Z' }, { actor: actors.coordinator }));
    // The first engine is discarded: nothing of it is used below.

    const second = createEngine({ definition: visitJourney, store, clock });
    clock.advanceTo('2026-01-06T10:29:59.999Z');
    expect(await second.runDue()).toEqual([]);
    expect((await second.get(id)).stateLabel).toBe('booked');

    clock.advanceTo('2026-01-06T10:45:00Z');
    const fired = await second.runDue();
    expect(fired).toEqual([{ journeyId: id, key: 'machine:xstate.after.noShowDelay.visit.booked', owner: 'machine', dueAt: '2026-01-06T10:30:00.000Z' }]);
    const view = await second.get(id);
    expect(view.stateLabel).toBe('noShow');
    expect(view.context['noShows']).toBe(1);
    expect(view.timers).toEqual([]);

    const last = (await second.history(id)).at(-1)!;
    expect(last).toMatchObject({ kind: 'timer', at: '2026-01-06T10:30:00.000Z', recordedAt: '2026-01-06T10:45:00.000Z', actor: { role: 'system' }, from: 'booked', to: 'noShow' });

    // Once: later runs, by either engine, fire nothing more.
    clock.advance({ days: 30 });
    expect(await second.runDue()).toEqual([]);
    expect(await first.runDue()).toEqual([]);
    expect((await second.get(id)).context['noShows']).toBe(1);
  });

  it('never fires the timer of a state already left', async () => {
    const { engine, clock } = visitEngine();
    const { id } = await engine.start({ patientRef: 'pt-1', input: {}, actor: actors.coordinator });
    await must(engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician }));
    await must(engine.send(id, { type: 'visit.book', slot: '2026-01-06T10:00:00Z' }, { actor: actors.coordinator }));
    expect((await engine.get(id)).timers).toHaveLength(1);
    await must(engine.send(id, { type: 'patient.arrived' }, { actor: actors.nurse }));
    expect((await engine.get(id)).timers).toEqual([]);
    clock.advance({ days: 3 });
    expect(await engine.runDue()).toEqual([]);
    expect((await engine.get(id)).stateLabel).toBe('checkedIn');
  });

  it('re-arms a timer when its state is entered again, due from the new entry', async () => {
    const { engine, clock } = visitEngine();
    const { id } = await engine.start({ patientRef: 'pt-1', input: {}, actor: actors.coordinator });
    await must(engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician }));
    await must(engine.send(id, { type: 'visit.book', slot: '2026-01-06T10:00:00Z' }, { actor: actors.coordinator }));
    clock.advanceTo('2026-01-06T11:00:00Z');
    await engine.runDue();
    await must(engine.send(id, { type: 'visit.book', slot: '2026-01-08T10:00:00Z' }, { actor: actors.coordinator }));
    expect((await engine.get(id)).timers.map((t) => t.dueAt)).toEqual(['2026-01-08T10:30:00.000Z']);
    clock.advanceTo('2026-01-08T10:30:00Z');
    expect(await engine.runDue()).toHaveLength(1);
    expect((await engine.get(id)).context['noShows']).toBe(2);
  });

  it('fires timers of many journeys in due order, each once', async () => {
    const { engine, clock } = visitEngine();
    const ids: string[] = [];
    for (const slot of ['2026-01-07T10:00:00Z', '2026-01-06T10:00:00Z', '2026-01-08T10:00:00Z']) {
      const { id } = await engine.start({ patientRef: `pt-${slot}`, input: {}, actor: actors.coordinator });
      await must(engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician }));
      await must(engine.send(id, { type: 'visit.book', slot }, { actor: actors.coordinator }));
      ids.push(id);
    }
    clock.advance({ days: 10 });
    const fired = await engine.runDue();
    expect(fired.map((f) => f.journeyId)).toEqual([ids[1], ids[0], ids[2]]);
    expect(await engine.runDue()).toEqual([]);
  });

  it('fires a timer once even when two engines run due timers at the same time', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock(T0);
    const a = createEngine({ definition: visitJourney, store, clock });
    const b = createEngine({ definition: visitJourney, store, clock });
    const { id } = await a.start({ patientRef: 'pt-1', input: {}, actor: actors.coordinator });
    await must(a.send(id, { type: 'consent.recorded' }, { actor: actors.physician }));
    await must(a.send(id, { type: 'visit.book', slot: '2026-01-06T10:00:00Z' }, { actor: actors.coordinator }));
    clock.advance({ days: 2 });
    const [fa, fb] = await Promise.all([a.runDue(), b.runDue()]);
    expect(fa.length + fb.length).toBe(1);
    expect((await a.history(id)).filter((e) => e.kind === 'timer')).toHaveLength(1);
  });

  it('reports the timer of a journey that cannot be loaded, keeps it pending, and fires the others', async () => {
    const { engine, store, clock } = visitEngine();
    const ids: string[] = [];
    for (const n of [1, 2]) {
      const { id } = await engine.start({ patientRef: `pt-${n}`, input: {}, actor: actors.coordinator, journeyId: `j-${n}` });
      await must(engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician }));
      await must(engine.send(id, { type: 'visit.book', slot: '2026-01-06T10:00:00Z' }, { actor: actors.coordinator }));
      ids.push(id);
    }
    // Corrupt the first journey's stored snapshot behind the engine's back.
    const broken = (await store.load('j-1'))!;
    await store.commit({ journey: { ...broken, version: broken.version + 1, snapshot: { status: 'active', value: 'nowhere', context: {} } }, expectedVersion: broken.version, timersToSet: [], timersToCancel: [], outbox: [] });
    clock.advance({ days: 2 });
    const fired = await engine.runDue();
    expect(fired.map((f) => [f.journeyId, f.error?.code])).toEqual([
      ['j-1', 'CJ_ERR_CORRUPT_SNAPSHOT'],
      ['j-2', undefined],
    ]);
    expect((await store.listTimers('j-1'))).toHaveLength(1);
    expect((await engine.get('j-2')).stateLabel).toBe('noShow');
  });
});

describe('a machine timer whose event no longer applies', () => {
  // A reminder raised with a delay and an id is not cancelled when its state is left, so it can
  // fire where nothing handles it.
  const machine = setup({ types: {} as { context: { reminded: number } } }).createMachine({
    context: { reminded: 0 },
    initial: 'waiting',
    states: {
      waiting: {
        entry: raise({ type: 'reminder.due', round: 1 }, { delay: 60_000, id: 'reminder' }),
        on: { 'reminder.due': { actions: assign({ reminded: ({ context }) => context.reminded + 1 }) }, 'visit.done': 'done' },
      },
      done: { on: { 'visit.reopened': 'waiting' } },
    },
  });
  const definition = defineJourney({
    id: 'reminded-visit',
    version: 1,
    machine,
    events: { 'visit.done': z.strictObject({}), 'visit.reopened': z.strictObject({}) },
    timerEvents: ['reminder.due'],
    input: z.strictObject({}),
    roles: ['nurse'],
    policy: { start: ['nurse'], events: { 'visit.done': ['nurse'], 'visit.reopened': ['nurse'] } },
  });
  const nurse = { id: 'n-1', role: 'nurse' } as const;

  it('is deleted in a commit that journals it as skipped, with the reason, so the version never rises without an entry', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock(T0);
    const engine = createEngine({ definition, store, clock });
    const transitions: TransitionNotice[] = [];
    engine.on('transition', (n) => transitions.push(n));
    const { id } = await engine.start({ patientRef: 'pt-1', input: {}, actor: nurse });
    await must(engine.send(id, { type: 'visit.done' }, { actor: nurse }));
    const before = await engine.get(id);
    expect(before.timers).toEqual([{ key: 'machine:reminder', owner: 'machine', dueAt: '2026-01-05T09:01:00.000Z' }]);

    clock.advance({ minutes: 5 });
    expect(await engine.runDue()).toEqual([{ journeyId: id, key: 'machine:reminder', owner: 'machine', dueAt: '2026-01-05T09:01:00.000Z', skipped: true }]);

    const after = await engine.get(id);
    expect(after.timers).toEqual([]);
    expect(after.stateLabel).toBe('done');
    expect(after.context).toEqual(before.context);
    const journal = await engine.history(id);
    expect(after.version).toBe(journal.length);
    expect(journal.at(-1)).toEqual({
      journeyId: id,
      seq: 3,
      kind: 'timer',
      type: 'reminder.due',
      payload: { round: 1, skipped: true, code: 'CJ_ERR_NOT_ALLOWED', reason: expect.stringContaining('"reminder.due" is not allowed in state done') },
      actor: { id: 'carejourney', role: 'system' },
      at: '2026-01-05T09:01:00.000Z',
      recordedAt: '2026-01-05T09:05:00.000Z',
      from: 'done',
      to: 'done',
      definitionVersion: 1,
    });
    expect(transitions.at(-1)?.entry).toEqual(journal.at(-1));
    // The journal still replays to the stored snapshot.
    expect(replayJournal(definition, journal)).toEqual((await store.load(id))?.snapshot);
    // And nothing fires again.
    clock.advance({ days: 1 });
    expect(await engine.runDue()).toEqual([]);
  });

  it('fires normally while its event still applies', async () => {
    const clock = new ManualClock(T0);
    const engine = createEngine({ definition, store: new MemoryStore(), clock });
    const { id } = await engine.start({ patientRef: 'pt-1', input: {}, actor: nurse });
    clock.advance({ minutes: 1 });
    expect(await engine.runDue()).toEqual([{ journeyId: id, key: 'machine:reminder', owner: 'machine', dueAt: '2026-01-05T09:01:00.000Z' }]);
    expect((await engine.get(id)).context).toEqual({ reminded: 1 });
  });
});
