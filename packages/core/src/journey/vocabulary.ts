// The clinical vocabulary of the ketamine-for-anxiety journey: literal unions shared by the
// protocol, the events and the context. Codes, never free text, so hosts can map them to their
// own terminology and nothing identifying ends up in a journey. Their zod schemas are built on
// first use, not at import.
import { z } from 'zod';
import { lazyInstance } from '../lazyInstance.js';
import { freezeNew } from '../store/freezeNew.js';

/**
 * Treatment routes. Each has its own defaults in the protocol (DOMAIN.md, "Routes and schedules").
 *
 * @example
 * ```ts
 * ROUTES.includes('iv'); // true
 * const route: KetamineRoute = 'esketamine-nasal';
 * ```
 */
export const ROUTES = freezeNew(['esketamine-nasal', 'iv', 'im', 'sc', 'sublingual-home'] as const);
export const routeSchema = lazyInstance(() => z.enum(ROUTES));
/**
 * A treatment route: one of {@link ROUTES}.
 *
 * @example
 * ```ts
 * const route: KetamineRoute = 'sublingual-home'; // at home, with a trusted adult present
 * ```
 *
 * @useDeclaredType
 */
export type KetamineRoute = z.infer<typeof routeSchema>;

/**
 * What the patient was referred for.
 *
 * @example
 * ```ts
 * await engine.start({ patientRef, actor, input: { referral: { source: 'professional', indication: INDICATIONS[1] } } }); // 'social-anxiety'
 * ```
 */
export const INDICATIONS = freezeNew(['generalized-anxiety', 'social-anxiety', 'panic', 'ocd', 'ptsd', 'other-anxiety'] as const);
export const indicationSchema = lazyInstance(() => z.enum(INDICATIONS));
/**
 * What a patient was referred for: one of {@link INDICATIONS}.
 *
 * @example
 * ```ts
 * const indication: AnxietyIndication = 'generalized-anxiety'; // judged on GAD-7 by default
 * ```
 *
 * @useDeclaredType
 */
export type AnxietyIndication = z.infer<typeof indicationSchema>;

/**
 * Instruments the journey records totals of (scoring itself belongs to the screening plugin).
 * C-SSRS is recorded as a risk level, not a total.
 *
 * @example
 * ```ts
 * await engine.send(id, { type: 'assessment.recorded', instrument: 'GAD-7', total: 14 }, { actor: patient });
 * ```
 */
export const INSTRUMENTS = freezeNew(['GAD-7', 'PHQ-9', 'HAM-A', 'SPIN', 'LSAS', 'Y-BOCS', 'C-SSRS'] as const);
export const instrumentSchema = lazyInstance(() => z.enum(INSTRUMENTS));
/**
 * An instrument the journey records: one of {@link INSTRUMENTS}.
 *
 * @example
 * ```ts
 * const baseline: Instrument[] = ['GAD-7', 'PHQ-9', 'C-SSRS'];
 * ```
 *
 * @useDeclaredType
 */
export type Instrument = z.infer<typeof instrumentSchema>;

/** Highest possible total per scored instrument (C-SSRS has no total). */
export const INSTRUMENT_MAX_TOTAL: Readonly<Record<Exclude<Instrument, 'C-SSRS'>, number>> = {
  'GAD-7': 21,
  'PHQ-9': 27,
  'HAM-A': 56,
  SPIN: 68,
  LSAS: 144,
  'Y-BOCS': 40,
};

export const CSSRS_RISKS = ['none', 'low', 'moderate', 'high'] as const;
export const cssrsRiskSchema = lazyInstance(() => z.enum(CSSRS_RISKS));
/**
 * The risk level a C-SSRS screener triages to: `none`, `low`, `moderate` or `high`.
 *
 * @example
 * ```ts
 * await engine.send(id, { type: 'assessment.recorded', instrument: 'C-SSRS', risk: 'low' }, { actor: nurse });
 * ```
 *
 * @useDeclaredType
 */
export type CssrsRisk = z.infer<typeof cssrsRiskSchema>;

/**
 * The contraindication checklist (DOMAIN.md, "Contraindications").
 *
 * @example
 * ```ts
 * const answers = Object.fromEntries(CONTRAINDICATIONS.map((c) => [c, false]));
 * await engine.send(id, { type: 'screening.contraindicationsRecorded', answers }, { actor: nurse });
 * ```
 */
export const CONTRAINDICATIONS = freezeNew([
  'aneurysmal-vascular-disease',
  'arteriovenous-malformation',
  'intracerebral-haemorrhage-history',
  'ketamine-hypersensitivity',
  'pregnancy',
  'breastfeeding',
  'psychosis-history',
  'active-mania',
  'substance-use-disorder',
  'unmanaged-hypertension',
  'heart-disease',
  'raised-intracranial-pressure',
  'intracranial-mass',
  'open-globe-injury',
  'glaucoma',
  'uncontrolled-hyperthyroidism',
  'liver-disease',
  'cystitis-history',
] as const);
export const contraindicationSchema = lazyInstance(() => z.enum(CONTRAINDICATIONS));
/**
 * One item of the contraindication checklist: one of {@link CONTRAINDICATIONS}.
 *
 * @example
 * ```ts
 * const finding: Contraindication = 'psychosis-history'; // physician review by default
 * ```
 *
 * @useDeclaredType
 */
export type Contraindication = z.infer<typeof contraindicationSchema>;

/**
 * How a present contraindication affects eligibility: `absolute` and `exclude` rule a patient
 * out; `physician-review` leaves the decision to a physician.
 */
export const CONTRAINDICATION_CLASSES = ['absolute', 'exclude', 'physician-review'] as const;
export const contraindicationClassSchema = lazyInstance(() => z.enum(CONTRAINDICATION_CLASSES));
/**
 * How a present contraindication affects eligibility: `absolute`, `exclude` or `physician-review`.
 *
 * @example
 * ```ts
 * createEngine({ definition: ketamineAnxietyJourney, store, protocol: { timeZone: 'Europe/Berlin', contraindicationClasses: { 'psychosis-history': 'absolute' } } });
 * ```
 *
 * @useDeclaredType
 */
export type ContraindicationClass = z.infer<typeof contraindicationClassSchema>;

/**
 * Co-medication classes reviewed at intake and reported on the esketamine REMS form.
 *
 * @example
 * ```ts
 * await engine.send(id, { type: 'screening.medicationsReviewed', classes: ['benzodiazepine'] }, { actor: physician });
 * ```
 */
export const MEDICATION_CLASSES = freezeNew(['benzodiazepine', 'stimulant', 'maoi', 'opioid', 'antidepressant', 'antipsychotic', 'other-cns-depressant', 'other'] as const);
export const medicationClassSchema = lazyInstance(() => z.enum(MEDICATION_CLASSES));
/**
 * A co-medication class: one of {@link MEDICATION_CLASSES}.
 *
 * @example
 * ```ts
 * const current: MedicationClass[] = ['antidepressant'];
 * ```
 *
 * @useDeclaredType
 */
export type MedicationClass = z.infer<typeof medicationClassSchema>;

/** Findings at a pre-dose check that are new since the last session. */
export const PRE_DOSE_FINDINGS = ['pregnancy', 'psychotic-symptoms', 'new-medication', 'other'] as const;
export const preDoseFindingSchema = lazyInstance(() => z.enum(PRE_DOSE_FINDINGS));
/**
 * A finding at a pre-dose check that is new since the last session; it blocks the dose until a physician clears it.
 *
 * @example
 * ```ts
 * await engine.send(id, { type: 'predose.contraindicationsChecked', newFindings: ['new-medication'] }, { actor: nurse });
 * ```
 *
 * @useDeclaredType
 */
export type PreDoseFinding = z.infer<typeof preDoseFindingSchema>;

/**
 * Adverse events commonly seen during a session (DOMAIN.md, "Monitoring during a session").
 *
 * @example
 * ```ts
 * await engine.send(id, { type: 'monitoring.adverseEventRecorded', term: 'nausea', severity: 'mild', serious: false }, { actor: nurse });
 * ```
 */
export const ADVERSE_EVENT_TERMS = freezeNew([
  'nausea',
  'vomiting',
  'light-headedness',
  'dissociation',
  'sleepiness',
  'raised-blood-pressure',
  'raised-heart-rate',
  'visual-perceptual-changes',
  'increased-anxiety',
  'respiratory-depression',
  'other',
] as const);
export const adverseEventTermSchema = lazyInstance(() => z.enum(ADVERSE_EVENT_TERMS));
/**
 * An adverse event recorded during a session: one of {@link ADVERSE_EVENT_TERMS}.
 *
 * @example
 * ```ts
 * const term: AdverseEventTerm = 'raised-blood-pressure';
 * ```
 *
 * @useDeclaredType
 */
export type AdverseEventTerm = z.infer<typeof adverseEventTermSchema>;

/**
 * Signals that put treatment on hold until a clinician reviews it; a transfer of care out of a session is one.
 *
 * @example
 * ```ts
 * await engine.send(id, { type: 'safety.signalReported', signal: 'suicidality' }, { actor: physician });
 * ```
 */
export const HOLD_SIGNALS = freezeNew(['serious-adverse-event', 'suicidality', 'pregnancy', 'psychotic-symptoms', 'transfer-of-care'] as const);
export const holdSignalSchema = lazyInstance(() => z.enum(HOLD_SIGNALS));
/**
 * A signal that puts treatment on hold: one of {@link HOLD_SIGNALS}.
 *
 * @example
 * ```ts
 * const signal: HoldSignal = 'pregnancy'; // treatment waits for a clinician's review
 * ```
 *
 * @useDeclaredType
 */
export type HoldSignal = z.infer<typeof holdSignalSchema>;

/** Where a journey ended. */
export type JourneyOutcomeKind = 'completed' | 'discontinued' | 'closed';
