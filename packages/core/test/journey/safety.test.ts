import { describe, expect, it } from 'vitest';
import { completeScreening, Harness, linkTherapy, observeAndDischarge, planAndStart, runSession } from './harness.js';

const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** A journey with an IV session checked in at 08:40 for a 09:00 slot. */
async function checkedIn(route: 'iv' | 'esketamine-nasal' = 'iv'): Promise<Harness> {
  const h = await Harness.start();
  await completeScreening(h);
  await planAndStart(h, route, '2026-03-09T09:00:00Z');
  await h.advanceTo('2026-03-09T08:40:00Z');
  await h.send('session.checkedIn', {}, 'coordinator');
  return h;
}

async function passChecks(h: Harness, bp = { systolic: 124, diastolic: 80 }): Promise<void> {
  await h.send('predose.fastingConfirmed', { lastFoodAt: iso(h.now - 5 * 60 * MIN), lastLiquidAt: iso(h.now - 2 * 60 * MIN) }, 'nurse');
  await h.send('predose.transportConfirmed', { responsibleAdultConfirmed: true, mode: 'car-driven-by-adult' }, 'nurse');
  await h.send('predose.vitalsRecorded', { ...bp, heartRate: 70, spo2: 98 }, 'nurse');
  await h.send('predose.contraindicationsChecked', { newFindings: [] }, 'nurse');
}

const IV_DOSE = { medication: 'racemic-ketamine', amountMg: 35, infusionMinutes: 40, lot: 'KX-1', administration: 'staff-administered' } as const;

async function dosed(): Promise<Harness> {
  const h = await checkedIn();
  await passChecks(h);
  await h.advanceTo('2026-03-09T09:00:00Z');
  await h.send('dose.recorded', IV_DOSE, 'nurse');
  return h;
}

describe('pre-dose checks', () => {
  it('lists every unmet check, in a clinician’s words, before any is done', async () => {
    const h = await checkedIn();
    const blocked = (await h.view()).blockedEvents.find((b) => b.type === 'dose.recorded');
    expect(blocked?.reason).toBe(
      'Fasting has not been confirmed; No ride home with a responsible adult is confirmed; No pre-dose blood pressure recorded; The pre-dose check for new contraindications is not recorded',
    );
    const r = await h.trySend('dose.recorded', IV_DOSE, 'nurse');
    expect(!r.ok && r.error.code).toBe('CJ_ERR_GUARD');
    expect(!r.ok && r.error.details.guard).toBe('preDoseChecksPassed');
  });

  it('blood pressure above the limit needs a physician override with a reason', async () => {
    const h = await checkedIn();
    await passChecks(h, { systolic: 152, diastolic: 96 });
    const view = await h.view();
    expect(view.blockedEvents).toContainEqual({
      type: 'dose.recorded',
      guard: 'preDoseChecksPassed',
      reason: 'BP 152/96 is above the 140/90 pre-dose limit: a physician override is needed',
    });
    const r = await h.trySend('dose.recorded', IV_DOSE, 'nurse');
    expect(!r.ok && r.error.message).toBe(
      '"dose.recorded" refused in state care.clinical.treatment.course.induction.session.preDose|care.therapy.notLinked: BP 152/96 is above the 140/90 pre-dose limit: a physician override is needed [CJ_ERR_GUARD]',
    );
    const byNurse = await h.trySend('predose.bpOverridden', { reason: 'Known white-coat hypertension' }, 'nurse');
    expect(!byNurse.ok && byNurse.error.code).toBe('CJ_ERR_FORBIDDEN');
    const noReason = await h.trySend('predose.bpOverridden', { reason: '' }, 'physician');
    expect(!noReason.ok && noReason.error.code).toBe('CJ_ERR_INVALID_EVENT');
    await h.send('predose.bpOverridden', { reason: 'Known white-coat hypertension; benefit outweighs risk' }, 'physician');
    expect((await h.context()).session?.preDose.bpOverrides).toMatchObject([{ reading: { systolic: 152, diastolic: 96 }, coversReadings: 1, by: { role: 'physician' } }]);
    // A new, higher reading needs a new override.
    await h.send('predose.vitalsRecorded', { systolic: 158, diastolic: 98, heartRate: 72 }, 'nurse');
    expect((await h.view()).blockedEvents.find((b) => b.type === 'dose.recorded')?.reason).toBe('BP 158/98 is above the 140/90 pre-dose limit: a physician override is needed');
    // Re-measuring lower does not lift a high reading: only the physician's override does.
    await h.send('predose.vitalsRecorded', { systolic: 128, diastolic: 82, heartRate: 70 }, 'nurse');
    expect((await h.view()).blockedEvents.find((b) => b.type === 'dose.recorded')?.reason).toBe('BP 158/98 is above the 140/90 pre-dose limit: a physician override is needed');
    expect((await h.context()).session?.preDose.vitals.map((v) => v.systolic)).toEqual([152, 158, 128]);
    await h.send('predose.bpOverridden', { reason: 'Re-checked after rest; physician accepts' }, 'physician');
    const ok = await h.send('dose.recorded', IV_DOSE, 'nurse');
    expect(ok.stateLabel).toContain('session.dosed.monitoring');
  });

  it('an override is refused when the pressure is within the limit', async () => {
    const h = await checkedIn();
    await passChecks(h);
    const r = await h.trySend('predose.bpOverridden', { reason: 'Just in case' }, 'physician');
    expect(!r.ok && r.error.message).toContain('No pre-dose reading above the 140/90 limit is waiting for an override (last 124/80)');
  });

  it('fasting windows are measured to the dose, with the clinic’s protocol', async () => {
    const h = await checkedIn();
    await passChecks(h);
    await h.send('predose.fastingConfirmed', { lastFoodAt: iso(h.now - 90 * MIN), lastLiquidAt: iso(h.now - 10 * MIN) }, 'nurse');
    expect((await h.view()).blockedEvents.find((b) => b.type === 'dose.recorded')?.reason).toBe(
      'Last food 1 h 30 min ago: the protocol needs 2 h without food; Last liquid 10 min ago: the protocol needs 30 min without liquids',
    );
    // Time passes: at 09:10 food was 2 h ago and liquid 40 min ago.
    await h.advance(30);
    expect((await h.view()).blockedEvents.find((b) => b.type === 'dose.recorded')).toBeUndefined();
  });

  it('a new medication at the pre-dose check waits for a physician to clear it', async () => {
    const h = await checkedIn();
    await passChecks(h);
    await h.send('predose.contraindicationsChecked', { newFindings: ['new-medication'] }, 'nurse');
    expect((await h.view()).blockedEvents.find((b) => b.type === 'dose.recorded')?.reason).toBe(
      'New since the last session: new-medication: a physician must clear it before dosing',
    );
    // Re-recording the check as empty does not erase the finding.
    await h.send('predose.contraindicationsChecked', { newFindings: [] }, 'nurse');
    expect((await h.view()).blockedEvents.find((b) => b.type === 'dose.recorded')?.reason).toBe(
      'New since the last session: new-medication: a physician must clear it before dosing',
    );
    const byNurse = await h.trySend('predose.findingCleared', { reason: 'Looks fine' }, 'nurse');
    expect(!byNurse.ok && byNurse.error.code).toBe('CJ_ERR_FORBIDDEN');
    await h.send('predose.findingCleared', { reason: 'Sertraline dose change; no interaction concern' }, 'physician');
    expect((await h.view()).allowedEvents).toContain('dose.recorded');
    const session = (await h.context()).session;
    expect(session?.preDose.contraindicationChecks.map((c) => c.newFindings)).toEqual([[], ['new-medication'], []]);
    expect(session?.preDose.blocking).toMatchObject([{ kind: 'new-finding', cleared: { by: { role: 'physician' } } }]);
  });

  it('a ride home without a responsible adult blocks the dose until a physician clears it', async () => {
    const h = await checkedIn();
    await passChecks(h);
    await h.send('predose.transportConfirmed', { responsibleAdultConfirmed: false, mode: 'taxi-with-adult' }, 'nurse');
    await h.send('predose.transportConfirmed', { responsibleAdultConfirmed: true, mode: 'car-driven-by-adult' }, 'nurse');
    expect((await h.view()).blockedEvents.find((b) => b.type === 'dose.recorded')?.reason).toBe(
      'The ride home is not with a responsible adult: a physician must clear it before dosing',
    );
    await h.send('predose.findingCleared', { reason: 'Sister confirmed by phone; she collects the patient' }, 'physician');
    await h.advanceTo('2026-03-09T09:00:00Z');
    expect((await h.send('dose.recorded', IV_DOSE, 'nurse')).stateLabel).toContain('session.dosed');
  });

  it('the dose given matches the plan, or carries a physician’s approved deviation', async () => {
    const h = await checkedIn();
    await passChecks(h);
    await h.advanceTo('2026-03-09T09:00:00Z');
    // The plan: 0.5 mg/kg of the recorded 70 kg = 35 mg; the IV tolerance is 1 mg.
    const off = await h.trySend('dose.recorded', { ...IV_DOSE, amountMg: 45 }, 'nurse');
    expect(!off.ok && off.error.details.reason).toBe("45 mg differs from the plan's 35 mg for session 1: a physician must approve the deviation first");
    expect((await h.trySend('predose.doseDeviationApproved', { amountMg: 30, reason: 'Nausea last time' }, 'nurse')).ok).toBe(false);
    await h.send('predose.doseDeviationApproved', { amountMg: 30, reason: 'Nausea at the last session: lower dose' }, 'physician');
    const stillOff = await h.trySend('dose.recorded', { ...IV_DOSE, amountMg: 45 }, 'nurse');
    expect(!stillOff.ok && stillOff.error.code).toBe('CJ_ERR_GUARD');
    const view = await h.send('dose.recorded', { ...IV_DOSE, amountMg: 30 }, 'nurse');
    expect(view.context.session?.dose).toMatchObject({ amountMg: 30, plannedMg: 35, deviationReason: 'Nausea at the last session: lower dose' });
  });

  it('pregnancy or psychotic symptoms at the pre-dose check put treatment on hold', async () => {
    const h = await checkedIn();
    await passChecks(h);
    const view = await h.send('predose.contraindicationsChecked', { newFindings: ['pregnancy'] }, 'nurse');
    expect(view.stateLabel).toBe('care.clinical.treatment.onHold|care.therapy.notLinked');
    expect(view.phase).toBe('on-hold');
    const ctx = await h.context();
    expect(ctx.hold?.signals.map((s) => s.signal)).toEqual(['pregnancy']);
    expect(ctx.sessions[0]).toMatchObject({ number: 1, outcome: 'cancelled', dose: null });
    expect(h.effectsOf('safety.alert').map((e) => e.payload['kind'])).toEqual(['hold']);
  });

  it('a check-in after the no-show grace is refused: the session is missed, and a stale pre-dose BP does not count', async () => {
    const h = await Harness.start();
    await completeScreening(h);
    await planAndStart(h, 'iv', '2026-03-09T09:00:00Z');
    // The host did not run the timers: the session is past its grace, the check-in is refused.
    h.clock.advanceTo('2026-03-09T09:45:00Z');
    const late = await h.trySend('session.checkedIn', {}, 'coordinator');
    expect(!late.ok && late.error.details.reason).toBe(
      'Session 1 was due 2026-03-09 09:00 UTC; its 30-minute grace has passed, so it is missed: reschedule it',
    );
    // Its safe twin: on time.
    const h2 = await checkedIn();
    await passChecks(h2);
    await h2.advanceTo('2026-03-09T09:00:00Z');
    // The reading was taken at 08:40: two hours on, it no longer counts.
    h2.clock.advanceTo('2026-03-09T10:45:00Z');
    expect((await h2.view()).blockedEvents.find((b) => b.type === 'dose.recorded')?.reason).toBe(
      'The last pre-dose blood pressure is 2 h 05 min old: record one within 1 h of the dose',
    );
  });

  it('changed co-medications block the dose until a physician clears them; unchanged ones do not', async () => {
    const h = await checkedIn();
    await passChecks(h);
    await h.advanceTo('2026-03-09T09:00:00Z');
    await h.send('predose.medicationsConfirmed', { classes: ['antidepressant'], changedSinceLastSession: false }, 'nurse');
    expect((await h.view()).allowedEvents).toContain('dose.recorded');
    await h.send('predose.medicationsConfirmed', { classes: ['antidepressant', 'benzodiazepine'], changedSinceLastSession: true }, 'nurse');
    expect((await h.view()).blockedEvents.find((b) => b.type === 'dose.recorded')?.reason).toBe(
      'Co-medications changed since the last session: a physician must clear it before dosing',
    );
    await h.send('predose.findingCleared', { reason: 'Lorazepam at night only; sedation watched' }, 'physician');
    expect((await h.send('dose.recorded', IV_DOSE, 'nurse')).stateLabel).toContain('session.dosed');
  });

  it('pre-dose checks recorded hours before the dose are confirmed again', async () => {
    const h = await checkedIn();
    await passChecks(h);
    // The dose is given four and a half hours after the checks: ride and contraindication check are stale.
    h.clock.advanceTo('2026-03-09T13:10:00Z');
    await h.send('predose.vitalsRecorded', { systolic: 122, diastolic: 78, heartRate: 70 }, 'nurse');
    expect((await h.view()).blockedEvents.find((b) => b.type === 'dose.recorded')?.reason).toBe(
      'Confirm again before the dose (older than 4 h): the ride home, the contraindication check',
    );
    await h.send('predose.transportConfirmed', { responsibleAdultConfirmed: true, mode: 'car-driven-by-adult' }, 'nurse');
    await h.send('predose.contraindicationsChecked', { newFindings: [] }, 'nurse');
    expect((await h.send('dose.recorded', IV_DOSE, 'nurse')).stateLabel).toContain('session.dosed');
  });

  it('doses are at least the protocol’s minimum hours apart', async () => {
    const h = await Harness.start({ protocol: { routes: { iv: { minHoursBetweenDoses: 48 } } } });
    await completeScreening(h);
    await planAndStart(h, 'iv', '2026-03-09T09:00:00Z');
    await runSession(h, { route: 'iv' });
    await h.send('session.rescheduled', { sessionNumber: 2, to: '2026-03-10T09:00:00Z', reason: 'patient request' }, 'coordinator');
    await h.advanceTo('2026-03-10T08:40:00Z');
    await h.send('session.checkedIn', {}, 'coordinator');
    await passChecks(h);
    expect((await h.view()).blockedEvents.find((b) => b.type === 'dose.recorded')?.reason).toBe('The last dose was 23 h 40 min ago: the protocol needs 48 h between doses');
  });
});

describe('monitoring and discharge', () => {
  it('refuses discharge before the minimum observation, explaining why, and allows it after the durable timer', async () => {
    const h = await dosed();
    await h.advanceTo('2026-03-09T09:40:00Z');
    await h.send('monitoring.vitalsRecorded', { systolic: 132, diastolic: 84, heartRate: 80, spo2: 97 }, 'nurse');
    await h.send('monitoring.sedationRecorded', { moaas: 5 }, 'nurse');
    await h.advance(5);
    const discharge = { releasedTo: 'responsible-adult', alertAndOriented: true, noDrivingAdviceGiven: true } as const;
    const early = await h.trySend('session.discharged', discharge, 'nurse');
    expect(!early.ok && early.error.code).toBe('CJ_ERR_GUARD');
    expect(!early.ok && early.error.message).toContain('The minimum observation of 1 h has not elapsed (45 min since the dose)');
    expect((await h.view()).blockedEvents).toContainEqual({
      type: 'session.discharged',
      guard: 'dischargeCriteriaMet',
      reason: 'The minimum observation of 1 h has not elapsed (45 min since the dose)',
    });
    const fired = await h.advanceTo('2026-03-09T10:00:00Z');
    expect(fired).toContain('machine:session-observation');
    expect(await h.state()).toContain('session.dosed.readyForDischarge');
    // The last vitals are 20 minutes old: overdue on the IV cadence (every 15 min, 5 min tolerance).
    expect((await h.view()).blockedEvents.find((b) => b.type === 'session.discharged')?.reason).toBe(
      'A vitals reading is overdue: the route records vitals every 15 min (last 20 min ago)',
    );
    expect(h.effectsOf('care.alert').map((e) => e.payload)).toContainEqual(expect.objectContaining({ kind: 'vitals-overdue', sessionNumber: 1, everyMinutes: 15 }));
    await h.send('monitoring.vitalsRecorded', { systolic: 130, diastolic: 82, heartRate: 78, spo2: 97 }, 'nurse');
    const view = await h.send('session.discharged', discharge, 'nurse');
    expect(view.stateLabel).toBe('care.clinical.treatment.course.induction.waiting|care.therapy.notLinked');
  });

  it('discharges only to the responsible adult, alert, with the no-driving advice and the 40-minute check', async () => {
    const h = await dosed();
    await h.advanceTo('2026-03-09T10:00:00Z');
    await h.send('monitoring.vitalsRecorded', { systolic: 132, diastolic: 84, heartRate: 80 }, 'nurse');
    const r = await h.trySend('session.discharged', { releasedTo: 'trusted-adult-at-home', alertAndOriented: false, noDrivingAdviceGiven: false }, 'nurse');
    expect(!r.ok && r.error.details.reason).toBe(
      [
        'The 40-minute blood-pressure check has not been recorded',
        'No SpO2 recorded this session',
        'No sedation level (MOAA/S) recorded this session',
        'An in-clinic session is discharged to the responsible adult',
        'The patient is not recorded as alert and oriented',
        'The no-driving advice (not until the next day, after a restful sleep) is not recorded',
      ].join('; '),
    );
  });

  it('vitals not back near baseline hold the discharge', async () => {
    const h = await dosed();
    await h.advanceTo('2026-03-09T09:40:00Z');
    await h.send('monitoring.vitalsRecorded', { systolic: 150, diastolic: 92, heartRate: 90, spo2: 96 }, 'nurse');
    await h.send('monitoring.sedationRecorded', { moaas: 4 }, 'nurse');
    await h.advanceTo('2026-03-09T09:55:00Z');
    await h.send('monitoring.vitalsRecorded', { systolic: 138, diastolic: 86, heartRate: 84, spo2: 97 }, 'nurse');
    await h.advanceTo('2026-03-09T10:00:00Z');
    // 09:40 is within the 30-minute window: that reading still counts.
    expect((await h.view()).blockedEvents.find((b) => b.type === 'session.discharged')?.reason).toBe(
      'BP 150/92 in the last 30 min is not back near baseline (limit 140/90, pre-dose 124/80 + 10); The last MOAA/S is 4: discharge needs 5',
    );
  });

  it('a missed 40-minute check does not trap the patient: a physician records it missed, with the reason', async () => {
    const h = await dosed();
    for (const at of ['09:15', '09:30', '09:58', '10:00']) {
      await h.advanceTo(`2026-03-09T${at}:00Z`);
      await h.send('monitoring.vitalsRecorded', { systolic: 126, diastolic: 80, heartRate: 76, spo2: 98 }, 'nurse');
    }
    await h.send('monitoring.sedationRecorded', { moaas: 5 }, 'nurse');
    const discharge = { releasedTo: 'responsible-adult', alertAndOriented: true, noDrivingAdviceGiven: true } as const;
    const blocked = await h.trySend('session.discharged', discharge, 'nurse');
    expect(!blocked.ok && blocked.error.details.reason).toBe('The 40-minute blood-pressure check has not been recorded');
    const byNurse = await h.trySend('monitoring.bpCheckMissed', { reason: 'Missed' }, 'nurse');
    expect(!byNurse.ok && byNurse.error.code).toBe('CJ_ERR_FORBIDDEN');
    await h.send('monitoring.bpCheckMissed', { reason: 'Nurse called to an emergency; readings at 30 and 58 min normal' }, 'physician');
    const view = await h.send('session.discharged', discharge, 'nurse');
    expect(view.stateLabel).toContain('induction.waiting');
    // Its refusal twin: while the window is still open, the check is not yet missed.
    const early = await dosed();
    await early.advanceTo('2026-03-09T09:45:00Z');
    const tooEarly = await early.trySend('monitoring.bpCheckMissed', { reason: 'Will not manage it' }, 'physician');
    expect(!tooEarly.ok && tooEarly.error.details.reason).toBe('The 40-minute check can still be recorded until 2026-03-09 09:55 UTC');
  });

  it('discharge looks at BP settling, not at one reading: a rise holds it', async () => {
    const h = await dosed();
    for (const [at, systolic] of [['09:40', 128], ['09:55', 120], ['10:00', 136]] as const) {
      await h.advanceTo(`2026-03-09T${at}:00Z`);
      await h.send('monitoring.vitalsRecorded', { systolic, diastolic: 80, heartRate: 80, spo2: 97 }, 'nurse');
    }
    await h.send('monitoring.sedationRecorded', { moaas: 5 }, 'nurse');
    const discharge = { releasedTo: 'responsible-adult', alertAndOriented: true, noDrivingAdviceGiven: true } as const;
    const rising = await h.trySend('session.discharged', discharge, 'nurse');
    expect(!rising.ok && rising.error.details.reason).toBe('BP is rising over the last 30 min (lowest 120/80, now 136/80; more than 5 mmHg above the lowest): discharge when it is decreasing and stable');
    await h.advance(10);
    // Falling from 136 to 126 is still above the window's lowest (120) plus the tolerance (5).
    await h.send('monitoring.vitalsRecorded', { systolic: 126, diastolic: 80, heartRate: 78, spo2: 97 }, 'nurse');
    expect(await h.trySend('session.discharged', discharge, 'nurse')).toMatchObject({ ok: false, error: { code: 'CJ_ERR_GUARD' } });
    await h.advance(5);
    await h.send('monitoring.vitalsRecorded', { systolic: 124, diastolic: 80, heartRate: 76, spo2: 97 }, 'nurse');
    expect((await h.send('session.discharged', discharge, 'nurse')).stateLabel).toContain('induction.waiting');
  });

  it('readings from the future are refused; a back-dated reading is judged at its time', async () => {
    const h = await dosed();
    await h.advanceTo('2026-03-09T09:40:00Z');
    const before = { view: await h.view(), history: await h.engine.history(h.id) };
    const future = await h.trySend('monitoring.vitalsRecorded', { systolic: 120, diastolic: 78, heartRate: 70, spo2: 98, takenAt: '2026-03-09T09:43:00Z' }, 'nurse');
    expect(!future.ok && future.error.details.guard).toBe('readingTimeValid');
    expect(!future.ok && future.error.details.reason).toContain('readings from the future are refused (device clocks may run 2 min ahead at most)');
    const beforeDose = await h.trySend('monitoring.sedationRecorded', { moaas: 5, takenAt: '2026-03-09T08:59:00Z' }, 'nurse');
    expect(!beforeDose.ok && beforeDose.error.details.reason).toContain('before the dose');
    expect(await h.view()).toEqual(before.view);
    expect(await h.engine.history(h.id)).toEqual(before.history);
    // Its safe twin: a device clock one minute ahead is within the skew, kept at the event's time.
    const skewed = await h.send('monitoring.vitalsRecorded', { systolic: 132, diastolic: 84, heartRate: 80, spo2: 97, takenAt: '2026-03-09T09:41:00Z' }, 'nurse');
    expect(skewed.context.session?.vitals.at(-1)?.takenAt).toBe('2026-03-09T09:40:00.000Z');
    // A 210/125 back-dated before the normal reading still stops the session.
    const late = await h.send('monitoring.vitalsRecorded', { systolic: 210, diastolic: 125, heartRate: 96, spo2: 97, takenAt: '2026-03-09T09:20:00Z' }, 'nurse');
    expect(late.context.session?.vitals.map((v) => v.systolic)).toEqual([210, 132]);
    expect(late.context.session?.stopped).toMatchObject({ kind: 'stop-rule', reason: 'stop rule: BP 210/125 is above the single-reading stop limit of 200/120' });
  });

  it('a stop rule (BP above 200/120 once) stops the session and alerts; the patient stays observed until discharge', async () => {
    const h = await dosed();
    await h.advanceTo('2026-03-09T09:20:00Z');
    const view = await h.send('monitoring.vitalsRecorded', { systolic: 204, diastolic: 112, heartRate: 96, spo2: 97 }, 'nurse');
    expect(view.stateLabel).toBe('care.clinical.treatment.course.induction.session.dosed.monitoring|care.therapy.notLinked');
    expect(view.context.session?.stopped).toMatchObject({ kind: 'stop-rule', reason: 'stop rule: BP 204/112 is above the single-reading stop limit of 200/120' });
    expect(h.effectsOf('safety.alert').map((e) => e.payload)).toEqual([
      expect.objectContaining({
        kind: 'stop-rule',
        sessionNumber: 1,
        reason: 'Session stopped: BP 204/112 is above the single-reading stop limit of 200/120. No further dosing; keep monitoring until discharge or transfer',
      }),
    ]);
    expect(view.timers.map((t) => t.key)).toContain('machine:session-observation');
    // A second high reading does not alert again; monitoring goes on.
    await h.advance(5);
    await h.send('monitoring.vitalsRecorded', { systolic: 206, diastolic: 110, heartRate: 94, spo2: 97 }, 'nurse');
    expect(h.effectsOf('safety.alert')).toHaveLength(1);
    const discharged = await observeAndDischarge(h);
    expect(discharged.stateLabel).toBe('care.clinical.treatment.course.induction.waiting|care.therapy.notLinked');
    const ctx = discharged.context;
    expect(ctx.sessions[0]).toMatchObject({ outcome: 'aborted', ended: { reason: 'stop rule: BP 204/112 is above the single-reading stop limit of 200/120' }, discharge: { releasedTo: 'responsible-adult' } });
    expect(ctx.schedule[0]?.status).toBe('aborted');
  });

  it('a stop rule (above 180/110 twice, 5 minutes apart) stops the session; a transfer ends it and holds treatment', async () => {
    const h = await dosed();
    await h.advanceTo('2026-03-09T09:20:00Z');
    await h.send('monitoring.vitalsRecorded', { systolic: 184, diastolic: 100, heartRate: 90, spo2: 97 }, 'nurse');
    await h.advance(3);
    await h.send('monitoring.vitalsRecorded', { systolic: 186, diastolic: 104, heartRate: 90, spo2: 97 }, 'nurse');
    expect((await h.context()).session?.stopped).toBeNull();
    await h.advance(2);
    await h.send('monitoring.vitalsRecorded', { systolic: 182, diastolic: 100, heartRate: 90, spo2: 97 }, 'nurse');
    expect((await h.context()).session?.stopped?.reason).toBe('stop rule: BP above 180/110 twice at least 5 min apart (184/100, then 182/100)');
    const coordinator = await h.trySend('session.escalated', { destination: 'ems', reference: 'EMS-1', reason: 'BP not settling' }, 'coordinator');
    expect(!coordinator.ok && coordinator.error.code).toBe('CJ_ERR_FORBIDDEN');
    const transferred = await h.send('session.escalated', { destination: 'ems', reference: 'EMS-99812', reason: 'BP not settling after 30 min' }, 'physician');
    // A transfer of care puts treatment on hold until a physician reviews it.
    expect(transferred.stateLabel).toBe('care.clinical.treatment.onHold|care.therapy.notLinked');
    expect(transferred.context.sessions[0]).toMatchObject({ outcome: 'transferred', transfer: { destination: 'ems', reference: 'EMS-99812' } });
    expect(transferred.context.hold?.signals.map((x) => x.signal)).toEqual(['transfer-of-care']);
    expect(transferred.timers).toEqual([]);
    expect(h.effectsOf('safety.alert').map((e) => e.payload['kind'])).toEqual(['stop-rule', 'transfer']);
  });

  it('session.aborted after the dose stops further dosing, not monitoring', async () => {
    const h = await dosed();
    await h.advanceTo('2026-03-09T09:10:00Z');
    const aborted = await h.send('session.aborted', { reason: 'Infusion stopped: patient distressed' }, 'nurse');
    expect(aborted.stateLabel).toContain('session.dosed.monitoring');
    expect(aborted.context.session?.stopped).toMatchObject({ kind: 'aborted', reason: 'Infusion stopped: patient distressed' });
    const early = await h.trySend('session.discharged', { releasedTo: 'responsible-adult', alertAndOriented: true, noDrivingAdviceGiven: true }, 'nurse');
    expect(!early.ok && early.error.details.reason).toContain('The minimum observation of 1 h has not elapsed');
    expect((await observeAndDischarge(h)).context.sessions[0]).toMatchObject({ outcome: 'aborted', ended: { reason: 'Infusion stopped: patient distressed' } });
  });

  it('a serious adverse event holds treatment; the hold takes effect once the observed patient is discharged', async () => {
    const h = await dosed();
    await h.advanceTo('2026-03-09T09:15:00Z');
    await h.send('monitoring.adverseEventRecorded', { term: 'nausea', severity: 'mild', serious: false }, 'nurse');
    expect(await h.state()).toContain('session.dosed.monitoring');
    const held = await h.send('monitoring.adverseEventRecorded', { term: 'respiratory-depression', severity: 'severe', serious: true }, 'nurse');
    expect(held.stateLabel).toContain('session.dosed.monitoring');
    expect(held.context.hold?.signals.map((x) => x.signal)).toEqual(['serious-adverse-event']);
    expect(held.context.session?.stopped).toMatchObject({ kind: 'serious-adverse-event' });
    expect(held.timers.map((t) => t.key)).toContain('machine:session-observation');
    // Not reviewable before the session ends; the patient is discharged first.
    const early = await h.trySend('hold.reviewed', { decision: 'resume', reason: 'Recovered', nextSessionAt: '2026-03-16T09:00:00Z' }, 'physician');
    expect(!early.ok && early.error.code).toBe('CJ_ERR_NOT_ALLOWED');
    const onHold = await observeAndDischarge(h);
    expect(onHold.phase).toBe('on-hold');
    expect(onHold.timers).toEqual([]);
    expect(onHold.context.sessions[0]).toMatchObject({ outcome: 'aborted', ended: { reason: 'treatment on hold: serious-adverse-event' } });
    expect(onHold.context.sessions[0]?.adverseEvents.map((a) => a.term)).toEqual(['nausea', 'respiratory-depression']);

    // On hold: no session, no dose; only a physician's review resumes, with the next session.
    for (const [type, payload] of [
      ['session.checkedIn', {}],
      ['dose.recorded', IV_DOSE],
    ] as const) {
      const r = await h.trySend(type, payload as never, 'nurse');
      expect(!r.ok && r.error.code).toBe('CJ_ERR_NOT_ALLOWED');
    }
    const nurse = await h.trySend('hold.reviewed', { decision: 'resume', reason: 'Recovered' }, 'nurse');
    expect(!nurse.ok && nurse.error.code).toBe('CJ_ERR_FORBIDDEN');
    const noDate = await h.trySend('hold.reviewed', { decision: 'resume', reason: 'Event resolved' }, 'physician');
    expect(!noDate.ok && noDate.error.details.reason).toBe('Resuming needs the next session (nextSessionAt): the remaining sessions are re-planned from it');
    // Sessions fell due during the hold: none of them is missed, and none fires a no-show on resume.
    await h.advanceTo('2026-03-18T12:00:00Z');
    expect((await h.context()).schedule.filter((s) => s.status === 'missed')).toEqual([]);
    const resumed = await h.send(
      'hold.reviewed',
      { decision: 'resume', reason: 'Event resolved; airway plan in place for future sessions', nextSessionAt: '2026-03-23T09:00:00Z' },
      'physician',
    );
    expect(resumed.stateLabel).toBe('care.clinical.treatment.course.induction.waiting|care.therapy.notLinked');
    const after = resumed.context;
    expect(after.hold).toBeNull();
    expect(after.holds[0]).toMatchObject({ signals: [{ signal: 'serious-adverse-event' }], review: { decision: 'resume', by: { role: 'physician' } } });
    // The five remaining sessions (Wed, Fri, Mon, Wed, Fri: days 0, 2, 5, 7, 9) keep their spacing from the
    // new start on Monday; day 5 is a Saturday, so it moves to Monday, and the next keeps 20 h from it.
    expect(after.schedule.filter((s) => s.status === 'planned').map((s) => s.dueAt)).toEqual([
      '2026-03-23T09:00:00.000Z',
      '2026-03-25T09:00:00.000Z',
      '2026-03-30T09:00:00.000Z',
      '2026-03-31T09:00:00.000Z',
      '2026-04-01T09:00:00.000Z',
    ]);
    expect(resumed.timers).toEqual([{ key: 'machine:session-no-show', owner: 'machine', dueAt: '2026-03-23T09:30:00.000Z' }]);
    expect(await h.advance(60)).toEqual([]);
  });

  it('a hold during maintenance resumes into maintenance; a review may also discontinue', async () => {
    const h = await Harness.start();
    await completeScreening(h);
    await planAndStart(h, 'sc', '2026-03-09T10:00:00Z');
    await runSession(h, { route: 'sc' });
    await runSession(h, { route: 'sc' });
    await runSession(h, { route: 'sc', assessment: { instrument: 'GAD-7', total: 5 } });
    await h.send('response.decided', { decision: 'maintenance', reason: 'Responder', everyDays: 7 }, 'physician');
    expect((await h.view()).phase).toBe('maintenance');
    const held = await h.send('safety.signalReported', { signal: 'psychotic-symptoms', note: 'Reported by therapist' }, 'therapist');
    expect(held.phase).toBe('on-hold');
    expect(held.timers.map((t) => t.key)).toEqual([]);
    const back = await h.send('hold.reviewed', { decision: 'resume', reason: 'Transient; psychiatric review found no psychosis', nextSessionAt: '2026-04-06T10:00:00Z' }, 'physician');
    expect(back.stateLabel).toBe('care.clinical.treatment.course.maintenance.waiting|care.therapy.notLinked');
    expect(back.timers.map((t) => t.key).sort()).toEqual(['machine:maintenance-reassessment', 'machine:session-no-show']);
    expect(back.context.schedule.filter((s) => s.status === 'planned').map((s) => s.dueAt)).toEqual(['2026-04-06T10:00:00.000Z']);
    await h.send('assessment.recorded', { instrument: 'C-SSRS', risk: 'high' }, 'physician');
    expect((await h.view()).phase).toBe('on-hold');
    const stopped = await h.send('hold.reviewed', { decision: 'discontinue', reason: 'Suicidality: discontinue and refer to crisis team' }, 'physician');
    expect(stopped.stateLabel).toBe('discontinued');
    expect(stopped.context['outcome']).toMatchObject({ kind: 'discontinued' });
    expect(stopped.context.schedule.filter((s) => s.status === 'planned')).toEqual([]);
  });

  it('a PHQ-9 item 9 above zero during treatment puts it on hold', async () => {
    const h = await Harness.start();
    await completeScreening(h);
    await planAndStart(h, 'iv', '2026-03-09T09:00:00Z');
    const view = await h.send('assessment.recorded', { instrument: 'PHQ-9', total: 13, item9: 1 }, 'patient');
    expect(view.phase).toBe('on-hold');
    expect(h.effectsOf('safety.alert').at(-1)?.payload).toMatchObject({ kind: 'hold', signal: 'suicidality' });
  });
});

describe('withdrawal and discontinuation', () => {
  it('withdrawal during a dosed session closes the journey once the patient is discharged', async () => {
    const h = await dosed();
    const pending = await h.send('journey.withdrawn', { reason: 'Moving abroad' }, 'patient');
    expect(pending.stateLabel).toContain('session.dosed.monitoring');
    expect(pending.status).toBe('active');
    const view = await observeAndDischarge(h);
    expect(view.stateLabel).toBe('closed');
    expect(view.context['outcome']).toMatchObject({ kind: 'closed', reason: 'withdrew: Moving abroad' });
    expect(view.context.sessions.map((s) => s.outcome)).toEqual(['aborted']);
    expect(view.context.schedule.filter((s) => s.status === 'planned')).toEqual([]);
    const after = await h.trySend('assessment.recorded', { instrument: 'GAD-7', total: 10 }, 'patient');
    expect(!after.ok && after.error.message).toContain('has ended (closed); it accepts no more events');
  });

  it('withdrawal from referral, intake and on hold', async () => {
    const fromReferral = await Harness.start();
    expect((await fromReferral.send('journey.withdrawn', {}, 'coordinator')).stateLabel).toBe('closed');
    const fromIntake = await Harness.start();
    await completeScreening(fromIntake);
    expect((await fromIntake.send('journey.withdrawn', {}, 'patient')).stateLabel).toBe('closed');
    const fromHold = await Harness.start();
    await completeScreening(fromHold);
    await planAndStart(fromHold, 'iv', '2026-03-09T09:00:00Z');
    await fromHold.send('safety.signalReported', { signal: 'serious-adverse-event' }, 'physician');
    expect((await fromHold.send('journey.withdrawn', { reason: 'Declines further treatment' }, 'physician')).stateLabel).toBe('closed');
  });

  it('a physician may discontinue treatment at any point of it; during a session, once the patient is handed over', async () => {
    const h = await dosed();
    const pending = await h.send('treatment.discontinued', { reason: 'Persistent dissociation, patient preference' }, 'physician');
    expect(pending.stateLabel).toContain('session.dosed');
    const view = await h.send('session.escalated', { destination: 'emergency-department', reference: 'ED-20931', reason: 'Dissociation not resolving' }, 'physician');
    expect(view.stateLabel).toBe('discontinued');
    expect(view.context.sessions[0]?.outcome).toBe('transferred');
    const waiting = await Harness.start();
    await completeScreening(waiting);
    await planAndStart(waiting, 'iv', '2026-03-09T09:00:00Z');
    expect((await waiting.send('treatment.discontinued', { reason: 'Patient preference' }, 'physician')).stateLabel).toBe('discontinued');
  });
});

describe('concurrent therapy', () => {
  it('runs alongside from intake on; a lapse after the configured gap raises an alert; attending again resumes it', async () => {
    const h = await Harness.start({ protocol: { therapy: { lapseAfterDays: 14 } } });
    await h.send('referral.accepted', {}, 'coordinator');
    await linkTherapy(h);
    expect((await h.view()).timers).toEqual([{ key: 'machine:therapy-lapse', owner: 'machine', dueAt: '2026-03-16T08:00:00.000Z' }]);
    await h.advance(60 * 24 * 7);
    await h.send('therapy.sessionAttended', { attendedAt: '2026-03-08T17:00:00Z' }, 'therapist');
    expect((await h.view()).timers[0]?.dueAt).toBe('2026-03-22T17:00:00.000Z');
    const future = await h.trySend('therapy.sessionAttended', { attendedAt: '2026-03-20T17:00:00Z' }, 'therapist');
    expect(!future.ok && future.error.message).toContain('A therapy session cannot be attended in the future');
    await h.advanceTo('2026-03-22T17:00:00Z');
    expect(await h.state()).toBe('care.clinical.intake.screening|care.therapy.lapsed');
    expect(h.effectsOf('care.alert').map((e) => e.payload)).toEqual([
      expect.objectContaining({ kind: 'therapy-lapse', lastAttendedAt: '2026-03-08T17:00:00.000Z', gapDays: 14 }),
    ]);
    await h.advanceTo('2026-03-25T09:00:00Z');
    await h.send('therapy.sessionAttended', { attendedAt: '2026-03-24T17:00:00Z' }, 'patient');
    expect(await h.state()).toBe('care.clinical.intake.screening|care.therapy.active');
    const ctx = await h.context();
    expect(ctx.therapy).toMatchObject({ sessionsAttended: 2, lapses: 1, therapistRef: 'therapist-42' });
    const ended = await h.send('therapy.ended', { reason: 'Therapy goals met' }, 'therapist');
    expect(ended.stateLabel).toBe('care.clinical.intake.screening|care.therapy.ended');
    expect(ended.timers).toEqual([]);
  });
});
