import { raise, setup } from 'xstate';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createEngine, defineJourney, ManualClock, MemoryStore, protocolRefOf, toMillis } from '../src/index.js';
import { visitJourney, visitJourneyConfig, visitRoles } from './fixtures/visitJourney.js';

const machine = setup({}).createMachine({ id: 'tiny', initial: 'a', states: { a: { on: { go: 'b' } }, b: {} } });
const base = {
  id: 'tiny',
  version: 1,
  machine,
  events: { go: z.strictObject({}) },
  input: z.strictObject({}),
  roles: ['nurse'] as const,
  policy: { start: ['nurse'] as const, events: { go: ['nurse'] as const } },
};

describe('defineJourney checks a definition when it is created', () => {
  it('accepts a well-formed definition and adds the system role', () => {
    const d = defineJourney({ ...base, roles: ['nurse'], policy: { start: ['nurse'], events: { go: ['nurse'] } } });
    expect(d.roles).toEqual(['nurse', 'system']);
    expect(d.kind).toBe('carejourney.definition');
  });

  it.each([
    ['a bad id', { id: 'has space' }, /id must be/],
    ['a version that is not a positive integer', { version: 0 }, /version must be a positive integer/],
    ['an event without a policy entry', { policy: { start: ['nurse'], events: {} } }, /policy.events has no entry for "go"/],
    ['a policy entry for an unknown event', { policy: { start: ['nurse'], events: { go: ['nurse'], stop: ['nurse'] } } }, /names "stop", which is not an event/],
    ['an unknown role in the policy', { policy: { start: ['nurse'], events: { go: ['surgeon'] } } }, /unknown role "surgeon"/],
    ['an unknown start role', { policy: { start: ['surgeon'], events: { go: ['nurse'] } } }, /policy.start names unknown role/],
    ['a payload declaring a reserved key', { events: { go: z.strictObject({ at: z.string() }) } }, /declares "at"/],
    ['an event type in the xstate namespace', { events: { 'xstate.init': z.strictObject({}) }, policy: { start: ['nurse'], events: { 'xstate.init': ['nurse'] } } }, /reserved by XState/],
    ['a payload schema that is not an object', { events: { go: z.string() } }, /must be a zod object/],
    ['a migration from a version not below the current one', { migrations: { 1: (s: unknown) => s } }, /migrations\[1\]/],
  ])('refuses %s', (_label, override, message) => {
    expect(() => defineJourney({ ...base, ...override } as never)).toThrowError(expect.objectContaining({ code: 'CJ_ERR_INVALID_CONFIG', message: expect.stringMatching(message) }));
  });
});

describe('defineJourney checks the machine against the declared events', () => {
  const withTimer = setup({}).createMachine({
    id: 'timed',
    initial: 'a',
    states: { a: { entry: raise({ type: 'reminder.due' }, { delay: 1000, id: 'reminder' }), on: { go: 'b', 'reminder.due': 'b' } }, b: {} },
  });
  const policy = { start: ['nurse'] as const, events: { go: ['nurse'] as const } };

  it('refuses a machine that handles an event type declared nowhere (a typo never arrives)', () => {
    expect(() => defineJourney({ ...base, machine: withTimer, roles: ['nurse'], policy })).toThrowError(
      expect.objectContaining({ code: 'CJ_ERR_INVALID_CONFIG', message: expect.stringContaining('the machine handles "reminder.due"') }),
    );
  });

  it('accepts it declared as a timer event, which hosts then cannot send', async () => {
    const d = defineJourney({ ...base, machine: withTimer, timerEvents: ['reminder.due'], roles: ['nurse'], policy });
    expect(d.timerEvents).toEqual(['reminder.due']);
    const engine = createEngine({ definition: d, store: new MemoryStore(), clock: new ManualClock(0) });
    const { id } = await engine.start({ patientRef: 'p', input: {}, actor: { id: 'n', role: 'nurse' } });
    const r = await engine.send(id, { type: 'reminder.due' } as never, { actor: { id: 'n', role: 'nurse' } });
    expect(!r.ok && r.error.code).toBe('CJ_ERR_INVALID_EVENT');
  });

  it('refuses a type that is both a host event and a timer event', () => {
    expect(() => defineJourney({ ...base, machine: withTimer, timerEvents: ['reminder.due', 'go'], roles: ['nurse'], policy })).toThrowError(/both a host event and a timer event/);
  });
});

describe('createEngine checks its options', () => {
  it('validates the protocol overrides against the definition, naming the field', () => {
    expect(() => createEngine({ definition: visitJourney, store: new MemoryStore(), protocol: { observationMinutes: -5 } })).toThrowError(
      expect.objectContaining({ code: 'CJ_ERR_INVALID_CONFIG', message: expect.stringContaining('protocol.observationMinutes') }),
    );
    const engine = createEngine({ definition: visitJourney, store: new MemoryStore(), protocol: { bpLimit: { systolic: 150 } } });
    expect(engine.protocol).toEqual({ bpLimit: { systolic: 150, diastolic: 90 }, observationMinutes: 60, noShowGraceMinutes: 30 });
  });

  it('applies the clinic protocol to new journeys and records it in the start entry, by a ref the store resolves', async () => {
    const store = new MemoryStore();
    const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(0), protocol: { observationMinutes: 120 } });
    const view = await engine.start({ patientRef: 'p', input: {}, actor: { id: 'c', role: 'coordinator' } });
    expect((view.context['protocol'] as { observationMinutes: number }).observationMinutes).toBe(120);
    const start = (await engine.history(view.id))[0]!;
    expect(start.payload['protocol']).toBeUndefined();
    expect(start.payload['protocolRef']).toBe(protocolRefOf(engine.protocol));
    expect((await store.loadProtocol(start.payload['protocolRef'] as string))?.protocol).toMatchObject({ observationMinutes: 120 });
  });

  it('refuses a missing definition or store and protocol for a journey without one', () => {
    expect(() => createEngine({ definition: {} as never, store: new MemoryStore() })).toThrowError(/defineJourney/);
    expect(() => createEngine({ definition: visitJourney, store: {} as never })).toThrowError(/JourneyStore/);
    const tiny = defineJourney({ ...base, roles: ['nurse'], policy: { start: ['nurse'], events: { go: ['nurse'] } } });
    expect(() => createEngine({ definition: tiny, store: new MemoryStore(), protocol: { x: 1 } as never })).toThrowError(/takes no protocol/);
  });

  it('keeps definitions of the fixture consistent with its config', () => {
    expect(visitJourney.version).toBe(visitJourneyConfig.version);
    expect(visitJourney.roles).toEqual([...visitRoles, 'system']);
  });
});

describe('ManualClock and durations', () => {
  it('moves only when told, by a duration or to an instant, never backwards', () => {
    const clock = new ManualClock('2026-01-05T09:00:00Z');
    expect(new Date(clock.now()).toISOString()).toBe('2026-01-05T09:00:00.000Z');
    clock.advance({ days: 1, hours: 2, minutes: 30 });
    expect(new Date(clock.now()).toISOString()).toBe('2026-01-06T11:30:00.000Z');
    clock.advance(500);
    clock.advanceTo('2026-02-01T00:00:00Z');
    expect(new Date(clock.now()).toISOString()).toBe('2026-02-01T00:00:00.000Z');
    expect(() => clock.advanceTo('2026-01-01T00:00:00Z')).toThrowError(/cannot go back/);
    expect(new Date(clock.now()).toISOString()).toBe('2026-02-01T00:00:00.000Z');
    for (const bad of ['not a date', '2026-01-05T09:00:00', Number.NaN, Number.POSITIVE_INFINITY, new Date('x'), null, {}, Symbol('t'), 10n]) {
      expect(() => new ManualClock(bad as never), String(typeof bad)).toThrowError(expect.objectContaining({ code: 'CJ_ERR_INVALID_INPUT' }));
      expect(() => clock.advanceTo(bad as never)).toThrowError(expect.objectContaining({ code: 'CJ_ERR_INVALID_INPUT' }));
    }
    expect(() => new ManualClock('not a date')).toThrowError(/The ManualClock start is invalid/);
    expect(new Date(clock.now()).toISOString()).toBe('2026-02-01T00:00:00.000Z');
  });

  it('adds duration fields up and refuses negative ones', () => {
    expect(toMillis({ weeks: 1, days: 1, hours: 1, minutes: 1, seconds: 1, ms: 1 })).toBe(604_800_000 + 86_400_000 + 3_600_000 + 60_000 + 1000 + 1);
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, { days: -1 }, { fortnights: 1 }, { days: Number.MAX_VALUE, weeks: Number.MAX_VALUE }, null, '3 days']) {
      expect(() => toMillis(bad as never), JSON.stringify(bad)).toThrowError(expect.objectContaining({ code: 'CJ_ERR_INVALID_INPUT' }));
    }
    const clock = new ManualClock(0);
    expect(() => clock.advance({ days: -1 })).toThrowError(expect.objectContaining({ code: 'CJ_ERR_INVALID_INPUT' }));
    expect(() => clock.advance(9e15)).toThrowError(expect.objectContaining({ code: 'CJ_ERR_INVALID_INPUT' }));
    expect(clock.now()).toBe(0);
  });
});
