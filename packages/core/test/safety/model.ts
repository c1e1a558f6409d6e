// The safety suite's own model of the clinic: the protocol it configures (every number its
// invariant checks use is set here, so the checks never read a number from the library's rules),
// the roles each event is for, the clinic calendar, and small time helpers.
import { Temporal } from 'temporal-polyfill';
import type { KetamineRoute } from '../../src/index.js';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
export const iso = (ms: number): string => new Date(ms).toISOString();
export const ms = (instant: string): number => Date.parse(instant);

export const ROUTES = ['esketamine-nasal', 'iv', 'im', 'sc', 'sublingual-home'] as const satisfies readonly KetamineRoute[];

/** The clinic's zone for the random walks: they start two weeks before the 2027 spring-forward. */
export const TIME_ZONE = 'America/New_York';
export const WALK_START = '2027-03-01T13:00:00Z';
/** Closed dates of the walk's clinic (a Friday, a Monday, a Wednesday). */
export const CLOSED_DATES = ['2027-03-19', '2027-03-29', '2027-04-14'] as const;
export const CLINIC_DAYS = [1, 2, 3, 4, 5] as const;

export interface RouteModel {
  readonly setting: 'clinic' | 'home';
  readonly medication: 'esketamine' | 'racemic-ketamine';
  readonly observationMinutes: number;
  readonly bpCheckAtMinutes: number | null;
  readonly checkToleranceMinutes: number;
  readonly vitalsEveryMinutes: number | null;
  readonly preDoseBpLimit: { readonly systolic: number; readonly diastolic: number };
  readonly discharge: {
    readonly bpLimit: { readonly systolic: number; readonly diastolic: number };
    readonly baselineToleranceMmHg: number;
    readonly minSpO2: number;
    readonly sedationScore: number;
    readonly stableWindowMinutes: number;
    readonly riseToleranceMmHg: number;
    readonly requiresDissociationAssessment: boolean;
  };
  readonly fasting: { readonly foodHours: number; readonly liquidMinutes: number; readonly nasalSteroidOrDecongestantMinutes: number | null };
  readonly stopRules: {
    readonly repeatedBp: { readonly systolic: number; readonly diastolic: number; readonly minutesApart: number };
    readonly singleBp: { readonly systolic: number; readonly diastolic: number };
    readonly heartRate: { readonly above: number; readonly forMinutes: number };
    readonly spo2Below: number | null;
  };
  readonly minHoursBetweenDoses: number;
  /** The last pre-dose blood pressure is at most this old at the dose. */
  readonly preDoseVitalsMaxAgeMinutes: number;
  /** A clinician check-in is needed before a dose when the last dose is older than this (days). */
  readonly clinicianCheckInAfterDays: number | null;
  readonly checkInOpensHoursBefore: number;
  readonly requiresRems: boolean;
  readonly mgPerDevice: number | null;
  readonly dosing: { readonly allowedDosesMg: readonly number[] | null; readonly firstDoseMg: number | null; readonly toleranceMg: number };
}

const stopRules = {
  repeatedBp: { systolic: 180, diastolic: 110, minutesApart: 5 },
  singleBp: { systolic: 200, diastolic: 120 },
  heartRate: { above: 120, forMinutes: 5 },
  spo2Below: null,
} as const;

const discharge = (requiresDissociationAssessment: boolean) => ({
  bpLimit: { systolic: 140, diastolic: 90 },
  baselineToleranceMmHg: 10,
  minSpO2: 92,
  sedationScore: 5,
  stableWindowMinutes: 30,
  riseToleranceMmHg: 10,
  requiresDissociationAssessment,
});

const base = {
  preDoseBpLimit: { systolic: 140, diastolic: 90 },
  stopRules,
  minHoursBetweenDoses: 20,
  preDoseVitalsMaxAgeMinutes: 45,
  checkInOpensHoursBefore: 12,
  checkToleranceMinutes: 5,
} as const;

/** The numbers of each route, as this suite configures them. */
export const ROUTE_MODEL: Readonly<Record<KetamineRoute, RouteModel>> = {
  'esketamine-nasal': {
    ...base,
    setting: 'clinic',
    medication: 'esketamine',
    observationMinutes: 120,
    bpCheckAtMinutes: 40,
    vitalsEveryMinutes: null,
    discharge: discharge(true),
    fasting: { foodHours: 2, liquidMinutes: 30, nasalSteroidOrDecongestantMinutes: 60 },
    requiresRems: true,
    clinicianCheckInAfterDays: null,
    mgPerDevice: 28,
    dosing: { allowedDosesMg: [56, 84], firstDoseMg: 56, toleranceMg: 0 },
  },
  iv: {
    ...base,
    setting: 'clinic',
    medication: 'racemic-ketamine',
    observationMinutes: 60,
    bpCheckAtMinutes: 40,
    vitalsEveryMinutes: 15,
    discharge: discharge(false),
    fasting: { foodHours: 2, liquidMinutes: 30, nasalSteroidOrDecongestantMinutes: null },
    requiresRems: false,
    clinicianCheckInAfterDays: null,
    mgPerDevice: null,
    dosing: { allowedDosesMg: null, firstDoseMg: null, toleranceMg: 1 },
  },
  im: {
    ...base,
    setting: 'clinic',
    medication: 'racemic-ketamine',
    observationMinutes: 60,
    bpCheckAtMinutes: 40,
    vitalsEveryMinutes: 20,
    discharge: discharge(false),
    fasting: { foodHours: 2, liquidMinutes: 30, nasalSteroidOrDecongestantMinutes: null },
    requiresRems: false,
    clinicianCheckInAfterDays: null,
    mgPerDevice: null,
    dosing: { allowedDosesMg: null, firstDoseMg: null, toleranceMg: 1 },
  },
  sc: {
    ...base,
    setting: 'clinic',
    medication: 'racemic-ketamine',
    observationMinutes: 60,
    bpCheckAtMinutes: 30,
    vitalsEveryMinutes: null,
    discharge: discharge(false),
    fasting: { foodHours: 2, liquidMinutes: 30, nasalSteroidOrDecongestantMinutes: null },
    requiresRems: false,
    clinicianCheckInAfterDays: null,
    mgPerDevice: null,
    dosing: { allowedDosesMg: null, firstDoseMg: null, toleranceMg: 1 },
  },
  'sublingual-home': {
    ...base,
    setting: 'home',
    medication: 'racemic-ketamine',
    observationMinutes: 120,
    bpCheckAtMinutes: null,
    vitalsEveryMinutes: null,
    discharge: discharge(false),
    fasting: { foodHours: 2, liquidMinutes: 30, nasalSteroidOrDecongestantMinutes: null },
    requiresRems: false,
    clinicianCheckInAfterDays: 90,
    mgPerDevice: null,
    dosing: { allowedDosesMg: null, firstDoseMg: null, toleranceMg: 1 },
  },
};

export const NO_SHOW_GRACE_MINUTES = 30;
export const READING_SKEW_MINUTES = 2;
export const REMS_FORM_DUE_DAYS = 7;
export const HOLD_ON_PHQ9_ITEM9_AT_LEAST = 1;
export const HOLD_ON_CSSRS: readonly string[] = ['high'];

/**
 * Every number of the protocol a clinic of this suite configures: the routes' and the journey's.
 * The invariant checks read their numbers from here, never from the library.
 */
export interface SafetyModel {
  readonly routes: Readonly<Record<KetamineRoute, RouteModel>>;
  readonly noShowGraceMinutes: number;
  readonly readingSkewMinutes: number;
  readonly remsFormDueDays: number;
  readonly holdOnPhq9Item9AtLeast: number;
  readonly holdOnCssrs: readonly string[];
}

/** The suite's fixed protocol: the directed tests run on it; the random walks draw their own (randomSafetyModel.ts). */
export const SAFETY_MODEL: SafetyModel = {
  routes: ROUTE_MODEL,
  noShowGraceMinutes: NO_SHOW_GRACE_MINUTES,
  readingSkewMinutes: READING_SKEW_MINUTES,
  remsFormDueDays: REMS_FORM_DUE_DAYS,
  holdOnPhq9Item9AtLeast: HOLD_ON_PHQ9_ITEM9_AT_LEAST,
  holdOnCssrs: HOLD_ON_CSSRS,
};

/** The route part of the protocol this suite configures (the keys of docs/safety.md's protocol). */
function routeProtocol(m: RouteModel): Record<string, unknown> {
  return {
    medication: m.medication,
    setting: m.setting,
    requiresRems: m.requiresRems,
    mgPerDevice: m.mgPerDevice,
    observationMinutes: m.observationMinutes,
    monitoring: { bpCheckAtMinutes: m.bpCheckAtMinutes, checkToleranceMinutes: m.checkToleranceMinutes, vitalsEveryMinutes: m.vitalsEveryMinutes },
    preDoseBpLimit: { ...m.preDoseBpLimit },
    discharge: { ...m.discharge, bpLimit: { ...m.discharge.bpLimit } },
    fasting: { ...m.fasting },
    stopRules: JSON.parse(JSON.stringify(m.stopRules)) as unknown,
    minHoursBetweenDoses: m.minHoursBetweenDoses,
    preDoseVitalsMaxAgeMinutes: m.preDoseVitalsMaxAgeMinutes,
    maintenance: { clinicianCheckInAfterDays: m.clinicianCheckInAfterDays },
    checkInOpensHoursBefore: m.checkInOpensHoursBefore,
    dosing: { allowedDosesMg: m.dosing.allowedDosesMg === null ? null : [...m.dosing.allowedDosesMg], firstDoseMg: m.dosing.firstDoseMg, toleranceMg: m.dosing.toleranceMg },
  };
}

export interface ProtocolOptions {
  readonly timeZone?: string;
  readonly clinicDays?: readonly number[];
  readonly closedDates?: readonly string[];
}

/** The protocol the suite's clinic configures, in the shape of the safety model (docs/safety.md). */
export function safetyProtocol(options: ProtocolOptions = {}, model: SafetyModel = SAFETY_MODEL): Record<string, unknown> {
  return {
    timeZone: options.timeZone ?? TIME_ZONE,
    acceptUnconfirmedDefaults: true,
    clinicDays: [...(options.clinicDays ?? CLINIC_DAYS)],
    closedDates: [...(options.closedDates ?? CLOSED_DATES)],
    readingClockSkewMinutes: model.readingSkewMinutes,
    noShowGraceMinutes: model.noShowGraceMinutes,
    rems: { formDueDays: model.remsFormDueDays },
    therapy: { lapseAfterDays: 30 },
    suicidality: { holdOnPhq9Item9AtLeast: model.holdOnPhq9Item9AtLeast, holdOnCssrsRisk: [...model.holdOnCssrs] },
    routes: Object.fromEntries(ROUTES.map((r) => [r, routeProtocol(model.routes[r])])),
  };
}

// ------------------------------------------------------------------ who may send what

const staff = ['nurse', 'physician'] as const;
const recorders = ['nurse', 'physician', 'patient'] as const;

/** The roles each event is for (the safety model's policy), written out by this suite. */
export const ROLE_TABLE: Readonly<Record<string, readonly string[]>> = {
  'referral.accepted': ['coordinator', 'physician'],
  'referral.declined': ['coordinator', 'physician'],
  'consultation.recorded': staff,
  'assessment.recorded': ['nurse', 'physician', 'therapist', 'patient', 'system'],
  'screening.contraindicationsRecorded': staff,
  'screening.vitalsRecorded': staff,
  'screening.medicationsReviewed': staff,
  'screening.selfReferralReviewed': staff,
  'eligibility.decided': ['nurse', 'physician', 'system'],
  'consent.recorded': ['physician'],
  'rems.enrolled': ['coordinator', 'physician'],
  'plan.recorded': ['physician'],
  'induction.started': ['coordinator', 'physician'],
  'session.rescheduled': ['coordinator', 'nurse', 'physician'],
  'session.cancelled': ['coordinator', 'nurse', 'physician'],
  'session.missedReviewed': ['physician'],
  'session.checkedIn': ['coordinator', 'nurse', 'physician', 'patient'],
  'predose.fastingConfirmed': recorders,
  'predose.transportConfirmed': ['coordinator', 'nurse', 'physician'],
  'predose.trustedAdultConfirmed': recorders,
  'predose.vitalsRecorded': recorders,
  'predose.bpOverridden': ['physician'],
  'predose.contraindicationsChecked': recorders,
  'predose.findingCleared': ['physician'],
  'predose.medicationsConfirmed': recorders,
  'predose.doseDeviationApproved': ['physician'],
  'dose.recorded': recorders,
  'monitoring.vitalsRecorded': recorders,
  'monitoring.sedationRecorded': recorders,
  'monitoring.dissociationRecorded': recorders,
  'monitoring.adverseEventRecorded': recorders,
  'session.discharged': recorders,
  'session.aborted': staff,
  'session.escalated': staff,
  'response.decided': ['physician'],
  'maintenance.cadenceChanged': ['physician'],
  'checkIn.recorded': staff,
  'maintenance.ended': ['physician'],
  'safety.signalReported': ['nurse', 'physician', 'therapist', 'patient', 'system'],
  'hold.reviewed': ['physician'],
  'treatment.discontinued': ['physician'],
  'journey.withdrawn': ['coordinator', 'physician', 'patient'],
  'therapy.linked': ['coordinator', 'therapist', 'physician'],
  'therapy.sessionAttended': ['therapist', 'patient', 'system'],
  'therapy.ended': ['therapist', 'physician'],
  'rems.formSubmitted': ['coordinator', 'nurse', 'physician'],
};

/** Session records a patient may make for an at-home session only. */
export const PATIENT_HOME_ONLY = new Set([
  'session.checkedIn',
  'predose.fastingConfirmed',
  'predose.trustedAdultConfirmed',
  'predose.vitalsRecorded',
  'predose.contraindicationsChecked',
  'predose.medicationsConfirmed',
  'dose.recorded',
  'monitoring.vitalsRecorded',
  'monitoring.sedationRecorded',
  'monitoring.dissociationRecorded',
  'monitoring.adverseEventRecorded',
  'session.discharged',
]);

/** Events only the engine fires from timers. */
export const TIMER_EVENTS = [
  'session.noShow',
  'session.observationElapsed',
  'monitoring.bpCheckDue',
  'monitoring.vitalsOverdue',
  'therapy.lapsed',
  'rems.formOverdue',
  'maintenance.reassessmentDue',
] as const;

export const ACTORS = {
  coordinator: { id: 'coord-1', role: 'coordinator' },
  nurse: { id: 'nurse-1', role: 'nurse' },
  physician: { id: 'md-1', role: 'physician' },
  physician2: { id: 'md-2', role: 'physician' },
  therapist: { id: 'ther-1', role: 'therapist' },
  patient: { id: 'pt-self', role: 'patient' },
  system: { id: 'integration-1', role: 'system' },
  stranger: { id: 'x-1', role: 'admin' },
} as const;
export type ActorName = keyof typeof ACTORS;

// ------------------------------------------------------------------ the clinic calendar

export function zdt(instant: number, timeZone: string): Temporal.ZonedDateTime {
  return Temporal.Instant.fromEpochMilliseconds(instant).toZonedDateTimeISO(timeZone);
}

/** `YYYY-MM-DD` in the zone. */
export const localDate = (instant: number, timeZone: string): string => zdt(instant, timeZone).toPlainDate().toString();
/** ISO weekday 1 (Monday) - 7 in the zone. */
export const localWeekday = (instant: number, timeZone: string): number => zdt(instant, timeZone).dayOfWeek;
/** `HH:MM` in the zone. */
export const localTime = (instant: number, timeZone: string): string => zdt(instant, timeZone).toPlainTime().toString().slice(0, 5);

/** The instant of a local date and time in a zone (a skipped time moves forward by the gap). */
export function atLocal(date: string, time: string, timeZone: string): number {
  return Temporal.PlainDateTime.from(`${date}T${time}`).toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds;
}

export interface Calendar {
  readonly timeZone: string;
  readonly clinicDays: readonly number[];
  readonly closedDates: readonly string[];
}

export const WALK_CALENDAR: Calendar = { timeZone: TIME_ZONE, clinicDays: CLINIC_DAYS, closedDates: CLOSED_DATES };

export function isOpenDay(instant: number, cal: Calendar): boolean {
  return cal.clinicDays.includes(localWeekday(instant, cal.timeZone)) && !cal.closedDates.includes(localDate(instant, cal.timeZone));
}

/** The first open day at least `minDays` calendar days after `from`, at `time` local. */
export function nextOpenSlot(from: number, minDays: number, cal: Calendar, time = '09:00'): number {
  let date = zdt(from, cal.timeZone).toPlainDate().add({ days: minDays });
  for (let i = 0; i < 60; i++) {
    const at = atLocal(date.toString(), time, cal.timeZone);
    if (isOpenDay(at, cal) && at > from) return at;
    date = date.add({ days: 1 });
  }
  throw new Error('no open day within 60 days');
}

/** The first closed day (weekend or closed date) at least `minDays` after `from`, at `time` local. */
export function nextClosedSlot(from: number, minDays: number, cal: Calendar, time = '09:00'): number {
  let date = zdt(from, cal.timeZone).toPlainDate().add({ days: minDays });
  for (let i = 0; i < 60; i++) {
    const at = atLocal(date.toString(), time, cal.timeZone);
    if (!isOpenDay(at, cal) && at > from) return at;
    date = date.add({ days: 1 });
  }
  throw new Error('no closed day within 60 days');
}
