import { describe, expect, it } from 'vitest';
import { assertCommitShape, createEngine, definePlugin, ketamineAnxietyJourney, ManualClock, MemoryStore, type JourneyCommit, type JourneyStore } from '../src/index.js';
import { journeyCommitSchema } from '../src/store/journeyCommitSchema.js';
import { isSealedCommit } from '../src/store/sealCommit.js';
import { COURSE_PROTOCOL, COURSE_START, IV_COURSE, runCourse } from './fixtures/ketamineCourse.js';
import { actors } from './fixtures/visitJourney.js';
import { must, visitEngine } from './helpers.js';

/** True when every object and array reachable from `value` is frozen. */
function frozenAllThrough(value: unknown, seen = new Set<object>()): boolean {
  if (value === null || typeof value !== 'object' || seen.has(value)) return true;
  seen.add(value);
  return Object.isFrozen(value) && Object.values(value).every((v) => frozenAllThrough(v, seen));
}

/** A MemoryStore that records every commit it is given, as given. */
function recording(): { store: JourneyStore; commits: JourneyCommit[] } {
  const inner = new MemoryStore();
  const commits: JourneyCommit[] = [];
  const store = new Proxy(inner, {
    get: (target, prop) => {
      if (prop === 'commit') return (c: JourneyCommit) => (commits.push(c), target.commit(c));
      const value: unknown = Reflect.get(target, prop);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store, commits };
}

/** The checks `assertCommitShape` makes of a commit that is not sealed, made here directly. */
function fullCheck(c: JourneyCommit): void {
  const parsed = journeyCommitSchema.safeParse(c);
  expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues)).toBe(true);
  expect(c.journey.version).toBe(c.expectedVersion + 1);
  if (c.entry) expect(c.entry.journeyId).toBe(c.journey.id);
}

describe('the engine seals its own commits', () => {
  it('every commit of a ketamine course (starts, events, machine timers) passes the full shape check and is frozen all through', async () => {
    const { store, commits } = recording();
    const clock = new ManualClock(COURSE_START);
    const engine = createEngine({ definition: ketamineAnxietyJourney, store, clock, protocol: COURSE_PROTOCOL });
    await runCourse(engine, clock, IV_COURSE, { untilSession: 8 });
    expect(commits.length).toBeGreaterThan(150);
    const kinds = new Set(commits.map((c) => c.entry?.kind));
    expect([...kinds].sort()).toEqual(['event', 'start', 'timer']);
    for (const c of commits) {
      expect(isSealedCommit(c)).toBe(true);
      expect(frozenAllThrough(c)).toBe(true);
      fullCheck(c);
    }
  });

  it('plugin timer commits and machine timers fired by runDue are sealed and pass the full check too', async () => {
    const reminders = definePlugin({
      name: 'reminders',
      setup(api) {
        api.hooks.afterCommit(async ({ entry, journeyId }) => {
          if (entry.type === 'visit.book') {
            await api.timers.schedule({ journeyId, key: 'day-before', dueAt: Date.parse('2026-01-05T10:00:00Z'), payload: { channel: 'sms' } });
            await api.timers.cancel(journeyId, 'day-before');
            await api.timers.schedule({ journeyId, key: 'day-before', dueAt: Date.parse('2026-01-05T10:30:00Z'), payload: { channel: 'sms' } });
          }
        });
      },
    });
    const { store, commits } = recording();
    const { engine, clock } = visitEngine({ store, plugins: [reminders] });
    const { id } = await engine.start({ patientRef: 'p', input: {}, actor: actors.coordinator });
    await must(engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician }));
    await must(engine.send(id, { type: 'visit.book', slot: '2026-01-06T10:00:00Z' }, { actor: actors.coordinator }));
    clock.advanceTo('2026-01-09T12:00:00Z');
    await engine.runDue();
    const bare = commits.filter((c) => c.entry === undefined);
    expect(bare.length).toBeGreaterThanOrEqual(3);
    for (const c of commits) {
      expect(isSealedCommit(c)).toBe(true);
      fullCheck(c);
    }
  });

  it('a copy of a sealed commit is checked in full: a wrong field in it is refused, and the copy as made is accepted', async () => {
    const { store, commits } = recording();
    const { engine } = visitEngine({ store });
    const { id } = await engine.start({ patientRef: 'p', input: {}, actor: actors.coordinator });
    await must(engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician }));
    const sealed = commits.at(-1)!;
    expect(assertCommitShape(sealed, 'TestStore')).toBe(sealed);

    // The safe twin: the same content, not sealed, is checked and passes (a new checked object).
    const copy = structuredClone(sealed);
    expect(isSealedCommit(copy)).toBe(false);
    const checked = assertCommitShape(copy, 'TestStore');
    expect(checked).not.toBe(copy);
    expect(checked).toEqual(sealed);

    const badPhase = { ...sealed, journey: { ...sealed.journey, phase: 7 } };
    expect(() => assertCommitShape(badPhase, 'TestStore')).toThrow(expect.objectContaining({ code: 'CJ_ERR_INVALID_INPUT' }));
    const badVersion = { ...sealed, expectedVersion: sealed.expectedVersion + 1 };
    expect(() => assertCommitShape(badVersion, 'TestStore')).toThrow(expect.objectContaining({ code: 'CJ_ERR_STORE' }));
  });

  it('a sealed commit cannot be changed on its way to the store', async () => {
    const seen: JourneyCommit[] = [];
    const inner = new MemoryStore();
    const meddling = new Proxy(inner, {
      get: (target, prop) => {
        if (prop === 'commit')
          return (c: JourneyCommit) => {
            seen.push(c);
            expect(() => {
              'use strict';
              (c.journey as { phase: unknown }).phase = 'elsewhere';
            }).toThrow(TypeError);
            expect(() => (c.outbox as unknown[]).push({})).toThrow(TypeError);
            return target.commit(c);
          };
        const value: unknown = Reflect.get(target, prop);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const { engine } = visitEngine({ store: meddling });
    const { id } = await engine.start({ patientRef: 'p', input: {}, actor: actors.coordinator });
    await must(engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician }));
    expect(seen).toHaveLength(2);
    expect((await inner.load(id))?.phase).toBe(seen[1]!.journey.phase);
  });
});
