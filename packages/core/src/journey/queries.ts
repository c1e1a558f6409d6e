// Pure questions about a journey's context, shared by the rules, the actions and the REMS form.
import type { AssessmentRecord, KetamineJourneyContext, ScheduledSession, SessionRecord } from './context.js';
import type { RouteProtocol } from './protocol.js';
import type { ResponseInstrument } from './responseReview.js';
import { formatLocal } from '../time/formatLocal.js';
import type { ClinicCalendar } from './clinicCalendar.js';
import { KETAMINE_RULE_CONSTANTS } from './ruleConstants.js';
import { DAY_MS, MINUTE_MS } from './timeUnits.js';

const MIN = MINUTE_MS;

export const iso = (ms: number): string => new Date(ms).toISOString();
export const ms = (instant: string): number => Date.parse(instant);

/** "1 h 05 min", "40 min". */
export function formatMinutes(minutes: number): string {
  const m = Math.max(0, Math.floor(minutes));
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  const rest = m % 60;
  return rest === 0 ? `${h} h` : `${h} h ${String(rest).padStart(2, '0')} min`;
}

/** An instant in the clinic's time zone, as refusal messages show it: "2027-03-15 09:00 (America/New_York)". */
export function formatInstant(instant: string | number, context: { readonly protocol: { readonly timeZone: string } }): string {
  return formatLocal(instant, context.protocol.timeZone);
}

/** The protocol of the planned route, or null before a plan. */
export function routeProtocolOf(context: KetamineJourneyContext): RouteProtocol | null {
  return context.plan ? context.protocol.routes[context.plan.route] : null;
}

export const isEsketaminePlan = (context: KetamineJourneyContext): boolean => routeProtocolOf(context)?.medication === 'esketamine';

export const isHomePlan = (context: KetamineJourneyContext): boolean => routeProtocolOf(context)?.setting === 'home';

/** The planned session due first, if any. */
export function nextPlannedSession(context: KetamineJourneyContext): ScheduledSession | undefined {
  let next: ScheduledSession | undefined;
  for (const s of context.schedule) {
    if (s.status === 'planned' && (!next || ms(s.dueAt) < ms(next.dueAt))) next = s;
  }
  return next;
}

export function plannedSessions(context: KetamineJourneyContext, phase?: 'induction' | 'maintenance'): ScheduledSession[] {
  return context.schedule.filter((s) => s.status === 'planned' && (phase === undefined || s.phase === phase));
}

/** The most recent dose of the journey (the current session's, or the tally's). */
export function lastDoseAt(context: KetamineJourneyContext): number | null {
  const current = context.session?.dose ? ms(context.session.dose.at) : null;
  const before = context.tally.lastDoseAt === null ? null : ms(context.tally.lastDoseAt);
  return current === null ? before : before === null ? current : Math.max(current, before);
}

export function primaryInstrumentOf(context: KetamineJourneyContext): ResponseInstrument {
  return context.plan?.primaryInstrument ?? context.protocol.response.primaryInstrument[context.referral.indication];
}

/** The latest result of an instrument in a phase. */
export function latestAssessment(context: KetamineJourneyContext, instrument: string, phase?: AssessmentRecord['phase'], since?: number): AssessmentRecord | undefined {
  let latest: AssessmentRecord | undefined;
  for (const a of context.assessments) {
    if (a.instrument !== instrument || (phase !== undefined && a.phase !== phase)) continue;
    if (since !== undefined && ms(a.at) < since) continue;
    if (!latest || ms(a.at) >= ms(latest.at)) latest = a;
  }
  return latest;
}

/** What screening still lacks before an eligibility decision, in words. */
export function screeningGaps(context: KetamineJourneyContext): string[] {
  const gaps: string[] = [];
  const { intake } = context;
  if (intake.consultations.length === 0) gaps.push('no consultation recorded');
  const needed = new Set<string>(['GAD-7', 'PHQ-9', primaryInstrumentOf(context)]);
  for (const instrument of needed) {
    if (!latestAssessment(context, instrument, 'baseline')) gaps.push(`no baseline ${instrument}`);
  }
  if (!intake.contraindications) gaps.push('the contraindication checklist is not recorded');
  if (!intake.baselineVitals) gaps.push('no baseline vitals');
  if (!intake.medications) gaps.push('the co-medication review is not recorded');
  if (context.referral.extraScreeningRequired && !intake.extraScreening) gaps.push('the extra screening a self-referral needs is not recorded');
  return gaps;
}

/** Present contraindications that rule a patient out under the clinic's classes. */
export function excludingContraindications(context: KetamineJourneyContext): string[] {
  const present = context.intake.contraindications?.present ?? [];
  return present.filter((c) => context.protocol.contraindicationClasses[c] !== 'physician-review');
}

/** REMS forms not yet submitted. */
export function outstandingRemsForms(context: KetamineJourneyContext): number[] {
  return context.rems.forms.filter((f) => f.submitted === null).map((f) => f.sessionNumber);
}

/** Minutes from the dose to an instant. */
export function minutesSinceDose(session: SessionRecord, at: number): number | null {
  return session.dose ? (at - ms(session.dose.at)) / MIN : null;
}

/** The clinic calendar generated sessions are placed on (the planned route's dose interval). */
export function calendarOf(context: KetamineJourneyContext): ClinicCalendar {
  const { protocol } = context;
  return {
    timeZone: protocol.timeZone,
    clinicDays: protocol.clinicDays,
    closedDates: protocol.closedDates,
    minHoursBetween: routeProtocolOf(context)?.minHoursBetweenDoses ?? 0,
  };
}

/** The clinic's open days, for judging a booked time (the dose interval between sessions is the dose rule's, not the booking's). */
export function openDaysOf(context: KetamineJourneyContext): ClinicCalendar {
  const { protocol } = context;
  return { timeZone: protocol.timeZone, clinicDays: protocol.clinicDays, closedDates: protocol.closedDates, minHoursBetween: 0 };
}

/** The latest of each consumption time across every fasting record of the session (records never erase one another). */
export function effectiveFasting(session: SessionRecord): { lastFoodAt: number; lastLiquidAt: number; lastNasalAt: number | null } | null {
  const records = session.preDose.fasting;
  if (records.length === 0) return null;
  let lastFoodAt = -Infinity;
  let lastLiquidAt = -Infinity;
  let lastNasalAt: number | null = null;
  for (const r of records) {
    lastFoodAt = Math.max(lastFoodAt, ms(r.lastFoodAt));
    lastLiquidAt = Math.max(lastLiquidAt, ms(r.lastLiquidAt));
    if (r.lastNasalSteroidOrDecongestantAt !== null) lastNasalAt = Math.max(lastNasalAt ?? -Infinity, ms(r.lastNasalSteroidOrDecongestantAt));
  }
  return { lastFoodAt, lastLiquidAt, lastNasalAt };
}

/** Pre-dose readings above the limit that no later physician override covers. */
export function uncoveredHighReadings(session: SessionRecord, limit: RouteProtocol['preDoseBpLimit']): SessionRecord['preDose']['vitals'] {
  const covered = session.preDose.bpOverrides.reduce((n, o) => Math.max(n, o.coversReadings), 0);
  return session.preDose.vitals.filter((v, i) => i >= covered && (v.systolic > limit.systolic || v.diastolic > limit.diastolic));
}

/** Blocking records not yet cleared by a physician. */
export function outstandingBlocking(session: SessionRecord): SessionRecord['preDose']['blocking'] {
  return session.preDose.blocking.filter((b) => b.cleared === null);
}

/** The plan's amount in mg for a session number, or null when it cannot be worked out. */
export function plannedDoseMg(context: KetamineJourneyContext, sessionNumber: number): number | null {
  const plan = context.plan;
  if (!plan) return null;
  let step: (typeof plan.dosePlan.steps)[number] | undefined;
  for (const s of plan.dosePlan.steps) if (s.fromSession <= sessionNumber && (!step || s.fromSession >= step.fromSession)) step = s;
  if (!step) return null;
  if (step.unit === 'mg') return step.amount;
  return plan.weightKg === null ? null : Math.round(step.amount * plan.weightKg * 100) / 100;
}

/** True when no earlier session of the journey was dosed. */
export function isFirstDose(context: KetamineJourneyContext): boolean {
  return context.tally.doses === 0;
}

/** What is wrong with a dose of `amountMg` in the current session under the plan and the route's dosing rules. */
export function doseProblems(context: KetamineJourneyContext, amountMg: number): string[] {
  const session = context.session;
  const route = routeProtocolOf(context);
  if (!session || !route) return [];
  const problems: string[] = [];
  const { allowedDosesMg, firstDoseMg, toleranceMg } = route.dosing;
  if (allowedDosesMg !== null && !allowedDosesMg.includes(amountMg)) {
    problems.push(`${amountMg} mg is not an allowed dose on this route (${allowedDosesMg.map((d) => `${d} mg`).join(' or ')})`);
  }
  if (firstDoseMg !== null && isFirstDose(context) && amountMg !== firstDoseMg) {
    problems.push(`The first dose is ${firstDoseMg} mg on this route; ${amountMg} mg was recorded`);
  }
  const planned = plannedDoseMg(context, session.number);
  const approved = session.preDose.doseDeviations.some((d) => Math.abs(d.amountMg - amountMg) <= toleranceMg);
  if (planned === null) {
    if (!approved) problems.push(`The plan gives no amount for session ${session.number}: a physician must approve the dose given`);
  } else if (Math.abs(planned - amountMg) > toleranceMg && !approved) {
    problems.push(`${amountMg} mg differs from the plan's ${planned} mg for session ${session.number}: a physician must approve the deviation first`);
  }
  return problems;
}

/** What still stands between the current session and a dose at `at`, in words a clinician reads. */
export function preDoseProblems(context: KetamineJourneyContext, at: number): string[] {
  const session = context.session;
  const route = routeProtocolOf(context);
  if (!session || !route || !context.plan) return ['No session is in progress'];
  const problems: string[] = [];
  const { preDose } = session;
  const { intake } = context;
  if (intake.eligibility?.outcome !== 'eligible') problems.push('The patient has not been found eligible');
  if (!intake.consent) problems.push('Consent has not been recorded');
  if (route.requiresRems && !intake.remsEnrolment) problems.push('REMS enrolment is not recorded: esketamine cannot be dosed before it');
  const fasting = effectiveFasting(session);
  if (!fasting) problems.push('Fasting has not been confirmed');
  else {
    const { foodHours, liquidMinutes, nasalSteroidOrDecongestantMinutes } = route.fasting;
    const sinceFood = (at - fasting.lastFoodAt) / MIN;
    const sinceLiquid = (at - fasting.lastLiquidAt) / MIN;
    if (sinceFood < foodHours * 60) problems.push(`Last food ${formatMinutes(sinceFood)} ago: the protocol needs ${formatMinutes(foodHours * 60)} without food`);
    if (sinceLiquid < liquidMinutes) problems.push(`Last liquid ${formatMinutes(sinceLiquid)} ago: the protocol needs ${formatMinutes(liquidMinutes)} without liquids`);
    if (fasting.lastNasalAt !== null && nasalSteroidOrDecongestantMinutes !== null) {
      const sinceNasal = (at - fasting.lastNasalAt) / MIN;
      if (sinceNasal < nasalSteroidOrDecongestantMinutes) {
        problems.push(`Nasal steroid or decongestant ${formatMinutes(sinceNasal)} ago: the protocol needs ${formatMinutes(nasalSteroidOrDecongestantMinutes)}`);
      }
    }
  }
  if (route.setting === 'clinic') {
    if (!preDose.transport.some((t) => t.responsibleAdultConfirmed)) problems.push('No ride home with a responsible adult is confirmed');
  } else if (!preDose.trustedAdult.some((t) => t.confirmed)) {
    problems.push('The trusted adult (18 or over, present the whole session, within voice range, able to call for help) is not confirmed');
  }
  const vitals = preDose.vitals[preDose.vitals.length - 1];
  if (!vitals) problems.push('No pre-dose blood pressure recorded');
  else if (at - ms(vitals.takenAt) > route.preDoseVitalsMaxAgeMinutes * MIN) {
    problems.push(`The last pre-dose blood pressure is ${formatMinutes((at - ms(vitals.takenAt)) / MIN)} old: record one within ${formatMinutes(route.preDoseVitalsMaxAgeMinutes)} of the dose`);
  } else {
    const limit = route.preDoseBpLimit;
    const high = uncoveredHighReadings(session, limit);
    if (high.length > 0) {
      const shown = high.map((v) => `${v.systolic}/${v.diastolic}`).join(', ');
      problems.push(`BP ${shown} is above the ${limit.systolic}/${limit.diastolic} pre-dose limit: a physician override is needed`);
    }
  }
  if (preDose.contraindicationChecks.length === 0) problems.push('The pre-dose check for new contraindications is not recorded');
  // Checks recorded long before the dose (a session left open for hours) no longer describe the patient.
  const fresh = (records: readonly { at: string }[]) => records.some((r) => at - ms(r.at) <= route.preDoseChecksValidMinutes * MIN);
  const stale: string[] = [];
  if (route.setting === 'clinic' ? preDose.transport.some((t) => t.responsibleAdultConfirmed) && !fresh(preDose.transport.filter((t) => t.responsibleAdultConfirmed)) : preDose.trustedAdult.some((t) => t.confirmed) && !fresh(preDose.trustedAdult.filter((t) => t.confirmed))) {
    stale.push(route.setting === 'clinic' ? 'the ride home' : 'the trusted adult');
  }
  if (preDose.contraindicationChecks.length > 0 && !fresh(preDose.contraindicationChecks)) stale.push('the contraindication check');
  if (preDose.medications.length > 0 && !fresh(preDose.medications)) stale.push('the co-medications');
  if (stale.length > 0) problems.push(`Confirm again before the dose (older than ${formatMinutes(route.preDoseChecksValidMinutes)}): ${stale.join(', ')}`);
  const blocking = outstandingBlocking(session);
  if (blocking.length > 0) problems.push(`${blocking.map((b) => b.detail).join('; ')}: a physician must clear it before dosing`);
  if (route.requiresRems && preDose.medications.length === 0) problems.push('Today’s co-medications are not confirmed (the REMS form reports them)');
  const last = lastDoseAt(context);
  if (last !== null && at - last < route.minHoursBetweenDoses * 60 * MIN) {
    problems.push(`The last dose was ${formatMinutes((at - last) / MIN)} ago: the protocol needs ${route.minHoursBetweenDoses} h between doses`);
  }
  const checkInDays = route.maintenance.clinicianCheckInAfterDays;
  if (checkInDays !== null && last !== null && at - last > checkInDays * DAY_MS) {
    const checkedInSince = context.maintenance.checkIns.some((c) => ms(c.at) > last);
    if (!checkedInSince) problems.push(`More than ${checkInDays} days since the last dose: a clinician check-in is needed first`);
  }
  return problems;
}

const aboveLimit = (r: { systolic: number; diastolic: number }, limit: { systolic: number; diastolic: number }, pre: { systolic: number; diastolic: number } | null, tolerance: number): boolean => {
  const sysOk = r.systolic <= limit.systolic || (pre !== null && r.systolic <= pre.systolic + tolerance);
  const diaOk = r.diastolic <= limit.diastolic || (pre !== null && r.diastolic <= pre.diastolic + tolerance);
  return !sysOk || !diaOk;
};

/**
 * When a reading counts as the route's post-dose blood-pressure check: from `checkToleranceMinutes`
 * before its minute to `bpCheckLateToleranceFactor` times that after it (35-55 min by default); null
 * when the route has no check.
 */
export function bpCheckWindow(route: RouteProtocol, doseAt: number): { readonly opensAt: number; readonly closesAt: number } | null {
  const { bpCheckAtMinutes, checkToleranceMinutes } = route.monitoring;
  if (bpCheckAtMinutes === null) return null;
  const late = KETAMINE_RULE_CONSTANTS.bpCheckLateToleranceFactor.value * checkToleranceMinutes;
  return { opensAt: doseAt + (bpCheckAtMinutes - checkToleranceMinutes) * MIN, closesAt: doseAt + (bpCheckAtMinutes + late) * MIN };
}

/** True when a reading was taken within the check window. */
export function bpCheckRecorded(readings: readonly { readonly takenAt: string }[], window: { readonly opensAt: number; readonly closesAt: number }): boolean {
  return readings.some((v) => ms(v.takenAt) >= window.opensAt && ms(v.takenAt) <= window.closesAt);
}

type Bp = { readonly systolic: number; readonly diastolic: number; readonly takenAt: string };

/**
 * Whether blood pressure is rising at the end of the readings (in `takenAt` order): the latest is
 * more than `tolerance` above the lowest (systolic or diastolic) of the readings taken since
 * `windowStart`, so a steady rise in small steps counts. A window with one reading is compared with
 * the reading before it. Null when not rising.
 */
export function risingOverWindow<T extends Bp>(readings: readonly T[], windowStart: number, tolerance: number): { readonly lowest: { systolic: number; diastolic: number }; readonly latest: T } | null {
  const latest = readings[readings.length - 1];
  if (!latest) return null;
  let from = readings.findIndex((v) => ms(v.takenAt) >= windowStart);
  if (from === -1 || from === readings.length - 1) from = readings.length - 2;
  const span = readings.slice(Math.max(0, from));
  const lowest = { systolic: Math.min(...span.map((v) => v.systolic)), diastolic: Math.min(...span.map((v) => v.diastolic)) };
  return latest.systolic > lowest.systolic + tolerance || latest.diastolic > lowest.diastolic + tolerance ? { lowest, latest } : null;
}

/** What stands between the current session and discharge at `at` (context only). */
export function dischargeProblems(context: KetamineJourneyContext, at: number): string[] {
  const session = context.session;
  const route = routeProtocolOf(context);
  if (!session || !route || !session.dose) return ['No dosed session is in progress'];
  const problems: string[] = [];
  const doseAt = ms(session.dose.at);
  const since = (at - doseAt) / MIN;
  if (session.observationElapsedAt === null || since < session.observationMinutes) {
    problems.push(`The minimum observation of ${formatMinutes(session.observationMinutes)} has not elapsed (${formatMinutes(since)} since the dose)`);
  }
  // Only readings taken by now count: a reading is never judged from the future.
  const readings = session.vitals.filter((v) => ms(v.takenAt) <= at);
  const { bpCheckAtMinutes, checkToleranceMinutes, vitalsEveryMinutes } = route.monitoring;
  const checkWindow = bpCheckWindow(route, doseAt);
  if (checkWindow !== null && !bpCheckRecorded(readings, checkWindow) && session.bpCheckMissed === null) {
    problems.push(`The ${bpCheckAtMinutes}-minute blood-pressure check has not been recorded`);
  }
  const latest = readings[readings.length - 1];
  if (vitalsEveryMinutes !== null) {
    const lastAt = latest ? ms(latest.takenAt) : doseAt;
    if (at - lastAt >= (vitalsEveryMinutes + checkToleranceMinutes) * MIN) {
      problems.push(`A vitals reading is overdue: the route records vitals every ${formatMinutes(vitalsEveryMinutes)} (last ${formatMinutes((at - lastAt) / MIN)} ago)`);
    }
  }
  const { bpLimit, baselineToleranceMmHg, stableWindowMinutes, riseToleranceMmHg, minSpO2, sedationScore, requiresDissociationAssessment } = route.discharge;
  const windowReadings = readings.filter((v) => at - ms(v.takenAt) <= stableWindowMinutes * MIN);
  const pre = session.preDose.vitals[session.preDose.vitals.length - 1] ?? null;
  if (windowReadings.length === 0) {
    problems.push(`No vitals recorded in the last ${formatMinutes(stableWindowMinutes)}`);
  } else {
    const high = windowReadings.filter((v) => aboveLimit(v, bpLimit, pre, baselineToleranceMmHg));
    if (high.length > 0) {
      problems.push(
        `BP ${high.map((v) => `${v.systolic}/${v.diastolic}`).join(', ')} in the last ${formatMinutes(stableWindowMinutes)} is not back near baseline (limit ${bpLimit.systolic}/${bpLimit.diastolic}${pre ? `, pre-dose ${pre.systolic}/${pre.diastolic} + ${baselineToleranceMmHg}` : ''})`,
      );
    }
    const rising = risingOverWindow(readings, at - stableWindowMinutes * MIN, riseToleranceMmHg);
    if (rising !== null) {
      problems.push(
        `BP is rising over the last ${formatMinutes(stableWindowMinutes)} (lowest ${rising.lowest.systolic}/${rising.lowest.diastolic}, now ${rising.latest.systolic}/${rising.latest.diastolic}; more than ${riseToleranceMmHg} mmHg above the lowest): discharge when it is decreasing and stable`,
      );
    }
  }
  const withSpo2 = readings.filter((v) => v.spo2 !== null);
  const lastSpo2 = withSpo2[withSpo2.length - 1];
  if (!lastSpo2) problems.push('No SpO2 recorded this session');
  else if ((lastSpo2.spo2 ?? 0) < minSpO2) problems.push(`SpO2 ${lastSpo2.spo2}% is below ${minSpO2}%`);
  const sedation = session.sedation.filter((s) => ms(s.takenAt) <= at);
  const lastSedation = sedation[sedation.length - 1];
  if (!lastSedation) problems.push('No sedation level (MOAA/S) recorded this session');
  else if (lastSedation.moaas < sedationScore) problems.push(`The last MOAA/S is ${lastSedation.moaas}: discharge needs ${sedationScore}`);
  if (requiresDissociationAssessment && session.dissociation.length === 0) problems.push('No dissociation (CADSS) assessment recorded this session');
  return problems;
}
