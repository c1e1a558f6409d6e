import { describe, expect, it } from 'vitest';
import { MemoryStore, type JourneyRecord, type JourneyStore, type TimerRow } from '../src/index.js';
import { freezeNew } from '../src/store/freezeNew.js';
import { isKnownWellFormed, markWellFormed } from '../src/store/knownWellFormed.js';
import { actors } from './fixtures/visitJourney.js';
import { must, visitEngine } from './helpers.js';

/** `inner`, with load and listTimers passed through `change`. */
function altered(inner: MemoryStore, change: { record?: (r: JourneyRecord) => unknown; timers?: (t: TimerRow[]) => unknown[] }): JourneyStore {
  return new Proxy(inner, {
    get: (target, prop) => {
      if (prop === 'load' && change.record) return async (id: string) => {
        const r = await target.load(id);
        return r && change.record!(r);
      };
      if (prop === 'listTimers' && change.timers) return async (id: string) => change.timers!(await target.listTimers(id));
      const value: unknown = Reflect.get(target, prop);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  }) as unknown as JourneyStore;
}

describe('records and timer rows checked once', () => {
  it('only a value frozen all through and exact JSON is remembered', () => {
    const open = { key: 'k' };
    markWellFormed('timer', open);
    expect(isKnownWellFormed('timer', open)).toBe(false);
    const inexact = freezeNew({ key: 'k', gone: undefined });
    markWellFormed('timer', inexact);
    expect(isKnownWellFormed('timer', inexact)).toBe(false);
    const exact = freezeNew({ key: 'k' });
    markWellFormed('timer', exact);
    expect(isKnownWellFormed('timer', exact)).toBe(true);
    // Per kind: a timer row is not thereby a record.
    expect(isKnownWellFormed('record', exact)).toBe(false);
  });

  it('a frozen record of the wrong shape is refused on every load, and its safe twin loads', async () => {
    const inner = new MemoryStore();
    const { engine } = visitEngine({ store: inner });
    const { id } = await engine.start({ patientRef: 'p', input: {}, actor: actors.coordinator });
    const bad = altered(inner, { record: (r) => freezeNew({ ...r, status: 'sleeping' }) });
    const { engine: reader } = visitEngine({ store: bad });
    for (let i = 0; i < 2; i++) await expect(reader.get(id)).rejects.toMatchObject({ code: 'CJ_ERR_CORRUPT_SNAPSHOT', details: { journeyId: id }, message: expect.stringMatching(/record is malformed/) });
    const twin = altered(inner, { record: (r) => freezeNew({ ...r }) });
    const { engine: fine } = visitEngine({ store: twin });
    expect((await fine.get(id)).stateLabel).toBe((await engine.get(id)).stateLabel);
  });

  it('a frozen timer row of the wrong shape is left out on every load; the well-formed ones stay', async () => {
    const inner = new MemoryStore();
    const { engine } = visitEngine({ store: inner });
    const { id } = await engine.start({ patientRef: 'p', input: {}, actor: actors.coordinator });
    await must(engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician }));
    await must(engine.send(id, { type: 'visit.book', slot: '2026-01-06T10:00:00Z' }, { actor: actors.coordinator }));
    const good = (await engine.get(id)).timers.map((t) => t.key);
    expect(good.length).toBeGreaterThan(0);
    const broken = freezeNew({ journeyId: id, key: 'broken', owner: 'machine', dueAt: 'soon' });
    const bad = altered(inner, { timers: (t) => [...t, broken] });
    const { engine: reader } = visitEngine({ store: bad });
    for (let i = 0; i < 2; i++) expect((await reader.get(id)).timers.map((t) => t.key)).toEqual(good);
  });
});
