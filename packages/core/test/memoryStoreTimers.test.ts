import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/index.js';
import type { JourneyCommit } from '../src/store/JourneyStore.js';
import { FrozenCopies } from '../src/store/FrozenCopies.js';
import type { JourneyRecord, TimerRow } from '../src/store/records.js';

const T0 = Date.parse('2026-03-02T08:00:00Z');
const at = new Date(T0).toISOString();

const record = (id: string, version: number): JourneyRecord => ({
  id,
  definitionId: 'def',
  definitionVersion: 1,
  patientRef: 'pt',
  version,
  lastSeq: version,
  snapshot: { status: 'active', value: 'a', context: { n: version, list: [1, 'two', null], nested: { deep: { x: true } } } },
  state: 'a',
  phase: 'a',
  status: 'active',
  createdAt: at,
  updatedAt: at,
});

/** The reference: every journey's timers, filtered and sorted as the store contract says. */
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
function naiveDue(model: Map<string, Map<string, TimerRow>>, now: number, limit: number): TimerRow[] {
  const due: TimerRow[] = [];
  for (const timers of model.values()) for (const t of timers.values()) if (t.dueAt <= now) due.push(t);
  due.sort((a, b) => a.dueAt - b.dueAt || byText(a.journeyId, b.journeyId) || byText(a.key, b.key));
  return due.slice(0, limit);
}

type Op =
  | { kind: 'commit'; journey: number; set: { key: number; dueAt: number; payload: number }[]; cancel: number[] }
  | { kind: 'due'; now: number; limit: number };

// Few journeys, keys and due times, so ties on dueAt (and on journey) are frequent.
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('commit' as const),
      journey: fc.integer({ min: 0, max: 4 }),
      set: fc.array(fc.record({ key: fc.integer({ min: 0, max: 7 }), dueAt: fc.integer({ min: 0, max: 12 }), payload: fc.integer() }), { maxLength: 4 }),
      cancel: fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('due' as const), now: fc.integer({ min: -1, max: 14 }), limit: fc.integer({ min: 0, max: 40 }) }) },
);

describe('MemoryStore due-timer index', () => {
  it('dueTimers equals a naive scan of every journey over random commits, cancels and re-sets (ties on dueAt included)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 60 }), async (ops) => {
        const store = new MemoryStore();
        const model = new Map<string, Map<string, TimerRow>>();
        const versions = new Map<string, number>();
        for (const op of ops) {
          if (op.kind === 'due') {
            expect(await store.dueTimers(op.now, op.limit)).toEqual(naiveDue(model, op.now, op.limit));
            continue;
          }
          const id = `j${op.journey}`;
          const version = (versions.get(id) ?? 0) + 1;
          // Keys of several lengths, so text order and length order differ ('k10' < 'k2').
          const timersToSet = op.set.map((t): TimerRow => ({ journeyId: id, key: `k${t.key * 5}`, owner: 'machine', dueAt: T0 + t.dueAt, payload: t.payload }));
          const timersToCancel = op.cancel.map((k) => `k${k * 5}`);
          const commit: JourneyCommit = { journey: record(id, version), expectedVersion: version - 1, timersToSet, timersToCancel, outbox: [] };
          await store.commit(commit);
          versions.set(id, version);
          const timers = model.get(id) ?? new Map<string, TimerRow>();
          for (const key of timersToCancel) timers.delete(key);
          for (const t of timersToSet) timers.set(t.key, structuredClone(t));
          model.set(id, timers);
        }
        // Everything pending, and each journey's own list, still agree at the end.
        expect(await store.dueTimers(T0 + 100, 1000)).toEqual(naiveDue(model, T0 + 100, 1000));
        for (const [id, timers] of model) {
          expect(await store.listTimers(id)).toEqual([...timers.values()].sort((a, b) => a.dueAt - b.dueAt || byText(a.key, b.key)));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a refused commit leaves the index as it was', async () => {
    const store = new MemoryStore();
    const t = (key: string, dueAt: number): TimerRow => ({ journeyId: 'j', key, owner: 'machine', dueAt });
    await store.commit({ journey: record('j', 1), expectedVersion: 0, timersToSet: [t('a', T0), t('b', T0)], timersToCancel: [], outbox: [] });
    await expect(store.commit({ journey: record('j', 6), expectedVersion: 5, timersToSet: [t('c', T0)], timersToCancel: ['a'], outbox: [] })).rejects.toMatchObject({ code: 'CJ_ERR_CONFLICT' });
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    await expect(
      store.commit({ journey: record('j', 2), expectedVersion: 1, timersToSet: [{ ...t('c', T0), payload: cyclic }], timersToCancel: ['a'], outbox: [] }),
    ).rejects.toMatchObject({ code: 'CJ_ERR_INVALID_INPUT' });
    expect((await store.dueTimers(T0, 10)).map((r) => r.key)).toEqual(['a', 'b']);
  });
});

describe('MemoryStore isolation', () => {
  it('what was committed can be changed by the caller without reaching the store; what is read back cannot be changed', async () => {
    const store = new MemoryStore();
    const timer: TimerRow = { journeyId: 'j', key: 'k', owner: 'machine', dueAt: T0, event: { type: 'tick', nested: { n: 1 } } };
    const journey = record('j', 1);
    const entry = { journeyId: 'j', seq: 1, kind: 'start' as const, type: 'journey.start', payload: { list: [1] }, actor: { id: 'a', role: 'r' }, at, recordedAt: at, from: null, to: 'a', definitionVersion: 1 };
    const outbox = [{ id: 'j:1:0', journeyId: 'j', kind: 'transition' as const, type: 'journey.start', payload: entry, createdAt: at }];
    await store.commit({ journey, expectedVersion: 0, entry, timersToSet: [timer], timersToCancel: [], outbox });
    const pristine = { record: structuredClone(journey), timer: structuredClone(timer), entry: structuredClone(entry) };
    // Change everything that was passed in...
    (journey.snapshot as { context: { nested: { deep: { x: boolean } } } }).context.nested.deep.x = false;
    (timer.event as { nested: { n: number } }).nested.n = 2;
    entry.payload.list.push(2);
    // ...and try to change everything read back: it is frozen all through.
    const loaded = (await store.load('j'))!;
    expect(() => ((loaded.snapshot as { context: { list: unknown[] } }).context.list.length = 0)).toThrow(TypeError);
    expect(() => (loaded.phase = 'changed')).toThrow(TypeError);
    const due = (await store.dueTimers(T0, 1))[0]!;
    expect(() => ((due.event as { nested: { n: number } }).nested.n = 3)).toThrow(TypeError);
    const listed = (await store.listTimers('j'))[0]!;
    expect(() => ((listed.event as { nested: { n: number } }).nested.n = 4)).toThrow(TypeError);
    const journal = (await store.readJournal('j'))[0]!;
    expect(() => (journal.payload as { list: number[] }).list.push(5)).toThrow(TypeError);
    const pending = (await store.pendingOutbox(1))[0]!;
    expect(() => (pending.payload as { payload: { list: number[] } }).payload.list.push(6)).toThrow(TypeError);
    const summary = (await store.query({}))[0]!;
    expect(() => (summary.phase = 'changed')).toThrow(TypeError);
    expect(await store.load('j')).toEqual(pristine.record);
    expect(await store.dueTimers(T0, 1)).toEqual([pristine.timer]);
    expect(await store.listTimers('j')).toEqual([pristine.timer]);
    expect(await store.readJournal('j')).toEqual([pristine.entry]);
    expect((await store.pendingOutbox(1))[0]!.payload).toEqual(pristine.entry);
    expect((await store.query({}))[0]!.phase).toBe('a');
  });

  it('keeps values as a JSON round trip would (what a durable store keeps)', () => {
    class Point {
      constructor(readonly x: number) {}
    }
    const samples: unknown[] = [
      { a: undefined, b: () => 1, c: Symbol('s'), d: [undefined, () => 1, Symbol('s'), 1], e: -0, f: Number.NaN, g: Number.POSITIVE_INFINITY },
      { when: new Date(T0), point: new Point(3), map: new Map([[1, 2]]), nested: { toJSON: () => 'custom' } },
      Object.assign(Object.create(null) as object, { plain: [1, { two: 2 }] }),
      JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}'),
      [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[['deep']]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],
      'text',
      12.5,
      null,
      // eslint-disable-next-line no-sparse-arrays
      [1, , 3],
    ];
    const copies = new FrozenCopies();
    const frozenAllThrough = (value: unknown): boolean => value === null || typeof value !== 'object' || (Object.isFrozen(value) && Object.values(value).every(frozenAllThrough));
    for (const value of samples) {
      const copied = copies.copy(value);
      expect(JSON.stringify(copied)).toBe(JSON.stringify(value));
      expect(copied).toStrictEqual(JSON.parse(JSON.stringify(value)));
      expect(frozenAllThrough(copied)).toBe(true);
    }
    let deep: unknown = 'leaf';
    for (let i = 0; i < 1000; i++) deep = [deep];
    expect(copies.copy(deep)).toStrictEqual(JSON.parse(JSON.stringify(deep)));
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(() => copies.copy(cyclic)).toThrow(TypeError);
    expect(() => copies.copy({ n: 1n })).toThrow(TypeError);
  });

  it('shares what cannot have changed, and copies again what can', () => {
    const copies = new FrozenCopies();
    const first = copies.copy({ context: { sessions: [{ n: 1 }], note: 'a' } });
    // A copy it made is its own copy, at any depth of a new value.
    expect(copies.copy(first)).toBe(first);
    const next = copies.copy({ ...first, version: 2 });
    expect(next.context).toBe(first.context);
    // A value frozen all through, copied before, keeps its copy; one not frozen is copied each time.
    const frozen = Object.freeze({ list: Object.freeze([1, 2]) });
    const a = copies.copy({ frozen });
    expect(copies.copy({ frozen }).frozen).toBe(a.frozen);
    const open = { list: [1, 2] };
    const b = copies.copy({ open });
    open.list.push(3);
    expect(copies.copy({ open }).open).toEqual({ list: [1, 2, 3] });
    expect(b.open).toEqual({ list: [1, 2] });
    // A frozen value with a part that is not frozen is not frozen all through: copied each time.
    const shallow = Object.freeze({ list: [1] });
    copies.copy(shallow);
    shallow.list.push(2);
    expect(copies.copy(shallow)).toEqual({ list: [1, 2] });
  });
});
