// Timer rows of valid JSON and a timer's shape that this engine cannot have stored: a machine
// timer whose event is not one of the definition's timer events (or has no type, or is missing),
// an owner that is neither the machine nor a registered plugin, a plugin key outside its plugin.
// On both stores each is reported with CJ_ERR_CORRUPT_SNAPSHOT and left in place, nothing about
// its journey changes, and every other due timer still fires.
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  createEngine,
  definePlugin,
  ManualClock,
  MemoryStore,
  type FiredTimer,
  type JourneyStore,
  type TimerRow,
} from '@carejourney/core';
import { actors, visitJourney } from '../../core/test/fixtures/visitJourney.js';
import { SqliteStore } from '../src/index.js';
import { removeTempDbs, tempDbPath } from './helpers/tempDb.js';

afterAll(removeTempDbs);
const open: JourneyStore[] = [];
afterEach(async () => {
  for (const store of open.splice(0).reverse()) await store.close?.();
});

const T0 = Date.parse('2026-01-05T09:00:00Z');
const NO_SHOW_KEY = 'machine:xstate.after.noShowDelay.visit.booked';

/** Writes a damaged version of a journey's timer through the store's own write path. */
async function replaceTimer(store: JourneyStore, journeyId: string, key: string, row: TimerRow): Promise<void> {
  const record = (await store.load(journeyId))!;
  await store.commit({ journey: { ...record, version: record.version + 1 }, expectedVersion: record.version, timersToSet: [row], timersToCancel: [key], outbox: [] });
}

/** The same damage written behind the store's back, as a hand edit of the file would. */
function editSqlite(store: SqliteStore, journeyId: string, row: { key: string; owner: string; event: string | null; payload: string | null }): void {
  const db = new Database(store.path);
  try {
    db.prepare('UPDATE timers SET key = ?, owner = ?, event = ?, payload = ? WHERE journey_id = ?').run(row.key, row.owner, row.event, row.payload, journeyId);
  } finally {
    db.close();
  }
}

/** A store that damages the timer rows of one journey as it reads them (an `owner` of `NULL`, which SQLite's schema refuses to hold). */
function damagedOnRead(store: JourneyStore, journeyId: string, damage: (row: TimerRow) => unknown): JourneyStore {
  const mapRows = (rows: TimerRow[]) => rows.map((row) => (row.journeyId === journeyId ? damage(row) : row)) as TimerRow[];
  return new Proxy(store, {
    get(target, name, receiver) {
      if (name === 'dueTimers') return async (now: number, limit: number) => mapRows(await target.dueTimers(now, limit));
      if (name === 'listTimers') return async (id: string) => mapRows(await target.listTimers(id));
      const value = Reflect.get(target, name, receiver) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

type Damage = (row: TimerRow) => TimerRow;

const DAMAGES: [string, Damage][] = [
  // The worst case: a host event the booked state accepts, sent by the system as if it were due.
  ['a machine timer carrying a host event', (row) => ({ ...row, event: { type: 'patient.arrived' } })],
  ['a machine timer whose event has no type', (row) => ({ ...row, event: { reason: 'MARKER-8842' } })],
  ['a machine timer whose event type is not a string', (row) => ({ ...row, event: { type: 42 } })],
  ['a machine timer without an event', ({ event: _event, ...row }) => ({ ...row, payload: { note: 'MARKER-8842' } })],
  ['a machine timer whose key is not a machine key', (row) => ({ ...row, key: 'plugin:reminders:x' })],
  ['an owner that is no registered plugin', (row) => ({ ...row, owner: 'MARKER-8842', key: 'plugin:MARKER-8842:x' })],
  ['a registered plugin owning a key of another plugin', (row) => ({ ...row, owner: 'reminders', key: 'plugin:other:x', payload: null })],
];

const STORES = [
  ['MemoryStore', () => new MemoryStore()],
  ['SqliteStore', () => new SqliteStore({ path: tempDbPath(), onCorruptRow: () => undefined })],
] as const;

async function twoBookedJourneys(makeStore: () => JourneyStore) {
  const store = makeStore();
  open.push(store);
  const clock = new ManualClock(T0);
  const pluginTimers: string[] = [];
  const reminders = definePlugin({
    name: 'reminders',
    setup(api) {
      api.hooks.onTimer(({ journeyId, key }) => void pluginTimers.push(`${journeyId}:${key}`));
    },
  });
  const engine = createEngine({ definition: visitJourney, store, clock, plugins: [reminders] });
  for (const journeyId of ['a-damaged', 'b-healthy']) {
    await engine.start({ journeyId, patientRef: `pt-${journeyId}`, input: {}, actor: actors.coordinator });
    await engine.send(journeyId, { type: 'consent.recorded' }, { actor: actors.physician });
    await engine.send(journeyId, { type: 'visit.book', slot: '2026-01-05T10:00:00Z' }, { actor: actors.coordinator });
  }
  return { store, clock, plugins: [reminders], pluginTimers };
}

/** Everything stored about a journey, undelivered outbox items included. */
async function dump(store: JourneyStore, journeyId: string) {
  return { record: await store.load(journeyId), journal: await store.readJournal(journeyId), timers: await store.listTimers(journeyId), outbox: await store.pendingOutbox(1000, journeyId) };
}

async function expectReportedAndLeft(store: JourneyStore, reader: JourneyStore, clock: ManualClock, plugins: ReturnType<typeof definePlugin>[], pluginTimers: string[]) {
  const before = await dump(store, 'a-damaged');
  expect(before.timers).toHaveLength(1);
  const engine = createEngine({ definition: visitJourney, store: reader, clock, plugins });
  const notices: string[] = [];
  for (const name of ['transition', 'timer.fired', 'effect', 'visit.missed'] as const) engine.on(name, (n: { journeyId: string }) => void notices.push(`${name}:${n.journeyId}`));
  clock.advanceTo('2026-01-06T00:00:00Z');

  const fired = await engine.runDue();
  expect(fired.map((f) => [f.journeyId, f.error?.code])).toEqual([
    ['a-damaged', 'CJ_ERR_CORRUPT_SNAPSHOT'],
    ['b-healthy', undefined],
  ]);
  const report = fired[0] as FiredTimer & { error: Error };
  expect(report.error.message).toMatch(/^A timer of journey "a-damaged" cannot fire: its stored (timers\.\w+|row) /);
  expect(report.error.message).not.toContain('MARKER-8842');
  expect(report.error.message).not.toContain('patient.arrived');
  // The healthy journey's timer fired; nothing was announced for the damaged one.
  expect(notices.filter((n) => n.endsWith(':a-damaged'))).toEqual([]);
  expect(notices).toContain('timer.fired:b-healthy');
  expect(pluginTimers).toEqual([]);
  // The damaged journey is exactly as it was: record, journal, timer row, outbox.
  expect(await dump(store, 'a-damaged')).toEqual(before);
  expect((await engine.get('b-healthy')).stateLabel).toBe('noShow');
  expect((await engine.get('a-damaged')).stateLabel).toBe('booked');

  // Reported again on the next run, never consumed.
  expect((await engine.runDue()).map((f) => [f.journeyId, f.error?.code])).toEqual([['a-damaged', 'CJ_ERR_CORRUPT_SNAPSHOT']]);
  expect(await dump(store, 'a-damaged')).toEqual(before);
}

describe.each(STORES)('damaged timer rows on %s', (_name, makeStore) => {
  it.each(DAMAGES)('%s is reported and left in place; the other timers fire', async (_label, damage) => {
    const { store, clock, plugins, pluginTimers } = await twoBookedJourneys(makeStore);
    const [row] = await store.listTimers('a-damaged');
    await replaceTimer(store, 'a-damaged', NO_SHOW_KEY, damage(row!));
    await expectReportedAndLeft(store, store, clock, plugins, pluginTimers);
  });

  it.each([
    ['an owner of NULL', (row: TimerRow) => ({ ...row, owner: null })],
    ['an event that is an array', (row: TimerRow) => ({ ...row, event: ['patient.arrived'] })],
  ])('a row read back with %s is reported and left in place; the other timers fire', async (_label, damage) => {
    const { store, clock, plugins, pluginTimers } = await twoBookedJourneys(makeStore);
    await expectReportedAndLeft(store, damagedOnRead(store, 'a-damaged', damage), clock, plugins, pluginTimers);
  });

  it('a healthy plugin timer and a healthy machine timer fire beside a damaged one', async () => {
    const { store, clock, plugins, pluginTimers } = await twoBookedJourneys(makeStore);
    const record = (await store.load('b-healthy'))!;
    const plugin: TimerRow = { journeyId: 'b-healthy', key: 'plugin:reminders:day-before', owner: 'reminders', dueAt: T0 + 60_000, payload: { channel: 'sms' } };
    await store.commit({ journey: { ...record, version: record.version + 1 }, expectedVersion: record.version, timersToSet: [plugin], timersToCancel: [], outbox: [] });
    const [row] = await store.listTimers('a-damaged');
    await replaceTimer(store, 'a-damaged', NO_SHOW_KEY, { ...row!, event: { type: 'patient.arrived' } });
    const engine = createEngine({ definition: visitJourney, store, clock, plugins });
    clock.advanceTo('2026-01-06T00:00:00Z');
    const fired = await engine.runDue();
    expect(fired.map((f) => [f.journeyId, f.key, f.error?.code])).toEqual([
      ['b-healthy', 'plugin:reminders:day-before', undefined],
      ['a-damaged', NO_SHOW_KEY, 'CJ_ERR_CORRUPT_SNAPSHOT'],
      ['b-healthy', NO_SHOW_KEY, undefined],
    ]);
    expect(pluginTimers).toEqual(['b-healthy:day-before']);
    expect(await store.listTimers('a-damaged')).toHaveLength(1);
  });
});

describe('damaged timer rows edited into the SQLite file', () => {
  it.each([
    ['a host event', { owner: 'machine', event: '{"type":"patient.arrived"}', payload: null }],
    ['an event without a type', { owner: 'machine', event: '{"at":"MARKER-8842"}', payload: null }],
    ['no event', { owner: 'machine', event: null, payload: null }],
    ['an unknown owner', { owner: 'MARKER-8842', event: null, payload: '{"n":1}' }],
  ])('%s is reported and left in place; the other timers fire', async (_label, edit) => {
    const { store, clock, plugins, pluginTimers } = await twoBookedJourneys(STORES[1][1]);
    editSqlite(store as SqliteStore, 'a-damaged', { key: NO_SHOW_KEY, ...edit });
    await expectReportedAndLeft(store, store, clock, plugins, pluginTimers);
  });
});
