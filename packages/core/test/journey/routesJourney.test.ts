import { describe, expect, it } from 'vitest';
import { completeScreening, Harness, planAndStart, runSession } from './harness.js';

const DAY = 86_400_000;
const daysFrom = (first: string, dueAt: readonly string[]) => dueAt.map((d) => (Date.parse(d) - Date.parse(first)) / DAY);

describe('IM ketamine journey, end to end', () => {
  it('runs six weekly sessions into maintenance on its 28-day cadence', async () => {
    const h = await Harness.start();
    await completeScreening(h, { gad7: 15 });
    await planAndStart(h, 'im', '2026-03-10T14:00:00Z');
    const ctx0 = await h.context();
    expect(daysFrom('2026-03-10T14:00:00Z', ctx0.schedule.map((s) => s.dueAt))).toEqual([0, 7, 14, 21, 28, 35]);
    for (let n = 1; n <= 6; n++) {
      await runSession(h, { route: 'im', ...(n === 6 ? { assessment: { instrument: 'GAD-7' as const, total: 7 } } : {}) });
    }
    expect((await h.view()).phase).toBe('response-review');
    const view = await h.send('response.decided', { decision: 'maintenance', reason: 'Responder; boosters every four weeks', everyDays: 28 }, 'physician');
    expect(view.phase).toBe('maintenance');
    const ctx = await h.context();
    expect(ctx.sessions.map((s) => s.observationMinutes)).toEqual([60, 60, 60, 60, 60, 60]);
    expect(ctx.schedule.at(-1)).toMatchObject({ phase: 'maintenance', dueAt: new Date(Date.parse('2026-04-14T14:00:00Z') + 28 * DAY).toISOString() });
    await runSession(h, { route: 'im' });
    expect((await h.context()).sessions.at(-1)).toMatchObject({ number: 7, phase: 'maintenance', outcome: 'completed' });
  });
});

describe('SC ketamine journey for social anxiety, end to end', () => {
  it('runs three escalation sessions, judges response on LSAS at 35%, and keeps weekly maintenance', async () => {
    const h = await Harness.start({ indication: 'social-anxiety' });
    await completeScreening(h, { primary: { instrument: 'LSAS', total: 90 } });
    await planAndStart(h, 'sc', '2026-03-09T10:00:00Z');
    const plan = (await h.context()).plan;
    // The escalation is the prescriber's dose plan, recorded as given.
    expect(plan?.dosePlan.steps.map((s) => `${s.amount} ${s.unit}`)).toEqual(['0.25 mg/kg', '0.5 mg/kg', '1 mg/kg']);
    expect(plan?.primaryInstrument).toBe('LSAS');
    const ctx0 = await h.context();
    expect(daysFrom('2026-03-09T10:00:00Z', ctx0.schedule.map((s) => s.dueAt))).toEqual([0, 7, 14]);
    // 0.25, 0.5 and 1 mg/kg of the recorded 70 kg.
    await runSession(h, { route: 'sc', amountMg: 17.5 });
    await runSession(h, { route: 'sc', amountMg: 35 });
    const last = await runSession(h, { route: 'sc', amountMg: 70, assessment: { instrument: 'LSAS', total: 55 } });
    // The SC route checks blood pressure at 30 minutes.
    const checks = (await h.engine.history(h.id)).filter((e) => e.type === 'monitoring.bpCheckDue').map((e) => e.payload['minute']);
    expect(checks).toEqual([30, 30, 30]);
    expect(last.response).toMatchObject({ instrument: 'LSAS', baseline: 90, current: 55, dropPercent: 38.9, thresholdPercent: 35, responded: true, remission: null });
    expect((await h.view()).phase).toBe('response-review');
    await h.send('response.decided', { decision: 'maintenance', reason: 'Responder on LSAS; weekly boosters (2018 study)', everyDays: 7 }, 'physician');
    expect((await h.view()).phase).toBe('maintenance');
    expect((await h.context()).schedule.at(-1)).toMatchObject({ number: 4, dueAt: '2026-03-30T10:00:00.000Z' });
    await runSession(h, { route: 'sc', amountMg: 70 });
    const ctx = await h.context();
    expect(ctx.schedule.at(-1)).toMatchObject({ number: 5, dueAt: '2026-04-06T10:00:00.000Z', status: 'planned' });

    // The least frequent cadence that holds the response: the physician stretches it to two weeks.
    await h.send('maintenance.cadenceChanged', { everyDays: 14, reason: 'Response stable on weekly sessions' }, 'physician');
    expect((await h.context()).schedule.at(-1)).toMatchObject({ number: 5, dueAt: '2026-04-13T10:00:00.000Z', status: 'planned' });
    // A re-assessment that no longer shows response raises a care alert.
    await h.send('assessment.recorded', { instrument: 'LSAS', total: 80 }, 'nurse');
    expect(h.effectsOf('care.alert').map((e) => e.payload)).toContainEqual(
      expect.objectContaining({ kind: 'response-not-held', instrument: 'LSAS', baseline: 90, current: 80 }),
    );
    expect((await h.context()).response).toMatchObject({ current: 80, responded: false });
  });

  it('sends a non-responder to a clinician decision, who may extend induction', async () => {
    const h = await Harness.start({ indication: 'social-anxiety' });
    await completeScreening(h, { primary: { instrument: 'LSAS', total: 90 } });
    await planAndStart(h, 'sc', '2026-03-09T10:00:00Z');
    await runSession(h, { route: 'sc' });
    await runSession(h, { route: 'sc' });
    await runSession(h, { route: 'sc', assessment: { instrument: 'LSAS', total: 75 } });
    expect(await h.state()).toBe('care.clinical.treatment.course.responseReview.clinicianDecision|care.therapy.notLinked');
    expect((await h.context()).response).toMatchObject({ dropPercent: 16.7, responded: false });
    const view = await h.send(
      'response.decided',
      { decision: 'extend-induction', reason: 'Partial response; extend by two sessions', additionalSessions: 2, firstSessionAt: '2026-03-30T10:00:00Z' },
      'physician',
    );
    expect(view.stateLabel).toBe('care.clinical.treatment.course.induction.waiting|care.therapy.notLinked');
    const ctx = await h.context();
    expect(ctx.schedule.slice(3).map((s) => [s.number, s.dueAt, s.status])).toEqual([
      [4, '2026-03-30T10:00:00.000Z', 'planned'],
      [5, '2026-04-06T10:00:00.000Z', 'planned'],
    ]);
    await runSession(h, { route: 'sc' });
    await runSession(h, { route: 'sc' });
    // No new LSAS since the last induction session started: the review waits for one.
    expect(await h.state()).toBe('care.clinical.treatment.course.responseReview.awaitingAssessment|care.therapy.notLinked');
    const done = await h.send('assessment.recorded', { instrument: 'LSAS', total: 50 }, 'nurse');
    expect(done.stateLabel).toBe('care.clinical.treatment.course.responseReview.clinicianDecision|care.therapy.notLinked');
    expect(done.context.response).toMatchObject({ current: 50, responded: true });
    const maintenance = await h.send('response.decided', { decision: 'maintenance', reason: 'Responder after the extension', everyDays: 7 }, 'physician');
    expect(maintenance.phase).toBe('maintenance');
  });
});

describe('sublingual ketamine at home, end to end', () => {
  it('runs patient-recorded sessions with a trusted adult into maintenance, and asks for a check-in after a long gap', async () => {
    const h = await Harness.start({ indication: 'ocd' });
    await completeScreening(h, { primary: { instrument: 'Y-BOCS', total: 28 } });
    await planAndStart(h, 'sublingual-home', '2026-03-09T19:00:00Z');
    const ctx0 = await h.context();
    expect(daysFrom('2026-03-09T19:00:00Z', ctx0.schedule.map((s) => s.dueAt))).toEqual([0, 3, 7, 10, 14, 17]);
    for (let n = 1; n <= 6; n++) {
      const ctx = await runSession(h, { route: 'sublingual-home', ...(n === 6 ? { assessment: { instrument: 'Y-BOCS' as const, total: 17 } } : {}) });
      const s = ctx.sessions.at(-1);
      expect(s).toMatchObject({ number: n, setting: 'home', outcome: 'completed', observationMinutes: 120 });
      const dose = (await h.engine.history(h.id)).filter((x) => x.type === 'dose.recorded').at(-1);
      expect(dose?.actor.role).toBe('patient');
      expect(s?.discharge?.releasedTo).toBe('trusted-adult-at-home');
    }
    expect((await h.context()).response).toMatchObject({ instrument: 'Y-BOCS', responded: true });
    await h.send('response.decided', { decision: 'maintenance', reason: 'Responder on Y-BOCS', everyDays: 14 }, 'physician');
    expect((await h.view()).phase).toBe('maintenance');
    await runSession(h, { route: 'sublingual-home' });

    // The next maintenance session is moved 102 days out (to a Monday): a clinician check-in is due first.
    const next = (await h.context()).schedule.find((s) => s.status === 'planned');
    const later = new Date(Date.parse(next?.dueAt ?? '') + 102 * DAY).toISOString();
    await h.send('session.rescheduled', { sessionNumber: next?.number ?? 0, to: later, reason: 'Patient travelling' }, 'coordinator');
    await h.advanceTo(Date.parse(later) - 30 * 60_000);
    await h.send('session.checkedIn', {}, 'patient');
    await h.send('predose.fastingConfirmed', { lastFoodAt: new Date(h.now - 4 * 3_600_000).toISOString(), lastLiquidAt: new Date(h.now - 3_600_000).toISOString() }, 'patient');
    await h.send('predose.trustedAdultConfirmed', { aged18OrOver: true, presentWholeSession: true, withinVoiceRange: true, canCallCareTeamOrEmergency: true }, 'patient');
    await h.send('predose.vitalsRecorded', { systolic: 118, diastolic: 76, heartRate: 68 }, 'patient');
    await h.send('predose.contraindicationsChecked', { newFindings: [] }, 'patient');
    await h.send('predose.medicationsConfirmed', { classes: [], changedSinceLastSession: false }, 'patient');
    const blocked = (await h.view()).blockedEvents.find((b) => b.type === 'dose.recorded');
    expect(blocked?.reason).toBe('More than 90 days since the last dose: a clinician check-in is needed first');
    await h.send('checkIn.recorded', { mode: 'video' }, 'physician');
    const dosed = await h.send('dose.recorded', { medication: 'racemic-ketamine', amountMg: 100, lot: 'SL-88', administration: 'self-administered-at-home' }, 'patient');
    expect(dosed.stateLabel).toContain('maintenance.session.dosed.monitoring');
  });

  it('refuses staff-only steps from the patient and clinic steps for a home session', async () => {
    const h = await Harness.start();
    await completeScreening(h);
    await planAndStart(h, 'sublingual-home', '2026-03-09T19:00:00Z');
    await h.advanceTo('2026-03-09T18:30:00Z');
    await h.send('session.checkedIn', {}, 'patient');
    const transport = await h.trySend('predose.transportConfirmed', { responsibleAdultConfirmed: true, mode: 'car-driven-by-adult' }, 'nurse');
    expect(!transport.ok && transport.error.message).toContain('This is an at-home session: confirm the trusted adult instead');
    // A trusted adult who does not meet every condition is recorded, and blocks the dose until a physician clears it.
    await h.send('predose.trustedAdultConfirmed', { aged18OrOver: true, presentWholeSession: false, withinVoiceRange: true, canCallCareTeamOrEmergency: false }, 'patient');
    await h.send('predose.trustedAdultConfirmed', { aged18OrOver: true, presentWholeSession: true, withinVoiceRange: true, canCallCareTeamOrEmergency: true }, 'patient');
    const blockedBy = () => h.view().then((v) => v.blockedEvents.find((b) => b.type === 'dose.recorded')?.reason ?? '');
    expect(await blockedBy()).toContain(
      'The trusted adult is not present for the whole session, able to call the care team or emergency services: a physician must clear it before dosing',
    );
    expect((await h.context()).session?.preDose.trustedAdult.map((t) => t.confirmed)).toEqual([false, true]);
    const byPatient = await h.trySend('predose.findingCleared', { reason: 'She is staying now' }, 'patient');
    expect(!byPatient.ok && byPatient.error.code).toBe('CJ_ERR_FORBIDDEN');
    await h.send('predose.findingCleared', { reason: 'Spoke to the trusted adult: present all evening, phone at hand' }, 'physician');
    expect(await blockedBy()).not.toContain('trusted adult');
    const override = await h.trySend('predose.bpOverridden', { reason: 'no reading yet' }, 'patient');
    expect(!override.ok && override.error.code).toBe('CJ_ERR_FORBIDDEN');
  });
});

describe('in-clinic sessions are recorded by staff', () => {
  it('refuses pre-dose and dose records from the patient for an in-clinic session', async () => {
    const h = await Harness.start();
    await completeScreening(h);
    await planAndStart(h, 'iv', '2026-03-09T09:00:00Z');
    await h.advanceTo('2026-03-09T08:40:00Z');
    const selfCheckIn = await h.trySend('session.checkedIn', {}, 'patient');
    expect(!selfCheckIn.ok && selfCheckIn.error.message).toContain('In-clinic sessions are recorded by clinic staff, not by the patient');
    await h.send('session.checkedIn', {}, 'coordinator');
    const fasting = await h.trySend('predose.fastingConfirmed', { lastFoodAt: '2026-03-09T04:00:00Z', lastLiquidAt: '2026-03-09T07:00:00Z' }, 'patient');
    expect(!fasting.ok && fasting.error.code).toBe('CJ_ERR_GUARD');
  });
});
