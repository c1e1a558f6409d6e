import { afterEach, describe, expect, it, vi } from 'vitest';
import { assign, createActor, createMachine, fromPromise, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import { ketamineAnxietyJourney } from '../src/index.js';
import { persistSnapshot, restoreSnapshot } from '../src/engine/snapshotCodec.js';
import { completeScreening, Harness, planAndStart, runSession } from './journey/harness.js';

/**
 * Field for field, value for value and in the same key order: what XState would have persisted,
 * less the fields holding `undefined` (an active snapshot's output and error), which JSON leaves
 * out: what a store reads back of XState's form, exactly.
 */
function expectSameAsXState(machine: AnyStateMachine, snapshot: AnyMachineSnapshot): void {
  const mine = persistSnapshot(machine, snapshot);
  const theirs = machine.getPersistedSnapshot(snapshot) as Record<string, unknown>;
  const defined = Object.fromEntries(Object.entries(theirs).filter(([, v]) => v !== undefined));
  expect(mine).toStrictEqual(defined);
  expect(Object.keys(mine)).toEqual(Object.keys(defined));
  expect(Object.values(mine)).not.toContain(undefined);
  expect(JSON.stringify(mine)).toBe(JSON.stringify(theirs));
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('persistSnapshot', () => {
  it('gives what XState persists for every snapshot of a ketamine course: intake, sessions, maintenance, holds with history, the end', async () => {
    const machine = ketamineAnxietyJourney.machine;
    // Every snapshot the engine's machine produces, as the engine produced it.
    const produced: AnyMachineSnapshot[] = [];
    const transition = machine.transition.bind(machine);
    const initial = machine.getInitialSnapshot.bind(machine);
    vi.spyOn(machine, 'transition').mockImplementation((...args: Parameters<typeof machine.transition>) => {
      const next = transition(...args);
      produced.push(next as AnyMachineSnapshot);
      return next;
    });
    vi.spyOn(machine, 'getInitialSnapshot').mockImplementation((...args: Parameters<typeof machine.getInitialSnapshot>) => {
      const first = initial(...args);
      produced.push(first as AnyMachineSnapshot);
      return first;
    });

    const h = await Harness.start();
    await completeScreening(h);
    await planAndStart(h, 'sc', '2026-03-09T10:00:00Z');
    await runSession(h, { route: 'sc' });
    await runSession(h, { route: 'sc' });
    await runSession(h, { route: 'sc', assessment: { instrument: 'GAD-7', total: 5 } });
    await h.send('response.decided', { decision: 'maintenance', reason: 'Responder', everyDays: 7 }, 'physician');
    await h.send('safety.signalReported', { signal: 'psychotic-symptoms', note: 'Reported by therapist' }, 'therapist');
    await h.send('hold.reviewed', { decision: 'resume', reason: 'Transient; psychiatric review found no psychosis', nextSessionAt: '2026-04-06T10:00:00Z' }, 'physician');
    await h.send('assessment.recorded', { instrument: 'C-SSRS', risk: 'high' }, 'physician');
    const stopped = await h.send('hold.reviewed', { decision: 'discontinue', reason: 'Suicidality: discontinue and refer to crisis team' }, 'physician');
    expect(stopped.status).toBe('done');

    expect(produced.length).toBeGreaterThan(50);
    const withHistory = produced.filter((s) => Object.keys(s.historyValue).length > 0);
    expect(withHistory.length).toBeGreaterThan(0);
    expect(produced.some((s) => s.status === 'done')).toBe(true);
    expect(produced.every((s) => Object.keys(s.children).length === 0)).toBe(true);
    for (const snapshot of produced) {
      expectSameAsXState(machine, snapshot);
      // And the snapshot restored from it, as a load rebuilds it.
      expectSameAsXState(machine, restoreSnapshot(ketamineAnxietyJourney, 'j-1', persistSnapshot(machine, snapshot)));
    }
    // History values are persisted as node ids.
    expect(Object.values(persistSnapshot(machine, withHistory[0]!).historyValue ?? {}).flat()[0]).toEqual({ id: expect.any(String) });
  });

  it('shares the context instead of copying it', () => {
    const machine = ketamineAnxietyJourney.machine;
    const snapshot = machine.resolveState({ value: 'completed', context: { any: { nested: [1] } } } as never) as AnyMachineSnapshot;
    expect(persistSnapshot(machine, snapshot).context).toBe(snapshot.context);
  });

  it('keeps output and error as XState does, for a finished and a failed machine', () => {
    const finishing = createMachine({
      context: { n: 1 },
      initial: 'a',
      states: { a: { on: { go: { target: 'b', actions: assign({ n: 2 }) } } }, b: { type: 'final' } },
      output: ({ context }) => ({ total: context.n }),
    });
    const actor = createActor(finishing).start();
    actor.send({ type: 'go' });
    const done = actor.getSnapshot();
    expect(done.output).toEqual({ total: 2 });
    expectSameAsXState(finishing, done);

    const failing = createMachine({
      initial: 'a',
      states: {
        a: {
          entry: () => {
            throw new Error('entry failed');
          },
        },
      },
    });
    const failed = createActor(failing);
    failed.subscribe({ error: () => {} });
    failed.start();
    expect(failed.getSnapshot().status).toBe('error');
    expectSameAsXState(failing, failed.getSnapshot());
  });

  it('leaves a snapshot with child actors to XState', () => {
    const parent = createMachine({
      initial: 'waiting',
      states: { waiting: { invoke: { id: 'lookup', src: 'lookup' } } },
    }).provide({ actors: { lookup: fromPromise(() => new Promise<never>(() => {})) } });
    const actor = createActor(parent).start();
    const snapshot = actor.getSnapshot();
    expect(Object.keys(snapshot.children)).toEqual(['lookup']);
    const spy = vi.spyOn(parent, 'getPersistedSnapshot');
    const persisted = persistSnapshot(parent, snapshot);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(persisted).toStrictEqual(parent.getPersistedSnapshot(snapshot));
    expect(Object.keys(persisted.children ?? {})).toEqual(['lookup']);
    actor.stop();
  });
});
