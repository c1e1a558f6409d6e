import { z } from 'zod';
import { isTimeZone } from '../time/isTimeZone.js';
import { ESKETAMINE_LABEL } from './esketamineLabel.js';
import { lazyInstance, once } from '../lazyInstance.js';
import {
  CONTRAINDICATIONS,
  contraindicationClassSchema,
  CSSRS_RISKS,
  cssrsRiskSchema,
  INDICATIONS,
  instrumentSchema,
  type Contraindication,
  type ContraindicationClass,
  ROUTES,
  type KetamineRoute,
} from './vocabulary.js';
import { freezeNew } from '../store/freezeNew.js';

// Defaults come from DOMAIN.md. They are a starting point that a clinic overrides: the library
// records and enforces the clinic's protocol, it does not prescribe. Values marked UNCONFIRMED
// below are practice conventions or placeholders, not label facts; clinics must set their own.

const int = (min: number, max: number) => z.number().int().min(min).max(max);

/**
 * One block of an induction schedule: `weeks` weeks with a session on each of `days` (0 = the first day of the week).
 *
 * @example
 * ```ts
 * scheduleBlockSchema.parse({ weeks: 4, days: [0, 3] }); // twice weekly for four weeks
 * scheduleBlockSchema.safeParse({ weeks: 1, days: [3, 0] }).success; // false: days must increase
 * ```
 */
export const scheduleBlockSchema = lazyInstance(() =>
  z
    .strictObject({
      weeks: int(1, 52),
      days: z.array(int(0, 6)).min(1).max(7),
    })
    .refine((b) => b.days.every((d, i) => i === 0 || d > (b.days[i - 1] ?? -1)), {
      message: 'days must be strictly increasing offsets within the week (0-6)',
      path: ['days'],
    }),
);
/**
 * One block of an induction schedule: `weeks` weeks with a session on each of `days` (calendar-day offsets from the first session's weekday).
 *
 * @example
 * ```ts
 * const induction: ScheduleBlock[] = [{ weeks: 4, days: [0, 3] }, { weeks: 4, days: [0] }]; // esketamine: 12 sessions
 * createEngine({ definition: ketamineAnxietyJourney, store, protocol: { timeZone: 'Europe/Berlin', routes: { 'esketamine-nasal': { induction } }, acceptUnconfirmedDefaults: true } });
 * ```
 */
export type ScheduleBlock = z.infer<typeof scheduleBlockSchema>;

const bpLimitSchema = (systolic: number, diastolic: number) =>
  z.strictObject({ systolic: int(60, 260).default(systolic), diastolic: int(30, 160).default(diastolic) }).prefault({});

/** Everything the journey needs to know about one route. */
interface RouteDefaults {
  readonly setting: 'clinic' | 'home';
  readonly medication: 'esketamine' | 'racemic-ketamine';
  readonly induction: readonly ScheduleBlock[];
  readonly clinicianCheckInAfterDays: number | null;
  readonly observationMinutes: number;
  readonly bpCheckAtMinutes: number | null;
  readonly vitalsEveryMinutes: number | null;
  readonly requiresRems: boolean;
  readonly mgPerDevice: number | null;
  readonly allowedDosesMg: readonly number[] | null;
  readonly firstDoseMg: number | null;
  readonly doseToleranceMg: number;
  readonly requiresDissociationAssessment: boolean;
}

function routeProtocolSchema(d: RouteDefaults) {
  return z
    .strictObject({
      /** `clinic`: dosed and monitored on site. `home`: self-administered with a trusted adult present. */
      setting: z.enum(['clinic', 'home']).default(d.setting),
      /** Fixed per route (esketamine-nasal: esketamine; the others: racemic ketamine): any other value is refused, so the esketamine label checks always apply to the esketamine route. */
      medication: z.enum(['esketamine', 'racemic-ketamine']).default(d.medication),
      /**
       * Induction schedule, generated into due dates from the first session. `days` are calendar-day
       * offsets within each week counted from the first session's day (0 = the weekday of the first
       * session); a date that falls on a day the clinic is closed moves to the next open day.
       */
      induction: z.array(scheduleBlockSchema).min(1).max(12).default(() => d.induction.map((b) => ({ weeks: b.weeks, days: [...b.days] }))),
      maintenance: z
        .strictObject({
          /** Re-assessment cadence during maintenance. UNCONFIRMED: 4 weeks is a placeholder. */
          reassessEveryWeeks: int(1, 52).default(4),
          /** A clinician check-in is needed before a dose when the last dose is older than this. */
          clinicianCheckInAfterDays: int(1, 730).nullable().default(d.clinicianCheckInAfterDays),
        })
        .prefault({}),
      /** Minimum observation after the dose before discharge (a durable timer). */
      observationMinutes: int(15, 720).default(d.observationMinutes),
      monitoring: z
        .strictObject({
          /** The blood-pressure re-check after dosing (esketamine label: about 40 min); null for none. */
          bpCheckAtMinutes: int(5, 240).nullable().default(d.bpCheckAtMinutes),
          /** A reading counts as the check from this many minutes before its time to three times as many after (35-55 min by default). */
          checkToleranceMinutes: int(0, 30).default(5),
          /** Vitals cadence after the dose (IV practice: every 15 min after the infusion); null: as warranted. A reading overdue by the check tolerance raises an alert and blocks discharge. */
          vitalsEveryMinutes: int(1, 120).nullable().default(d.vitalsEveryMinutes),
        })
        .prefault({}),
      /** Above either value a dose needs a recorded physician override. */
      preDoseBpLimit: bpLimitSchema(140, 90),
      /** UNCONFIRMED: the last pre-dose blood pressure must be at most this old at the dose ("before every dose"). */
      preDoseVitalsMaxAgeMinutes: int(5, 240).default(60),
      /** UNCONFIRMED: the ride home or trusted adult, the contraindication check and the co-medications must be confirmed within this many minutes of the dose. */
      preDoseChecksValidMinutes: int(15, 24 * 60).default(240),
      discharge: z
        .strictObject({
          /** Every reading of the stable window must be within this limit, or within `baselineToleranceMmHg` of the pre-dose reading. */
          bpLimit: bpLimitSchema(140, 90),
          /** UNCONFIRMED: how close to the pre-dose reading counts as "back near baseline". */
          baselineToleranceMmHg: int(0, 60).default(10),
          /** Readings taken in this many minutes before discharge are judged; there must be at least one (esketamine: at most 30 min, the label's blood pressure before discharge). */
          stableWindowMinutes: int(5, 240).default(30),
          /** UNCONFIRMED: BP counts as rising (label: discharge when "decreasing and clinically stable") when the latest reading is above the lowest of the stable window (and of the reading just before it) by more than this. */
          riseToleranceMmHg: int(0, 40).default(5),
          /** UNCONFIRMED: lowest acceptable SpO2 at discharge, and the respiratory-depression mark on the REMS form. */
          minSpO2: int(70, 100).default(92),
          /** MOAA/S needed at discharge (5 = responds readily to name spoken in normal tone). */
          sedationScore: int(0, 5).default(5),
          /** A dissociation (CADSS) assessment is recorded before discharge (always for esketamine: the REMS form reports it). */
          requiresDissociationAssessment: z.boolean().default(d.requiresDissociationAssessment),
        })
        .prefault({}),
      fasting: z
        .strictObject({
          foodHours: z.number().min(0).max(24).default(2),
          liquidMinutes: int(0, 24 * 60).default(30),
          /** Nasal corticosteroids or decongestants before an esketamine dose; null to not check. */
          nasalSteroidOrDecongestantMinutes: int(0, 24 * 60).nullable().default(d.medication === 'esketamine' ? 60 : null),
        })
        .prefault({}),
      /** UNCONFIRMED stop rules used in practice; any hit stops the session (monitoring continues). */
      stopRules: z
        .strictObject({
          repeatedBp: z
            .strictObject({ systolic: int(100, 300).default(180), diastolic: int(60, 200).default(110), minutesApart: int(1, 60).default(5) })
            .prefault({}),
          singleBp: z.strictObject({ systolic: int(100, 300).default(200), diastolic: int(60, 200).default(120) }).prefault({}),
          heartRate: z.strictObject({ above: int(60, 250).default(120), forMinutes: int(1, 60).default(5) }).prefault({}),
          /** Off by default: DOMAIN.md names no SpO2 stop rule. */
          spo2Below: int(50, 100).nullable().default(null),
        })
        .prefault({}),
      /** UNCONFIRMED: minimum hours from one dose to the next (also kept between generated sessions). */
      minHoursBetweenDoses: int(0, 24 * 14).default(20),
      /** Check-in opens this many hours before a session's due time (catches the wrong session or day). */
      checkInOpensHoursBefore: int(0, 24 * 14).default(12),
      /** Esketamine outpatient: the patient must be enrolled in the REMS before the first dose. */
      requiresRems: z.boolean().default(d.requiresRems),
      /** Milligrams per nasal device (esketamine: fixed to 28 mg); doses must be whole devices. Null for other routes. */
      mgPerDevice: z.number().positive().max(1000).nullable().default(d.mgPerDevice),
      dosing: z
        .strictObject({
          /** Doses a plan may prescribe, in mg (esketamine: only the label's 56 and 84 mg, e.g. `[56]` is stricter and allowed); null: any. */
          allowedDosesMg: z.array(z.number().positive().max(1000)).min(1).max(12).nullable().default(() => (d.allowedDosesMg ? [...d.allowedDosesMg] : null)),
          /** The dose of the first session (esketamine: fixed to the label's 56 mg on day 1); null: as planned. */
          firstDoseMg: z.number().positive().max(1000).nullable().default(d.firstDoseMg),
          /** UNCONFIRMED: how far a recorded dose may differ from the plan (mg, or mg/kg × weight) before it needs a physician's approved deviation. */
          toleranceMg: z.number().min(0).max(50).default(d.doseToleranceMg),
        })
        .prefault({}),
    })
    .prefault({});
}

/** Esketamine: weeks 1-4 twice weekly, weeks 5-8 weekly; maintenance cadence decided by the physician. */
const ESKETAMINE_NASAL: RouteDefaults = {
  setting: 'clinic',
  medication: 'esketamine',
  induction: [
    { weeks: 4, days: [0, 3] },
    { weeks: 4, days: [0] },
  ],
  clinicianCheckInAfterDays: null,
  observationMinutes: ESKETAMINE_LABEL.minObservationMinutes,
  bpCheckAtMinutes: 40,
  vitalsEveryMinutes: null,
  requiresRems: true,
  mgPerDevice: ESKETAMINE_LABEL.mgPerDevice,
  allowedDosesMg: ESKETAMINE_LABEL.dosesMg,
  firstDoseMg: ESKETAMINE_LABEL.firstDoseMg,
  doseToleranceMg: 0,
  requiresDissociationAssessment: true,
};

/** IV racemic ketamine: 6 infusions, 3 a week over about 12 days; boosters individual. */
const IV: RouteDefaults = {
  setting: 'clinic',
  medication: 'racemic-ketamine',
  induction: [{ weeks: 2, days: [0, 2, 4] }],
  clinicianCheckInAfterDays: null,
  // "Until vitals back at baseline and alert; typically 1-2 h": 60 min is the minimum here.
  observationMinutes: 60,
  bpCheckAtMinutes: 40,
  vitalsEveryMinutes: 15,
  requiresRems: false,
  mgPerDevice: null,
  allowedDosesMg: null,
  firstDoseMg: null,
  doseToleranceMg: 1,
  requiresDissociationAssessment: false,
};

/** IM racemic ketamine: often weekly. */
const IM: RouteDefaults = {
  ...IV,
  // UNCONFIRMED: "often weekly"; six weekly sessions is a placeholder.
  induction: [{ weeks: 6, days: [0] }],
};

/** SC racemic ketamine: dose escalation about a week apart (2017 study). */
const SC: RouteDefaults = {
  ...IV,
  // Three escalation sessions about a week apart (0.25, 0.5, 1 mg/kg in the study; the dose plan is the prescriber's).
  induction: [{ weeks: 3, days: [0] }],
  // UNCONFIRMED: the trial monitored BP at 30 min and saw the effect within 1 h.
  bpCheckAtMinutes: 30,
  vitalsEveryMinutes: null,
};

/** Sublingual or oral ketamine at home, after in-clinic screening, with a trusted adult present. */
const SUBLINGUAL_HOME: RouteDefaults = {
  ...IV,
  setting: 'home',
  // UNCONFIRMED: "e.g. 6 sessions"; twice weekly for three weeks is a placeholder.
  induction: [{ weeks: 3, days: [0, 3] }],
  clinicianCheckInAfterDays: 90,
  // UNCONFIRMED: how long the trusted adult stays after the dose.
  observationMinutes: 120,
  bpCheckAtMinutes: null,
  vitalsEveryMinutes: null,
};

const ROUTE_DEFAULTS: Readonly<Record<KetamineRoute, RouteDefaults>> = {
  'esketamine-nasal': ESKETAMINE_NASAL,
  iv: IV,
  im: IM,
  sc: SC,
  'sublingual-home': SUBLINGUAL_HOME,
};

/**
 * Placeholder defaults that are practice conventions or guesses, not label or DOMAIN facts. A
 * clinic sets each one, or accepts them all with `acceptUnconfirmedDefaults: true`; an engine
 * refuses a protocol that leaves one in effect silently. Paths are into the protocol input.
 */
const UNCONFIRMED_PER_ROUTE: readonly (readonly string[])[] = [
  ['maintenance', 'reassessEveryWeeks'],
  ['discharge', 'baselineToleranceMmHg'],
  ['discharge', 'riseToleranceMmHg'],
  ['discharge', 'minSpO2'],
  ['stopRules', 'repeatedBp', 'systolic'],
  ['stopRules', 'repeatedBp', 'diastolic'],
  ['stopRules', 'repeatedBp', 'minutesApart'],
  ['stopRules', 'singleBp', 'systolic'],
  ['stopRules', 'singleBp', 'diastolic'],
  ['stopRules', 'heartRate', 'above'],
  ['stopRules', 'heartRate', 'forMinutes'],
  ['minHoursBetweenDoses'],
  ['preDoseVitalsMaxAgeMinutes'],
  ['preDoseChecksValidMinutes'],
];

/**
 * Every UNCONFIRMED default, as a path into the protocol input.
 *
 * @example
 * ```ts
 * UNCONFIRMED_DEFAULTS.map((path) => path.join('.')); // ['routes.esketamine-nasal.maintenance.reassessEveryWeeks', ...]
 * ```
 */
export const UNCONFIRMED_DEFAULTS: readonly (readonly string[])[] = freezeNew([
  ...ROUTES.flatMap((route) => [
    ...UNCONFIRMED_PER_ROUTE.map((p) => ['routes', route, ...p]),
    ...(route === 'esketamine-nasal' ? [] : [['routes', route, 'dosing', 'toleranceMg']]),
  ]),
  ['routes', 'im', 'induction'],
  ['routes', 'sc', 'observationMinutes'],
  ['routes', 'sc', 'monitoring', 'bpCheckAtMinutes'],
  ['routes', 'sublingual-home', 'induction'],
  ['routes', 'sublingual-home', 'observationMinutes'],
  ['therapy', 'lapseAfterDays'],
  ['suicidality', 'holdOnPhq9Item9AtLeast'],
  ['suicidality', 'holdOnCssrsRisk'],
]);

const DEFAULT_CONTRAINDICATION_CLASSES: Record<Contraindication, ContraindicationClass> = {
  'aneurysmal-vascular-disease': 'absolute',
  'arteriovenous-malformation': 'absolute',
  'intracerebral-haemorrhage-history': 'absolute',
  'ketamine-hypersensitivity': 'absolute',
  pregnancy: 'exclude',
  breastfeeding: 'exclude',
  // Absolute in many clinics, relative in the label.
  'psychosis-history': 'physician-review',
  'active-mania': 'exclude',
  'substance-use-disorder': 'physician-review',
  'unmanaged-hypertension': 'absolute',
  'heart-disease': 'physician-review',
  'raised-intracranial-pressure': 'absolute',
  'intracranial-mass': 'absolute',
  'open-globe-injury': 'absolute',
  glaucoma: 'physician-review',
  'uncontrolled-hyperthyroidism': 'physician-review',
  'liver-disease': 'physician-review',
  'cystitis-history': 'physician-review',
};

/** The protocol object schema: hundreds of zod nodes (five routes), so it is built on first use, not at import. */
function buildProtocolObjectSchema() {
  const contraindicationClassesSchema = z
    .strictObject(Object.fromEntries(CONTRAINDICATIONS.map((c) => [c, contraindicationClassSchema.default(DEFAULT_CONTRAINDICATION_CLASSES[c])])) as {
      [K in Contraindication]: z.ZodDefault<typeof contraindicationClassSchema>;
    })
    .prefault({});

  const primaryInstrumentSchema = z
    .strictObject(
      Object.fromEntries(
        INDICATIONS.map((i) => [i, instrumentSchema.exclude(['C-SSRS']).default(i === 'social-anxiety' ? 'LSAS' : i === 'ocd' ? 'Y-BOCS' : 'GAD-7')]),
      ) as { [K in (typeof INDICATIONS)[number]]: z.ZodDefault<z.ZodEnum<{ [I in Exclude<z.infer<typeof instrumentSchema>, 'C-SSRS'>]: I }>> },
    )
    .prefault({});

  const percent = z.number().min(1).max(100);

  const isoDate = z.iso.date();

  return z
    .strictObject({
      /**
       * The clinic's IANA time zone (required: there is no silent UTC default). Session schedules step
       * in calendar days in this zone, so a 09:00 session stays at 09:00 local time across
       * daylight-saving changes; refusal messages show times in it.
       */
      timeZone: z.string().refine(isTimeZone, { message: 'must be an IANA time zone such as "Europe/Berlin" or "America/New_York"' }),
      /**
       * The clinic reviewed the defaults marked UNCONFIRMED and accepts those it does not override.
       * Without it, an engine refuses a protocol that leaves any of them in effect. Journaled with
       * the protocol in every journey's start entry.
       */
      acceptUnconfirmedDefaults: z.boolean().default(false),
      /** The clinic's open days, ISO weekdays (1 = Monday ... 7 = Sunday): generated sessions land on them. */
      clinicDays: z
        .array(int(1, 7))
        .min(1)
        .max(7)
        .refine((d) => new Set(d).size === d.length, { message: 'must not repeat a day' })
        .default(() => [1, 2, 3, 4, 5]),
      /** Dates the clinic is closed (`YYYY-MM-DD` in the clinic's zone), e.g. public holidays. */
      closedDates: z.array(isoDate).max(1000).default(() => []),
      /** A reading may carry a `takenAt` at most this many minutes after the event's time (device clocks drift); later ones are refused. */
      readingClockSkewMinutes: int(0, 15).default(2),
      routes: z
        .strictObject({
          'esketamine-nasal': routeProtocolSchema(ESKETAMINE_NASAL),
          iv: routeProtocolSchema(IV),
          im: routeProtocolSchema(IM),
          sc: routeProtocolSchema(SC),
          'sublingual-home': routeProtocolSchema(SUBLINGUAL_HOME),
        })
        .prefault({}),
      /** A booked session with no check-in this long after its time becomes a no-show (a durable timer). */
      noShowGraceMinutes: int(0, 24 * 60).default(30),
      therapy: z
        .strictObject({
          /** UNCONFIRMED: days without an attended therapy session before a lapse alert. */
          lapseAfterDays: int(1, 365).default(30),
        })
        .prefault({}),
      rems: z
        .strictObject({
          /** The esketamine REMS monitoring form is due this many days after the session (the REMS: within 7 days). */
          formDueDays: int(1, 365).default(ESKETAMINE_LABEL.remsFormDueWithinDays),
        })
        .prefault({}),
      response: z
        .strictObject({
          /** The instrument response is judged on, per indication. */
          primaryInstrument: primaryInstrumentSchema,
          /** Percent drop from baseline that counts as response (50% by default; 35% on LSAS and Y-BOCS in ketamine trials). */
          responseDropPercent: z
            .strictObject({
              'GAD-7': percent.default(50),
              'PHQ-9': percent.default(50),
              'HAM-A': percent.default(50),
              SPIN: percent.default(50),
              LSAS: percent.default(35),
              'Y-BOCS': percent.default(35),
            })
            .prefault({}),
          /** Remission: total at or below (GAD-7 < 5 is common practice, not a formal standard). */
          remissionAtMost: z
            .strictObject({
              'GAD-7': int(0, 21).nullable().default(4),
              'PHQ-9': int(0, 27).nullable().default(4),
              'HAM-A': int(0, 56).nullable().default(7),
              SPIN: int(0, 68).nullable().default(null),
              LSAS: int(0, 144).nullable().default(null),
              // Y-BOCS remission is at most 12 with a CGI-S of 2 or less (Mataix-Cols 2016); the journey records the total only.
            'Y-BOCS': int(0, 40).nullable().default(12),
            })
            .prefault({}),
        })
        .prefault({}),
      suicidality: z
        .strictObject({
          /** UNCONFIRMED: during treatment, a PHQ-9 item 9 at or above this puts treatment on hold; null: never. */
          holdOnPhq9Item9AtLeast: int(1, 3).nullable().default(1),
          /** UNCONFIRMED: C-SSRS screener risk levels that put treatment on hold. */
          holdOnCssrsRisk: z.array(cssrsRiskSchema).max(CSSRS_RISKS.length).default(() => ['high' as const]),
        })
        .prefault({}),
      /** How each contraindication affects eligibility (a clinic may treat psychosis history as absolute). */
      contraindicationClasses: contraindicationClassesSchema,
    })
    .superRefine((p, ctx) => {
      const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
      const L = ESKETAMINE_LABEL;
      for (const route of ROUTES) {
        const r = p.routes[route];
        const at = (...path: (string | number)[]) => ['routes', route, ...path];
        // A route's medication is part of the route: the esketamine label checks below are keyed on the
        // route, so changing the medication can neither switch them off nor give esketamine elsewhere.
        const medication = ROUTE_DEFAULTS[route].medication;
        if (r.medication !== medication) {
          issue(
            at('medication'),
            route === 'esketamine-nasal'
              ? 'the esketamine-nasal route gives esketamine and its label minimums apply: its medication cannot be changed'
              : `the ${route} route gives racemic ketamine: esketamine is given on the esketamine-nasal route, where its label minimums apply`,
          );
        }
        if (route === 'esketamine-nasal') {
          // Label and REMS minimums: regulatory, not clinic preferences (esketamineLabel.ts).
          if (r.setting !== L.setting) issue(at('setting'), 'esketamine is given in a certified clinic only, never at home');
          if (r.observationMinutes < L.minObservationMinutes) {
            issue(at('observationMinutes'), `the esketamine label requires at least ${L.minObservationMinutes} min (2 h) of observation after the dose`);
          }
          if (!r.requiresRems) issue(at('requiresRems'), 'the esketamine REMS requires enrolment before the first dose');
          const check = r.monitoring.bpCheckAtMinutes;
          const { earliest, latest } = L.bpCheckMinutes;
          if (check === null || check < earliest || check > latest) {
            issue(at('monitoring', 'bpCheckAtMinutes'), `the esketamine label requires a blood-pressure re-check at about 40 min after the dose (${earliest}-${latest})`);
          }
          if (r.monitoring.checkToleranceMinutes > L.maxCheckToleranceMinutes) {
            issue(at('monitoring', 'checkToleranceMinutes'), `the 40-minute check of esketamine tolerates at most ${L.maxCheckToleranceMinutes} min early`);
          }
          if (r.discharge.stableWindowMinutes > L.preDischargeBpWithinMinutes) {
            issue(
              at('discharge', 'stableWindowMinutes'),
              `the esketamine label requires a blood pressure before discharge: discharge needs a reading in the stable window, so the window may be at most ${L.preDischargeBpWithinMinutes} min`,
            );
          }
          if (!r.discharge.requiresDissociationAssessment) issue(at('discharge', 'requiresDissociationAssessment'), 'the esketamine REMS form reports dissociation: it must be assessed before discharge');
          if (r.mgPerDevice !== L.mgPerDevice) issue(at('mgPerDevice'), `an esketamine nasal device holds ${L.mgPerDevice} mg and doses are whole devices: mgPerDevice is ${L.mgPerDevice}`);
          const labelDoses = L.dosesMg.map((d) => `${d} mg`).join(' or ');
          if (r.dosing.allowedDosesMg === null) issue(at('dosing', 'allowedDosesMg'), `esketamine doses are limited to the label doses (${labelDoses})`);
          for (const [i, dose] of (r.dosing.allowedDosesMg ?? []).entries()) {
            if (!(L.dosesMg as readonly number[]).includes(dose)) issue(at('dosing', 'allowedDosesMg', i), `${dose} mg is not an esketamine label dose (${labelDoses} per session)`);
          }
          if (r.dosing.firstDoseMg !== L.firstDoseMg) issue(at('dosing', 'firstDoseMg'), `the esketamine label gives ${L.firstDoseMg} mg in the first session (day 1)`);
          if (r.dosing.toleranceMg >= L.mgPerDevice) {
            issue(at('dosing', 'toleranceMg'), `esketamine doses are whole ${L.mgPerDevice} mg devices: a tolerance of a device or more would let a dose other than the plan's pass without a physician's deviation`);
          }
        }
        const { firstDoseMg, allowedDosesMg } = r.dosing;
        if (firstDoseMg !== null && allowedDosesMg !== null && !allowedDosesMg.includes(firstDoseMg)) {
          issue(at('dosing', 'firstDoseMg'), 'the first dose must be one of the allowed doses');
        }
      }
      if (p.rems.formDueDays > L.remsFormDueWithinDays) {
        issue(['rems', 'formDueDays'], `the esketamine REMS requires the monitoring form within ${L.remsFormDueWithinDays} days of the session`);
      }
    });
}

/** The protocol object schema, built once per process on first use. */
const protocolObjectSchema = once(buildProtocolObjectSchema);

/** The protocol as a clinic passes it: every field but `timeZone` optional. */
type ProtocolInputShape = z.input<ReturnType<typeof buildProtocolObjectSchema>>;

function readPath(value: unknown, path: readonly string[]): unknown {
  let v = value;
  for (const key of path) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, key)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/**
 * The clinic's protocol for the ketamine-for-anxiety journey: one entry per route with its
 * schedule, observation, blood-pressure limits, fasting windows, dosing limits and stop rules,
 * plus the clinic's time zone and calendar, the response criteria, contraindication classes and
 * concurrent-therapy lapse gap. Every field but `timeZone` has a default from DOMAIN.md; pass what
 * the clinic changes. Defaults marked UNCONFIRMED (see {@link UNCONFIRMED_DEFAULTS}) must be set or
 * accepted explicitly with `acceptUnconfirmedDefaults: true`. Esketamine label and REMS minimums
 * cannot be configured away.
 *
 * @example
 * ```ts
 * const engine = createEngine({
 *   definition: ketamineAnxietyJourney, store, clock,
 *   protocol: { timeZone: 'Europe/Berlin', acceptUnconfirmedDefaults: true, routes: { iv: { observationMinutes: 90 } } },
 * });
 * ```
 */
export const ketamineProtocolSchema = lazyInstance(() =>
  z
    .custom<ProtocolInputShape>()
    .superRefine((raw, ctx) => {
      // Only a protocol that is otherwise valid is checked for silent placeholders, so the clinic
      // first sees what is wrong, then what it has to confirm.
      if (!protocolObjectSchema().safeParse(raw).success) return;
      if (readPath(raw, ['acceptUnconfirmedDefaults']) === true) return;
      const unset = UNCONFIRMED_DEFAULTS.filter((path) => readPath(raw, path) === undefined);
      if (unset.length === 0) return;
      ctx.addIssue({
        code: 'custom',
        path: ['acceptUnconfirmedDefaults'],
        message: `${unset.length} UNCONFIRMED placeholder default(s) would apply (${unset
          .slice(0, 5)
          .map((p) => p.join('.'))
          .join(', ')}${unset.length > 5 ? ', ...' : ''}): set each, or review them and pass acceptUnconfirmedDefaults: true`,
      });
    })
    .pipe(protocolObjectSchema()),
);

/**
 * A validated protocol, with every default filled in.
 *
 * @example
 * ```ts
 * const protocol: KetamineProtocol = (await engine.get(id)).context.protocol;
 * protocol.routes.iv.preDoseBpLimit; // { systolic: 140, diastolic: 90 } unless the clinic set its own
 * ```
 */
export type KetamineProtocol = z.output<typeof ketamineProtocolSchema>;
/**
 * What a clinic may pass to override the defaults.
 *
 * @example
 * ```ts
 * const clinic: KetamineProtocolInput = { timeZone: 'America/New_York', acceptUnconfirmedDefaults: true, routes: { iv: { observationMinutes: 90 } } };
 * createEngine({ definition: ketamineAnxietyJourney, store, protocol: clinic });
 * ```
 */
export type KetamineProtocolInput = z.input<typeof ketamineProtocolSchema>;
/**
 * The protocol of one route.
 *
 * @example
 * ```ts
 * const iv: RouteProtocol = defaultKetamineProtocol('Europe/Berlin').routes.iv;
 * iv.monitoring.bpCheckAtMinutes; // 40
 * ```
 */
export type RouteProtocol = KetamineProtocol['routes'][KetamineRoute];

/**
 * The protocol with every default, for reading them (docs, host screens). It accepts the
 * UNCONFIRMED placeholders, so an engine given it says so in its journal; a clinic passes its own.
 *
 * @example
 * ```ts
 * defaultKetamineProtocol().routes['esketamine-nasal'].observationMinutes; // 120
 * ```
 */
export function defaultKetamineProtocol(timeZone = 'UTC'): KetamineProtocol {
  return ketamineProtocolSchema.parse({ timeZone, acceptUnconfirmedDefaults: true });
}
