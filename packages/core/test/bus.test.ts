import { describe, expect, it } from 'vitest';
import type { EffectNotice, PluginErrorNotice, RefusedNotice, TimerFiredNotice, TransitionNotice } from '../src/index.js';
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

describe('bus listeners', () => {
  it('isolates an async listener that rejects: reported as plugin.error, never an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { engine } = visitEngine();
      const errors: PluginErrorNotice[] = [];
      const later: string[] = [];
      engine.on('plugin.error', (e) => errors.push(e));
      engine.on('transition', async () => {
        await Promise.resolve();
        throw new Error('async listener bug');
      });
      engine.on('transition', (n) => later.push(n.entry.type));
      const view = await engine.start({ patientRef: 'p', input: {}, actor: actors.coordinator });
      await new Promise((r) => setTimeout(r, 10));
      expect(view.stateLabel).toBe('referral');
      expect(later).toEqual(['journey.start']);
      expect(errors).toMatchObject([{ plugin: 'listener', hook: 'listener', message: 'async listener bug', journeyId: view.id }]);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('a failing plugin.error listener is not reported again (no loop) and breaks nothing', async () => {
    const { engine } = visitEngine();
    engine.on('plugin.error', () => {
      throw new Error('reporter down');
    });
    engine.on('plugin.error', async () => Promise.reject(new Error('async reporter down')));
    engine.on('transition', () => {
      throw new Error('listener bug');
    });
    const id = await checkedInVisit(engine);
    expect((await engine.get(id)).stateLabel).toBe('checkedIn');
  });

  it('a listener registered twice is called twice, and each off removes one registration', async () => {
    const { engine } = visitEngine();
    const calls: string[] = [];
    const listener = (n: TransitionNotice) => calls.push(n.entry.type);
    engine.on('transition', listener);
    const offSecond = engine.on('transition', listener);
    const id = (await engine.start({ patientRef: 'p', input: {}, actor: actors.coordinator })).id;
    expect(calls).toEqual(['journey.start', 'journey.start']);
    offSecond();
    offSecond(); // the returned function removes its own registration only, once
    await must(engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician }));
    expect(calls).toHaveLength(3);
    engine.off('transition', listener);
    await must(engine.send(id, { type: 'visit.book', slot: '2026-01-06T10:00:00Z' }, { actor: actors.coordinator }));
    expect(calls).toHaveLength(3);
  });

  it('refuses a listener that is not a function and a name that is not an id, with CJ_ERR_INVALID_INPUT', () => {
    const { engine } = visitEngine();
    for (const [name, listener] of [
      ['transition', null],
      ['transition', 'handler'],
      ['', () => {}],
      [Symbol('transition'), () => {}],
      ['line\nbreak', () => {}],
      [42, () => {}],
    ] as const) {
      expect(() => engine.on(name as never, listener as never)).toThrowError(expect.objectContaining({ code: 'CJ_ERR_INVALID_INPUT' }));
      expect(() => engine.off(name as never, listener as never)).toThrowError(expect.objectContaining({ code: 'CJ_ERR_INVALID_INPUT' }));
    }
  });
});
