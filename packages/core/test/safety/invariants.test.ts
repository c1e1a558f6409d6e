// The invariant checks themselves, on hand-written journals: a clean session passes, and each
// unsafe variant is caught under the right invariant (so a green walk cannot be a blind checker).
import { describe, expect, it } from 'vitest';
import type { JournalEntry, TimerRow } from '../../src/index.js';
import { journalViolations, stepViolations, type Capture, type Notice, type View } from './invariants.js';
import { iso, MIN, ms, SAFETY_MODEL, WALK_CALENDAR } from './model.js';

const T0 = ms('2027-03-08T13:00:00Z');
const W = 'care.clinical.treatment.course.induction.waiting|care.therapy.notLinked';
const P = 'care.clinical.treatment.course.induction.session.preDose|care.therapy.notLinked';
const D = 'care.clinical.treatment.course.induction.session.dosed.monitoring|care.therapy.notLinked';
const R = 'care.clinical.treatment.course.induction.session.dosed.readyForDischarge|care.therapy.notLinked';
const M = 'care.clinical.treatment.course.maintenance.waiting|care.therapy.notLinked';
const DECIDE = 'care.clinical.treatment.course.responseReview.clinicianDecision|care.therapy.notLinked';

const roles: Record<string, string> = { nurse: 'nurse', physician: 'physician', coordinator: 'coordinator', patient: 'patient', system: 'system' };

class Journal {
  readonly entries: JournalEntry[] = [];
  state = 'referral';
  add(minute: number, type: string, role: string, payload: Record<string, unknown> = {}, to = this.state, kind: JournalEntry['kind'] = 'event'): this {
    const seq = this.entries.length + 1;
    this.entries.push({
      journeyId: 'j',
      seq,
      kind: seq === 1 ? 'start' : kind,
      type,
      payload,
      actor: { id: `${role}-1`, role: roles[role] ?? role },
      at: iso(T0 + minute * MIN),
      recordedAt: iso(T0 + minute * MIN),
      from: seq === 1 ? null : this.state,
      to,
      definitionVersion: 1,
    });
    this.state = to;
    return this;
  }
  seqOf(type: string): number {
    return this.entries.find((e) => e.type === type)!.seq;
  }
}

const vitals = (systolic: number, diastolic: number, extra: Record<string, unknown> = {}) => ({ systolic, diastolic, heartRate: 76, spo2: 97, ...extra });

/** A clean IV session, with hooks to change one step. */
function ivSession(change: { after?: (j: Journal) => void; skip?: string[]; dosePayload?: Record<string, unknown>; dischargeAt?: number } = {}): Journal {
  const skip = new Set(change.skip ?? []);
  const j = new Journal();
  j.add(0, 'journey.start', 'coordinator');
  j.add(0, 'referral.accepted', 'coordinator', {}, 'care.clinical.intake.screening|care.therapy.notLinked');
  j.add(1, 'eligibility.decided', 'physician', { outcome: 'eligible', reasons: [] }, 'care.clinical.intake.planning|care.therapy.notLinked');
  j.add(2, 'consent.recorded', 'physician', { formVersion: 'v1' });
  j.add(3, 'plan.recorded', 'physician', { route: 'iv', dosePlan: { summary: 'x', steps: [{ fromSession: 1, amount: 35, unit: 'mg' }] } });
  j.add(4, 'induction.started', 'coordinator', { firstSessionAt: iso(T0 + 60 * MIN) }, W);
  j.add(40, 'session.checkedIn', 'coordinator', {}, P);
  if (!skip.has('fasting')) j.add(41, 'predose.fastingConfirmed', 'nurse', { lastFoodAt: iso(T0 - 200 * MIN), lastLiquidAt: iso(T0 - 60 * MIN) });
  if (!skip.has('transport')) j.add(42, 'predose.transportConfirmed', 'nurse', { responsibleAdultConfirmed: true, mode: 'car-driven-by-adult' });
  if (!skip.has('vitals')) j.add(43, 'predose.vitalsRecorded', 'nurse', vitals(126, 82));
  if (!skip.has('check')) j.add(44, 'predose.contraindicationsChecked', 'nurse', { newFindings: [] });
  change.after?.(j);
  if (j.state !== P) return j;
  j.add(50, 'dose.recorded', 'nurse', change.dosePayload ?? { medication: 'racemic-ketamine', amountMg: 35, lot: 'L', administration: 'staff-administered' }, D);
  for (const m of [5, 15, 25, 35, 45, 55]) j.add(50 + m, 'monitoring.vitalsRecorded', 'nurse', vitals(130 - m / 5, 82));
  j.add(106, 'monitoring.sedationRecorded', 'nurse', { moaas: 5 });
  j.add(110, 'session.observationElapsed', 'system', { sessionNumber: 1 }, R, 'timer');
  j.add(111, 'monitoring.vitalsRecorded', 'nurse', vitals(120, 78));
  j.add(change.dischargeAt ?? 112, 'session.discharged', 'nurse', { releasedTo: 'responsible-adult', alertAndOriented: true, noDrivingAdviceGiven: true }, W);
  return j;
}

const check = (j: Journal) => journalViolations(j.entries, new Map([[j.entries.find((e) => e.type === 'dose.recorded')?.seq ?? -1, 1]]));
const ids = (j: Journal) => [...new Set(check(j).map((x) => x.inv))];

describe('the invariant checks', () => {
  it('pass a clean session', () => {
    expect(check(ivSession())).toEqual([]);
  });

  it('S1: a dosed session that ends without discharge or transfer, or with a pending hold ignored', () => {
    const aborted = new Journal();
    const base = ivSession();
    for (const e of base.entries.filter((x) => x.seq <= base.seqOf('dose.recorded') + 1)) aborted.entries.push(e);
    aborted.state = D;
    aborted.add(70, 'session.aborted', 'nurse', { reason: 'stop' }, W);
    expect(ids(aborted)).toContain('S1');

    const hold = ivSession();
    const discharge = hold.entries.pop()!;
    hold.state = R;
    hold.add(111, 'safety.signalReported', 'therapist', { signal: 'suicidality' });
    hold.entries.push({ ...discharge, seq: hold.entries.length + 1 });
    expect(check(hold).map((x) => x.message).join()).toContain('a hold');
  });

  it('S2: a dose without fasting, with an off-plan amount, or on a mg/kg plan without weight', () => {
    expect(ids(ivSession({ skip: ['fasting'] }))).toContain('S2');
    expect(ids(ivSession({ dosePayload: { medication: 'racemic-ketamine', amountMg: 50, lot: 'L', administration: 'staff-administered' } }))).toContain('S2');
    const withDeviation = ivSession({
      after: (j) => j.add(45, 'predose.doseDeviationApproved', 'physician', { amountMg: 50, reason: 'prescriber' }),
      dosePayload: { medication: 'racemic-ketamine', amountMg: 50, lot: 'L', administration: 'staff-administered' },
    });
    expect(ids(withDeviation)).not.toContain('S2');
    const mgPerKg = ivSession();
    const plan = mgPerKg.entries.find((e) => e.type === 'plan.recorded')!;
    (plan.payload['dosePlan'] as { steps: { unit: string; amount: number }[] }).steps[0] = { fromSession: 1, unit: 'mg/kg', amount: 0.5 } as never;
    expect(check(mgPerKg).map((x) => x.message).join()).toContain('no recorded weight');
  });

  it('S3: a finding re-recorded as clear is still blocking; a physician clearance lifts it', () => {
    const rerecorded = ivSession({ after: (j) => j.add(45, 'predose.contraindicationsChecked', 'nurse', { newFindings: ['new-medication'] }).add(46, 'predose.contraindicationsChecked', 'nurse', { newFindings: [] }) });
    expect(ids(rerecorded)).toContain('S3');
    const cleared = ivSession({ after: (j) => j.add(45, 'predose.contraindicationsChecked', 'nurse', { newFindings: ['new-medication'] }).add(46, 'predose.findingCleared', 'physician', { reason: 'ok' }) });
    expect(check(cleared)).toEqual([]);
    const bp = ivSession({ after: (j) => j.add(45, 'predose.vitalsRecorded', 'nurse', vitals(158, 98)).add(46, 'predose.vitalsRecorded', 'nurse', vitals(126, 80)) });
    expect(ids(bp)).toContain('S3');
  });

  it('S4: readings from the future or before the dose', () => {
    const future = ivSession({ after: () => undefined });
    future.entries.find((e) => e.type === 'monitoring.vitalsRecorded')!.payload['takenAt'] = iso(T0 + 100 * MIN);
    expect(ids(future)).toContain('S4');
    const early = ivSession();
    early.entries.find((e) => e.type === 'monitoring.vitalsRecorded')!.payload['takenAt'] = iso(T0 + 49 * MIN);
    expect(ids(early)).toContain('S4');
  });

  it('S5: an early discharge, an unsettled reading in the window, a missed BP check', () => {
    expect(ids(ivSession({ dischargeAt: 100 }))).toContain('S5');
    const unsettled = ivSession();
    unsettled.entries.filter((e) => e.type === 'monitoring.vitalsRecorded').at(-2)!.payload['systolic'] = 152;
    expect(ids(unsettled)).toContain('S5');
    const noCheck = ivSession();
    noCheck.entries.splice(
      noCheck.entries.findIndex((e) => e.type === 'monitoring.vitalsRecorded' && e.at === iso(T0 + 85 * MIN)),
      3,
    );
    noCheck.entries.forEach((e, i) => Object.assign(e, { seq: i + 1 }));
    expect(check(noCheck).map((x) => x.message).join()).toContain('BP check');
    // A steady rise in +4 steps (each within the tolerance of 10) over the stable window is a rise; the same steps falling are not.
    const withWindow = (systolics: number[]) => {
      const j = ivSession();
      const readings = j.entries.filter((e) => e.type === 'monitoring.vitalsRecorded').slice(-4);
      readings.forEach((e, i) => Object.assign(e.payload, { systolic: systolics[i] }));
      return j;
    };
    expect(check(withWindow([112, 116, 120, 124])).map((x) => x.message).join()).toContain('BP rising at discharge');
    expect(check(withWindow([124, 120, 116, 112]))).toEqual([]);
  });

  it('S7, S9: maintenance without a decision, a decision without cadence, a role outside the policy', () => {
    const j = ivSession();
    j.add(200, 'assessment.recorded', 'patient', { instrument: 'GAD-7', total: 4 }, M);
    expect(ids(j)).toContain('S7');
    const decided = ivSession();
    decided.add(200, 'assessment.recorded', 'patient', { instrument: 'GAD-7', total: 4 }, DECIDE);
    decided.add(201, 'response.decided', 'physician', { decision: 'maintenance', reason: 'responder', everyDays: 14 }, M);
    expect(check(decided)).toEqual([]);
    const noCadence = ivSession();
    noCadence.add(200, 'assessment.recorded', 'patient', { instrument: 'GAD-7', total: 4 }, DECIDE);
    noCadence.add(201, 'response.decided', 'physician', { decision: 'maintenance', reason: 'responder' }, M);
    expect(ids(noCadence)).toContain('S7');
    const patient = ivSession({ after: (j2) => j2.add(45, 'predose.vitalsRecorded', 'patient', vitals(120, 80)) });
    expect(ids(patient)).toContain('S9');
  });
});

/** A dosed IV session (dose at minute 50, one reading at 55) and the step that follows it. */
function dosedStep(next: (j: Journal) => void, options: { notices?: Notice[]; advanced?: boolean; now?: number } = {}) {
  const base = ivSession();
  const dose = base.seqOf('dose.recorded');
  const prefix = new Journal();
  prefix.entries.push(...base.entries.filter((e) => e.seq <= dose + 1).map((e) => ({ ...e })));
  prefix.state = D;
  const before = [...prefix.entries];
  next(prefix);
  const capture = (journal: JournalEntry[], now: number): Capture => ({
    now,
    journal,
    pendingOutbox: 0,
    // The observation timer of the dose (minute 50 + 60).
    timers: [{ event: { type: 'session.observationElapsed' }, dueAt: T0 + 110 * MIN } as unknown as TimerRow],
    view: { version: journal.length, stateLabel: journal.at(-1)!.to, status: 'active', context: { plan: { route: 'iv' }, session: null, schedule: [], sessions: [] } } as unknown as View,
  });
  const after = prefix.entries;
  const now = options.now ?? ms(after.at(-1)!.at);
  return stepViolations(
    { before: capture(before, ms(before.at(-1)!.at)), after: capture(after, now), notices: options.notices ?? [], calendar: WALK_CALENDAR, model: SAFETY_MODEL, ...(options.advanced ? { advanced: true } : {}) },
    new Map([[dose, 1]]),
  );
}

const notice = (type: string, kind: string): Notice => ({ kind: 'effect', type, payload: { kind } });

describe('the step checks of alerts', () => {
  // IV in the suite's protocol: a reading every 15 min, overdue 20 min (cadence + tolerance) after the last.
  it('S5: an overdue vitals reading raises care.alert, and the overdue is noticed', () => {
    const overdue = (j: Journal) => j.add(76, 'monitoring.vitalsOverdue', 'system', { sessionNumber: 1 }, D, 'timer');
    expect(dosedStep(overdue).map((x) => x.inv)).toContain('S5');
    expect(dosedStep(overdue, { notices: [notice('care.alert', 'vitals-overdue')] })).toEqual([]);
    // Time moved past the due reading and nothing noticed it.
    const quiet = (j: Journal) => j.add(74, 'monitoring.sedationRecorded', 'nurse', { moaas: 4 }, D);
    expect(dosedStep(quiet, { advanced: true, now: T0 + 80 * MIN }).map((x) => x.message).join()).toContain('was not noticed');
    expect(dosedStep(quiet, { advanced: true, now: T0 + 74 * MIN })).toEqual([]);
  });

  it('S1: a hold in treatment and a stopped session raise safety.alert', () => {
    const signal = (j: Journal) => j.add(60, 'safety.signalReported', 'therapist', { signal: 'suicidality' }, D);
    expect(dosedStep(signal).map((x) => x.inv)).toContain('S1');
    expect(dosedStep(signal, { notices: [notice('safety.alert', 'hold')] })).toEqual([]);
    const aborted = (j: Journal) => j.add(60, 'session.aborted', 'nurse', { reason: 'Patient asked to stop' }, D);
    expect(dosedStep(aborted).map((x) => x.message).join()).toContain('a stopped session');
    expect(dosedStep(aborted, { notices: [notice('safety.alert', 'session-aborted')] })).toEqual([]);
    // A PHQ-9 below the protocol's hold mark is no hold.
    const mild = (j: Journal) => j.add(60, 'assessment.recorded', 'patient', { instrument: 'PHQ-9', total: 9, item9: 0 }, D);
    expect(dosedStep(mild)).toEqual([]);
  });
});
