import { z } from 'zod';
import { isTimeZone } from '../time/isTimeZone.js';
import {
  CONTRAINDICATIONS,
  contraindicationClassSchema,
  CSSRS_RISKS,
  cssrsRiskSchema,
  INDICATIONS,
  instrumentSchema,
  type Contraindication,
  type ContraindicationClass,
  type KetamineRoute,
} from './vocabulary.js';

// Defaults come from DOMAIN.md. They are a starting point that a clinic overrides: the library
// records and enforces the clinic's protocol, it does not prescribe. Values marked UNCONFIRMED
// below are practice conventions or placeholders, not label facts; clinics must set their own.

const int = (min: number, max: number) => z.number().int().min(min).max(max);

/** One block of an induction schedule: `weeks` weeks with a session on each of `days` (0 = the first day of the week). */
export const scheduleBlockSchema = z
  .strictObject({
    weeks: int(1, 52),
    days: z.array(int(0, 6)).min(1).max(7),
  })
  .refine((b) => b.days.every((d, i) => i === 0 || d > (b.days[i - 1] ?? -1)), {
    message: 'days must be strictly increasing offsets within the week (0-6)',
    path: ['days'],
  });
export type ScheduleBlock = z.infer<typeof scheduleBlockSchema>;

const bpLimitSchema = (systolic: number, diastolic: number) =>
  z.strictObject({ systolic: int(60, 260).default(systolic), diastolic: int(30, 160).default(diastolic) }).prefault({});

/** Everything the journey needs to know about one route. */
interface RouteDefaults {
  readonly setting: 'clinic' | 'home';
  readonly medication: 'esketamine' | 'racemic-ketamine';
  readonly induction: readonly ScheduleBlock[];
  readonly maintenanceEveryDays: number;
  readonly maintenanceMoreFrequentEveryDays: number;
  readonly clinicianCheckInAfterDays: number | null;
  readonly observationMinutes: number;
  readonly bpCheckAtMinutes: number | null;
  readonly vitalsEveryMinutes: number | null;
  readonly clinicMonitoring: boolean;
  readonly requiresRems: boolean;
  readonly mgPerDevice: number | null;
}

function routeProtocolSchema(d: RouteDefaults) {
  return z
    .strictObject({
      /** `clinic`: dosed and monitored on site. `home`: self-administered with a trusted adult present. */
      setting: z.enum(['clinic', 'home']).default(d.setting),
      medication: z.enum(['esketamine', 'racemic-ketamine']).default(d.medication),
      /** Induction schedule, generated into due dates from the first session. */
      induction: z.array(scheduleBlockSchema).min(1).max(12).default(() => d.induction.map((b) => ({ weeks: b.weeks, days: [...b.days] }))),
      maintenance: z
        .strictObject({
          /** Days from one maintenance session to the next. */
          everyDays: int(1, 365).default(d.maintenanceEveryDays),
          /** The more frequent cadence a clinician may return to after a missed session with worsening. */
          moreFrequentEveryDays: int(1, 365).default(d.maintenanceMoreFrequentEveryDays),
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
          /** Vitals cadence while monitored (IV practice: every 15 min after the infusion); null: as warranted. */
          vitalsEveryMinutes: int(1, 120).nullable().default(d.vitalsEveryMinutes),
          /** Clinic staff record vitals, SpO2 and sedation in the session (false for at-home sessions). */
          clinicMonitoring: z.boolean().default(d.clinicMonitoring),
        })
        .prefault({}),
      /** Above either value a dose needs a recorded physician override. */
      preDoseBpLimit: bpLimitSchema(140, 90),
      discharge: z
        .strictObject({
          /** The last reading must be within this limit, or within `baselineToleranceMmHg` of the pre-dose reading. */
          bpLimit: bpLimitSchema(140, 90),
          /** UNCONFIRMED: how close to the pre-dose reading counts as "back near baseline". */
          baselineToleranceMmHg: int(0, 60).default(10),
          /** The last vitals reading must be at most this old at discharge. */
          vitalsMaxAgeMinutes: int(1, 240).default(30),
          /** UNCONFIRMED: lowest acceptable SpO2 at discharge, and the respiratory-depression mark on the REMS form. */
          minSpO2: int(70, 100).default(92),
          /** MOAA/S needed at discharge (5 = responds readily to name spoken in normal tone). */
          sedationScore: int(0, 5).default(5),
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
      /** UNCONFIRMED stop rules used in practice; any hit aborts the session. */
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
      /** UNCONFIRMED: minimum hours from one dose to the next. */
      minHoursBetweenDoses: int(0, 24 * 14).default(20),
      /** Check-in opens this many hours before a session's due time (catches the wrong session or day). */
      checkInOpensHoursBefore: int(0, 24 * 14).default(12),
      /** Esketamine outpatient: the patient must be enrolled in the REMS before the first dose. */
      requiresRems: z.boolean().default(d.requiresRems),
      /** Milligrams per nasal device (esketamine: 28 mg); doses must be whole devices. Null for other routes. */
      mgPerDevice: z.number().positive().max(1000).nullable().default(d.mgPerDevice),
    })
    .prefault({})
    .refine((r) => !(r.medication === 'esketamine' && r.setting === 'home'), {
      message: 'esketamine is given in a certified clinic only, never at home',
      path: ['setting'],
    });
}

/** Esketamine: weeks 1-4 twice weekly, weeks 5-8 weekly; maintenance every 2 weeks (or weekly). */
const esketamineNasal = routeProtocolSchema({
  setting: 'clinic',
  medication: 'esketamine',
  induction: [
    { weeks: 4, days: [0, 3] },
    { weeks: 4, days: [0] },
  ],
  maintenanceEveryDays: 14,
  maintenanceMoreFrequentEveryDays: 7,
  clinicianCheckInAfterDays: null,
  observationMinutes: 120,
  bpCheckAtMinutes: 40,
  vitalsEveryMinutes: null,
  clinicMonitoring: true,
  requiresRems: true,
  mgPerDevice: 28,
});

/** IV racemic ketamine: 6 infusions, 3 a week over about 12 days; boosters individual. */
const iv = routeProtocolSchema({
  setting: 'clinic',
  medication: 'racemic-ketamine',
  induction: [{ weeks: 2, days: [0, 2, 4] }],
  // UNCONFIRMED: boosters are individual ("before the effect of the last wears off"); 28 days is a placeholder.
  maintenanceEveryDays: 28,
  maintenanceMoreFrequentEveryDays: 14,
  clinicianCheckInAfterDays: null,
  // "Until vitals back at baseline and alert; typically 1-2 h": 60 min is the minimum here.
  observationMinutes: 60,
  bpCheckAtMinutes: 40,
  vitalsEveryMinutes: 15,
  clinicMonitoring: true,
  requiresRems: false,
  mgPerDevice: null,
});

/** IM racemic ketamine: often weekly. */
const im = routeProtocolSchema({
  setting: 'clinic',
  medication: 'racemic-ketamine',
  // UNCONFIRMED: "often weekly"; six weekly sessions is a placeholder.
  induction: [{ weeks: 6, days: [0] }],
  maintenanceEveryDays: 28,
  maintenanceMoreFrequentEveryDays: 14,
  clinicianCheckInAfterDays: null,
  observationMinutes: 60,
  bpCheckAtMinutes: 40,
  vitalsEveryMinutes: 15,
  clinicMonitoring: true,
  requiresRems: false,
  mgPerDevice: null,
});

/** SC racemic ketamine: dose escalation about a week apart (2017 study); maintenance once or twice weekly. */
const sc = routeProtocolSchema({
  setting: 'clinic',
  medication: 'racemic-ketamine',
  // Three escalation sessions about a week apart (0.25, 0.5, 1 mg/kg in the study; the dose plan is the prescriber's).
  induction: [{ weeks: 3, days: [0] }],
  maintenanceEveryDays: 7,
  maintenanceMoreFrequentEveryDays: 3,
  clinicianCheckInAfterDays: null,
  // UNCONFIRMED: the trial monitored BP at 30 min and saw the effect within 1 h.
  observationMinutes: 60,
  bpCheckAtMinutes: 30,
  vitalsEveryMinutes: null,
  clinicMonitoring: true,
  requiresRems: false,
  mgPerDevice: null,
});

/** Sublingual or oral ketamine at home, after in-clinic screening, with a trusted adult present. */
const sublingualHome = routeProtocolSchema({
  setting: 'home',
  medication: 'racemic-ketamine',
  // UNCONFIRMED: "e.g. 6 sessions"; twice weekly for three weeks is a placeholder.
  induction: [{ weeks: 3, days: [0, 3] }],
  maintenanceEveryDays: 14,
  maintenanceMoreFrequentEveryDays: 7,
  clinicianCheckInAfterDays: 90,
  // UNCONFIRMED: how long the trusted adult stays after the dose.
  observationMinutes: 120,
  bpCheckAtMinutes: null,
  vitalsEveryMinutes: null,
  clinicMonitoring: false,
  requiresRems: false,
  mgPerDevice: null,
});

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

/**
 * The clinic's protocol for the ketamine-for-anxiety journey: one entry per route with its
 * schedule, observation, blood-pressure limits, fasting windows and stop rules, plus the
 * response criteria, contraindication classes and concurrent-therapy lapse gap. Every field has
 * a default from DOMAIN.md; pass only what the clinic changes.
 *
 * @example
 * ```ts
 * const engine = createEngine({
 *   definition: ketamineAnxietyJourney, store, clock,
 *   protocol: { routes: { iv: { observationMinutes: 90 } }, therapy: { lapseAfterDays: 21 } },
 * });
 * ```
 */
export const ketamineProtocolSchema = z.strictObject({
  /**
   * The clinic's IANA time zone. Session schedules step in calendar days in this zone, so a
   * 09:00 session stays at 09:00 local time across daylight-saving changes.
   */
  timeZone: z
    .string()
    .refine(isTimeZone, { message: 'must be an IANA time zone such as "Europe/Berlin" or "America/New_York"' })
    .default('UTC'),
  routes: z
    .strictObject({
      'esketamine-nasal': esketamineNasal,
      iv,
      im,
      sc,
      'sublingual-home': sublingualHome,
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
      /** The esketamine REMS monitoring form is due this many days after the session. */
      formDueDays: int(1, 30).default(7),
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
          'Y-BOCS': int(0, 40).nullable().default(7),
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
});

/** A validated protocol, with every default filled in. */
export type KetamineProtocol = z.output<typeof ketamineProtocolSchema>;
/** What a clinic may pass to override the defaults. */
export type KetamineProtocolInput = z.input<typeof ketamineProtocolSchema>;
/** The protocol of one route. */
export type RouteProtocol = KetamineProtocol['routes'][KetamineRoute];

/**
 * The protocol with every default, as a clinic would start from.
 *
 * @example
 * ```ts
 * defaultKetamineProtocol().routes['esketamine-nasal'].observationMinutes; // 120
 * ```
 */
export function defaultKetamineProtocol(): KetamineProtocol {
  return ketamineProtocolSchema.parse({});
}
