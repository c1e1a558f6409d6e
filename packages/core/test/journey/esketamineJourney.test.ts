import { describe, expect, it } from 'vitest';
import { remsMonitoringForm } from '../../src/index.js';
import { completeScreening, Harness, linkTherapy, planAndStart, runSession } from './harness.js';

const DAY = 86_400_000;

async function submitPendingForms(h: Harness): Promise<void> {
  const ctx = await h.context();
  for (const form of ctx.rems.forms.filter((f) => f.submitted === null)) {
    await h.send('rems.formSubmitted', { sessionNumber: form.sessionNumber, submissionRef: `REMS-F-${form.sessionNumber}` }, 'nurse');
  }
}

describe('esketamine nasal spray journey, end to end over a ManualClock', () => {
  it('needs REMS enrolment before induction, runs 12 sessions with REMS forms and a missed session, into maintenance', async () => {
    const h = await Harness.start({ start: '2026-03-02T08:00:00Z' });
    await completeScreening(h, { gad7: 18 });
    await linkTherapy(h);
    await h.send('eligibility.decided', { outcome: 'eligible', reasons: [] }, 'physician');
    await h.send('consent.recorded', { formVersion: 'SPRAVATO-CONSENT-2' }, 'physician');
    await h.send(
      'plan.recorded',
      { route: 'esketamine-nasal', dosePlan: { summary: '56 mg day 1, then 84 mg', steps: [{ fromSession: 1, amount: 56, unit: 'mg', devices: 2 }, { fromSession: 2, amount: 84, unit: 'mg', devices: 3 }] } },
      'physician',
    );
    // No REMS enrolment yet: induction is blocked, and engine.get says why.
    const blocked = await h.view();
    expect(blocked.blockedEvents).toContainEqual({ type: 'induction.started', guard: 'readyForInduction', reason: 'The patient is not enrolled in the esketamine REMS' });
    const refused = await h.trySend('induction.started', { firstSessionAt: '2026-03-09T09:00:00Z' }, 'coordinator');
    expect(!refused.ok && refused.error.code).toBe('CJ_ERR_GUARD');
    await h.send('rems.enrolled', { enrolmentRef: 'REMS-55120' }, 'coordinator');
    await h.send('induction.started', { firstSessionAt: '2026-03-09T09:00:00Z' }, 'coordinator');

    const ctx0 = await h.context();
    const days = ctx0.schedule.map((s) => (Date.parse(s.dueAt) - Date.parse('2026-03-09T09:00:00Z')) / DAY);
    // Weeks 1-4 twice weekly, weeks 5-8 weekly.
    expect(days).toEqual([0, 3, 7, 10, 14, 17, 21, 24, 28, 35, 42, 49]);
    expect(ctx0.schedule.map((s) => s.block)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);

    // Session 1: 56 mg = 2 devices. A mismatch between devices and mg is refused.
    const first = await runSession(h, { route: 'esketamine-nasal', amountMg: 56, devices: 2 });
    const s1 = first.sessions[0];
    expect(s1?.observationMinutes).toBe(120);
    expect(first.rems.forms).toEqual([
      { sessionNumber: 1, dueAt: new Date(Date.parse(s1?.dose?.at ?? '') + 7 * DAY).toISOString(), submitted: null, overdue: false, form: expect.objectContaining({ sessionNumber: 1 }) },
    ]);
    const due = h.effectsOf('rems.formDue');
    expect(due).toHaveLength(1);
    const form = remsMonitoringForm(first, 1);
    expect(form).toMatchObject({
      patientRef: 'pt-0001',
      sessionNumber: 1,
      coMedications: ['antidepressant'],
      dose: { amountMg: 56, devices: 2, lot: 'LOT-2291' },
      totalMonitoringMinutes: 120,
      readyToLeaveMinutesAfterDose: 120,
      bloodPressure: { preDose: { systolic: 126, diastolic: 82 }, at40Minutes: { systolic: 138, diastolic: 86, minutesAfterDose: 40 }, preDischarge: { systolic: 128, diastolic: 80 } },
      sedation: { status: 'observed', lowestMoaas: 4 },
      dissociation: { status: 'observed', highestScore: 8 },
      respiratoryDepression: { status: 'not-observed', lowestSpO2: 97 },
    });
    expect(due[0]?.payload).toMatchObject({ sessionNumber: 1, dueAt: form?.dueAt });

    // The form of session 1 is left unsubmitted: seven days later, during session 3, its overdue timer raises an alert.
    await runSession(h, { route: 'esketamine-nasal', amountMg: 84, devices: 3 });
    expect((await h.context()).rems.forms[0]?.overdue).toBe(false);
    await runSession(h, { route: 'esketamine-nasal', amountMg: 84, devices: 3 });
    expect((await h.context()).rems.forms[0]?.overdue).toBe(true);
    expect(h.effectsOf('care.alert').map((e) => e.payload)).toContainEqual(expect.objectContaining({ kind: 'rems-form-overdue', sessionNumber: 1 }));
    await submitPendingForms(h);
    expect((await h.context()).rems.forms.map((f) => f.submitted?.submissionRef)).toEqual(['REMS-F-1', 'REMS-F-2', 'REMS-F-3']);

    for (let n = 4; n <= 9; n++) {
      const ctx = await runSession(h, { route: 'esketamine-nasal', amountMg: 84, devices: 3 });
      expect(ctx.sessions[ctx.sessions.length - 1]).toMatchObject({ number: n, outcome: 'completed' });
      await submitPendingForms(h);
    }
    // Session 10 (week 6, weekly block) is missed: the no-show timer fires and a clinician chooses.
    const s10 = (await h.context()).schedule[9];
    await h.advanceTo(Date.parse(s10?.dueAt ?? '') + 30 * 60_000);
    // No therapy session was reported for 30 days after the link: concurrent therapy lapsed meanwhile.
    expect(await h.state()).toBe('care.clinical.treatment.course.induction.missedReview|care.therapy.lapsed');
    expect(h.effectsOf('care.alert').map((e) => e.payload)).toContainEqual(expect.objectContaining({ kind: 'therapy-lapse', gapDays: 30 }));
    expect(h.effectsOf('care.alert').map((e) => e.payload)).toContainEqual(
      expect.objectContaining({ kind: 'missed-session', sessionNumber: 10, needsClinicianReview: true }),
    );
    await h.send('therapy.sessionAttended', { attendedAt: new Date(h.now - 3_600_000).toISOString() }, 'therapist');
    const noWorsening = await h.trySend('session.missedReviewed', { worsening: false, decision: 'return-to-previous-schedule', nextSessionAt: '2026-04-15T09:00:00Z' }, 'physician');
    expect(!noWorsening.ok && noWorsening.error.message).toContain('Returning to the previous schedule is for worsening symptoms');
    await h.send('session.missedReviewed', { worsening: true, decision: 'return-to-previous-schedule', nextSessionAt: '2026-04-15T09:00:00Z' }, 'physician');
    const reverted = await h.context();
    // Sessions 11 and 12 return to the twice-weekly pattern of block 1; day 3 falls on a Saturday,
    // when the clinic is closed, so session 12 moves to Monday.
    expect(reverted.schedule.slice(9).map((s) => [s.number, s.status, s.dueAt, s.block])).toEqual([
      [10, 'missed', s10?.dueAt, 1],
      [11, 'planned', '2026-04-15T09:00:00.000Z', 0],
      [12, 'planned', '2026-04-20T09:00:00.000Z', 0],
    ]);
    expect(await h.state()).toBe('care.clinical.treatment.course.induction.waiting|care.therapy.active');

    await runSession(h, { route: 'esketamine-nasal', amountMg: 84, devices: 3 });
    await submitPendingForms(h);
    await runSession(h, { route: 'esketamine-nasal', amountMg: 84, devices: 3, assessment: { instrument: 'GAD-7', total: 8 } });
    // 18 → 8 is a 55.6% drop: the review proposes response; the physician chooses maintenance every two weeks.
    expect((await h.view()).phase).toBe('response-review');
    expect((await h.context()).response).toMatchObject({ baseline: 18, current: 8, responded: true });
    await h.send('response.decided', { decision: 'maintenance', reason: 'Responder: every two weeks, the least frequent that holds', everyDays: 14 }, 'physician');
    expect((await h.view()).phase).toBe('maintenance');
    const m = await h.context();
    expect(m.maintenance.everyDays).toBe(14);
    expect(m.schedule.at(-1)).toMatchObject({ number: 13, phase: 'maintenance', dueAt: '2026-05-04T09:00:00.000Z', status: 'planned' });

    // Maintenance cannot end while a REMS form is outstanding.
    const early = await h.trySend('maintenance.ended', { reason: 'Stable' }, 'physician');
    expect(!early.ok && early.error.message).toContain('REMS monitoring forms outstanding for session(s) 12');
    await submitPendingForms(h);
    await runSession(h, { route: 'esketamine-nasal', amountMg: 84, devices: 3 });
    await submitPendingForms(h);
    const ended = await h.send('maintenance.ended', { reason: 'Response held; ending maintenance by shared decision' }, 'physician');
    expect(ended.stateLabel).toBe('completed');
    const last = ended.context;
    expect(last.sessions).toHaveLength(12);
    expect(last.rems.forms.every((f) => f.submitted !== null)).toBe(true);
  });

  it('refuses a dose whose mg does not match whole devices, and a dose of the wrong medication', async () => {
    const h = await Harness.start();
    await completeScreening(h);
    await planAndStart(h, 'esketamine-nasal', '2026-03-09T09:00:00Z');
    await h.advanceTo('2026-03-09T08:40:00Z');
    await h.send('session.checkedIn', {}, 'coordinator');
    await h.send('predose.fastingConfirmed', { lastFoodAt: '2026-03-09T05:00:00Z', lastLiquidAt: '2026-03-09T07:00:00Z', lastNasalSteroidOrDecongestantAt: '2026-03-09T08:30:00Z' }, 'nurse');
    await h.send('predose.transportConfirmed', { responsibleAdultConfirmed: true, mode: 'taxi-with-adult' }, 'nurse');
    await h.send('predose.vitalsRecorded', { systolic: 120, diastolic: 78, heartRate: 70 }, 'nurse');
    await h.send('predose.contraindicationsChecked', { newFindings: [] }, 'nurse');
    expect((await h.view()).blockedEvents.find((b) => b.type === 'dose.recorded')?.reason).toBe(
      'Nasal steroid or decongestant 10 min ago: the protocol needs 1 h; Today’s co-medications are not confirmed (the REMS form reports them)',
    );
    await h.send('predose.medicationsConfirmed', { classes: ['antidepressant'], changedSinceLastSession: false }, 'nurse');
    // A later fasting record without the nasal spray does not erase it.
    await h.send('predose.fastingConfirmed', { lastFoodAt: '2026-03-09T05:00:00Z', lastLiquidAt: '2026-03-09T07:00:00Z' }, 'nurse');
    const view = await h.view();
    expect(view.blockedEvents).toContainEqual({
      type: 'dose.recorded',
      guard: 'preDoseChecksPassed',
      reason: 'Nasal steroid or decongestant 10 min ago: the protocol needs 1 h',
    });
    expect(view.blockedEvents).toContainEqual({
      type: 'predose.trustedAdultConfirmed',
      guard: 'homeSessionTrustedAdult',
      reason: 'This is an in-clinic session: confirm the ride home with a responsible adult instead',
    });
    await h.advance(60);
    const wrongDevices = await h.trySend(
      'dose.recorded',
      { medication: 'esketamine', amountMg: 84, devices: 2, lot: 'L1', administration: 'self-administered-supervised' },
      'nurse',
    );
    expect(!wrongDevices.ok && wrongDevices.error.message).toContain('2 device(s) of 28 mg make 56 mg, not 84 mg');
    const wrongDrug = await h.trySend('dose.recorded', { medication: 'racemic-ketamine', amountMg: 56, devices: 2, lot: 'L1', administration: 'staff-administered' }, 'nurse');
    expect(!wrongDrug.ok && wrongDrug.error.message).toContain("The plan's route uses esketamine; the dose records racemic-ketamine");
    const ok = await h.trySend('dose.recorded', { medication: 'esketamine', amountMg: 56, devices: 2, lot: 'L1', administration: 'self-administered-supervised' }, 'nurse');
    expect(ok.ok && ok.view.stateLabel).toContain('session.dosed.monitoring');
  });

  it('keeps the schedule after a missed session without worsening', async () => {
    const h = await Harness.start();
    await completeScreening(h);
    await planAndStart(h, 'esketamine-nasal', '2026-03-09T09:00:00Z');
    const before = (await h.context()).schedule.map((s) => s.dueAt);
    await h.advanceTo('2026-03-09T09:30:00Z');
    expect(await h.state()).toContain('induction.missedReview');
    await h.send('session.missedReviewed', { worsening: false, decision: 'keep-schedule' }, 'physician');
    const ctx = await h.context();
    expect(ctx.schedule.map((s) => s.dueAt)).toEqual(before);
    expect(ctx.schedule[0]?.status).toBe('missed');
    expect(await h.state()).toContain('induction.waiting');
  });
});
