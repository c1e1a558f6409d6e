// Directed tests, one per class of issue 7's "What was seen", each with its positive twin (the
// safe variant is accepted), so that a refusal cannot pass by refusing everything. Every step
// also runs through the invariant checks of the random walks.
import { describe, expect, it } from 'vitest';
import { createEngine, ERROR_CODES, ketamineAnxietyJourney, ManualClock, MemoryStore, protocolRefOf, remsMonitoringForm, type KetamineProtocolInput } from '../../src/index.js';
import { checkIn, discharge, dosed, doseAt, fullSession, giveDose, newClinic, observe, ok, passChecks, refusalReason, refused, toInduction, violationsOf } from './clinic.js';
import { buildEngine } from './engineFactory.js';
import { DOSED, ENDED, IN_MAINTENANCE, MISSED_REVIEW, ON_HOLD, WAITING } from './journal.js';
import { ACTORS, DAY, iso, localDate, MIN, ms, NO_SHOW_GRACE_MINUTES, nextOpenSlot, safetyProtocol, WALK_START } from './model.js';
import { dosePayload, nextPlanned } from './scenario.js';
import type { World } from './world.js';

const observationTimer = (w: World) => w.timers.find((t) => t.event?.['type'] === 'session.observationElapsed');
const noShowTimer = (w: World) => w.timers.find((t) => t.event?.['type'] === 'session.noShow');
const planned = (w: World) => w.view.context.schedule.filter((s) => s.status === 'planned').sort((a, b) => ms(a.dueAt) - ms(b.dueAt));
const stopped = (w: World) => (w.view.context.session as { stopped?: unknown } | null)?.stopped;
const pendingEnding = (w: World) => (w.view.context as { pendingEnding?: unknown }).pendingEnding;

async function ivDosed(): Promise<World> {
  const w = await newClinic({ route: 'iv' });
  await toInduction(w, { route: 'iv' });
  await dosed(w);
  return w;
}

describe('issue 7, what was seen: each is refused now, and its safe twin accepted', () => {
  it('a dosed session ends without observation or discharge (S1)', async () => {
    const disruptors: [string, 'stopped' | 'hold' | 'ending', (w: World) => ReturnType<World['send']>][] = [
      ['a stop-rule reading', 'stopped', (w) => w.send('monitoring.vitalsRecorded', { systolic: 210, diastolic: 125, heartRate: 96, spo2: 97 }, 'nurse')],
      ['session.aborted', 'stopped', (w) => w.send('session.aborted', { reason: 'Patient asked to stop the infusion' }, 'nurse')],
      ['a serious adverse event', 'hold', (w) => w.send('monitoring.adverseEventRecorded', { term: 'respiratory-depression', severity: 'severe', serious: true }, 'nurse')],
      ['a hold signal', 'hold', (w) => w.send('safety.signalReported', { signal: 'suicidality' }, 'therapist')],
      ['treatment.discontinued', 'ending', (w) => w.send('treatment.discontinued', { reason: 'Patient moves away' }, 'physician')],
      ['journey.withdrawn', 'ending', (w) => w.send('journey.withdrawn', { reason: 'Changed mind' }, 'patient')],
    ];
    for (const [name, kind, disrupt] of disruptors) {
      const w = await ivDosed();
      const dose = doseAt(w);
      await w.advance(15 * MIN);
      ok(await disrupt(w), name);
      expect(w.view.stateLabel, `${name}: still dosed`).toMatch(DOSED);
      expect(observationTimer(w)?.dueAt, `${name}: the observation timer stays armed`).toBe(dose + 60 * MIN);
      if (kind === 'stopped') expect(stopped(w), `${name}: the session is recorded as stopped`).toBeTruthy();
      if (kind === 'hold') expect(w.view.context.hold, `${name}: the hold is recorded`).not.toBeNull();
      if (kind === 'ending') expect(pendingEnding(w), `${name}: the ending is pending`).toBeTruthy();
      refused(await giveDose(w));
      await observe(w);
      ok(await discharge(w), `${name}: the discharge after observation`);
      if (kind === 'stopped') expect(w.view.stateLabel, name).toMatch(WAITING);
      if (kind === 'hold') expect(w.view.stateLabel, name).toMatch(ON_HOLD);
      if (kind === 'ending') expect(w.view.stateLabel, name).toMatch(ENDED);
      if (kind === 'stopped') expect(w.view.context.sessions.at(-1)?.outcome, `${name}: stopped early, observed to discharge`).toBe('aborted');
      expect(violationsOf(w, 'S1', 'S4', 'S5'), name).toEqual([]);
    }

    // Twin: a plain session is discharged after its observation and completes.
    const plain = await ivDosed();
    refused(await discharge(plain), ['CJ_ERR_GUARD']);
    await observe(plain);
    ok(await discharge(plain));
    expect(plain.view.stateLabel).toMatch(WAITING);
    expect(plain.view.context.sessions.at(-1)?.outcome).toBe('completed');

    // Twin: a recorded transfer ends a dosed session; it is refused before a dose.
    const transfer = await newClinic({ route: 'iv' });
    await toInduction(transfer, { route: 'iv' });
    await checkIn(transfer);
    const escalation = { destination: 'emergency-department', reference: 'ED-2027-0042', reason: 'Hypertension not settling' };
    refused(await transfer.send('session.escalated', escalation, 'physician'));
    await passChecks(transfer);
    await transfer.advance(10 * MIN);
    ok(await giveDose(transfer));
    ok(await transfer.send('session.escalated', escalation, 'physician'), 'session.escalated');
    expect(transfer.view.stateLabel).not.toMatch(DOSED);
    expect(transfer.view.context.sessions.at(-1)?.outcome).toBe('transferred');
    expect(violationsOf(transfer, 'S1')).toEqual([]);
  });

  it('evidence that blocks a dose is erased by re-recording the check (S3)', async () => {
    const clear = { reason: 'Reviewed with the patient: no interaction' };
    // A new finding re-sent as [] by a nurse stays blocking until a physician clears it.
    const nurse = await newClinic({ route: 'iv' });
    await toInduction(nurse, { route: 'iv' });
    await checkIn(nurse);
    await passChecks(nurse, { findings: ['new-medication'] });
    ok(await nurse.send('predose.contraindicationsChecked', { newFindings: [] }, 'nurse'), 're-recorded check');
    await nurse.advance(10 * MIN);
    refused(await giveDose(nurse), ['CJ_ERR_GUARD']);
    refused(await nurse.send('predose.findingCleared', clear, 'nurse'), ['CJ_ERR_FORBIDDEN']);
    ok(await nurse.send('predose.findingCleared', clear, 'physician'));
    ok(await giveDose(nurse), 'the dose after the physician cleared the finding');

    // The patient re-sending [] at home does not clear it either.
    const home = await newClinic({ route: 'sublingual-home' });
    await toInduction(home, { route: 'sublingual-home' });
    await checkIn(home);
    await passChecks(home, { findings: ['new-medication'] });
    ok(await home.send('predose.contraindicationsChecked', { newFindings: [] }, 'patient'));
    await home.advance(10 * MIN);
    refused(await giveDose(home), ['CJ_ERR_GUARD']);

    // A trusted adult re-confirmed as "not present the whole session" is kept, and blocks.
    const adult = await newClinic({ route: 'sublingual-home' });
    await toInduction(adult, { route: 'sublingual-home' });
    await checkIn(adult);
    await passChecks(adult);
    ok(
      await adult.send('predose.trustedAdultConfirmed', { aged18OrOver: true, presentWholeSession: false, withinVoiceRange: true, canCallCareTeamOrEmergency: true }, 'patient'),
      'a negative trusted-adult confirmation is recorded',
    );
    await adult.advance(10 * MIN);
    refused(await giveDose(adult), ['CJ_ERR_GUARD']);
    ok(await adult.send('predose.trustedAdultConfirmed', { aged18OrOver: true, presentWholeSession: true, withinVoiceRange: true, canCallCareTeamOrEmergency: true }, 'patient'));
    refused(await giveDose(adult), ['CJ_ERR_GUARD']);
    ok(await adult.send('predose.findingCleared', clear, 'physician'));
    ok(await giveDose(adult), 'the dose after the physician cleared the negative confirmation');

    // A ride home without a responsible adult blocks until a physician clears it.
    const ride = await newClinic({ route: 'iv' });
    await toInduction(ride, { route: 'iv' });
    await checkIn(ride);
    await passChecks(ride);
    ok(await ride.send('predose.transportConfirmed', { responsibleAdultConfirmed: false, mode: 'public-transport-with-adult' }, 'nurse'));
    ok(await ride.send('predose.transportConfirmed', { responsibleAdultConfirmed: true, mode: 'car-driven-by-adult' }, 'nurse'));
    await ride.advance(10 * MIN);
    refused(await giveDose(ride), ['CJ_ERR_GUARD']);
    ok(await ride.send('predose.findingCleared', clear, 'physician'));
    ok(await giveDose(ride));

    // Fasting re-sent without the decongestant time: the earlier time still counts.
    const nasal = await newClinic({ route: 'esketamine-nasal' });
    await toInduction(nasal, { route: 'esketamine-nasal' });
    await checkIn(nasal);
    await passChecks(nasal, { nasalMinutesAgo: 10 });
    const sprayAt = nasal.now - 10 * MIN;
    ok(await nasal.send('predose.fastingConfirmed', { lastFoodAt: iso(nasal.now - 4 * 60 * MIN), lastLiquidAt: iso(nasal.now - 60 * MIN) }, 'nurse'));
    await nasal.advance(20 * MIN);
    refused(await giveDose(nasal), ['CJ_ERR_GUARD']);
    await nasal.advanceTo(sprayAt + 61 * MIN);
    ok(await nasal.send('predose.vitalsRecorded', { systolic: 124, diastolic: 80, heartRate: 70, spo2: 98 }, 'nurse'), 'a fresh pre-dose reading');
    ok(await giveDose(nasal), 'the dose an hour after the spray');

    // A blood pressure above the limit, re-measured in range, still needs the physician's override.
    const bp = await newClinic({ route: 'iv' });
    await toInduction(bp, { route: 'iv' });
    await checkIn(bp);
    await passChecks(bp, { bp: { systolic: 158, diastolic: 98 } });
    ok(await bp.send('predose.vitalsRecorded', { systolic: 128, diastolic: 82, heartRate: 70, spo2: 98 }, 'nurse'));
    await bp.advance(10 * MIN);
    refused(await giveDose(bp), ['CJ_ERR_GUARD']);
    ok(await bp.send('predose.bpOverridden', { reason: 'Weighed risk and benefit: white-coat hypertension' }, 'physician'));
    ok(await giveDose(bp));

    for (const w of [nurse, home, adult, ride, nasal, bp]) expect(violationsOf(w, 'S2', 'S3')).toEqual([]);
  });

  it('readings are trusted blindly (S4, S5)', async () => {
    // A reading from the future is refused (and changes nothing); within the skew it is accepted.
    const future = await ivDosed();
    await future.advance(20 * MIN);
    const version = future.view.version;
    refused(await future.send('monitoring.vitalsRecorded', { systolic: 120, diastolic: 78, heartRate: 70, spo2: 98, takenAt: iso(future.now + 30 * MIN) }, 'nurse'));
    expect(future.view.version).toBe(version);
    ok(await future.send('monitoring.vitalsRecorded', { systolic: 120, diastolic: 78, heartRate: 70, spo2: 98, takenAt: iso(future.now + 1 * MIN) }, 'nurse'), 'within the skew');
    refused(await future.send('monitoring.vitalsRecorded', { systolic: 120, diastolic: 78, heartRate: 70, spo2: 98, takenAt: iso(doseAt(future) - 5 * MIN) }, 'nurse'));

    // A future "normal" reading cannot become the latest and let a discharge through at 158/98.
    const masked = await ivDosed();
    await observe(masked);
    ok(await masked.send('monitoring.vitalsRecorded', { systolic: 158, diastolic: 98, heartRate: 88, spo2: 97 }, 'nurse'));
    refused(await masked.send('monitoring.vitalsRecorded', { systolic: 118, diastolic: 76, heartRate: 70, spo2: 98, takenAt: iso(masked.now + 30 * MIN) }, 'nurse'));
    ok(await masked.send('monitoring.sedationRecorded', { moaas: 5 }, 'nurse'));
    refused(await masked.send('session.discharged', { releasedTo: 'responsible-adult', alertAndOriented: true, noDrivingAdviceGiven: true }, 'nurse'), ['CJ_ERR_GUARD']);

    // A back-dated 210/125 stops the session; a back-dated 150/95 does not.
    const backdated = await ivDosed();
    await backdated.advance(20 * MIN);
    ok(await backdated.send('monitoring.vitalsRecorded', { systolic: 124, diastolic: 80, heartRate: 72, spo2: 98 }, 'nurse'));
    ok(await backdated.send('monitoring.vitalsRecorded', { systolic: 210, diastolic: 125, heartRate: 96, spo2: 97, takenAt: iso(doseAt(backdated) + 10 * MIN) }, 'nurse'));
    expect(backdated.view.stateLabel).toMatch(DOSED);
    expect(stopped(backdated)).toBeTruthy();
    const mild = await ivDosed();
    await mild.advance(20 * MIN);
    ok(await mild.send('monitoring.vitalsRecorded', { systolic: 124, diastolic: 80, heartRate: 72, spo2: 98 }, 'nurse'));
    ok(await mild.send('monitoring.vitalsRecorded', { systolic: 150, diastolic: 95, heartRate: 80, spo2: 97, takenAt: iso(doseAt(mild) + 10 * MIN) }, 'nurse'));
    expect(stopped(mild)).toBeFalsy();

    // Discharge looks at the readings of the last stable window, not at one reading.
    const settling = await ivDosed();
    const d = doseAt(settling);
    for (const [minute, systolic, diastolic] of [[5, 130, 84], [15, 132, 84], [25, 130, 82], [35, 128, 82], [40, 150, 96], [50, 128, 80], [55, 126, 80]] as const) {
      await settling.advanceTo(d + minute * MIN);
      ok(await settling.send('monitoring.vitalsRecorded', { systolic, diastolic, heartRate: 76, spo2: 97 }, 'nurse'));
    }
    ok(await settling.send('monitoring.sedationRecorded', { moaas: 5 }, 'nurse'));
    await settling.advanceTo(d + 62 * MIN);
    ok(await settling.send('monitoring.vitalsRecorded', { systolic: 124, diastolic: 78, heartRate: 72, spo2: 98 }, 'nurse'));
    const release = { releasedTo: 'responsible-adult', alertAndOriented: true, noDrivingAdviceGiven: true };
    refused(await settling.send('session.discharged', release, 'nurse'), ['CJ_ERR_GUARD']);
    // Twin: once the 150/96 reading has left the window, the settled readings allow the discharge.
    for (const minute of [68, 72]) {
      await settling.advanceTo(d + minute * MIN);
      ok(await settling.send('monitoring.vitalsRecorded', { systolic: 122, diastolic: 78, heartRate: 72, spo2: 98 }, 'nurse'));
    }
    ok(await settling.send('session.discharged', release, 'nurse'), 'discharge once settled');

    // A rising pressure is not settled.
    const rising = await ivDosed();
    await observe(rising);
    ok(await rising.send('monitoring.vitalsRecorded', { systolic: 112, diastolic: 72, heartRate: 70, spo2: 98 }, 'nurse'));
    await rising.advance(2 * MIN);
    ok(await rising.send('monitoring.vitalsRecorded', { systolic: 134, diastolic: 88, heartRate: 80, spo2: 98 }, 'nurse'));
    ok(await rising.send('monitoring.sedationRecorded', { moaas: 5 }, 'nurse'));
    refused(await rising.send('session.discharged', release, 'nurse'), ['CJ_ERR_GUARD']);
    await rising.advance(5 * MIN);
    // Falling from 134/88 to 128/84 is still more than the tolerance above the window's lowest (112/72).
    ok(await rising.send('monitoring.vitalsRecorded', { systolic: 128, diastolic: 84, heartRate: 74, spo2: 98 }, 'nurse'));
    refused(await rising.send('session.discharged', release, 'nurse'), ['CJ_ERR_GUARD']);
    await rising.advance(5 * MIN);
    ok(await rising.send('monitoring.vitalsRecorded', { systolic: 120, diastolic: 78, heartRate: 72, spo2: 98 }, 'nurse'));
    ok(await rising.send('session.discharged', release, 'nurse'), 'discharge once the pressure is back near the lowest');

    for (const w of [future, masked, backdated, mild, settling, rising]) expect(violationsOf(w, 'S1', 'S4', 'S5')).toEqual([]);
  });

  it('a steady rise in small steps counts as rising: the trend is judged over the stable window (S5)', async () => {
    // 115 to 135 systolic over 25 min in +4 steps: each step is within the rise tolerance (10), the rise is not.
    const release = { releasedTo: 'responsible-adult', alertAndOriented: true, noDrivingAdviceGiven: true };
    const steps = async (w: World, from: number, systolics: readonly number[]) => {
      for (const [i, systolic] of systolics.entries()) {
        await w.advanceTo(from + i * 5 * MIN);
        ok(await w.send('monitoring.vitalsRecorded', { systolic, diastolic: 78, heartRate: 74, spo2: 97 }, 'nurse'));
      }
    };
    const steady = await ivDosed();
    await observe(steady, { bp: { systolic: 118, diastolic: 76 } });
    const end = steady.now;
    await steps(steady, end + 5 * MIN, [115, 119, 123, 127, 131, 135]);
    ok(await steady.send('monitoring.sedationRecorded', { moaas: 5 }, 'nurse'));
    const reason = refusalReason(await steady.send('session.discharged', release, 'nurse'));
    expect(reason).toMatch(/BP is rising over the last 30 min \(lowest 115\/78, now 135\/78/);
    // Twin: the same small steps, falling, are settled.
    const falling = await ivDosed();
    await observe(falling, { bp: { systolic: 136, diastolic: 80 } });
    await steps(falling, falling.now + 5 * MIN, [135, 131, 127, 123, 119, 115]);
    ok(await falling.send('monitoring.sedationRecorded', { moaas: 5 }, 'nurse'));
    ok(await falling.send('session.discharged', release, 'nurse'), 'a pressure falling in small steps is settled');
    for (const w of [steady, falling]) expect(violationsOf(w, 'S5')).toEqual([]);
  });

  it('at-home sessions skip the vitals, SpO2 and sedation checks (S5)', async () => {
    const w = await newClinic({ route: 'sublingual-home' });
    await toInduction(w, { route: 'sublingual-home' });
    await dosed(w);
    await w.advanceTo(doseAt(w) + 121 * MIN);
    const release = { releasedTo: 'trusted-adult-at-home', alertAndOriented: true, noDrivingAdviceGiven: true };
    refused(await w.send('session.discharged', release, 'patient'), ['CJ_ERR_GUARD']);
    ok(await w.send('monitoring.vitalsRecorded', { systolic: 124, diastolic: 80, heartRate: 72 }, 'patient'), 'a home reading without SpO2');
    ok(await w.send('monitoring.sedationRecorded', { moaas: 5 }, 'patient'), 'the patient records MOAA/S at home');
    refused(await w.send('session.discharged', release, 'patient'), ['CJ_ERR_GUARD']);
    // Twin: with SpO2 recorded, the home session ends with the trusted adult.
    ok(await w.send('monitoring.vitalsRecorded', { systolic: 122, diastolic: 78, heartRate: 70, spo2: 97 }, 'patient'));
    ok(await w.send('session.discharged', release, 'patient'), 'the home session ends');
    expect(violationsOf(w, 'S5', 'S9')).toEqual([]);

    // Patients record only their own at-home sessions.
    const clinic = await ivDosed();
    refused(await clinic.send('monitoring.sedationRecorded', { moaas: 5 }, 'patient'), ['CJ_ERR_FORBIDDEN', 'CJ_ERR_GUARD']);
    refused(await clinic.send('monitoring.vitalsRecorded', { systolic: 120, diastolic: 80, heartRate: 70, spo2: 98 }, 'patient'), ['CJ_ERR_FORBIDDEN', 'CJ_ERR_GUARD']);
    ok(await clinic.send('monitoring.sedationRecorded', { moaas: 5 }, 'nurse'));
  });

  it('timers: cadence changes, resume and cancelled esketamine sessions (S6)', async () => {
    // A cadence change re-arms the no-show timer; a missed session reaches the physician's review.
    const w = await newClinic({ route: 'esketamine-nasal' });
    await toInduction(w, { route: 'esketamine-nasal', schedule: [{ weeks: 1, days: [0] }] });
    await fullSession(w);
    ok(await w.send('assessment.recorded', { instrument: 'GAD-7', total: 5 }, 'patient'));
    ok(await w.send('response.decided', { decision: 'maintenance', reason: 'Responder: maintenance agreed', everyDays: 14 }, 'physician'), 'maintenance');
    const first = nextPlanned(w.view.context);
    expect(first).toBeDefined();
    expect(noShowTimer(w)?.dueAt).toBe(ms(first!.dueAt) + NO_SHOW_GRACE_MINUTES * MIN);
    ok(await w.send('maintenance.cadenceChanged', { everyDays: 7, reason: 'Symptoms returning between sessions' }, 'physician'));
    const moved = nextPlanned(w.view.context);
    expect(ms(moved!.dueAt)).toBeLessThan(ms(first!.dueAt));
    expect(noShowTimer(w)?.dueAt, 'the no-show follows the new time').toBe(ms(moved!.dueAt) + NO_SHOW_GRACE_MINUTES * MIN);
    await w.advanceTo(ms(moved!.dueAt) + (NO_SHOW_GRACE_MINUTES + 1) * MIN);
    expect(w.view.stateLabel, 'a missed esketamine session goes to the physician').toMatch(MISSED_REVIEW);
    expect(w.view.version).toBe(w.journal.length);
    ok(await w.send('session.missedReviewed', { worsening: false, decision: 'keep-schedule' }, 'physician'));
    expect(violationsOf(w, 'S6')).toEqual([]);

    // A hold suspends the schedule; resume re-plans it from nextSessionAt.
    const hold = await newClinic({ route: 'iv' });
    await toInduction(hold, { route: 'iv', schedule: [{ weeks: 1, days: [0, 2, 4] }] });
    const before = planned(hold).map((s) => ms(s.dueAt));
    ok(await hold.send('safety.signalReported', { signal: 'suicidality' }, 'therapist'));
    expect(hold.view.stateLabel).toMatch(ON_HOLD);
    await hold.advanceTo(before.at(-1)! + 3 * DAY);
    expect(hold.view.context.schedule.filter((s) => s.status === 'missed')).toEqual([]);
    expect(hold.journal.filter((e) => e.type === 'session.noShow' && e.to !== e.from)).toEqual([]);
    refused(await hold.send('hold.reviewed', { decision: 'resume', reason: 'Reviewed: safe to continue' }, 'physician'), ['CJ_ERR_INVALID_EVENT', 'CJ_ERR_GUARD']);
    const nextAt = nextOpenSlot(hold.now, 2, hold.calendar);
    ok(await hold.send('hold.reviewed', { decision: 'resume', reason: 'Reviewed: safe to continue', nextSessionAt: iso(nextAt) }, 'physician'), 'resume');
    const replanned = planned(hold).map((s) => ms(s.dueAt));
    expect(replanned).toHaveLength(3);
    expect(replanned[0]).toBe(nextAt);
    expect(replanned.every((t) => t >= nextAt)).toBe(true);
    expect(noShowTimer(hold)?.dueAt).toBe(nextAt + NO_SHOW_GRACE_MINUTES * MIN);
    expect(hold.view.context.schedule.filter((s) => s.status === 'missed')).toEqual([]);
    await checkIn(hold);
    expect(violationsOf(hold, 'S6', 'S12')).toEqual([]);

    // A cancelled esketamine session goes to the missed-session review, like a no-show.
    const cancelled = await newClinic({ route: 'esketamine-nasal' });
    await toInduction(cancelled, { route: 'esketamine-nasal' });
    await checkIn(cancelled);
    ok(await cancelled.send('session.cancelled', { reason: 'Patient unwell on arrival' }, 'nurse'));
    expect(cancelled.view.stateLabel).toMatch(MISSED_REVIEW);
    ok(await cancelled.send('session.missedReviewed', { worsening: false, decision: 'keep-schedule' }, 'physician'));
    expect(cancelled.view.stateLabel).toMatch(WAITING);
    const ahead = await newClinic({ route: 'esketamine-nasal' });
    await toInduction(ahead, { route: 'esketamine-nasal' });
    ok(await ahead.send('session.cancelled', { reason: 'Patient travelling' }, 'coordinator'));
    expect(ahead.view.stateLabel).toMatch(MISSED_REVIEW);
    // Twin: an IV session cancelled goes on to the next session.
    const iv = await newClinic({ route: 'iv' });
    await toInduction(iv, { route: 'iv' });
    await checkIn(iv);
    ok(await iv.send('session.cancelled', { reason: 'Patient unwell on arrival' }, 'nurse'));
    expect(iv.view.stateLabel).toMatch(WAITING);
  });

  it('decisions the library takes for the clinician (S7)', async () => {
    const w = await newClinic({ route: 'iv' });
    await toInduction(w, { route: 'iv', schedule: [{ weeks: 1, days: [0] }] });
    await fullSession(w);
    const lastSession = ms(w.view.context.sessions.at(-1)!.dueAt);
    ok(await w.send('assessment.recorded', { instrument: 'GAD-7', total: 4 }, 'patient'));
    expect(w.view.stateLabel, 'a responder waits for the physician').toMatch(/responseReview\.clinicianDecision/);
    expect(w.view.context.response?.responded).toBe(true);
    expect(w.view.context.schedule.filter((s) => s.phase === 'maintenance')).toEqual([]);
    refused(await w.send('response.decided', { decision: 'maintenance', reason: 'Responder' }, 'physician'), ['CJ_ERR_INVALID_EVENT', 'CJ_ERR_GUARD']);
    refused(await w.send('response.decided', { decision: 'maintenance', reason: 'Responder', everyDays: 10 }, 'nurse'), ['CJ_ERR_FORBIDDEN']);
    // Twin: the physician's decision with a cadence.
    ok(await w.send('response.decided', { decision: 'maintenance', reason: 'Responder: boosters every 10 days', everyDays: 10 }, 'physician'), 'the decision');
    expect(w.view.stateLabel).toMatch(IN_MAINTENANCE);
    const next = nextPlanned(w.view.context);
    expect(next?.phase).toBe('maintenance');
    // Ten local days after the last session (or the decision), moved to an open day when closed.
    const days = (ms(next!.dueAt) - lastSession) / DAY;
    expect(days, 'the next maintenance session follows the decided cadence').toBeGreaterThanOrEqual(9.5);
    expect(days).toBeLessThanOrEqual(14);
    expect(violationsOf(w, 'S7')).toEqual([]);

    // Eligibility: only a physician finds a patient eligible or ineligible.
    const e = await newClinic({ route: 'iv' });
    ok(await e.send('referral.accepted', {}, 'coordinator'));
    refused(await e.send('eligibility.decided', { outcome: 'ineligible', reasons: ['Absolute contraindication'] }, 'nurse'), ['CJ_ERR_GUARD', 'CJ_ERR_FORBIDDEN']);
    ok(await e.send('eligibility.decided', { outcome: 'ineligible', reasons: ['Absolute contraindication'] }, 'physician'));
  });

  it('label and REMS minimums can be configured away for esketamine (S8)', () => {
    const withChange = (path: string, value: unknown): Record<string, unknown> => {
      const p = safetyProtocol() as Record<string, unknown>;
      const parts = path.split('.');
      let node = p;
      for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
      node[parts.at(-1)!] = value;
      return p;
    };
    const create = (protocol: Record<string, unknown>) =>
      createEngine({ definition: ketamineAnxietyJourney, store: new MemoryStore(), clock: new ManualClock(WALK_START), protocol: protocol as KetamineProtocolInput });
    const refusedFor = (protocol: Record<string, unknown>, field: string) => {
      let error: unknown;
      try {
        create(protocol);
      } catch (e) {
        error = e;
      }
      expect((error as { code?: string } | undefined)?.code, `a protocol with ${field} changed is refused`).toBe('CJ_ERR_INVALID_CONFIG');
      const issues = (error as { details?: { issues?: { path: string; rule: string }[] } }).details?.issues ?? [];
      expect(
        issues.some((i) => i.path.includes(field) && i.rule !== 'unrecognized_keys') || String((error as Error).message).includes(field),
        `the refusal names ${field}: ${String((error as Error | undefined)?.message)}`,
      ).toBe(true);
    };
    const esk = 'routes.esketamine-nasal';
    refusedFor(withChange(`${esk}.observationMinutes`, 60), 'observationMinutes');
    refusedFor(withChange(`${esk}.requiresRems`, false), 'requiresRems');
    refusedFor(withChange('rems.formDueDays', 30), 'formDueDays');
    refusedFor(withChange(`${esk}.monitoring.bpCheckAtMinutes`, null), 'bpCheckAtMinutes');
    refusedFor(withChange(`${esk}.monitoring.bpCheckAtMinutes`, 60), 'bpCheckAtMinutes');
    refusedFor(withChange(`${esk}.monitoring.bpCheckAtMinutes`, 34), 'bpCheckAtMinutes');
    refusedFor(withChange(`${esk}.setting`, 'home'), 'setting');
    refusedFor(withChange(`${esk}.discharge.requiresDissociationAssessment`, false), 'requiresDissociationAssessment');
    refusedFor(withChange(`${esk}.dosing.allowedDosesMg`, [56, 84, 112]), 'allowedDosesMg');
    refusedFor(withChange(`${esk}.dosing.allowedDosesMg`, [56, 70]), 'allowedDosesMg');
    // The label checks cannot be switched off by changing the route's medication.
    const racemic = withChange(`${esk}.medication`, 'racemic-ketamine');
    const racemicRoute = (racemic['routes'] as Record<string, Record<string, unknown>>)['esketamine-nasal']!;
    Object.assign(racemicRoute, { observationMinutes: 60, requiresRems: false });
    refusedFor(racemic, 'medication');
    refusedFor(racemic, 'observationMinutes');
    refusedFor(racemic, 'requiresRems');
    refusedFor(withChange('routes.iv.medication', 'esketamine'), 'medication');
    // Blood pressure before discharge: the stable window of esketamine is at most 30 minutes.
    refusedFor(withChange(`${esk}.discharge.stableWindowMinutes`, 240), 'stableWindowMinutes');
    refusedFor(withChange(`${esk}.discharge.stableWindowMinutes`, 31), 'stableWindowMinutes');
    // The label's first dose and device size.
    refusedFor(withChange(`${esk}.dosing.firstDoseMg`, 84), 'firstDoseMg');
    refusedFor(withChange(`${esk}.dosing.firstDoseMg`, null), 'firstDoseMg');
    const smallDevices = withChange(`${esk}.mgPerDevice`, 14);
    (smallDevices['routes'] as Record<string, Record<string, Record<string, unknown>>>)['esketamine-nasal']!['dosing']!['allowedDosesMg'] = [42, 56, 70, 84];
    refusedFor(smallDevices, 'mgPerDevice');
    refusedFor(smallDevices, 'allowedDosesMg');
    refusedFor(withChange(`${esk}.dosing.allowedDosesMg`, [28, 56]), 'allowedDosesMg');
    refusedFor(withChange(`${esk}.dosing.toleranceMg`, 28), 'toleranceMg');
    const { timeZone: _zone, ...noZone } = safetyProtocol();
    refusedFor(noZone, 'timeZone');
    refusedFor({ timeZone: 'America/New_York' }, 'acceptUnconfirmedDefaults');

    // Twins: the suite's protocol, the label's minimums and stricter values are accepted.
    expect(() => buildEngine(safetyProtocol(), WALK_START)).not.toThrow();
    for (const [path, value] of [
      [`${esk}.observationMinutes`, 180],
      [`${esk}.monitoring.bpCheckAtMinutes`, 35],
      [`${esk}.monitoring.bpCheckAtMinutes`, 45],
      ['rems.formDueDays', 3],
      [`${esk}.medication`, 'esketamine'],
      [`${esk}.discharge.stableWindowMinutes`, 30],
      [`${esk}.discharge.stableWindowMinutes`, 15],
      [`${esk}.dosing.firstDoseMg`, 56],
      [`${esk}.mgPerDevice`, 28],
      // Stricter than the label: 56 mg only.
      [`${esk}.dosing.allowedDosesMg`, [56]],
      ['routes.iv.medication', 'racemic-ketamine'],
      ['routes.iv.discharge.stableWindowMinutes', 240],
    ] as const) {
      expect(() => create(withChange(path, value)), `${path} = ${String(value)}`).not.toThrow();
    }
    expect(() => create({ timeZone: 'America/New_York', acceptUnconfirmedDefaults: true })).not.toThrow();
  });

  it('the accepted unconfirmed defaults are journaled with the start', async () => {
    const w = await newClinic({ route: 'iv' });
    const start = w.journal[0]!;
    // The start entry names the protocol by the hash of its content: it cannot name another one.
    const { protocol } = (await w.engine.get(w.id)).context;
    expect(start.payload['protocolRef']).toBe(protocolRefOf(protocol));
    expect(protocol.acceptUnconfirmedDefaults).toBe(true);
    expect(protocol.timeZone).toBe('America/New_York');
  });

  it('dose plan: any multiple of 28 mg, mg/kg without a weight, the dose not checked against the plan (S2)', async () => {
    // Esketamine: allowed doses, the label's first dose, whole devices.
    const esk = await newClinic({ route: 'esketamine-nasal' });
    await toInduction(esk, { route: 'esketamine-nasal' });
    await checkIn(esk);
    await passChecks(esk);
    await esk.advance(10 * MIN);
    refused(await esk.send('dose.recorded', dosePayload('esketamine-nasal', 112), 'nurse'), ['CJ_ERR_GUARD']);
    refused(await esk.send('dose.recorded', dosePayload('esketamine-nasal', 168), 'nurse'), ['CJ_ERR_GUARD']);
    refused(await esk.send('dose.recorded', dosePayload('esketamine-nasal', 84), 'nurse'), ['CJ_ERR_GUARD']);
    refused(await esk.send('dose.recorded', { ...dosePayload('esketamine-nasal', 56), devices: 3 }, 'nurse'), ['CJ_ERR_GUARD']);
    ok(await esk.send('dose.recorded', dosePayload('esketamine-nasal', 56), 'nurse'), 'the first 56 mg dose');
    expect(violationsOf(esk, 'S2')).toEqual([]);

    // An mg/kg plan needs the recorded weight; the dose given must match it or a physician's deviation.
    const iv = await newClinic({ route: 'iv' });
    const mgPerKg = [{ fromSession: 1, amount: 0.5, unit: 'mg/kg', infusionMinutes: 40 }];
    let refusedPlan = false;
    try {
      await toInduction(iv, { route: 'iv', steps: mgPerKg, weightKg: null });
    } catch (error) {
      refusedPlan = /plan\.recorded was refused/.test(String(error));
    }
    expect(refusedPlan, 'an mg/kg plan without a weight is refused').toBe(true);
    ok(await iv.send('plan.recorded', { route: 'iv', dosePlan: { summary: 'Racemic ketamine 0.5 mg/kg IV over 40 min', steps: mgPerKg }, weightKg: 70 }, 'physician'), 'plan with weight');
    ok(await iv.send('induction.started', { firstSessionAt: iso(nextOpenSlot(iv.now, 7, iv.calendar)) }, 'coordinator'));
    await checkIn(iv);
    await passChecks(iv);
    await iv.advance(10 * MIN);
    refused(await iv.send('dose.recorded', dosePayload('iv', 50), 'nurse'), ['CJ_ERR_GUARD']);
    refused(await iv.send('predose.doseDeviationApproved', { amountMg: 50, reason: 'Prescriber increased the dose' }, 'nurse'), ['CJ_ERR_FORBIDDEN']);
    ok(await iv.send('predose.doseDeviationApproved', { amountMg: 50, reason: 'Prescriber increased the dose' }, 'physician'), 'the deviation');
    refused(await iv.send('dose.recorded', dosePayload('iv', 60), 'nurse'), ['CJ_ERR_GUARD']);
    ok(await iv.send('dose.recorded', dosePayload('iv', 50), 'nurse'), 'the approved 50 mg');
    expect(violationsOf(iv, 'S2')).toEqual([]);

    // Twin: the planned 0.5 mg/kg x 70 kg = 35 mg is accepted without a deviation.
    const planned35 = await newClinic({ route: 'iv' });
    await toInduction(planned35, { route: 'iv', steps: mgPerKg, weightKg: 70 });
    await checkIn(planned35);
    await passChecks(planned35);
    await planned35.advance(10 * MIN);
    ok(await planned35.send('dose.recorded', dosePayload('iv', 35), 'nurse'), 'the planned 35 mg');
  });

  it('vitalsEveryMinutes is declared and never used (S5)', async () => {
    // IV: a reading every 15 min, overdue past the cadence plus the check tolerance (5 min).
    const w = await ivDosed();
    const d = doseAt(w);
    const alerts: Record<string, unknown>[] = [];
    w.engine.on('care.alert', (n) => alerts.push(n.payload));
    expect(w.timers.some((t) => t.event?.['type'] === 'monitoring.vitalsOverdue'), 'a cadence timer is armed after the dose').toBe(true);
    await w.advanceTo(d + 5 * MIN);
    ok(await w.send('monitoring.vitalsRecorded', { systolic: 132, diastolic: 84, heartRate: 80, spo2: 97 }, 'nurse'));
    await w.advanceTo(d + 24 * MIN);
    expect(alerts, 'not overdue within the tolerance').toEqual([]);
    await w.advanceTo(d + 26 * MIN);
    expect(w.journal.some((e) => e.type === 'monitoring.vitalsOverdue'), 'the overdue reading is journaled').toBe(true);
    expect(alerts.some((a) => a['kind'] === 'vitals-overdue'), 'an overdue reading raises care.alert').toBe(true);
    for (const [minute, systolic] of [[27, 130], [36, 128], [45, 126]] as const) {
      await w.advanceTo(d + minute * MIN);
      ok(await w.send('monitoring.vitalsRecorded', { systolic, diastolic: 80, heartRate: 76, spo2: 97 }, 'nurse'));
    }
    ok(await w.send('monitoring.sedationRecorded', { moaas: 5 }, 'nurse'));
    await w.advanceTo(d + 66 * MIN);
    const release = { releasedTo: 'responsible-adult', alertAndOriented: true, noDrivingAdviceGiven: true };
    refused(await w.send('session.discharged', release, 'nurse'), ['CJ_ERR_GUARD']);
    // Twin: with a fresh reading the discharge goes through.
    ok(await w.send('monitoring.vitalsRecorded', { systolic: 124, diastolic: 78, heartRate: 72, spo2: 98 }, 'nurse'));
    ok(await w.send('session.discharged', release, 'nurse'), 'discharge with the readings on time');
    expect(violationsOf(w, 'S5')).toEqual([]);
  });

  it('REMS monitoring form reports "not observed" when nothing was assessed', async () => {
    // Transferred with no sedation or dissociation assessed: the form must not say "not observed".
    const w = await newClinic({ route: 'esketamine-nasal' });
    await toInduction(w, { route: 'esketamine-nasal' });
    await dosed(w, { medications: ['benzodiazepine'] });
    await w.advance(10 * MIN);
    ok(await w.send('session.escalated', { destination: 'emergency-department', reference: 'ED-2027-0042', reason: 'Severe hypertension' }, 'physician'));
    const form = remsMonitoringForm(w.view.context, 1);
    expect(form).not.toBeNull();
    expect(form?.sedation.status, 'sedation not assessed is not "not observed"').toBe('not-assessed');
    expect(form?.dissociation.status, 'dissociation not assessed is not "not observed"').toBe('not-assessed');
    expect(form?.coMedications, 'the co-medications confirmed in this session').toEqual(['benzodiazepine']);

    // Twin: assessed and not seen is "not observed"; esketamine discharge needs the CADSS.
    const seen = await newClinic({ route: 'esketamine-nasal' });
    await toInduction(seen, { route: 'esketamine-nasal' });
    await dosed(seen);
    const d = doseAt(seen);
    for (let minute = 5; minute <= 115; minute += 10) {
      await seen.advanceTo(d + minute * MIN);
      ok(await seen.send('monitoring.vitalsRecorded', { systolic: 126, diastolic: 80, heartRate: 74, spo2: 97 }, 'nurse'));
    }
    ok(await seen.send('monitoring.sedationRecorded', { moaas: 5 }, 'nurse'));
    await seen.advanceTo(d + 121 * MIN);
    ok(await seen.send('monitoring.vitalsRecorded', { systolic: 124, diastolic: 78, heartRate: 72, spo2: 98 }, 'nurse'));
    const release = { releasedTo: 'responsible-adult', alertAndOriented: true, noDrivingAdviceGiven: true };
    refused(await seen.send('session.discharged', release, 'nurse'), ['CJ_ERR_GUARD']);
    ok(await seen.send('monitoring.dissociationRecorded', { score: 0, form: 'CADSS-6' }, 'nurse'));
    ok(await seen.send('session.discharged', release, 'nurse'), 'discharge with the CADSS recorded');
    const twin = remsMonitoringForm(seen.view.context, 1);
    expect(twin?.sedation.status).toBe('not-observed');
    expect(twin?.dissociation.status).toBe('not-observed');
  });

  it('an idempotency key reused with a different event or payload silently returns the first result (S11)', async () => {
    const w = await newClinic({ route: 'iv' });
    ok(await w.send('referral.accepted', {}, 'coordinator'));
    const first = await w.engine.send(w.id, { type: 'consultation.recorded', kind: 'initial', mode: 'video' }, { actor: ACTORS.physician, idempotencyKey: 'consult-1' });
    expect(first.ok).toBe(true);
    const version = (await w.engine.get(w.id)).version;
    const journal = (await w.engine.history(w.id)).length;
    const mismatches = [
      w.engine.send(w.id, { type: 'consultation.recorded', kind: 'follow-up', mode: 'video' }, { actor: ACTORS.physician, idempotencyKey: 'consult-1' }),
      w.engine.send(w.id, { type: 'consultation.recorded', kind: 'initial', mode: 'video' }, { actor: ACTORS.physician2, idempotencyKey: 'consult-1' }),
      w.engine.send(w.id, { type: 'screening.vitalsRecorded', systolic: 120, diastolic: 80, heartRate: 70 }, { actor: ACTORS.physician, idempotencyKey: 'consult-1' }),
    ];
    for (const r of await Promise.all(mismatches)) {
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error.code).toBe('CJ_ERR_IDEMPOTENCY_MISMATCH');
    }
    expect((await w.engine.get(w.id)).version).toBe(version);
    expect((await w.engine.history(w.id)).length).toBe(journal);
    // Twin: the same key with the same event returns the first result.
    const again = await w.engine.send(w.id, { type: 'consultation.recorded', kind: 'initial', mode: 'video' }, { actor: ACTORS.physician, idempotencyKey: 'consult-1' });
    expect(again.ok && again.duplicate).toBe(true);
    expect(again.ok && first.ok && again.entry.seq === first.entry.seq).toBe(true);
    expect(ERROR_CODES).toContain('CJ_ERR_IDEMPOTENCY_MISMATCH');
  });

  it('a PHQ-9 total inconsistent with its items is accepted', async () => {
    const w = await newClinic({ route: 'iv' });
    ok(await w.send('referral.accepted', {}, 'coordinator'));
    for (const payload of [
      { instrument: 'PHQ-9', total: 27, item9: 0 },
      { instrument: 'PHQ-9', total: 2, item9: 3 },
      { instrument: 'PHQ-9', total: 12 },
      { instrument: 'GAD-7', total: 22 },
      { instrument: 'LSAS', total: 145 },
      { instrument: 'C-SSRS', risk: 'high', total: 4 },
    ]) {
      refused(await w.send('assessment.recorded', payload, 'patient'), ['CJ_ERR_INVALID_EVENT']);
    }
    // Twins: consistent totals at the edges are accepted.
    for (const payload of [
      { instrument: 'PHQ-9', total: 24, item9: 0 },
      { instrument: 'PHQ-9', total: 27, item9: 3 },
      { instrument: 'GAD-7', total: 21 },
      { instrument: 'LSAS', total: 144 },
      // The C-SSRS screener carries its risk level, never a total.
      { instrument: 'C-SSRS', risk: 'high' },
    ]) {
      ok(await w.send('assessment.recorded', payload, 'patient'), JSON.stringify(payload));
    }
    expect(violationsOf(w, 'S10')).toEqual([]);
  });
});

describe('the clinic calendar (S12) and who may do what (S9)', () => {
  it('generated sessions land on open days; a booking on a closed day is refused', async () => {
    // The IV default schedule (days 0, 2, 4 for two weeks) started on a Friday; 2027-03-19 is closed.
    const w = await newClinic({ route: 'iv' });
    const friday = nextOpenSlot(ms('2027-03-04T13:00:00Z'), 1, w.calendar);
    expect(localDate(friday, 'America/New_York')).toBe('2027-03-05');
    let refusedSaturday = false;
    try {
      await toInduction(w, { route: 'iv', schedule: null, firstAt: friday + DAY });
    } catch (error) {
      refusedSaturday = /induction\.started was refused/.test(String(error));
    }
    expect(refusedSaturday, 'a first session on a Saturday is refused').toBe(true);
    ok(await w.send('induction.started', { firstSessionAt: iso(friday) }, 'coordinator'), 'first session on a Friday');
    const sessions = planned(w);
    expect(sessions).toHaveLength(6);
    for (const s of sessions) {
      const date = localDate(ms(s.dueAt), 'America/New_York');
      const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
      expect([0, 6], `session ${s.number} on ${date}`).not.toContain(weekday);
      expect(date).not.toBe('2027-03-19');
    }
    for (let i = 1; i < sessions.length; i++) expect(ms(sessions[i]!.dueAt) - ms(sessions[i - 1]!.dueAt)).toBeGreaterThanOrEqual(20 * 60 * MIN);
    refused(await w.send('session.rescheduled', { sessionNumber: sessions[1]!.number, to: '2027-03-19T13:00:00Z', reason: 'Moved to a closed day' }, 'coordinator'));
    ok(await w.send('session.rescheduled', { sessionNumber: sessions[1]!.number, to: iso(nextOpenSlot(ms(sessions[1]!.dueAt), 1, w.calendar, '11:00')), reason: 'Patient request' }, 'coordinator'));
    expect(violationsOf(w, 'S12', 'S6')).toEqual([]);
  });

  it('the pre-dose blood pressure is taken shortly before the dose (S2)', async () => {
    // The suite's protocol: at most 45 minutes between the last pre-dose reading and the dose.
    const w = await newClinic({ route: 'iv' });
    await toInduction(w, { route: 'iv' });
    await checkIn(w);
    await passChecks(w);
    await w.advance(46 * MIN);
    refused(await giveDose(w), ['CJ_ERR_GUARD']);
    ok(await w.send('predose.vitalsRecorded', { systolic: 124, diastolic: 80, heartRate: 70, spo2: 98 }, 'nurse'));
    ok(await giveDose(w), 'the dose after a fresh reading');
    expect(violationsOf(w, 'S2', 'S3')).toEqual([]);
  });

  it('a refused actor changes nothing; patients record only their own at-home sessions', async () => {
    const w = await newClinic({ route: 'iv' });
    await toInduction(w, { route: 'iv' });
    refused(await w.send('session.checkedIn', {}, 'patient'), ['CJ_ERR_FORBIDDEN', 'CJ_ERR_GUARD']);
    refused(await w.send('session.checkedIn', {}, 'stranger'), ['CJ_ERR_FORBIDDEN']);
    refused(await w.send('session.noShow', { sessionNumber: 1 }, 'system'), ['CJ_ERR_INVALID_EVENT']);
    refused(await w.send('response.decided', { decision: 'discontinue', reason: 'Not for a therapist' }, 'therapist'), ['CJ_ERR_FORBIDDEN']);
    await checkIn(w);
    refused(await w.send('predose.fastingConfirmed', { lastFoodAt: iso(w.now - 5 * 60 * MIN), lastLiquidAt: iso(w.now - 60 * MIN) }, 'patient'), ['CJ_ERR_FORBIDDEN', 'CJ_ERR_GUARD']);
    expect(violationsOf(w, 'S9', 'S10')).toEqual([]);

    // Twin of the therapist's refused decision: at the response review, a physician's decision is accepted.
    const decide = await newClinic({ route: 'iv' });
    await toInduction(decide, { route: 'iv', schedule: [{ weeks: 1, days: [0] }] });
    await fullSession(decide);
    ok(await decide.send('assessment.recorded', { instrument: 'GAD-7', total: 15 }, 'patient'));
    expect(decide.view.stateLabel).toMatch(/responseReview\.clinicianDecision/);
    const decision = { decision: 'discontinue', reason: 'No response after induction' };
    refused(await decide.send('response.decided', decision, 'therapist'), ['CJ_ERR_FORBIDDEN']);
    ok(await decide.send('response.decided', decision, 'physician'), 'the physician decides');
    expect(decide.view.stateLabel).toMatch(ENDED);
    expect(violationsOf(decide, 'S7', 'S9', 'S10')).toEqual([]);
  });
});
