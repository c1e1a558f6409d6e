import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createEngine, defineJourney, definePlugin, ManualClock, MemoryStore, type JourneyCommit, type JourneyRecord, type JournalEntry } from '../src/index.js';
import { actors, visitJourney, visitJourneyConfig, visitRoles } from './fixtures/visitJourney.js';
import { checkedInVisit, dump, must, T0 } from './helpers.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/visit-v1.json', import.meta.url), 'utf8')) as { record: JourneyRecord; journal: JournalEntry[] };

async function storeWithV1(record: JourneyRecord = fixture.record): Promise<MemoryStore> {
  const store = new MemoryStore();
  // Seed the store the way a version-1 engine left it.
  await store.commit({ journey: { ...record, version: 1 }, expectedVersion: 0, entry: fixture.journal[0]!, timersToSet: [], timersToCancel: [], outbox: [] });
  await store.commit({ journey: record, expectedVersion: 1, entry: fixture.journal[1]!, timersToSet: [], timersToCancel: [], outbox: [] });
  return store;
}

describe('versioned definitions', () => {
  it('migrates a stored version-1 journey to version 2 on load', async () => {
    const store = await storeWithV1();
    const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock('2026-01-05T09:00:00Z') });
    const view = await engine.get('visit-v1-0001');
    expect(view.definitionVersion).toBe(2);
    expect(view.context['consent']).toBe(true);
    expect(view.context).not.toHaveProperty('consentGiven');
    expect(view.allowedEvents).toContain('visit.book');
    const booked = await must(engine.send('visit-v1-0001', { type: 'visit.book', slot: '2026-01-06T10:00:00Z' }, { actor: actors.coordinator }));
    expect(booked.view.stateLabel).toBe('booked');
    const stored = (await store.load('visit-v1-0001'))!;
    expect(stored.definitionVersion).toBe(2);
    expect((stored.snapshot as { context: Record<string, unknown> }).context['consent']).toBe(true);
    expect(booked.entry.definitionVersion).toBe(2);
  });

  it('refuses a journey with no migration path, naming it and changing nothing', async () => {
    const store = await storeWithV1();
    const before = await dump(store, 'visit-v1-0001');
    const { migrations: _m, ...withoutMigrations } = visitJourneyConfig;
    const noPath = defineJourney({ ...withoutMigrations, policy: visitJourneyConfig.policy, roles: visitRoles });
    const engine = createEngine({ definition: noPath, store, clock: new ManualClock(T0) });
    await expect(engine.get('visit-v1-0001')).rejects.toMatchObject({
      code: 'CJ_ERR_MIGRATION',
      message: expect.stringContaining('Journey "visit-v1-0001" is stored at version 1 of "clinic-visit" and there is no migration from version 1 to 2'),
    });
    const r = await engine.send('visit-v1-0001', { type: 'visit.book', slot: '2026-01-06T10:00:00Z' }, { actor: actors.coordinator });
    expect(!r.ok && r.error.code).toBe('CJ_ERR_MIGRATION');
    expect(await dump(store, 'visit-v1-0001')).toEqual(before);
  });

  it('refuses a journey stored by a newer version of the definition', async () => {
    const store = await storeWithV1({ ...fixture.record, definitionVersion: 3 });
    const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0) });
    await expect(engine.get('visit-v1-0001')).rejects.toMatchObject({ code: 'CJ_ERR_MIGRATION', message: expect.stringContaining('newer than this engine') });
  });

  it.each([
    ['an unknown state', { ...fixture.record.snapshot as object, value: 'teleported' }, /stored snapshot's state value is not a state of "clinic-visit"/],
    ['a snapshot without context', { status: 'active', value: 'referral' }, /snapshot is malformed/],
    ['not an object at all', 'garbage', /snapshot is malformed/],
  ])('refuses a snapshot with %s, naming the journey, never resetting it', async (_label, snapshot, message) => {
    const store = await storeWithV1({ ...fixture.record, definitionVersion: 2, snapshot });
    const other = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0) });
    const healthy = await other.start({ patientRef: 'pt-ok', input: {}, actor: actors.coordinator });
    const before = await dump(store, 'visit-v1-0001');
    await expect(other.get('visit-v1-0001')).rejects.toMatchObject({ code: 'CJ_ERR_CORRUPT_SNAPSHOT', message: expect.stringMatching(message) });
    await expect(other.get('visit-v1-0001')).rejects.toThrow(/Journey "visit-v1-0001"/);
    const r = await other.send('visit-v1-0001', { type: 'consent.recorded' }, { actor: actors.physician });
    expect(!r.ok && r.error.code).toBe('CJ_ERR_CORRUPT_SNAPSHOT');
    expect(await dump(store, 'visit-v1-0001')).toEqual(before);
    // The other journeys keep working.
    await must(other.send(healthy.id, { type: 'consent.recorded' }, { actor: actors.physician }));
  });

  it('refuses a journey whose record belongs to another definition', async () => {
    const store = await storeWithV1({ ...fixture.record, definitionId: 'something-else', definitionVersion: 2 });
    const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0) });
    await expect(engine.get('visit-v1-0001')).rejects.toMatchObject({ code: 'CJ_ERR_MIGRATION', message: expect.stringContaining('belongs to another definition') });
    await expect(engine.get('visit-v1-0001')).rejects.not.toThrow(/something-else/);
  });
});

/** A store that "crashes" the process right after a commit is acknowledged. */
class CrashAfterCommit extends MemoryStore {
  crashNext = false;
  override async commit(c: JourneyCommit): Promise<void> {
    await super.commit(c);
    if (this.crashNext) {
      this.crashNext = false;
      throw new Error('process killed after commit');
    }
  }
}

describe('recovery', () => {
  it('redelivers outbox items that were committed but not delivered, with stable ids, once marked', async () => {
    const store = new CrashAfterCommit();
    const clock = new ManualClock(T0);
    const first = createEngine({ definition: visitJourney, store, clock });
    const id = await checkedInVisit(first);
    await must(first.send(id, { type: 'vitals.recorded', systolic: 120, diastolic: 80 }, { actor: actors.nurse }));
    store.crashNext = true;
    await expect(first.send(id, { type: 'dose.given', mg: 40, lot: 'L1' }, { actor: actors.nurse })).rejects.toThrow('process killed');
    const pending = await store.pendingOutbox(100);
    expect(pending.map((p) => `${p.kind}:${p.type}`)).toEqual(['transition:dose.given', 'effect:dose.recorded']);

    const delivered: string[] = [];
    const audit = definePlugin({
      name: 'audit',
      setup(api) {
        api.hooks.afterCommit(({ entry, deliveryId }) => void delivered.push(`${deliveryId}:${entry.type}`));
        api.hooks.onEffect(({ type, deliveryId }) => void delivered.push(`${deliveryId}:${type}`));
      },
    });
    const second = createEngine({ definition: visitJourney, store, clock, plugins: [audit] });
    const listened: string[] = [];
    second.on('transition', (n) => listened.push(n.entry.type));
    expect(await second.recover()).toBe(2);
    expect(delivered).toEqual([`${pending[0]!.id}:dose.given`, `${pending[1]!.id}:dose.recorded`]);
    expect(listened).toEqual(['dose.given']);
    expect(await second.recover()).toBe(0);
    expect(delivered).toHaveLength(2);
    // The committed event itself was kept.
    expect((await second.get(id)).stateLabel).toBe('observing');
  });

  it('an item delivered but not marked is redelivered with the same id (at least once)', async () => {
    class ForgetfulStore extends MemoryStore {
      forget = true;
      override async markDelivered(ids: readonly string[]): Promise<void> {
        if (!this.forget) await super.markDelivered(ids);
      }
    }
    const store = new ForgetfulStore();
    const ids: string[] = [];
    const engine = createEngine({
      definition: visitJourney,
      store,
      clock: new ManualClock(T0),
      plugins: [definePlugin({ name: 'ids', setup: (api) => api.hooks.afterCommit(({ deliveryId }) => void ids.push(deliveryId)) })],
    });
    await engine.start({ patientRef: 'p', input: {}, actor: actors.coordinator, journeyId: 'j-1' });
    store.forget = false;
    await engine.recover();
    expect(ids).toEqual(['j-1:1:0', 'j-1:1:0']);
  });
});
