import { describe, expect, it } from 'vitest';
import { ketamineAnxietyJourney, replayJournal } from '../../src/index.js';
import { completeScreening, Harness, linkTherapy, planAndStart, runSession } from './harness.js';

const DAY = 86_400_000;

describe('IV ketamine journey, end to end over a ManualClock', () => {
  it('runs referral → screening → six infusions → response review → maintenance, with durable timers', async () => {
    const h = await Harness.start({ start: '2026-03-02T08:00:00Z' });
    expect(await h.state()).toBe('referral');
    expect((await h.view()).phase).toBe('referral');

    await completeScreening(h, { gad7: 16 });
    await linkTherapy(h);
    expect(await h.state()).toBe('care.clinical.intake.screening|care.therapy.active');
    expect((await h.view()).phase).toBe('intake');

    const started = await planAndStart(h, 'iv', '2026-03-09T09:00:00Z');
    expect(started.stateLabel).toBe('care.clinical.treatment.course.induction.waiting|care.therapy.active');
    expect(started.phase).toBe('induction');
    const ctx0 = await h.context();
    expect(ctx0.schedule.map((s) => s.dueAt)).toEqual([
      '2026-03-09T09:00:00.000Z',
      '2026-03-11T09:00:00.000Z',
      '2026-03-13T09:00:00.000Z',
      '2026-03-16T09:00:00.000Z',
      '2026-03-18T09:00:00.000Z',
      '2026-03-20T09:00:00.000Z',
    ]);
    // The no-show timer of session 1 is armed 30 minutes after its slot.
    expect(started.timers.find((t) => t.key === 'machine:session-no-show')?.dueAt).toBe('2026-03-09T09:30:00.000Z');

    for (let n = 1; n <= 6; n++) {
      await h.send('therapy.sessionAttended', { attendedAt: new Date(h.now).toISOString() }, 'therapist');
      const ctx = await runSession(h, { route: 'iv', ...(n === 6 ? { assessment: { instrument: 'GAD-7' as const, total: 6 } } : {}) });
      const last = ctx.sessions[ctx.sessions.length - 1];
      expect(last?.number).toBe(n);
      expect(last?.outcome).toBe('completed');
      expect(last?.observationElapsedAt).not.toBeNull();
      expect(last?.dose?.amountMg).toBe(35);
      expect(last?.discharge?.releasedTo).toBe('responsible-adult');
    }

    // The review proposes; a physician decides maintenance and its cadence.
    const review = await h.view();
    expect(review.stateLabel).toBe('care.clinical.treatment.course.responseReview.clinicianDecision|care.therapy.active');
    expect(review.context.response).toMatchObject({ instrument: 'GAD-7', baseline: 16, current: 6, dropPercent: 62.5, responded: true, remission: false });
    expect(h.effectsOf('response.proposed').map((e) => e.payload['responded'])).toEqual([true]);
    expect(review.context.schedule.some((s) => s.phase === 'maintenance')).toBe(false);
    await h.send('response.decided', { decision: 'maintenance', reason: 'Responder: boosters every four weeks', everyDays: 28 }, 'physician');

    const view = await h.view();
    expect(view.stateLabel).toBe('care.clinical.treatment.course.maintenance.waiting|care.therapy.active');
    expect(view.phase).toBe('maintenance');
    const ctx = await h.context();
    expect(ctx.maintenance.everyDays).toBe(28);
    const maintenanceSession = ctx.schedule.find((s) => s.phase === 'maintenance');
    expect(maintenanceSession).toMatchObject({ number: 7, status: 'planned', dueAt: new Date(Date.parse('2026-03-20T09:00:00Z') + 28 * DAY).toISOString() });
    expect(view.timers.map((t) => t.key).sort()).toEqual(['machine:maintenance-reassessment', 'machine:session-no-show', 'machine:therapy-lapse']);

    // The journal shows the durable timers the engine fired for each session.
    const history = await h.engine.history(h.id);
    const fired = history.filter((e) => e.kind === 'timer').map((e) => e.type);
    expect(fired.filter((t) => t === 'session.observationElapsed')).toHaveLength(6);
    expect(fired.filter((t) => t === 'monitoring.bpCheckDue')).toHaveLength(6);
    expect(h.effectsOf('monitoring.checkDue')).toHaveLength(6);
    // IV is not esketamine: no REMS forms.
    expect(ctx.rems.forms).toEqual([]);

    // The first maintenance booster, then the re-assessment reminder four weeks into maintenance.
    await h.send('therapy.sessionAttended', { attendedAt: new Date(h.now).toISOString() }, 'therapist');
    const after = await runSession(h, { route: 'iv' });
    expect(after.sessions).toHaveLength(7);
    expect(after.schedule.filter((s) => s.phase === 'maintenance').map((s) => s.status)).toEqual(['completed', 'planned']);
    expect(await h.state()).toBe('care.clinical.treatment.course.maintenance.waiting|care.therapy.active');
    const reassessAt = view.timers.find((t) => t.key === 'machine:maintenance-reassessment')?.dueAt ?? '';
    // Four weeks after maintenance began: the booster's discharge, 2026-04-17 10:00.
    expect(reassessAt).toBe('2026-04-17T10:00:00.000Z');
    expect(h.now).toBe(Date.parse(reassessAt));
    expect(h.effectsOf('assessment.due').map((e) => e.payload['instrument'])).toEqual(['GAD-7']);
    // The reminder re-arms itself for the next four weeks.
    expect((await h.view()).timers.find((t) => t.key === 'machine:maintenance-reassessment')?.dueAt).toBe(
      new Date(Date.parse(reassessAt) + 28 * DAY).toISOString(),
    );

    const ended = await h.send('maintenance.ended', { reason: 'Response held for three months; patient and physician agree to stop' }, 'physician');
    expect(ended.stateLabel).toBe('completed');
    expect(ended.status).toBe('done');
    expect(ended.phase).toBe('completed');
    expect((ended.context as { outcome: { kind: string } }).outcome.kind).toBe('completed');
    expect(h.effectsOf('journey.ended')).toHaveLength(1);

    // Time comes only from events: replaying the journal rebuilds exactly the stored snapshot.
    // The start entry names the protocol by ref; the store holds it once.
    const stored = await h.store.load(h.id);
    const journal = await h.engine.history(h.id);
    const protocol = (await h.store.loadProtocol(journal[0]!.payload['protocolRef'] as string))!.protocol;
    expect(replayJournal(ketamineAnxietyJourney, journal, { protocol })).toEqual(stored?.snapshot);
    expect((stored?.snapshot as { context: { protocol: unknown } }).context.protocol).toEqual({ $protocolRef: journal[0]!.payload['protocolRef'] });
  });

  it('no-show: a session nobody checks in to becomes missed by a durable timer, and the schedule moves on', async () => {
    const h = await Harness.start();
    await completeScreening(h);
    await planAndStart(h, 'iv', '2026-03-09T09:00:00Z');
    const fired = await h.advanceTo('2026-03-09T09:30:00Z');
    expect(fired).toContain('machine:session-no-show');
    const ctx = await h.context();
    expect(ctx.schedule[0]?.status).toBe('missed');
    expect(ctx.missedSession).toBeNull(); // only esketamine asks the clinician after a missed session
    expect(h.effectsOf('care.alert').map((e) => e.payload['kind'])).toEqual(['missed-session']);
    const view = await h.view();
    expect(view.stateLabel).toBe('care.clinical.treatment.course.induction.waiting|care.therapy.notLinked');
    expect(view.timers.find((t) => t.key === 'machine:session-no-show')?.dueAt).toBe('2026-03-11T09:30:00.000Z');
  });

  it('rescheduling moves a planned session and re-arms its no-show timer', async () => {
    const h = await Harness.start();
    await completeScreening(h);
    await planAndStart(h, 'iv', '2026-03-09T09:00:00Z');
    const bad = await h.trySend('session.rescheduled', { sessionNumber: 1, to: '2026-03-01T09:00:00Z', reason: 'patient request' }, 'coordinator');
    expect(!bad.ok && bad.error.code).toBe('CJ_ERR_GUARD');
    const view = await h.send('session.rescheduled', { sessionNumber: 1, to: '2026-03-10T14:00:00Z', reason: 'patient request' }, 'coordinator');
    expect(view.timers.find((t) => t.key === 'machine:session-no-show')?.dueAt).toBe('2026-03-10T14:30:00.000Z');
    expect(await h.advanceTo('2026-03-09T10:00:00Z')).toEqual([]);
    // Check-in opens 12 hours before the slot.
    const early = await h.trySend('session.checkedIn', {}, 'coordinator');
    expect(!early.ok && early.error.message).toContain('check-in opens 2026-03-10 02:00 UTC');
  });
});
