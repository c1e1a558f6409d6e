import { describe, expect, it } from 'vitest';
import { formatTimeline, runFlagship, shortState } from '../src/flagship.js';

describe('flagship example: an IV ketamine course for generalized anxiety', () => {
  it('runs from referral into maintenance with concurrent therapy and prints a timeline', async () => {
    const { view, context, timeline, effects } = await runFlagship();

    expect(view.stateLabel).toBe('care.clinical.treatment.course.maintenance.waiting|care.therapy.active');
    expect(view.phase).toBe('maintenance');
    expect(view.status).toBe('active');
    expect(context.plan?.route).toBe('iv');
    expect(context.sessions.map((s) => [s.number, s.phase, s.outcome])).toEqual([
      [1, 'induction', 'completed'],
      [2, 'induction', 'completed'],
      [3, 'induction', 'completed'],
      [4, 'induction', 'completed'],
      [5, 'induction', 'completed'],
      [6, 'induction', 'completed'],
      [7, 'maintenance', 'completed'],
    ]);
    expect(context.response).toMatchObject({ instrument: 'GAD-7', baseline: 17, current: 7, responded: true });
    expect(context.schedule.find((s) => s.status === 'planned')).toMatchObject({ number: 8, phase: 'maintenance', dueAt: '2026-05-15T08:00:00.000Z' }); // 10:00 in Berlin, summer time
    expect(context.therapy).toMatchObject({ therapistRef: 'therapist-204', sessionsAttended: 3, lapses: 0 });
    expect(effects.some((e) => e.type === 'safety.alert')).toBe(false);

    // The timeline: when, who, what, and the resulting state.
    expect(timeline[0]).toEqual({ at: '2026-03-02 08:30', actor: 'coordinator coord-ana', event: 'journey.start', state: 'referral' });
    expect(timeline.filter((r) => r.event === '⏱ session.observationElapsed')).toHaveLength(7);
    expect(timeline.find((r) => r.event === 'response.decided')).toMatchObject({ actor: 'physician md-chen', state: 'maintenance › waiting · therapy: active' });
    expect(effects.filter((e) => e.type === 'care.alert')).toEqual([]);
    expect(timeline.find((r) => r.event === 'induction.started')?.state).toBe('induction › waiting · therapy: active');
    expect(timeline[timeline.length - 1]).toEqual({
      at: '2026-04-17 09:00',
      actor: 'nurse rn-bo',
      event: 'session.discharged',
      state: 'maintenance › waiting · therapy: active',
    });
    const lines = formatTimeline(timeline);
    expect(lines[0]).toMatch(/^2026-03-02 08:30 {2}coordinator coord-ana +journey\.start +→ referral$/);
  });

  it('shortens state labels for the timeline', () => {
    expect(shortState('care.clinical.treatment.course.induction.session.dosed.monitoring|care.therapy.active')).toBe(
      'induction › session › dosed › monitoring · therapy: active',
    );
    expect(shortState('care.clinical.treatment.onHold|care.therapy.lapsed')).toBe('onHold · therapy: lapsed');
    expect(shortState('completed')).toBe('completed');
  });
});
