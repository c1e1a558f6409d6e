import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { createEngine, defineJourney, guardRule, guardsFrom, ManualClock, MemoryStore } from '../src/index.js';

type Ctx = { consent: boolean; notes: number };

/** A journey whose `dose` rule counts how often it is judged, and whose `audit` rule throws. */
function countingJourney() {
  const judged = { consented: 0 };
  const rules = {
    consented: guardRule<Ctx>({
      description: 'Consent is recorded',
      scope: 'context',
      check: ({ context }) => {
        judged.consented++;
        return context.consent || 'No consent recorded.';
      },
    }),
    auditable: guardRule<Ctx>({
      description: 'The audit trail is readable',
      scope: 'context',
      check: () => {
        throw new Error('audit trail offline');
      },
    }),
  };
  const machine = setup({ types: {} as { context: Ctx }, guards: guardsFrom(rules) }).createMachine({
    context: { consent: false, notes: 0 },
    initial: 'ready',
    states: {
      ready: {
        on: {
          note: { actions: assign({ notes: ({ context }) => context.notes + 1 }) },
          consent: { actions: assign({ consent: true }) },
          dose: { target: 'dosed', guard: 'consented' },
          audit: { guard: 'auditable' },
        },
      },
      dosed: { type: 'final' },
    },
  });
  const definition = defineJourney({
    id: 'lazy-view',
    version: 1,
    machine,
    events: { note: z.strictObject({}), consent: z.strictObject({}), dose: z.strictObject({}), audit: z.strictObject({}) },
    input: z.strictObject({}),
    roles: ['nurse'],
    guards: rules,
    policy: { start: ['nurse'], events: { note: ['nurse'], consent: ['nurse'], dose: ['nurse'], audit: ['nurse'] } },
  });
  const engine = createEngine({ definition, store: new MemoryStore(), clock: new ManualClock(0) });
  return { engine, judged, actor: { id: 'n', role: 'nurse' } as const };
}

const BLOCKED_BEFORE_CONSENT = [
  { type: 'dose', guard: 'consented', reason: 'No consent recorded.' },
  { type: 'audit', guard: 'auditable', reason: 'The audit trail is readable: the rule could not be evaluated (audit trail offline)' },
];

describe('allowedEvents and blockedEvents of a view', () => {
  it('are judged only when first read, once for both', async () => {
    const { engine, judged, actor } = countingJourney();
    const { id } = await engine.start({ patientRef: 'p', input: {}, actor });
    const before = judged.consented;
    const r = await engine.send(id, { type: 'note' }, { actor });
    if (!r.ok) throw r.error;
    const view = await engine.get(id);
    expect(judged.consented).toBe(before);
    expect(r.view.allowedEvents).toEqual(['note', 'consent']);
    expect(judged.consented).toBe(before + 1);
    expect(r.view.blockedEvents).toEqual(BLOCKED_BEFORE_CONSENT);
    expect(r.view.allowedEvents).toBe(r.view.allowedEvents);
    expect(judged.consented).toBe(before + 1);
    expect(view.blockedEvents).toEqual(BLOCKED_BEFORE_CONSENT);
    expect(judged.consented).toBe(before + 2);
  });

  it('are judged from the snapshot and time of the view, whenever they are read', async () => {
    const { engine, actor } = countingJourney();
    const { id } = await engine.start({ patientRef: 'p', input: {}, actor });
    const unread = await engine.get(id);
    await engine.send(id, { type: 'consent' }, { actor });
    expect(unread.blockedEvents).toEqual(BLOCKED_BEFORE_CONSENT);
    const after = await engine.get(id);
    expect(after.allowedEvents).toEqual(['note', 'consent', 'dose']);
    expect(after.blockedEvents).toEqual([BLOCKED_BEFORE_CONSENT[1]]);
  });

  it('stay a plain JSON-safe object: JSON, spreads, structuredClone and key order include them', async () => {
    const { engine, actor } = countingJourney();
    const { id } = await engine.start({ patientRef: 'p', input: {}, actor });
    const keys = ['id', 'definitionId', 'definitionVersion', 'patientRef', 'version', 'state', 'stateLabel', 'phase', 'status', 'context', 'allowedEvents', 'blockedEvents', 'timers', 'createdAt', 'updatedAt'];
    const json = JSON.parse(JSON.stringify(await engine.get(id))) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(keys);
    expect(json['allowedEvents']).toEqual(['note', 'consent']);
    expect(json['blockedEvents']).toEqual(BLOCKED_BEFORE_CONSENT);
    const fresh = await engine.get(id);
    expect(Object.keys(fresh)).toEqual(keys);
    expect({ ...(await engine.get(id)) }).toEqual(json);
    expect(structuredClone(await engine.get(id))).toEqual(json);
    expect(await engine.get(id)).toStrictEqual(json);
    // Once read, an ordinary data property.
    void fresh.allowedEvents;
    expect(Object.getOwnPropertyDescriptor(fresh, 'allowedEvents')).toEqual({ value: ['note', 'consent'], writable: true, enumerable: true, configurable: true });
  });

  it('can be assigned like data properties, and read on a view frozen before reading', async () => {
    const { engine, judged, actor } = countingJourney();
    const { id } = await engine.start({ patientRef: 'p', input: {}, actor });
    const assigned = (await engine.get(id)) as { allowedEvents: readonly string[] };
    assigned.allowedEvents = ['note'];
    expect(assigned.allowedEvents).toEqual(['note']);
    const frozen = Object.freeze(await engine.get(id));
    const before = judged.consented;
    expect(frozen.blockedEvents).toEqual(BLOCKED_BEFORE_CONSENT);
    expect(frozen.blockedEvents).toBe(frozen.blockedEvents);
    expect(frozen.allowedEvents).toEqual(['note', 'consent']);
    expect(judged.consented).toBe(before + 1);
    expect(JSON.parse(JSON.stringify(frozen))).toMatchObject({ allowedEvents: ['note', 'consent'], blockedEvents: BLOCKED_BEFORE_CONSENT });
  });

  it('keep what judging needs out of sight: no own key, symbol or enumerable property beyond the view fields', async () => {
    const { engine, actor } = countingJourney();
    const { id } = await engine.start({ patientRef: 'p', input: {}, actor });
    const view = await engine.get(id);
    for (const symbol of Object.getOwnPropertySymbols(view)) expect(Object.getOwnPropertyDescriptor(view, symbol)?.enumerable).toBe(false);
    expect(Object.getOwnPropertySymbols({ ...view })).toEqual([]);
    expect(Object.getOwnPropertySymbols(Object.assign({}, view))).toEqual([]);
    // A getter read from something other than a view is refused plainly, not answered wrongly.
    const getter = Object.getOwnPropertyDescriptor(view, 'allowedEvents')!.get!;
    expect(() => getter.call({})).toThrow(TypeError);
    // An object derived from a view reads the view's judgement.
    const derived = Object.create(view) as typeof view;
    expect(derived.allowedEvents).toEqual(['note', 'consent']);
  });

  it('are empty for an ended journey', async () => {
    const { engine, actor } = countingJourney();
    const { id } = await engine.start({ patientRef: 'p', input: {}, actor });
    await engine.send(id, { type: 'consent' }, { actor });
    const r = await engine.send(id, { type: 'dose' }, { actor });
    expect(r.ok && r.view.status).toBe('done');
    expect(r.ok && { allowed: r.view.allowedEvents, blocked: r.view.blockedEvents }).toEqual({ allowed: [], blocked: [] });
  });
});
