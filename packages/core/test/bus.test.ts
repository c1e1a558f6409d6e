import { describe, expect, it } from 'vitest';
import type { EffectNotice, RefusedNotice, TimerFiredNotice, TransitionNotice } from '../src/index.js';
import { actors } from './fixtures/visitJourney.js';
import { checkedInVisit, must, visitEngine } from './helpers.js';

describe('the engine bus', () => {
  it('announces starts, transitions, refusals, fired timers and the end of a journey', async () => {
    const { engine, clock } = visitEngine();
    const started: TransitionNotice[] = [];
    const transitions: string[] = [];
    const refused: RefusedNotice[] = [];
    const timers: TimerFiredNotice[] = [];
    const ended: EffectNotice[] = [];
    engine.on('journey.started', (n) => started.push(n));
    const offTransition = engine.on('transition', (n) => transitions.push(`${n.entry.from ?? '-'}>${n.entry.to}`));
    engine.on('refused', (n) => refused.push(n));
    engine.on('timer.fired', (n) => timers.push(n));
    engine.on('journey.ended', (n) => ended.push(n));

    const id = await checkedInVisit(engine);
    expect(started).toHaveLength(1);
    expect(started[0]!.entry).toMatchObject({ kind: 'start', journeyId: id, to: 'referral' });
    expect(transitions).toEqual(['->referral', 'referral>referral', 'referral>booked', 'booked>checkedIn']);

    await engine.send(id, { type: 'patient.discharged', releasedTo: 'partner' }, { actor: actors.nurse });
    expect(refused).toEqual([{ journeyId: id, eventType: 'patient.discharged', code: 'CJ_ERR_NOT_ALLOWED', message: expect.any(String) }]);

    await must(engine.send(id, { type: 'vitals.recorded', systolic: 118, diastolic: 76 }, { actor: actors.nurse }));
    await must(engine.send(id, { type: 'dose.given', mg: 56, lot: 'L1' }, { actor: actors.nurse }));
    clock.advance({ minutes: 61 });
    await engine.runDue();
    expect(timers).toMatchObject([{ journeyId: id, owner: 'machine', key: 'machine:xstate.after.observation.visit.observing' }]);

    offTransition();
    const before = transitions.length;
    await must(engine.send(id, { type: 'patient.discharged', releasedTo: 'partner' }, { actor: actors.nurse }));
    expect(transitions).toHaveLength(before);
    expect(ended).toEqual([{ journeyId: id, type: 'journey.ended', payload: { state: 'done', phase: 'done', at: expect.any(String) }, deliveryId: expect.any(String) }]);
    expect((await engine.get(id)).status).toBe('done');
  });

  it('queries journeys by patient, phase and state without loading snapshots', async () => {
    const { engine } = visitEngine();
    const a = await checkedInVisit(engine);
    const b = (await engine.start({ patientRef: 'pt-2', input: {}, actor: actors.coordinator })).id;
    expect((await engine.query({ patientRef: 'pt-1' })).map((j) => j.id)).toEqual([a]);
    expect((await engine.query({ state: 'referral' })).map((j) => j.id)).toEqual([b]);
    const [summary] = await engine.query({ phase: 'checkedIn' });
    expect(summary).toMatchObject({ id: a, patientRef: 'pt-1', state: 'checkedIn', status: 'active' });
    expect(summary).not.toHaveProperty('snapshot');
  });
});
