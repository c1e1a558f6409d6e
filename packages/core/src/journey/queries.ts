// Pure questions about a journey's context, shared by the rules, the actions and the REMS form.
import type { AssessmentRecord, KetamineJourneyContext, ScheduledSession, SessionRecord } from './context.js';
import type { RouteProtocol } from './protocol.js';
import type { ResponseInstrument } from './responseReview.js';

const MIN = 60_000;

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

/** "2026-03-02 09:00 UTC". */
export function formatInstant(instant: string | number): string {
  const d = typeof instant === 'number' ? new Date(instant) : new Date(instant);
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
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

/** The most recent dose of the journey (the current session first). */
export function lastDoseAt(context: KetamineJourneyContext): number | null {
  let last: number | null = null;
  for (const s of [...context.sessions, ...(context.session ? [context.session] : [])]) {
    if (s.dose && (last === null || ms(s.dose.at) > last)) last = ms(s.dose.at);
  }
  return last;
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
  if (!preDose.fasting) problems.push('Fasting has not been confirmed');
  else {
    const { foodHours, liquidMinutes, nasalSteroidOrDecongestantMinutes } = route.fasting;
    const sinceFood = (at - ms(preDose.fasting.lastFoodAt)) / MIN;
    const sinceLiquid = (at - ms(preDose.fasting.lastLiquidAt)) / MIN;
    if (sinceFood < foodHours * 60) problems.push(`Last food ${formatMinutes(sinceFood)} ago: the protocol needs ${formatMinutes(foodHours * 60)} without food`);
    if (sinceLiquid < liquidMinutes) problems.push(`Last liquid ${formatMinutes(sinceLiquid)} ago: the protocol needs ${formatMinutes(liquidMinutes)} without liquids`);
    const nasal = preDose.fasting.lastNasalSteroidOrDecongestantAt;
    if (nasal !== null && nasalSteroidOrDecongestantMinutes !== null) {
      const sinceNasal = (at - ms(nasal)) / MIN;
      if (sinceNasal < nasalSteroidOrDecongestantMinutes) {
        problems.push(`Nasal steroid or decongestant ${formatMinutes(sinceNasal)} ago: the protocol needs ${formatMinutes(nasalSteroidOrDecongestantMinutes)}`);
      }
    }
  }
  if (route.setting === 'clinic') {
    if (!preDose.transport) problems.push('No ride home with a responsible adult is confirmed');
    else if (!preDose.transport.responsibleAdultConfirmed) problems.push('The ride home is not with a responsible adult');
  } else if (!preDose.trustedAdult?.confirmed) {
    problems.push('The trusted adult (18 or over, present the whole session, within voice range, able to call for help) is not confirmed');
  }
  const vitals = preDose.vitals;
  if (!vitals) problems.push('No pre-dose blood pressure recorded');
  else {
    const limit = route.preDoseBpLimit;
    if ((vitals.systolic > limit.systolic || vitals.diastolic > limit.diastolic) && !preDose.bpOverride) {
      problems.push(`BP ${vitals.systolic}/${vitals.diastolic} is above the ${limit.systolic}/${limit.diastolic} pre-dose limit: a physician override is needed`);
    }
  }
  const check = preDose.contraindicationCheck;
  if (!check) problems.push('The pre-dose check for new contraindications is not recorded');
  else if (check.newFindings.length > 0 && !preDose.findingCleared) {
    problems.push(`New since the last session: ${check.newFindings.join(', ')}: a physician must clear it before dosing`);
  }
  const last = lastDoseAt(context);
  if (last !== null && at - last < route.minHoursBetweenDoses * 60 * MIN) {
    problems.push(`The last dose was ${formatMinutes((at - last) / MIN)} ago: the protocol needs ${route.minHoursBetweenDoses} h between doses`);
  }
  const checkInDays = route.maintenance.clinicianCheckInAfterDays;
  if (checkInDays !== null && last !== null && at - last > checkInDays * 24 * 60 * MIN) {
    const checkedInSince = context.maintenance.checkIns.some((c) => ms(c.at) > last);
    if (!checkedInSince) problems.push(`More than ${checkInDays} days since the last dose: a clinician check-in is needed first`);
  }
  return problems;
}

/** What stands between the current session and discharge at `at` (context only). */
export function dischargeProblems(context: KetamineJourneyContext, at: number): string[] {
  const session = context.session;
  const route = routeProtocolOf(context);
  if (!session || !route || !session.dose) return ['No dosed session is in progress'];
  const problems: string[] = [];
  const since = (at - ms(session.dose.at)) / MIN;
  if (session.observationElapsedAt === null || since < session.observationMinutes) {
    problems.push(`The minimum observation of ${formatMinutes(session.observationMinutes)} has not elapsed (${formatMinutes(since)} since the dose)`);
  }
  if (route.monitoring.clinicMonitoring) {
    const doseAt = ms(session.dose.at);
    const { bpCheckAtMinutes, checkToleranceMinutes } = route.monitoring;
    const inCheckWindow = (check: number, takenAt: string) => {
      const m = (ms(takenAt) - doseAt) / MIN;
      return m >= check - checkToleranceMinutes && m <= check + 3 * checkToleranceMinutes;
    };
    if (bpCheckAtMinutes !== null && !session.vitals.some((v) => inCheckWindow(bpCheckAtMinutes, v.takenAt))) {
      problems.push(`The ${bpCheckAtMinutes}-minute blood-pressure check has not been recorded`);
    }
    const last = session.vitals[session.vitals.length - 1];
    const { bpLimit, baselineToleranceMmHg, vitalsMaxAgeMinutes, minSpO2, sedationScore } = route.discharge;
    if (!last || at - ms(last.takenAt) > vitalsMaxAgeMinutes * MIN) {
      problems.push(`No vitals recorded in the last ${formatMinutes(vitalsMaxAgeMinutes)}`);
    } else {
      const pre = session.preDose.vitals;
      const sysOk = last.systolic <= bpLimit.systolic || (pre !== null && last.systolic <= pre.systolic + baselineToleranceMmHg);
      const diaOk = last.diastolic <= bpLimit.diastolic || (pre !== null && last.diastolic <= pre.diastolic + baselineToleranceMmHg);
      if (!sysOk || !diaOk) {
        problems.push(
          `BP ${last.systolic}/${last.diastolic} is not back near baseline (limit ${bpLimit.systolic}/${bpLimit.diastolic}${pre ? `, pre-dose ${pre.systolic}/${pre.diastolic}` : ''})`,
        );
      }
    }
    const withSpo2 = session.vitals.filter((v) => v.spo2 !== null);
    const lastSpo2 = withSpo2[withSpo2.length - 1];
    if (!lastSpo2) problems.push('No SpO2 recorded this session');
    else if ((lastSpo2.spo2 ?? 0) < minSpO2) problems.push(`SpO2 ${lastSpo2.spo2}% is below ${minSpO2}%`);
    const lastSedation = session.sedation[session.sedation.length - 1];
    if (!lastSedation) problems.push('No sedation level (MOAA/S) recorded this session');
    else if (lastSedation.moaas < sedationScore) problems.push(`The last MOAA/S is ${lastSedation.moaas}: discharge needs ${sedationScore}`);
  }
  return problems;
}
