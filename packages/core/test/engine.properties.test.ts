import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { replayJournal } from '../src/index.js';
import { visitJourney } from './fixtures/visitJourney.js';
import { dump, visitEngine } from './helpers.js';

const roles = ['coordinator', 'nurse', 'physician', 'janitor'] as const;
const slot = fc.integer({ min: -2 * 24 * 60, max: 6 * 24 * 60 }).map((m) => new Date(Date.parse('2026-01-05T09:00:00Z') + m * 60_000).toISOString());

/** Valid and invalid events of every type, plus unknown types and junk. */
const w = <T,>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });
const eventArb = fc.oneof(
  w(3, fc.constant({ type: 'consent.recorded' })),
  w(4, slot.map((s) => ({ type: 'visit.book', slot: s }))),
  w(1, fc.constant({ type: 'visit.book', slot: 'next tuesday' })),
  w(2, fc.constant({ type: 'visit.cancel' })),
  w(4, fc.constant({ type: 'patient.arrived' })),
  w(4, fc.record({ type: fc.constant('vitals.recorded'), systolic: fc.integer({ min: 30, max: 320 }), diastolic: fc.integer({ min: 10, max: 210 }) })),
  w(2, fc.record({ type: fc.constant('bp.override'), reason: fc.constantFrom('ok', 'benefit outweighs risk', '') })),
  w(4, fc.record({ type: fc.constant('dose.given'), mg: fc.constantFrom(28, 56, 0, -1), lot: fc.constantFrom('L1', '') })),
  w(2, fc.record({ type: fc.constant('adverse.event'), severity: fc.constantFrom('mild', 'serious', 'fatal') })),
  w(3, fc.record({ type: fc.constant('patient.discharged'), releasedTo: fc.constantFrom('partner', '') })),
  w(1, fc.constant({ type: 'journey.withdraw' })),
  w(1, fc.constant({ type: 'not.an.event' })),
  w(1, fc.record({ type: fc.constant('vitals.recorded'), systolic: fc.constant(Number.NaN), diastolic: fc.constant(80) })),
);

/** Valid payloads per event type, for commands that pick among the events allowed now. */
const samples: Record<string, Record<string, unknown>[]> = {
  'consent.recorded': [{}],
  'visit.book': [{ slot: '2026-01-06T10:00:00Z' }, { slot: '2026-01-20T10:00:00Z' }],
  'visit.cancel': [{}, { reason: 'patient unwell' }],
  'patient.arrived': [{}],
  'vitals.recorded': [{ systolic: 122, diastolic: 78 }, { systolic: 152, diastolic: 96 }, { systolic: 135, diastolic: 85 }],
  'bp.override': [{ reason: 'benefit outweighs risk' }],
  'dose.given': [{ mg: 56, lot: 'L1' }],
  'adverse.event': [{ severity: 'mild' }, { severity: 'serious' }],
  'patient.discharged': [{ releasedTo: 'partner' }],
  'journey.withdraw': [{}],
};

type Command =
  | { kind: 'allowed'; pick: number; variant: number }
  | { kind: 'send'; event: Record<string, unknown>; role: (typeof roles)[number] | 'permitted' }
  | { kind: 'advance'; minutes: number }
  | { kind: 'runDue' };

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('allowed' as const), pick: fc.nat(20), variant: fc.nat(5) }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('send' as const), event: eventArb, role: fc.constantFrom('permitted' as const, 'permitted' as const, 'permitted' as const, ...roles) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), minutes: fc.integer({ min: 1, max: 3 * 24 * 60 }) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'runDue' as const }) },
);

describe('engine properties over random event sequences', () => {
  it('refusals change nothing; the journal holds exactly the accepted events; replay reproduces the snapshot', async () => {
    const reached = { accepted: 0, refused: 0, timers: 0, dosed: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(commandArb, { minLength: 10, maxLength: 60, size: 'max' }), async (commands) => {
        const { engine, store, clock } = visitEngine();
        const { id } = await engine.start({ patientRef: 'pt-prop', input: {}, actor: { id: 'c', role: 'coordinator' } });
        const expected: string[] = ['start:journey.start'];
        for (const command of commands) {
          if (command.kind === 'advance') {
            clock.advance({ minutes: command.minutes });
          } else if (command.kind === 'runDue') {
            const before = await store.readJournal(id);
            const fired = await engine.runDue();
            const after = await store.readJournal(id);
            const added = after.slice(before.length);
            expect(added.every((e) => e.kind === 'timer')).toBe(true);
            expect(added.length).toBeLessThanOrEqual(fired.length);
            for (const e of added) expected.push(`timer:${e.type}`);
            reached.timers += added.length;
          } else if (command.kind === 'allowed') {
            // Withdrawal ends the journey; random sends still cover it.
            const allowedEvents = (await engine.get(id)).allowedEvents.filter((t) => t !== 'journey.withdraw');
            if (allowedEvents.length === 0) continue;
            const type = allowedEvents[command.pick % allowedEvents.length]!;
            const options = samples[type]!;
            const event = { type, ...options[command.variant % options.length] };
            const permitted = (visitJourney.policy.events as Record<string, readonly string[]>)[type]![0]!;
            const before = await dump(store, id);
            const result = await engine.send(id, event as never, { actor: { id: 'u', role: permitted as never } });
            if (result.ok) {
              expected.push(`event:${type}`);
              reached.accepted++;
              if (type === 'dose.given') reached.dosed++;
            } else {
              // Allowed now, yet refused by a payload rule: still nothing changes.
              expect(await dump(store, id)).toEqual(before);
              reached.refused++;
            }
          } else {
            const before = await dump(store, id);
            const permitted = (visitJourney.policy.events as Record<string, readonly string[]>)[String(command.event['type'])]?.[0] ?? 'nurse';
            const role = command.role === 'permitted' ? permitted : command.role;
            const result = await engine.send(id, command.event as never, { actor: { id: 'u', role: role as never } });
            if (result.ok) {
              expected.push(`event:${String(command.event['type'])}`);
              reached.accepted++;
              if (command.event['type'] === 'dose.given') reached.dosed++;
              expect(result.entry.seq).toBe(before.journal.length + 1);
            } else {
              expect(await dump(store, id)).toEqual(before);
              reached.refused++;
            }
          }
        }
        const journal = await engine.history(id);
        expect(journal.map((e) => `${e.kind}:${e.type}`)).toEqual(expected);
        expect(journal.map((e) => e.seq)).toEqual(journal.map((_, i) => i + 1));
        const stored = (await store.load(id))!;
        const protocol = (await store.loadProtocol(journal[0]!.payload['protocolRef'] as string))!.protocol;
        expect(replayJournal(visitJourney, journal, { protocol })).toEqual(stored.snapshot);
        // Timers never outlive their state: every pending machine timer belongs to the current state.
        for (const t of await store.listTimers(id)) expect(t.key).toContain(stored.state.split('|')[0]);
      }),
      { numRuns: 150 },
    );
    // The property is not vacuous: the runs accepted and refused events, fired timers and dosed.
    expect(reached.accepted).toBeGreaterThan(100);
    expect(reached.refused).toBeGreaterThan(100);
    expect(reached.timers).toBeGreaterThan(10);
    expect(reached.dosed).toBeGreaterThan(10);
  });
});
