import { describe, expect, it } from 'vitest';
import { and, assign, not, setup } from 'xstate';
import { z } from 'zod';
import { createEngine, defineJourney, guardRule, guardsFrom, isCareJourneyError, ManualClock, MemoryStore, type CareJourneyError } from '../src/index.js';
import { actors, visitJourney } from './fixtures/visitJourney.js';
import { checkedInVisit, dump, T0, visitEngine } from './helpers.js';

type AnyEvent = Parameters<ReturnType<typeof visitEngine>['engine']['send']>[1];

async function refusedWithoutChange(event: unknown, options: unknown = { actor: actors.nurse }, journeyId?: string): Promise<CareJourneyError> {
  const { engine, store } = visitEngine();
  const id = await checkedInVisit(engine);
  const before = await dump(store, id);
  const seen: string[] = [];
  engine.on('transition', (n) => seen.push(n.entry.type));
  const result = await engine.send(journeyId ?? id, event as AnyEvent, options as never);
  expect(result.ok).toBe(false);
  expect(await dump(store, id)).toEqual(before);
  expect(seen).toEqual([]);
  if (result.ok) throw new Error('unreachable');
  return result.error;
}

const cyclic: Record<string, unknown> = { type: 'vitals.recorded', systolic: 120, diastolic: 80 };
cyclic['self'] = cyclic;

describe('bad input is refused with a clear, typed error and changes nothing', () => {
  it.each([
    ['a string where a number is due', { type: 'vitals.recorded', systolic: '120', diastolic: 80 }, 'event.systolic'],
    ['a missing field', { type: 'vitals.recorded', systolic: 120 }, 'event.diastolic'],
    ['an extra field', { type: 'vitals.recorded', systolic: 120, diastolic: 80, name: 'Jane Doe' }, 'event'],
    ['an out-of-range number', { type: 'vitals.recorded', systolic: 999, diastolic: 80 }, 'event.systolic'],
    ['NaN', { type: 'vitals.recorded', systolic: Number.NaN, diastolic: 80 }, 'event.systolic'],
    ['Infinity', { type: 'vitals.recorded', systolic: Number.POSITIVE_INFINITY, diastolic: 80 }, 'event.systolic'],
    ['a function', { type: 'vitals.recorded', systolic: () => 120, diastolic: 80 }, 'event.systolic'],
    ['a cyclic object', cyclic, 'event.self'],
    ['a Date where a string is due', { type: 'dose.given', mg: 40, lot: new Date() }, 'event.lot'],
    ['an oversized string', { type: 'dose.given', mg: 40, lot: 'x'.repeat(100_000) }, 'event.lot'],
    ['a BigInt', { type: 'dose.given', mg: 10n, lot: 'A1' }, 'event.mg'],
    ['undefined as a value', { type: 'dose.given', mg: undefined, lot: 'A1' }, 'event.mg'],
    ['an enum value outside its list', { type: 'adverse.event', severity: 'catastrophic' }, 'event.severity'],
  ])('%s', async (_label, event, path) => {
    const error = await refusedWithoutChange(event);
    expect(error.code).toBe('CJ_ERR_INVALID_EVENT');
    expect(error.details.issues?.map((i) => i.path)).toContain(path);
    expect(error.message).toContain(path);
  });

  it('an unknown event type, listing the known ones', async () => {
    const error = await refusedWithoutChange({ type: 'dose.doubled' });
    expect(error.code).toBe('CJ_ERR_INVALID_EVENT');
    expect(error.details.issues?.[0]?.path).toBe('event.type');
    expect(error.message).toContain('event.type: is not an event of "clinic-visit"');
    expect(error.message).toContain('vitals.recorded');
    // What the caller sent is not repeated back.
    expect(error.message).not.toContain('dose.doubled');
  });

  it('an event that is not an object, or has no type', async () => {
    expect((await refusedWithoutChange(null)).code).toBe('CJ_ERR_INVALID_EVENT');
    expect((await refusedWithoutChange('vitals.recorded')).code).toBe('CJ_ERR_INVALID_EVENT');
    expect((await refusedWithoutChange({ systolic: 1 })).details.issues?.[0]?.path).toBe('event.type');
  });

  it('an internal XState event a host must not send', async () => {
    const error = await refusedWithoutChange({ type: 'xstate.after.observation.visit.observing' });
    expect(error.code).toBe('CJ_ERR_INVALID_EVENT');
  });

  it('an unknown journey id', async () => {
    const error = await refusedWithoutChange({ type: 'patient.arrived' }, { actor: actors.nurse }, 'no-such-journey');
    expect(error.code).toBe('CJ_ERR_NOT_FOUND');
    expect(error.message).toContain('no-such-journey');
  });

  it('a journey id that is not a string', async () => {
    const error = await refusedWithoutChange({ type: 'patient.arrived' }, { actor: actors.nurse }, 42 as never);
    expect(error.code).toBe('CJ_ERR_INVALID_EVENT');
    expect(error.details.issues?.[0]?.path).toBe('journeyId');
  });

  it('an unknown actor role', async () => {
    const error = await refusedWithoutChange({ type: 'vitals.recorded', systolic: 120, diastolic: 80 }, { actor: { id: 'x', role: 'janitor' } });
    expect(error.code).toBe('CJ_ERR_FORBIDDEN');
    expect(error.message).toContain('The actor\'s role is not a role of journey "clinic-visit"');
    expect(error.message).not.toContain('janitor');
  });

  it('a known role the policy does not allow for the event', async () => {
    const error = await refusedWithoutChange({ type: 'vitals.recorded', systolic: 120, diastolic: 80 }, { actor: actors.coordinator });
    expect(error.code).toBe('CJ_ERR_FORBIDDEN');
    expect(error.details).toMatchObject({ role: 'coordinator', allowedRoles: ['nurse'] });
    expect(error.message).toBe('A coordinator may not send "vitals.recorded": it is for nurse. [CJ_ERR_FORBIDDEN]');
  });

  it('a missing or malformed actor', async () => {
    const missing = await refusedWithoutChange({ type: 'patient.arrived' }, {});
    expect(missing.code).toBe('CJ_ERR_INVALID_EVENT');
    expect(missing.details.issues?.[0]?.path).toBe('options.actor');
    const empty = await refusedWithoutChange({ type: 'patient.arrived' }, { actor: { id: '', role: 'nurse' } });
    expect(empty.details.issues?.[0]?.path).toBe('options.actor.id');
  });

  it('an idempotency key that is not a string', async () => {
    const error = await refusedWithoutChange({ type: 'patient.arrived' }, { actor: actors.nurse, idempotencyKey: 7 });
    expect(error.details.issues?.[0]?.path).toBe('options.idempotencyKey');
  });

  it('an event the current state does not accept, naming the state and what is allowed', async () => {
    const error = await refusedWithoutChange({ type: 'patient.discharged', releasedTo: 'partner' });
    expect(error.code).toBe('CJ_ERR_NOT_ALLOWED');
    expect(error.details.state).toBe('checkedIn');
    expect(error.details.allowedEvents).toEqual(expect.arrayContaining(['vitals.recorded', 'bp.override', 'journey.withdraw']));
    expect(error.message).toContain('"patient.discharged" is not allowed in state checkedIn');
  });

  it('a clinical rule, naming the rule and its reason', async () => {
    const { engine, store } = visitEngine();
    const id = await checkedInVisit(engine);
    await engine.send(id, { type: 'vitals.recorded', systolic: 152, diastolic: 96 }, { actor: actors.nurse });
    const before = await dump(store, id);
    const result = await engine.send(id, { type: 'dose.given', mg: 40, lot: 'L1' }, { actor: actors.nurse });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('CJ_ERR_GUARD');
    expect(result.error.details.guard).toBe('bpWithinLimit');
    expect(result.error.details.reason).toBe('BP 152/96 is above the 140/90 pre-dose limit: a physician override is needed');
    expect(await dump(store, id)).toEqual(before);
    // get explains the same block ahead of time.
    const view = await engine.get(id);
    expect(view.blockedEvents).toEqual([{ type: 'dose.given', guard: 'bpWithinLimit', reason: 'BP 152/96 is above the 140/90 pre-dose limit: a physician override is needed' }]);
    expect(view.allowedEvents).not.toContain('dose.given');
  });

  it('an event-scoped rule refuses on send with its reason', async () => {
    const error = await refusedWithoutChange({ type: 'bp.override', reason: 'ok' }, { actor: actors.physician });
    expect(error.code).toBe('CJ_ERR_GUARD');
    expect(error.details.guard).toBe('overrideHasReason');
    expect(error.message).toContain('An override needs a reason of at least 5 characters.');
  });

  it('refuses bad start input with the field and the rule, storing nothing', async () => {
    const { engine, store } = visitEngine();
    const bad: [unknown, string, string][] = [
      [{ patientRef: '', input: {}, actor: actors.coordinator }, 'CJ_ERR_INVALID_INPUT', 'patientRef'],
      [{ patientRef: 'pt-1', input: { note: 5 }, actor: actors.coordinator }, 'CJ_ERR_INVALID_INPUT', 'input.note'],
      [{ patientRef: 'pt-1', input: { extra: true }, actor: actors.coordinator }, 'CJ_ERR_INVALID_INPUT', 'input'],
      [{ patientRef: 'pt-1', input: { note: 'x'.repeat(10_000) }, actor: actors.coordinator }, 'CJ_ERR_INVALID_INPUT', 'input.note'],
      [{ patientRef: 'pt-1', input: {}, actor: actors.nurse }, 'CJ_ERR_FORBIDDEN', ''],
      [{ patientRef: 'pt-1', input: {}, actor: { id: 'a', role: 'ghost' } }, 'CJ_ERR_FORBIDDEN', ''],
      [{ patientRef: 'pt-1', input: {}, actor: actors.coordinator, extra: 1 }, 'CJ_ERR_INVALID_INPUT', '(root)'],
    ];
    for (const [options, code, path] of bad) {
      const error = await engine.start(options as never).then(
        () => undefined,
        (e: CareJourneyError) => e,
      );
      expect(error?.code, JSON.stringify(options).slice(0, 80)).toBe(code);
      if (path) expect(error?.details.issues?.map((i) => i.path)).toContain(path);
    }
    expect(await store.query({})).toEqual([]);
    expect(await store.pendingOutbox(10)).toEqual([]);
  });

  it('refuses a start with a journey id already in use, leaving the first journey as it was', async () => {
    const { engine, store } = visitEngine();
    await engine.start({ patientRef: 'pt-1', input: {}, actor: actors.coordinator, journeyId: 'j-1' });
    const before = await dump(store, 'j-1');
    await expect(engine.start({ patientRef: 'pt-2', input: {}, actor: actors.coordinator, journeyId: 'j-1' })).rejects.toMatchObject({ code: 'CJ_ERR_CONFLICT' });
    expect(await dump(store, 'j-1')).toEqual(before);
  });

  it('get and history of an unknown journey are CJ_ERR_NOT_FOUND', async () => {
    const { engine } = visitEngine();
    await expect(engine.get('nope')).rejects.toMatchObject({ code: 'CJ_ERR_NOT_FOUND' });
    await expect(engine.history('nope')).rejects.toMatchObject({ code: 'CJ_ERR_NOT_FOUND' });
  });

  it('an ended journey accepts nothing more', async () => {
    const { engine, store } = visitEngine();
    const id = await checkedInVisit(engine);
    await engine.send(id, { type: 'journey.withdraw' }, { actor: actors.physician });
    const before = await dump(store, id);
    const r = await engine.send(id, { type: 'vitals.recorded', systolic: 120, diastolic: 80 }, { actor: actors.nurse });
    expect(!r.ok && r.error.code).toBe('CJ_ERR_NOT_ALLOWED');
    expect(!r.ok && r.error.message).toContain('has ended');
    expect(await dump(store, id)).toEqual(before);
  });
});

describe('refusal reasons through XState guard combinators', () => {
  it('explains and/or/not guards built from named rules, on send and in get', async () => {
    const rules = {
      consented: guardRule<{ consent: boolean; hold: boolean }>({ description: 'Consent is recorded', scope: 'context', check: ({ context }) => context.consent || 'No consent recorded.' }),
      onHold: guardRule<{ consent: boolean; hold: boolean }>({ description: 'Treatment is on hold', scope: 'context', check: ({ context }) => context.hold || 'Not on hold.' }),
      doseInRange: guardRule<unknown, { mg: number }>({ description: 'Dose in range', scope: 'event', check: ({ event }) => event.mg <= 84 || `${event.mg} mg is above the 84 mg plan.` }),
    };
    const machine = setup({ types: {} as { context: { consent: boolean; hold: boolean } }, guards: guardsFrom(rules) }).createMachine({
      context: { consent: false, hold: false },
      initial: 'ready',
      states: {
        ready: {
          on: {
            consent: { actions: assign({ consent: true }) },
            hold: { actions: assign({ hold: true }) },
            dose: { target: 'dosed', guard: and(['consented', not('onHold'), 'doseInRange']) },
          },
        },
        dosed: {},
      },
    });
    const def = defineJourney({
      id: 'combo',
      version: 1,
      machine,
      events: { consent: z.strictObject({}), hold: z.strictObject({}), dose: z.strictObject({ mg: z.number() }) },
      input: z.strictObject({}),
      roles: ['nurse'],
      guards: rules,
      policy: { start: ['nurse'], events: { consent: ['nurse'], hold: ['nurse'], dose: ['nurse'] } },
    });
    const engine = createEngine({ definition: def, store: new MemoryStore(), clock: new ManualClock(0) });
    const actor = { id: 'n', role: 'nurse' } as const;
    const { id } = await engine.start({ patientRef: 'p', input: {}, actor });
    expect((await engine.get(id)).blockedEvents).toEqual([{ type: 'dose', guard: 'consented', reason: 'No consent recorded.' }]);
    const r1 = await engine.send(id, { type: 'dose', mg: 56 }, { actor });
    expect(!r1.ok && r1.error.details).toMatchObject({ guard: 'consented', reason: 'No consent recorded.' });
    await engine.send(id, { type: 'consent' }, { actor });
    expect((await engine.get(id)).allowedEvents).toContain('dose');
    const r2 = await engine.send(id, { type: 'dose', mg: 112 }, { actor });
    expect(!r2.ok && r2.error.details).toMatchObject({ guard: 'doseInRange', reason: '112 mg is above the 84 mg plan.' });
    await engine.send(id, { type: 'hold' }, { actor });
    expect((await engine.get(id)).blockedEvents).toEqual([{ type: 'dose', guard: 'not(onHold)', reason: 'This must not be the case: Treatment is on hold.' }]);
    const r3 = await engine.send(id, { type: 'dose', mg: 56 }, { actor });
    expect(!r3.ok && r3.error.details.guard).toBe('not(onHold)');
  });
});

describe('refusal reasons skip branches whose plain routing guard does not apply', () => {
  it('blames the rule of the branch that applied, not a rule paired with a false routing condition', async () => {
    type Ctx = { reviewed: boolean };
    const rules = {
      physicianReviewed: guardRule<Ctx>({ description: 'A physician reviewed the case', scope: 'context', check: ({ context }) => context.reviewed || 'A physician review is needed first.' }),
      consentSigned: guardRule<Ctx, { signed: boolean }>({ description: 'Consent is signed', scope: 'event', check: ({ event }) => event.signed || 'The consent form is not signed.' }),
    };
    const machine = setup({
      types: {} as { context: Ctx },
      guards: { ...guardsFrom(rules), isEligible: ({ event }) => (event as { outcome?: string }).outcome === 'eligible' },
    }).createMachine({
      context: { reviewed: false },
      initial: 'screening',
      states: {
        screening: {
          on: {
            decide: [
              // The review rule only matters on the eligible branch.
              { target: 'eligible', guard: and(['isEligible', 'physicianReviewed']) },
              { target: 'closed', guard: 'consentSigned' },
            ],
          },
        },
        eligible: {},
        closed: {},
      },
    });
    const def = defineJourney({
      id: 'routing',
      version: 1,
      machine,
      events: { decide: z.strictObject({ outcome: z.enum(['eligible', 'ineligible']), signed: z.boolean() }) },
      input: z.strictObject({}),
      roles: ['physician'],
      guards: rules,
      policy: { start: ['physician'], events: { decide: ['physician'] } },
    });
    const engine = createEngine({ definition: def, store: new MemoryStore(), clock: new ManualClock(0) });
    const actor = { id: 'p', role: 'physician' } as const;
    const { id } = await engine.start({ patientRef: 'p', input: {}, actor });
    const ineligible = await engine.send(id, { type: 'decide', outcome: 'ineligible', signed: false }, { actor });
    expect(!ineligible.ok && ineligible.error.details).toMatchObject({ guard: 'consentSigned', reason: 'The consent form is not signed.' });
    const eligible = await engine.send(id, { type: 'decide', outcome: 'eligible', signed: false }, { actor });
    expect(!eligible.ok && eligible.error.details).toMatchObject({ guard: 'physicianReviewed', reason: 'A physician review is needed first.' });
  });
});

describe('every public call refuses bad arguments with a CareJourneyError', () => {
  const LONE = 'pt-\uD800';

  it('refuses lone surrogates in ids, refs, keys, payload strings and payload keys, storing nothing', async () => {
    const { engine, store } = visitEngine();
    await expect(engine.start({ patientRef: LONE, input: {}, actor: actors.coordinator })).rejects.toMatchObject({ code: 'CJ_ERR_INVALID_INPUT' });
    await expect(engine.start({ patientRef: 'pt-1', input: {}, actor: actors.coordinator, journeyId: 'j-\uDC00' })).rejects.toMatchObject({ code: 'CJ_ERR_INVALID_INPUT' });
    await expect(engine.start({ patientRef: 'pt-1', input: { note: 'ok \uD83D' }, actor: actors.coordinator })).rejects.toMatchObject({ code: 'CJ_ERR_INVALID_INPUT' });
    await expect(engine.start({ patientRef: 'pt-1', input: {}, actor: { id: 'c-\uD800', role: 'coordinator' } })).rejects.toMatchObject({ code: 'CJ_ERR_INVALID_INPUT' });
    expect(await store.query({})).toEqual([]);
    // A well-formed surrogate pair is fine.
    await engine.start({ patientRef: 'pt-😀', input: { note: 'Zoë 😀' }, actor: actors.coordinator });

    expect((await refusedWithoutChange({ type: 'dose.given', mg: 40, lot: 'L\uDFFF' })).details.issues?.[0]).toMatchObject({ path: 'event.lot', rule: 'unicode' });
    expect((await refusedWithoutChange({ type: 'dose.given', mg: 40, lot: 'L1', ['\uD800']: 1 })).code).toBe('CJ_ERR_INVALID_EVENT');
    expect((await refusedWithoutChange({ type: 'patient.arrived' }, { actor: actors.nurse, idempotencyKey: `k${'\uD800'}` })).details.issues?.[0]?.path).toBe('options.idempotencyKey');
    expect((await refusedWithoutChange({ type: 'patient.arrived' }, { actor: actors.nurse }, LONE)).details.issues?.[0]?.path).toBe('journeyId');
  });

  it('refuses ids with control characters, too long, or empty', async () => {
    for (const journeyId of ['a\nb', 'tab\there', 'nul\u0000', '', 'x'.repeat(201)]) {
      const error = await refusedWithoutChange({ type: 'patient.arrived' }, { actor: actors.nurse }, journeyId);
      expect(error.code, JSON.stringify(journeyId)).toBe('CJ_ERR_INVALID_EVENT');
    }
  });

  it('get, history, query, runDue and recover throw CJ_ERR_INVALID_INPUT for bad arguments', async () => {
    const { engine } = visitEngine();
    const proxy = new Proxy({}, { ownKeys: () => { throw new Error('trap'); }, get: () => { throw new Error('trap'); } });
    const calls: [string, () => Promise<unknown>][] = [];
    for (const bad of [undefined, null, 42, '', LONE, 'a\nb', {}, [], Symbol('id'), 10n, proxy]) {
      calls.push([`get(${typeof bad})`, () => engine.get(bad as never)]);
      calls.push([`history(${typeof bad})`, () => engine.history(bad as never)]);
    }
    for (const bad of [null, 42, 'all', [], { phase: 5 }, { state: '' }, { state: 'a|b' }, { limit: -1 }, { limit: Number.NaN }, { status: 'asleep' }, { patientRef: LONE }, { unknown: 1 }, proxy]) {
      calls.push([`query(${bad === proxy ? 'proxy' : JSON.stringify(bad)})`, () => engine.query(bad as never)]);
    }
    for (const bad of [null, 5, { limit: 0 }, { limit: Number.POSITIVE_INFINITY }, { limit: 1.5 }, { max: 1 }, proxy]) {
      calls.push([`runDue(${bad === proxy ? 'proxy' : JSON.stringify(bad)})`, () => engine.runDue(bad as never)]);
    }
    for (const bad of [null, 'j-1', { journeyId: 5 }, { journeyId: LONE }, { all: true }, proxy]) {
      calls.push([`recover(${bad === proxy ? 'proxy' : JSON.stringify(bad)})`, () => engine.recover(bad as never)]);
    }
    for (const [label, call] of calls) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, label).toBeInstanceOf(Error);
      expect((error as CareJourneyError).code, label).toBe('CJ_ERR_INVALID_INPUT');
      expect((error as CareJourneyError).message, label).toMatch(/\[CJ_ERR_INVALID_INPUT\]$/);
    }
  });

  it('refuses hostile event and option values on send as refusals, never throwing', async () => {
    const nullProto = Object.assign(Object.create(null) as object, { type: 'vitals.recorded', systolic: 120, diastolic: 80 });
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const throwingGetter = { type: 'vitals.recorded', get systolic(): number { throw new Error('getter'); }, diastolic: 80 };
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const symbolKeyed = { type: 'vitals.recorded', systolic: 120, diastolic: 80, [Symbol('x')]: 1 };
    for (const event of [deep, { type: 'dose.given', mg: 40, lot: deep }, throwingGetter, revoked.proxy, symbolKeyed, Symbol('e'), 10n, Number.NaN]) {
      const error = await refusedWithoutChange(event);
      expect(error.code).toBe('CJ_ERR_INVALID_EVENT');
    }
    for (const options of [null, deep, throwingGetter, revoked.proxy, { actor: nullProto }, { actor: actors.nurse, extra: deep }]) {
      expect((await refusedWithoutChange({ type: 'patient.arrived' }, options)).code).toBe('CJ_ERR_INVALID_EVENT');
    }
    // A null-prototype object is a plain JSON value and is accepted.
    const { engine } = visitEngine();
    const id = await checkedInVisit(engine);
    expect((await engine.send(id, nullProto as never, { actor: actors.nurse })).ok).toBe(true);
    expect(Object.prototype).not.toHaveProperty('type');
  });

  it('turns whatever generateId returns or throws into CJ_ERR_INVALID_CONFIG naming generateId, storing nothing', async () => {
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const trap = () => {
      throw new Error('trap MARKER-8842');
    };
    const throwingProxy = new Proxy({}, { get: trap, ownKeys: trap, getPrototypeOf: trap, has: trap, getOwnPropertyDescriptor: trap });
    const stringProxy = new Proxy(Object('j-1') as object, { get: trap, getPrototypeOf: trap });
    const withToString = { toString: trap, valueOf: trap, [Symbol.toPrimitive]: trap };
    const generators: [string, () => unknown][] = [
      ['a revoked proxy', () => revoked.proxy],
      ['a proxy whose traps throw', () => throwingProxy],
      ['a proxy around a String object', () => stringProxy],
      ['an object whose conversions throw', () => withToString],
      ['a Symbol', () => Symbol('id')],
      ['a BigInt', () => 10n],
      ['NaN', () => Number.NaN],
      ['a String object', () => Object('j-1')],
      ['a lone surrogate', () => 'j-\uD800'],
      ['a promise', () => Promise.resolve('j-1')],
      ['a throw of a proxy', () => {
        throw throwingProxy;
      }],
      ['a throw of an Error', trap],
    ];
    for (const [label, generateId] of generators) {
      const store = new MemoryStore();
      const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0), generateId: generateId as () => string });
      const seen: string[] = [];
      engine.on('transition', (n) => void seen.push(n.entry.type));
      const error = await engine.start({ patientRef: 'pt-1', input: {}, actor: actors.coordinator }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isCareJourneyError(error, 'CJ_ERR_INVALID_CONFIG'), `${label}: ${String(error)}`).toBe(true);
      const refusal = error as CareJourneyError;
      expect(refusal.message, label).toContain('generateId');
      expect(refusal.message, label).not.toContain('MARKER-8842');
      expect(refusal.details.issues?.[0]?.path, label).toBe('options.generateId');
      // Nothing stored, nothing announced.
      expect(await store.query({}), label).toEqual([]);
      expect(await store.pendingOutbox(10), label).toEqual([]);
      expect(await store.dueTimers(Number.MAX_SAFE_INTEGER, 10), label).toEqual([]);
      expect(seen, label).toEqual([]);
      // A journey with an id of its own still starts.
      expect((await engine.start({ journeyId: 'j-own', patientRef: 'pt-1', input: {}, actor: actors.coordinator })).id, label).toBe('j-own');
    }
  });
});
