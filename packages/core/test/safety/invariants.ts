// The safety model's invariants S1-S12 (docs/safety.md), checked independently of the journey's
// own rules: every check recomputes from the journal (who sent what, when, from which state to
// which), the timers the store holds, and this suite's own protocol numbers (model.ts).
import type { JourneyView, KetamineJourneyContext, TimerRow } from '../../src/index.js';
import {
  DOSED,
  ENDED,
  episodes,
  fastingLatest,
  IN_MAINTENANCE,
  isDosed,
  isEnding,
  isHoldTrigger,
  lastBefore,
  MISSED_REVIEW,
  num,
  ofType,
  ON_HOLD,
  PRE_DOSE,
  preDoseRecords,
  TREATMENT,
  readingsOf,
  stopRuleHit,
  str,
  takenAt,
  WAITING,
  type Entry,
  type Episode,
} from './journal.js';
import { DAY, HOUR, isOpenDay, localDate, MIN, ms, PATIENT_HOME_ONLY, ROLE_TABLE, SAFETY_MODEL, TIMER_EVENTS, type Calendar, type RouteModel, type SafetyModel } from './model.js';
import type { KetamineRoute } from '../../src/index.js';

export type InvariantId = 'S1' | 'S2' | 'S3' | 'S4' | 'S5' | 'S6' | 'S7' | 'S8' | 'S9' | 'S10' | 'S11' | 'S12';

export interface Violation {
  readonly inv: InvariantId;
  /** The journal entry at fault, when there is one. */
  readonly seq: number | null;
  readonly message: string;
}

export type View = JourneyView<KetamineJourneyContext>;

const v = (inv: InvariantId, seq: number | null, message: string): Violation => ({ inv, seq, message });
const fmt = (t: number) => new Date(t).toISOString().slice(0, 16).replace('T', ' ');
const minutes = (d: number) => Math.round((d / MIN) * 10) / 10;

function planBefore(journal: readonly Entry[], seq: number, model: SafetyModel): { entry: Entry; route: KetamineRoute; m: RouteModel } | null {
  const entry = lastBefore(journal, seq, ofType('plan.recorded'));
  const route = entry ? (str(entry.payload, 'route') as KetamineRoute | undefined) : undefined;
  const m = route === undefined ? undefined : model.routes[route];
  return entry && route && m ? { entry, route, m } : null;
}

function observationMinutesOf(plan: { entry: Entry; m: RouteModel }): number {
  return num(plan.entry.payload, 'observationMinutes') ?? plan.m.observationMinutes;
}

// ------------------------------------------------------------------ S2: no dose without passed checks

function doseProblems(journal: readonly Entry[], ep: Episode, dose: Entry, sessionNumber: number | null, model: SafetyModel): [InvariantId, string][] {
  const out: [InvariantId, string][] = [];
  const problems = { push: (message: string) => out.push(['S2', message]) };
  const erased = (message: string) => out.push(['S3', message]);
  const at = ms(dose.at);
  if (!PRE_DOSE.test(dose.from ?? '')) problems.push(`a dose was accepted outside the pre-dose checks (from ${dose.from})`);
  const plan = planBefore(journal, dose.seq, model);
  if (!plan) {
    problems.push('a dose was accepted with no treatment plan');
    return out;
  }
  const { m } = plan;
  const eligibility = lastBefore(journal, dose.seq, ofType('eligibility.decided'));
  if (eligibility?.payload['outcome'] !== 'eligible' || eligibility.actor.role !== 'physician') problems.push('the patient was not found eligible by a physician');
  if (!lastBefore(journal, dose.seq, ofType('consent.recorded'))) problems.push('no consent was recorded');
  if (m.requiresRems && !lastBefore(journal, dose.seq, ofType('rems.enrolled'))) problems.push('esketamine dosed before REMS enrolment');

  const pre = ep.entries.filter((e) => e.seq < dose.seq);
  const records = preDoseRecords(pre, m.preDoseBpLimit);
  const fasting = fastingLatest(records.fasting);
  if (!fasting) problems.push('no fasting record in the session');
  else {
    if (at - fasting.food < m.fasting.foodHours * HOUR) problems.push(`last food ${minutes(at - fasting.food)} min before the dose (needs ${m.fasting.foodHours} h)`);
    if (at - fasting.liquid < m.fasting.liquidMinutes * MIN) problems.push(`last liquid ${minutes(at - fasting.liquid)} min before the dose (needs ${m.fasting.liquidMinutes} min)`);
    const nasalMin = m.fasting.nasalSteroidOrDecongestantMinutes;
    if (nasalMin !== null && fasting.nasal !== null && at - fasting.nasal < nasalMin * MIN) {
      const message = `nasal steroid/decongestant ${minutes(at - fasting.nasal)} min before the dose (needs ${nasalMin} min)`;
      const lastRecord = records.fasting.at(-1)?.payload;
      if (lastRecord && str(lastRecord, 'lastNasalSteroidOrDecongestantAt') === undefined) erased(`${message}: an earlier fasting record's nasal-spray time was erased by a later record without it`);
      else problems.push(message);
    }
  }
  if (m.setting === 'clinic' && !records.transportPositive) problems.push('no ride home with a responsible adult was confirmed');
  if (m.setting === 'home' && !records.trustedAdultPositive) problems.push('no trusted adult meeting all four conditions was confirmed');
  for (const b of records.unclearedBlocking) {
    const message = `blocking record #${b.seq} (${b.type}) was never cleared by a physician's predose.findingCleared after it`;
    if (pre.some((e) => e.type === b.type && e.seq > b.seq)) erased(`${message}, only re-recorded`);
    else problems.push(message);
  }
  const lastBp = records.bpReadings.at(-1);
  if (!lastBp) problems.push('no pre-dose blood pressure in the session');
  else if (at - ms(lastBp.at) > m.preDoseVitalsMaxAgeMinutes * MIN) {
    problems.push(`the last pre-dose blood pressure was ${minutes(at - ms(lastBp.at))} min old at the dose (at most ${m.preDoseVitalsMaxAgeMinutes} min)`);
  }
  if (records.bpUnoverridden) {
    const p = records.bpUnoverridden.payload;
    const rerecorded = records.bpReadings.some((e) => e.seq > records.bpUnoverridden!.seq);
    (rerecorded ? erased : problems.push)(`pre-dose BP ${String(p['systolic'])}/${String(p['diastolic'])} (#${records.bpUnoverridden.seq}) above ${m.preDoseBpLimit.systolic}/${m.preDoseBpLimit.diastolic} with no physician override recorded after it`);
  }
  if (records.contraindicationChecks.length === 0) problems.push('no pre-dose contraindication check in the session');
  if (m.requiresRems && !records.medicationsConfirmed) problems.push('co-medications were not confirmed in this session (REMS route)');
  const previous = lastBefore(journal, dose.seq, ofType('dose.recorded'));
  if (previous && at - ms(previous.at) < m.minHoursBetweenDoses * HOUR) {
    problems.push(`${minutes(at - ms(previous.at))} min since the previous dose (needs ${m.minHoursBetweenDoses} h)`);
  }
  if (previous && m.clinicianCheckInAfterDays !== null && at - ms(previous.at) > m.clinicianCheckInAfterDays * DAY) {
    const checkedIn = journal.some((e) => e.type === 'checkIn.recorded' && e.seq > previous.seq && e.seq < dose.seq);
    if (!checkedIn) problems.push(`more than ${m.clinicianCheckInAfterDays} days since the last dose and no clinician check-in since`);
  }
  const p = dose.payload;
  if (p['medication'] !== m.medication) problems.push(`medication ${String(p['medication'])} on a ${plan.route} plan`);
  const atHome = p['administration'] === 'self-administered-at-home';
  if (atHome !== (m.setting === 'home')) problems.push(`administration ${String(p['administration'])} on a ${m.setting} route`);
  if (dose.actor.role === 'patient' && m.setting !== 'home') problems.push('a patient recorded an in-clinic dose');

  const amount = num(p, 'amountMg') ?? NaN;
  const deviation = journal.some(
    (e) =>
      e.type === 'predose.doseDeviationApproved' &&
      e.actor.role === 'physician' &&
      e.seq < dose.seq &&
      (previous === undefined || e.seq > previous.seq) &&
      // The approved amount, within the same tolerance as a planned one.
      Math.abs((num(e.payload, 'amountMg') ?? NaN) - amount) <= m.dosing.toleranceMg + 1e-9,
  );
  const steps = (plan.entry.payload['dosePlan'] as { steps?: { fromSession: number; amount: number; unit: string }[] } | undefined)?.steps ?? [];
  if (sessionNumber === null) problems.push('the session number of the dose is unknown (no session in the context)');
  else {
    const step = steps.filter((s) => s.fromSession <= sessionNumber).sort((a, b) => b.fromSession - a.fromSession)[0];
    if (!step) problems.push(`the plan has no step for session ${sessionNumber}`);
    else {
      const weight = num(plan.entry.payload, 'weightKg');
      const expected = step.unit === 'mg' ? step.amount : weight === undefined ? null : step.amount * weight;
      if (expected === null) problems.push('an mg/kg plan step with no recorded weight');
      else if (Math.abs(amount - expected) > m.dosing.toleranceMg + 1e-9 && !deviation) {
        problems.push(`${amount} mg does not match the plan step for session ${sessionNumber} (${expected} mg ± ${m.dosing.toleranceMg}) and no physician approved a deviation for it`);
      }
    }
  }
  if (m.mgPerDevice !== null) {
    const devices = num(p, 'devices');
    if (devices === undefined || Math.abs(devices * m.mgPerDevice - amount) > 1e-9) problems.push(`${String(devices)} device(s) of ${m.mgPerDevice} mg is not ${amount} mg`);
  }
  if (m.dosing.allowedDosesMg !== null && !m.dosing.allowedDosesMg.includes(amount)) problems.push(`${amount} mg is not an allowed dose (${m.dosing.allowedDosesMg.join(', ')} mg)`);
  if (m.dosing.firstDoseMg !== null && !previous && amount !== m.dosing.firstDoseMg) problems.push(`the first dose is ${amount} mg, not ${m.dosing.firstDoseMg} mg`);
  return out;
}

// ------------------------------------------------------------------ S5: discharge

function dischargeProblems(journal: readonly Entry[], ep: Episode, dose: Entry, discharge: Entry, model: SafetyModel): string[] {
  const problems: string[] = [];
  const plan = planBefore(journal, dose.seq, model);
  if (!plan) return ['a discharge with no plan'];
  const { m } = plan;
  const doseAt = ms(dose.at);
  const at = ms(discharge.at);
  const obs = observationMinutesOf(plan);
  if (at - doseAt < obs * MIN) problems.push(`discharged ${minutes(at - doseAt)} min after the dose; observation is ${obs} min`);
  const between = ep.entries.filter((e) => e.seq > dose.seq && e.seq < discharge.seq);
  if (!between.some((e) => e.type === 'session.observationElapsed' && e.kind === 'timer')) problems.push('the observation timer had not fired');
  const readings = readingsOf(between).filter((r) => r.takenAt <= at + model.readingSkewMinutes * MIN);
  if (m.bpCheckAtMinutes !== null) {
    const lo = doseAt + (m.bpCheckAtMinutes - m.checkToleranceMinutes) * MIN;
    const hi = doseAt + (m.bpCheckAtMinutes + 3 * m.checkToleranceMinutes) * MIN;
    if (!readings.some((r) => r.takenAt >= lo && r.takenAt <= hi)) problems.push(`no BP check at about ${m.bpCheckAtMinutes} min after the dose`);
  }
  if (m.vitalsEveryMinutes !== null) {
    // Overdue past the cadence plus the check tolerance (docs/journey.md, vitalsOverdueApplies).
    const last = Math.max(doseAt, ...readings.map((r) => r.takenAt));
    const allowed = m.vitalsEveryMinutes + m.checkToleranceMinutes;
    if (at - last > allowed * MIN) problems.push(`a vitals reading was overdue (${minutes(at - last)} min since the last, cadence ${m.vitalsEveryMinutes} + ${m.checkToleranceMinutes} min)`);
  }
  const d = m.discharge;
  const window = readings.filter((r) => r.takenAt >= at - d.stableWindowMinutes * MIN);
  if (window.length === 0) problems.push(`no vitals reading in the last ${d.stableWindowMinutes} min`);
  const pre = ep.entries.filter((e) => e.type === 'predose.vitalsRecorded' && e.seq < dose.seq).at(-1)?.payload;
  const preSys = pre ? num(pre, 'systolic') : undefined;
  const preDia = pre ? num(pre, 'diastolic') : undefined;
  for (const r of window) {
    const sysOk = r.systolic <= d.bpLimit.systolic || (preSys !== undefined && r.systolic <= preSys + d.baselineToleranceMmHg);
    const diaOk = r.diastolic <= d.bpLimit.diastolic || (preDia !== undefined && r.diastolic <= preDia + d.baselineToleranceMmHg);
    if (!sysOk || !diaOk) problems.push(`reading ${r.systolic}/${r.diastolic} taken ${fmt(r.takenAt)} in the stable window is outside the discharge limits`);
  }
  // Not rising: the last reading is within the rise tolerance of every reading of the stable window
  // (of the reading before it when the window holds one), so a rise in small steps is a rise.
  const last = readings.at(-1);
  const compared = window.length >= 2 ? window : readings.slice(-2);
  const lower = last && compared.find((r) => last.systolic - r.systolic > d.riseToleranceMmHg || last.diastolic - r.diastolic > d.riseToleranceMmHg);
  if (last && lower) {
    problems.push(`BP rising at discharge (${lower.systolic}/${lower.diastolic} taken ${fmt(lower.takenAt)}, then ${last.systolic}/${last.diastolic}: more than ${d.riseToleranceMmHg} mmHg higher)`);
  }
  const spo2 = readings.filter((r) => r.spo2 !== null).at(-1);
  if (!spo2) problems.push('no SpO2 recorded after the dose');
  else if ((spo2.spo2 ?? 0) < d.minSpO2) problems.push(`SpO2 ${spo2.spo2} below ${d.minSpO2}`);
  const sedation = between
    .filter(ofType('monitoring.sedationRecorded'))
    .map((e) => ({ t: takenAt(e), moaas: num(e.payload, 'moaas') ?? -1, seq: e.seq }))
    .sort((a, b) => a.t - b.t || a.seq - b.seq)
    .at(-1);
  if (!sedation) problems.push('no MOAA/S recorded after the dose');
  else if (sedation.moaas < d.sedationScore) problems.push(`the latest MOAA/S is ${sedation.moaas}, discharge needs ${d.sedationScore}`);
  if (d.requiresDissociationAssessment && !between.some(ofType('monitoring.dissociationRecorded'))) problems.push('no dissociation (CADSS) assessment recorded');
  const p = discharge.payload;
  const releasedTo = m.setting === 'home' ? 'trusted-adult-at-home' : 'responsible-adult';
  if (p['releasedTo'] !== releasedTo) problems.push(`released to ${String(p['releasedTo'])} on a ${m.setting} route`);
  if (p['alertAndOriented'] !== true) problems.push('not alert and oriented');
  if (p['noDrivingAdviceGiven'] !== true) problems.push('no no-driving advice');
  return problems;
}

// ------------------------------------------------------------------ the journal checks

/**
 * Every invariant that can be judged from the journal alone. `sessionNumbers` maps the seq of
 * each accepted dose to the number of the session it was given in.
 */
export function journalViolations(journal: readonly Entry[], sessionNumbers: ReadonlyMap<number, number | null>, model: SafetyModel = SAFETY_MODEL): Violation[] {
  const out: Violation[] = [];
  const eps = episodes(journal);

  for (const ep of eps) {
    const doses = ep.entries.filter(ofType('dose.recorded'));
    for (const extra of doses.slice(1)) out.push(v('S2', extra.seq, 'a second dose was accepted in one session'));
    const dose = ep.dose;
    if (!dose) continue;
    // S2
    for (const [inv, problem] of doseProblems(journal, ep, dose, sessionNumbers.get(dose.seq) ?? null, model)) out.push(v(inv, dose.seq, problem));
    // S1: from the dose until discharge or escalation, the session stays dosed.
    for (const e of ep.entries) {
      if (e.seq <= dose.seq) continue;
      if (e === ep.end) {
        if (e.type !== 'session.discharged' && e.type !== 'session.escalated') out.push(v('S1', e.seq, `a dosed session ended by ${e.type} (to ${e.to}), not by a discharge or a recorded transfer`));
      } else if (!DOSED.test(e.to)) out.push(v('S1', e.seq, `${e.type} left the dosed session for ${e.to}`));
    }
    if (ep.end && (ep.end.type === 'session.discharged' || ep.end.type === 'session.escalated')) {
      const during = ep.entries.filter((e) => e.seq > dose.seq && e.seq < ep.end!.seq);
      const ending = during.find(isEnding);
      const hold = during.find((e) => isHoldTrigger(e, model.holdOnPhq9Item9AtLeast, model.holdOnCssrs));
      if (ending && !ENDED.test(ep.end.to)) out.push(v('S1', ep.end.seq, `${ending.type} (#${ending.seq}) was pending when the session ended, but the journey went to ${ep.end.to}`));
      else if (!ending && hold && !ON_HOLD.test(ep.end.to)) out.push(v('S1', ep.end.seq, `a hold (#${hold.seq} ${hold.type}) was pending when the session ended, but the journey went to ${ep.end.to}`));
    }
    // S5
    if (ep.end?.type === 'session.discharged') for (const problem of dischargeProblems(journal, ep, dose, ep.end, model)) out.push(v('S5', ep.end.seq, problem));
    // S4: readings of the session
    for (const e of ep.entries) {
      if (!['monitoring.vitalsRecorded', 'monitoring.sedationRecorded', 'monitoring.dissociationRecorded'].includes(e.type)) continue;
      if (e.seq < dose.seq) continue;
      const t = str(e.payload, 'takenAt');
      if (t !== undefined && ms(t) < ms(dose.at)) out.push(v('S4', e.seq, `a ${e.type} taken ${fmt(ms(t))} before the dose (${fmt(ms(dose.at))}) was accepted`));
    }
  }
  for (const ep of eps) {
    for (const e of ep.entries) {
      if (e.type.startsWith('monitoring.') && e.kind === 'event' && e.type !== 'monitoring.adverseEventRecorded' && (ep.dose === null || e.seq < ep.dose.seq)) {
        out.push(v('S4', e.seq, `${e.type} accepted before any dose in the session`));
      }
    }
  }

  let wasInMaintenance = false;
  const start = journal[0];
  if (start && !['coordinator', 'physician', 'system'].includes(start.actor.role)) out.push(v('S9', start.seq, `a ${start.actor.role} started the journey`));
  for (const e of journal) {
    if (e.kind === 'start') continue;
    const p = e.payload;
    // S4: never from the future
    if (['monitoring.vitalsRecorded', 'monitoring.sedationRecorded', 'monitoring.dissociationRecorded', 'predose.vitalsRecorded'].includes(e.type)) {
      const t = str(p, 'takenAt');
      if (t !== undefined && ms(t) > ms(e.at) + model.readingSkewMinutes * MIN) out.push(v('S4', e.seq, `${e.type} taken ${fmt(ms(t))} was accepted at ${fmt(ms(e.at))} (more than ${model.readingSkewMinutes} min in the future)`));
    }
    // S9: roles
    if (e.kind === 'timer') {
      if (e.actor.role !== 'system') out.push(v('S9', e.seq, `timer ${e.type} fired as ${e.actor.role}`));
      if (!(TIMER_EVENTS as readonly string[]).includes(e.type)) out.push(v('S9', e.seq, `${e.type} was applied as a timer`));
    } else {
      if ((TIMER_EVENTS as readonly string[]).includes(e.type)) out.push(v('S9', e.seq, `the timer event ${e.type} was accepted from ${e.actor.role}`));
      const roles = ROLE_TABLE[e.type];
      if (!roles) out.push(v('S9', e.seq, `unknown event ${e.type} accepted`));
      else if (!roles.includes(e.actor.role)) out.push(v('S9', e.seq, `a ${e.actor.role} sent ${e.type} (for ${roles.join(', ')})`));
      if (e.actor.role === 'patient' && PATIENT_HOME_ONLY.has(e.type)) {
        const plan = planBefore(journal, e.seq, model);
        if (plan?.m.setting !== 'home') out.push(v('S9', e.seq, `a patient recorded ${e.type} for an in-clinic session`));
      }
    }
    // S7: the clinician decides
    if (e.type === 'eligibility.decided' && (p['outcome'] === 'eligible' || p['outcome'] === 'ineligible') && e.actor.role !== 'physician') {
      out.push(v('S7', e.seq, `a ${e.actor.role} decided ${String(p['outcome'])}`));
    }
    if (e.type === 'response.decided' && p['decision'] === 'maintenance' && num(p, 'everyDays') === undefined) out.push(v('S7', e.seq, 'maintenance was decided without a cadence (everyDays)'));
    const entering = !IN_MAINTENANCE.test(e.from ?? '') && IN_MAINTENANCE.test(e.to);
    if (entering) {
      const decided = e.type === 'response.decided' && p['decision'] === 'maintenance' && num(p, 'everyDays') !== undefined && e.actor.role === 'physician';
      const resumed = e.type === 'hold.reviewed' && wasInMaintenance;
      if (!decided && !resumed) out.push(v('S7', e.seq, `maintenance was entered on ${e.type} (from ${e.from}) without a physician's response.decided maintenance with everyDays`));
    }
    if (IN_MAINTENANCE.test(e.to)) wasInMaintenance = true;
    // S6: a cancelled esketamine session goes to the missed-session review
    if (e.type === 'session.cancelled' && !ENDED.test(e.to)) {
      const plan = planBefore(journal, e.seq, model);
      if (plan?.route === 'esketamine-nasal' && !MISSED_REVIEW.test(e.to)) out.push(v('S6', e.seq, `a cancelled esketamine session went to ${e.to}, not to the missed-session review`));
    }
    // S6: no session falls due as missed while on hold
    if (e.type === 'session.noShow' && ON_HOLD.test(e.from ?? '') && e.to !== e.from) out.push(v('S6', e.seq, `a no-show fired on hold and moved the journey to ${e.to}`));
  }
  return out;
}

// ------------------------------------------------------------------ S5: the vitals cadence

/**
 * When the next vitals reading of a dosed session is overdue on the route's cadence (the suite's own
 * numbers): one cadence plus the check tolerance after the latest reading recorded before `beforeSeq`
 * (by the time it was taken; within the clock skew, the event's time), or after the dose. Null without a cadence.
 */
function vitalsOverdueAt(ep: Episode, beforeSeq: number, m: RouteModel): number | null {
  if (!ep.dose || m.vitalsEveryMinutes === null) return null;
  let latest = ms(ep.dose.at);
  for (const e of ep.entries) {
    if (e.seq >= beforeSeq) break;
    if (e.type !== 'monitoring.vitalsRecorded' || e.seq < ep.dose.seq) continue;
    latest = Math.max(latest, takenAt(e));
  }
  return latest + (m.vitalsEveryMinutes + m.checkToleranceMinutes) * MIN;
}

// ------------------------------------------------------------------ step checks

export interface Capture {
  /** The clock's time when captured. */
  readonly now: number;
  readonly view: View;
  readonly journal: Entry[];
  readonly timers: TimerRow[];
  readonly pendingOutbox: number;
}

export interface Notice {
  readonly kind: 'transition' | 'effect';
  readonly type: string;
  readonly payload: Record<string, unknown>;
}

export interface StepFacts {
  readonly before: Capture;
  readonly after: Capture;
  readonly notices: readonly Notice[];
  readonly calendar: Calendar;
  /** The protocol's numbers, as the suite configured them. */
  readonly model: SafetyModel;
  /** The step moved the clock and fired the timers due. */
  readonly advanced?: boolean;
  /** The event sent, when the step sent one. */
  readonly sent?: { readonly type: string; readonly payload: Record<string, unknown>; readonly role: string; readonly wellFormed: boolean };
  readonly refused?: { readonly code: string };
}

/** No refusal changes anything (S10). */
export function refusalViolations(f: StepFacts): Violation[] {
  const out: Violation[] = [];
  const { before: b, after: a } = f;
  const what = `refused ${f.sent?.type ?? 'event'} (${f.refused?.code ?? '?'})`;
  if (a.view.version !== b.view.version) out.push(v('S10', null, `${what} changed the version ${b.view.version} → ${a.view.version}`));
  if (a.journal.length !== b.journal.length) out.push(v('S10', null, `${what} changed the journal (${b.journal.length} → ${a.journal.length} entries)`));
  if (a.view.stateLabel !== b.view.stateLabel) out.push(v('S10', null, `${what} changed the state`));
  if (JSON.stringify(a.view.context) !== JSON.stringify(b.view.context)) out.push(v('S10', null, `${what} changed the context`));
  if (JSON.stringify(a.timers) !== JSON.stringify(b.timers)) out.push(v('S10', null, `${what} changed the timers`));
  if (a.pendingOutbox !== b.pendingOutbox || f.notices.length > 0) out.push(v('S10', null, `${what} produced outbox items or notices`));
  return out;
}

const MUST_ACCEPT_WHILE_DOSED = new Set(['safety.signalReported', 'session.aborted', 'session.escalated', 'treatment.discontinued', 'journey.withdrawn', 'monitoring.adverseEventRecorded']);

/** Checks that need the views before and after a step. */
export function stepViolations(f: StepFacts, sessionNumbers: ReadonlyMap<number, number | null>): Violation[] {
  const out: Violation[] = [];
  const { before: b, after: a } = f;
  const { model } = f;
  const route = (a.view.context.plan?.route ?? null) as KetamineRoute | null;
  const m = route ? model.routes[route] : null;
  const fresh = a.journal.filter((e) => e.seq > (b.journal.at(-1)?.seq ?? 0));
  const eps = episodes(a.journal);
  const episodeOf = (e: Entry) => eps.find((x) => x.open.seq < e.seq && (x.end === null || x.end.seq >= e.seq));

  // S6: the version rises only with a journal entry (no plugins here).
  if (a.view.version !== a.journal.length) out.push(v('S6', null, `version ${a.view.version} with ${a.journal.length} journal entries: a commit left no journal entry`));

  // S1: events that stop dosing are accepted while dosed.
  if (f.sent && f.refused && f.sent.wellFormed && isDosed(b.view.stateLabel) && MUST_ACCEPT_WHILE_DOSED.has(f.sent.type)) {
    const ep = episodes(b.journal).at(-1);
    const already = ep?.entries.some((e) => e.type === f.sent!.type) ?? false;
    const roles = ROLE_TABLE[f.sent.type] ?? [];
    const patientOk = f.sent.role !== 'patient' || !PATIENT_HOME_ONLY.has(f.sent.type) || m?.setting === 'home';
    if (!already && roles.includes(f.sent.role) && patientOk && (f.refused.code === 'CJ_ERR_GUARD' || f.refused.code === 'CJ_ERR_NOT_ALLOWED')) {
      out.push(v('S1', null, `${f.sent.type} by a ${f.sent.role} was refused (${f.refused.code}) while dosed: it must be accepted and kept pending`));
    }
  }

  // S3: every record of the open session is kept in the session record, as in the journal.
  const current = eps.at(-1);
  const record = a.view.context.session;
  if (current && current.end === null && record) {
    const count = (type: string) => current.entries.filter((e) => e.type === type).length;
    const kept: [string, number][] = [
      ['predose.fastingConfirmed', record.preDose.fasting.length],
      ['predose.transportConfirmed', record.preDose.transport.length],
      ['predose.trustedAdultConfirmed', record.preDose.trustedAdult.length],
      ['predose.vitalsRecorded', record.preDose.vitals.length],
      ['predose.bpOverridden', record.preDose.bpOverrides.length],
      ['predose.contraindicationsChecked', record.preDose.contraindicationChecks.length],
      ['predose.medicationsConfirmed', record.preDose.medications.length],
      ['predose.doseDeviationApproved', record.preDose.doseDeviations.length],
      ['monitoring.vitalsRecorded', record.vitals.length],
      ['monitoring.sedationRecorded', record.sedation.length],
      ['monitoring.dissociationRecorded', record.dissociation.length],
      ['monitoring.adverseEventRecorded', record.adverseEvents.length],
    ];
    for (const [type, length] of kept) {
      if (count(type) !== length) out.push(v('S3', null, `the session record keeps ${length} ${type} record(s), the journal ${count(type)}`));
    }
  }

  // S1: the observation timer stays armed while dosed.
  const open = eps.at(-1);
  if (open && open.dose && open.end === null && a.view.status === 'active') {
    const plan = planBefore(a.journal, open.dose.seq, model);
    const elapsed = open.entries.some((e) => e.seq > open.dose!.seq && e.type === 'session.observationElapsed');
    if (plan && !elapsed) {
      const due = ms(open.dose.at) + observationMinutesOf(plan) * MIN;
      const timer = a.timers.find((t) => t.event?.['type'] === 'session.observationElapsed');
      if (!timer) out.push(v('S1', null, 'a dosed session has no observation timer armed'));
      else if (timer.dueAt !== due) out.push(v('S1', null, `the observation timer is due ${fmt(timer.dueAt)}, not ${fmt(due)}`));
    }
  }

  // S1/S4: a reading that hits a stop rule stops the session (and alerts), which stays dosed.
  for (const e of fresh) {
    if (e.type !== 'monitoring.vitalsRecorded' || !isDosed(e.to) || !m) continue;
    const ep = episodeOf(e);
    // A session that also ended within this step (two events at once) is judged by its outcome below.
    if (!ep?.dose || ep.end !== null) continue;
    const hitNow = stopRuleHit(readingsOf(ep.entries, e.seq), m.stopRules);
    if (!hitNow) continue;
    const session = a.view.context.session as (KetamineJourneyContext['session'] & { stopped?: unknown }) | null;
    if (!session || !session.stopped) out.push(v('S4', e.seq, `reading #${e.seq} hits the ${hitNow} stop rule over all readings, but the session is not recorded as stopped`));
    const stoppedBefore = Boolean((b.view.context.session as { stopped?: unknown } | null)?.stopped);
    if (!stoppedBefore && !f.notices.some((n) => n.type === 'safety.alert')) out.push(v('S4', e.seq, `reading #${e.seq} hits the ${hitNow} stop rule, but no safety.alert was raised`));
  }

  // S1: a session stopped by staff, and every hold in treatment, alert (safety.alert) when recorded.
  const alerted = (type: string, kind?: string) => f.notices.some((n) => n.type === type && (kind === undefined || n.payload['kind'] === kind));
  for (const e of fresh) {
    if (e.kind !== 'event') continue;
    const findings = e.type === 'predose.contraindicationsChecked' && Array.isArray(e.payload['newFindings']) ? (e.payload['newFindings'] as unknown[]) : [];
    const holdFinding = findings.includes('pregnancy') || findings.includes('psychotic-symptoms');
    const inTreatment = TREATMENT.test(e.from ?? '');
    const hold = inTreatment && (holdFinding || isHoldTrigger(e, model.holdOnPhq9Item9AtLeast, model.holdOnCssrs));
    if ((hold || e.type === 'session.aborted') && !alerted('safety.alert')) {
      out.push(v('S1', e.seq, `${e.type} (${hold ? 'a hold' : 'a stopped session'}, from ${e.from}) raised no safety.alert`));
    }
  }

  // S5: an overdue vitals reading raises care.alert (vitals-overdue), and the overdue is noticed.
  for (const e of fresh) {
    if (e.type !== 'monitoring.vitalsOverdue' || e.kind !== 'timer' || !isDosed(e.from)) continue;
    const ep = episodeOf(e);
    const plan = ep?.dose ? planBefore(a.journal, ep.dose.seq, model) : null;
    const due = ep && plan ? vitalsOverdueAt(ep, e.seq, plan.m) : null;
    const number = ep?.dose ? sessionNumbers.get(ep.dose.seq) : undefined;
    const ours = number === undefined || number === null || e.payload['sessionNumber'] === number;
    if (due !== null && ours && ms(e.at) >= due && !alerted('care.alert', 'vitals-overdue')) {
      out.push(v('S5', e.seq, `the vitals reading due by ${fmt(due)} was overdue at ${fmt(ms(e.at))}, but no care.alert (vitals-overdue) was raised`));
    }
  }
  const openNow = eps.at(-1);
  if (f.advanced && openNow?.dose && openNow.end === null && a.view.status === 'active') {
    const plan = planBefore(a.journal, openNow.dose.seq, model);
    const due = plan ? vitalsOverdueAt(openNow, Infinity, plan.m) : null;
    if (due !== null && a.now >= due && !openNow.entries.some((e) => e.type === 'monitoring.vitalsOverdue' && e.kind === 'timer' && ms(e.at) >= due)) {
      out.push(v('S5', null, `the vitals reading due by ${fmt(due)} is overdue at ${fmt(a.now)}, and the overdue was not noticed`));
    }
  }

  // S1: how an ended dosed session is recorded.
  for (const e of fresh) {
    const ep = eps.find((x) => x.end === e);
    if (!ep?.dose) continue;
    const number = sessionNumbers.get(ep.dose.seq);
    const record = a.view.context.sessions.find((s) => s.number === number);
    const outcome = record?.outcome as string | undefined;
    const stopped =
      ep.entries.some((x) => x.type === 'session.aborted') || (m !== null && stopRuleHit(readingsOf(ep.entries), m.stopRules) !== null);
    if (e.type === 'session.escalated' && outcome !== 'transferred') out.push(v('S1', e.seq, `an escalated session is recorded as ${String(outcome)}, not transferred`));
    if (e.type === 'session.discharged' && stopped && outcome !== 'aborted') out.push(v('S1', e.seq, `a stopped session discharged after observation is recorded as ${String(outcome)}, not aborted`));
  }

  // S6: sessions become missed only by their no-show timer, never on hold, never early.
  const prevSchedule = new Map(b.view.context.schedule.map((s) => [s.number, s]));
  for (const s of a.view.context.schedule) {
    const was = prevSchedule.get(s.number);
    if (!was || was.status !== 'planned' || s.status !== 'missed') continue;
    const noShows = fresh.filter((e) => e.type === 'session.noShow' && e.kind === 'timer');
    const noShow = noShows.find((e) => e.payload['sessionNumber'] === s.number) ?? noShows.find((e) => e.payload['sessionNumber'] === undefined);
    // A cancelled esketamine session goes to the missed-session review like a no-show.
    const cancelled = fresh.some((e) => e.type === 'session.cancelled');
    if (noShow) {
      if (ON_HOLD.test(noShow.from ?? '')) out.push(v('S6', noShow.seq, `session ${s.number} became missed while on hold`));
      if (ms(noShow.at) < ms(was.dueAt) + model.noShowGraceMinutes * MIN) out.push(v('S6', noShow.seq, `session ${s.number} missed at ${fmt(ms(noShow.at))}, before its due time ${fmt(ms(was.dueAt))} + grace`));
    } else if (!cancelled) out.push(v('S6', null, `session ${s.number} became missed without its no-show timer (step: ${fresh.map((e) => e.type).join(', ') || 'none'})`));
  }

  // S6: while waiting for the next planned session, its no-show timer is armed for its time.
  if (WAITING.test(a.view.stateLabel)) {
    const next = a.view.context.schedule.filter((s) => s.status === 'planned').sort((x, y) => ms(x.dueAt) - ms(y.dueAt))[0];
    if (next) {
      const due = ms(next.dueAt) + model.noShowGraceMinutes * MIN;
      const timer = a.timers.find((t) => t.event?.['type'] === 'session.noShow');
      if (!timer) out.push(v('S6', null, `waiting for session ${next.number} (${fmt(ms(next.dueAt))}) with no no-show timer armed`));
      // A session already past its grace when the journey comes back to waiting is due at once.
      else if ((timer.dueAt !== due && !(timer.dueAt > due && timer.dueAt <= a.now)) || timer.event?.['sessionNumber'] !== next.number) {
        out.push(v('S6', null, `the no-show timer (session ${String(timer.event?.['sessionNumber'])}, due ${fmt(timer.dueAt)}) does not follow session ${next.number} due ${fmt(ms(next.dueAt))}`));
      }
    }
  }

  // S6: resume re-plans the remaining sessions from nextSessionAt.
  for (const e of fresh) {
    if (e.type !== 'hold.reviewed' || e.payload['decision'] !== 'resume') continue;
    // Judged on the view after the resume: skip when another event of the same step came after it.
    if (fresh.some((x) => x.seq > e.seq && x.kind === 'event')) continue;
    const planned = a.view.context.schedule.filter((s) => s.status === 'planned').sort((x, y) => ms(x.dueAt) - ms(y.dueAt));
    if (planned.length === 0) continue;
    const nextAt = str(e.payload, 'nextSessionAt');
    if (nextAt === undefined) out.push(v('S6', e.seq, 'resumed with planned sessions remaining but no nextSessionAt'));
    else if (ms(planned[0]!.dueAt) !== ms(nextAt)) out.push(v('S6', e.seq, `after resume the next session is ${fmt(ms(planned[0]!.dueAt))}, not nextSessionAt ${fmt(ms(nextAt))}`));
  }

  // S12: planned sessions land on open clinic days; generated ones keep the minimum interval.
  if (fresh.length > 0 && m) {
    const prevDue = new Map(b.view.context.schedule.map((s) => [s.number, s.dueAt]));
    const planned = a.view.context.schedule.filter((s) => s.status === 'planned');
    for (const s of planned) {
      if (prevDue.get(s.number) === s.dueAt) continue;
      if (!isOpenDay(ms(s.dueAt), f.calendar)) out.push(v('S12', fresh.at(-1)!.seq, `session ${s.number} planned on a closed day (${localDate(ms(s.dueAt), f.calendar.timeZone)})`));
    }
    const generated = fresh.some(
      (e) =>
        e.type === 'induction.started' ||
        (e.type === 'response.decided' && e.payload['decision'] === 'extend-induction') ||
        (e.type === 'hold.reviewed' && e.payload['decision'] === 'resume') ||
        e.type === 'session.missedReviewed',
    );
    if (generated) {
      // Pairs with a session this step planned or moved: earlier explicit bookings are the dose rule's.
      const changed = (x: { number: number; dueAt: string }) => prevDue.get(x.number) !== x.dueAt;
      const sorted = [...planned].sort((x, y) => ms(x.dueAt) - ms(y.dueAt));
      for (let i = 1; i < sorted.length; i++) {
        if (!changed(sorted[i]!) && !changed(sorted[i - 1]!)) continue;
        const gap = ms(sorted[i]!.dueAt) - ms(sorted[i - 1]!.dueAt);
        if (gap < m.minHoursBetweenDoses * HOUR) out.push(v('S12', fresh.at(-1)!.seq, `sessions ${sorted[i - 1]!.number} and ${sorted[i]!.number} are ${minutes(gap)} min apart (min ${m.minHoursBetweenDoses} h)`));
      }
    }
  }
  return out;
}
