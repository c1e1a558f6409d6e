import { z } from 'zod';
import {
  adverseEventTermSchema,
  contraindicationSchema,
  cssrsRiskSchema,
  holdSignalSchema,
  indicationSchema,
  INSTRUMENT_MAX_TOTAL,
  instrumentSchema,
  medicationClassSchema,
  preDoseFindingSchema,
  routeSchema,
} from './vocabulary.js';
import { lazyInstance, once } from '../lazyInstance.js';
import { scheduleBlockSchema } from './protocol.js';
import { freezeNew } from '../store/freezeNew.js';

// Payload schemas of the events staff and systems send. The engine adds `type`, `at` (its clock's
// time) and `actor`. Free-text fields are short clinical notes or reasons: the host must keep names
// and other PHI out of them (a journey holds only an opaque patientRef).

// Built on first use, once per process: dozens of event schemas take milliseconds to build.
function buildSchemas() {
  /** An instant with a UTC offset, e.g. `2026-03-02T09:00:00Z`. */
  const isoInstant = z.iso.datetime({ offset: true });
  /** A short clinical note; not for PHI. */
  const note = z.string().trim().min(1).max(500);
  /** Why something was decided; not for PHI. */
  const reason = z.string().trim().min(3).max(500);
  /** An opaque reference into the host or a registry (no spaces, so names do not fit). */
  const opaqueRef = z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9._:#/-]+$/, 'must be an opaque reference (letters, digits and . _ : # / -), not a name');

  const systolic = z.number().int().min(40).max(300);
  const diastolic = z.number().int().min(20).max(200);
  const heartRate = z.number().int().min(20).max(250);
  const spo2 = z.number().int().min(50).max(100);

  const uniqueArray = <T extends z.ZodType>(item: T, max: number) =>
    z
      .array(item)
      .max(max)
      .refine((a) => new Set(a).size === a.length, { message: 'must not repeat an item' });

  const assessment = z
    .strictObject({
      instrument: instrumentSchema,
      /** The instrument's total (every instrument but the C-SSRS screener). */
      total: z.number().int().min(0).optional(),
      /** PHQ-9 item 9 (thoughts of self-harm), 0-3. */
      item9: z.number().int().min(0).max(3).optional(),
      /** C-SSRS screener triage level (the host supplies the licensed item text). */
      risk: cssrsRiskSchema.optional(),
      /** The version of the instrument that was administered (e.g. a scoring plugin's definition version). */
      instrumentVersion: z.string().trim().min(1).max(50).optional(),
      /** Reference to the scored response the total comes from (e.g. a QuestionnaireResponse id in the host). */
      responseRef: opaqueRef.optional(),
    })
    .superRefine((a, ctx) => {
      if (a.instrument === 'C-SSRS') {
        if (a.risk === undefined) ctx.addIssue({ code: 'custom', path: ['risk'], message: 'a C-SSRS result needs its risk level' });
        if (a.total !== undefined) ctx.addIssue({ code: 'custom', path: ['total'], message: 'the C-SSRS screener has no total: give its risk level' });
      } else {
        if (a.total === undefined) ctx.addIssue({ code: 'custom', path: ['total'], message: `a ${a.instrument} result needs its total` });
        else if (a.total > INSTRUMENT_MAX_TOTAL[a.instrument]) {
          ctx.addIssue({ code: 'custom', path: ['total'], message: `a ${a.instrument} total is at most ${INSTRUMENT_MAX_TOTAL[a.instrument]}` });
        }
        if (a.risk !== undefined) ctx.addIssue({ code: 'custom', path: ['risk'], message: 'only the C-SSRS screener has a risk level' });
      }
      if (a.item9 !== undefined && a.instrument !== 'PHQ-9') ctx.addIssue({ code: 'custom', path: ['item9'], message: 'item9 is recorded for the PHQ-9 only' });
      if (a.instrument === 'PHQ-9' && a.item9 === undefined) {
        ctx.addIssue({ code: 'custom', path: ['item9'], message: 'a PHQ-9 result needs item 9 (it needs follow-up whenever above 0)' });
      }
      // The other eight PHQ-9 items score 0-3 each: the total lies between item 9 and item 9 + 24.
      if (a.instrument === 'PHQ-9' && a.item9 !== undefined && a.total !== undefined && (a.total < a.item9 || a.total > a.item9 + 24)) {
        ctx.addIssue({
          code: 'custom',
          path: ['total'],
          message: `a PHQ-9 total with item 9 at ${a.item9} lies between ${a.item9} and ${a.item9 + 24} (the other eight items score 0-3 each)`,
        });
      }
    });

  const doseStep = z.strictObject({
    /** The plan step applies from this session number on. */
    fromSession: z.number().int().min(1).max(200),
    amount: z.number().positive().max(1000),
    unit: z.enum(['mg', 'mg/kg']),
    infusionMinutes: z.number().int().min(1).max(240).optional(),
    devices: z.number().int().min(1).max(6).optional(),
  });

  const input = z.strictObject({
    referral: z.strictObject({
      /** `self`: self-referral, which the clinic screens with extra care. */
      source: z.enum(['professional', 'self']),
      indication: indicationSchema,
      /** Opaque reference to the referring professional in the host. */
      referrerRef: opaqueRef.optional(),
      /** When the referral arrived (defaults to the journey's start). */
      receivedAt: isoInstant.optional(),
    }),
  });

  const events = {
    // Referral
    'referral.accepted': z.strictObject({ note: note.optional() }),
    'referral.declined': z.strictObject({ reason }),

    // Intake: consultations and screening
    'consultation.recorded': z.strictObject({
      kind: z.enum(['initial', 'follow-up']),
      mode: z.enum(['in-person', 'video', 'phone']),
      note: note.optional(),
    }),
    'assessment.recorded': assessment,
    'screening.contraindicationsRecorded': z.strictObject({
      /** Every item of the checklist answered: true when the condition is present. */
      answers: z.record(contraindicationSchema, z.boolean()),
      note: note.optional(),
    }),
    'screening.vitalsRecorded': z.strictObject({ systolic, diastolic, heartRate, spo2: spo2.optional() }),
    'screening.medicationsReviewed': z.strictObject({
      /** Current co-medication classes; empty when none. */
      classes: uniqueArray(medicationClassSchema, 8),
      note: note.optional(),
    }),
    'screening.selfReferralReviewed': z.strictObject({
      method: z.enum(['records-from-treating-professional', 'second-consultation', 'collateral-history', 'other']),
      note: note.optional(),
    }),
    'eligibility.decided': z
      .strictObject({
        outcome: z.enum(['eligible', 'physician-review', 'ineligible']),
        reasons: z.array(z.string().trim().min(3).max(300)).max(10),
      })
      .refine((e) => e.outcome === 'eligible' || e.reasons.length > 0, { message: 'a physician review or ineligible outcome needs at least one reason', path: ['reasons'] }),

    // Consent and plan
    'consent.recorded': z.strictObject({ formVersion: z.string().trim().min(1).max(50) }),
    'rems.enrolled': z.strictObject({ enrolmentRef: opaqueRef }),
    'plan.recorded': z
      .strictObject({
      route: routeSchema,
      /** The prescriber's dose plan, recorded as given: the journey never computes a dose. */
      dosePlan: z.strictObject({
        summary: z.string().trim().min(1).max(300),
        steps: z.array(doseStep).min(1).max(24),
      }),
      /** Observation minutes for this patient; at least the protocol's minimum for the route. */
      observationMinutes: z.number().int().min(15).max(720).optional(),
      /** Response is judged on this instrument (defaults to the protocol's for the indication). */
      primaryInstrument: instrumentSchema.exclude(['C-SSRS']).optional(),
      /** An induction schedule for this patient instead of the route's default. */
      inductionSchedule: z.array(scheduleBlockSchema).min(1).max(12).optional(),
      therapyModality: z.enum(['cbt', 'act', 'psychodynamic', 'ketamine-assisted-psychotherapy', 'other']).optional(),
      /** The patient's weight in kg, which mg/kg steps are worked out with (required when a step is in mg/kg). */
      weightKg: z.number().min(20).max(350).optional(),
    })
    .refine((p) => p.weightKg !== undefined || p.dosePlan.steps.every((s) => s.unit === 'mg'), {
      message: 'a dose plan in mg/kg needs the patient\'s weight (weightKg)',
      path: ['weightKg'],
    }),
    'induction.started': z.strictObject({ firstSessionAt: isoInstant }),

    // The schedule
    'session.rescheduled': z.strictObject({ sessionNumber: z.number().int().min(1), to: isoInstant, reason }),
    'session.cancelled': z.strictObject({ reason }),
    'session.missedReviewed': z
      .strictObject({
        worsening: z.boolean(),
        decision: z.enum(['keep-schedule', 'return-to-previous-schedule']),
        /** When returning to the previous schedule: the first session of it. */
        nextSessionAt: isoInstant.optional(),
        /** Maintenance: the more frequent cadence (days) to return to. */
        everyDays: z.number().int().min(1).max(365).optional(),
        note: note.optional(),
      })
      .refine((e) => e.decision === 'keep-schedule' || e.nextSessionAt !== undefined, {
        message: 'returning to the previous schedule needs nextSessionAt',
        path: ['nextSessionAt'],
      }),

    // A session: pre-dose checks
    'session.checkedIn': z.strictObject({}),
    'predose.fastingConfirmed': z.strictObject({
      lastFoodAt: isoInstant,
      lastLiquidAt: isoInstant,
      /** Last nasal corticosteroid or decongestant, if any was taken today. */
      lastNasalSteroidOrDecongestantAt: isoInstant.optional(),
    }),
    'predose.transportConfirmed': z.strictObject({
      /** A responsible adult takes the patient home; the patient does not drive until the next day. */
      responsibleAdultConfirmed: z.boolean(),
      mode: z.enum(['car-driven-by-adult', 'taxi-with-adult', 'public-transport-with-adult', 'walking-with-adult']),
    }),
    'predose.trustedAdultConfirmed': z.strictObject({
      aged18OrOver: z.boolean(),
      presentWholeSession: z.boolean(),
      withinVoiceRange: z.boolean(),
      canCallCareTeamOrEmergency: z.boolean(),
    }),
    'predose.vitalsRecorded': z.strictObject({ systolic, diastolic, heartRate, spo2: spo2.optional() }),
    'predose.bpOverridden': z.strictObject({ reason }),
    'predose.contraindicationsChecked': z.strictObject({
      /** Findings new since the last session; empty when none. */
      newFindings: uniqueArray(preDoseFindingSchema, 4),
      note: note.optional(),
    }),
    'predose.findingCleared': z.strictObject({ reason }),
    'predose.medicationsConfirmed': z.strictObject({
      /** Current co-medication classes today; empty when none. */
      classes: uniqueArray(medicationClassSchema, 8),
      changedSinceLastSession: z.boolean(),
    }),
    'predose.doseDeviationApproved': z.strictObject({
      /** The amount the physician approves for this session's dose instead of the plan's. */
      amountMg: z.number().positive().max(1000),
      reason,
    }),

    // Dose and monitoring
    'dose.recorded': z.strictObject({
      medication: z.enum(['esketamine', 'racemic-ketamine']),
      /** The total given, in mg, as administered (never computed by the journey). */
      amountMg: z.number().positive().max(1000),
      /** Esketamine: nasal devices used. */
      devices: z.number().int().min(1).max(6).optional(),
      /** IV: infusion duration. */
      infusionMinutes: z.number().int().min(1).max(240).optional(),
      lot: z.string().trim().min(1).max(50),
      administration: z.enum(['staff-administered', 'self-administered-supervised', 'self-administered-at-home']),
    }),
    'monitoring.vitalsRecorded': z.strictObject({ systolic, diastolic, heartRate, spo2: spo2.optional(), takenAt: isoInstant.optional() }),
    'monitoring.sedationRecorded': z.strictObject({
      /** MOAA/S: 5 = responds readily to name in normal tone, 0 = no response to painful stimulus. */
      moaas: z.number().int().min(0).max(5),
      takenAt: isoInstant.optional(),
    }),
    'monitoring.dissociationRecorded': z
      .strictObject({ score: z.number().int().min(0).max(92), form: z.enum(['CADSS', 'CADSS-6']), takenAt: isoInstant.optional() })
      .refine((e) => e.form === 'CADSS' || e.score <= 24, { message: 'a CADSS-6 score is at most 24', path: ['score'] }),
    'monitoring.adverseEventRecorded': z.strictObject({
      term: adverseEventTermSchema,
      severity: z.enum(['mild', 'moderate', 'severe']),
      /** Serious adverse event: escalates and puts treatment on hold. */
      serious: z.boolean(),
      note: note.optional(),
    }),
    'session.discharged': z.strictObject({
      releasedTo: z.enum(['responsible-adult', 'trusted-adult-at-home']),
      alertAndOriented: z.boolean(),
      noDrivingAdviceGiven: z.boolean(),
      /** When the patient would have been ready to leave (REMS form); defaults to the discharge time. */
      readyToLeaveAt: isoInstant.optional(),
    }),
    'session.aborted': z.strictObject({ reason }),
    'monitoring.bpCheckMissed': z.strictObject({ reason }),
    'session.escalated': z.strictObject({
      /** Where care was handed over. */
      destination: z.enum(['emergency-department', 'ems', 'inpatient-admission']),
      /** The receiving service's reference (e.g. an EMS run number or ED encounter id). */
      reference: opaqueRef,
      reason,
    }),

    // Response review and maintenance
    'response.decided': z
      .strictObject({
        decision: z.enum(['maintenance', 'extend-induction', 'discontinue']),
        reason,
        additionalSessions: z.number().int().min(1).max(12).optional(),
        firstSessionAt: isoInstant.optional(),
        /** Maintenance: days from one session to the next (the least frequent that holds the response). */
        everyDays: z.number().int().min(1).max(365).optional(),
      })
      .refine((e) => e.decision !== 'extend-induction' || (e.additionalSessions !== undefined && e.firstSessionAt !== undefined), {
        message: 'extending induction needs additionalSessions and firstSessionAt',
        path: ['additionalSessions'],
      })
      .refine((e) => e.decision !== 'maintenance' || e.everyDays !== undefined, {
        message: 'entering maintenance needs the cadence a physician chose (everyDays)',
        path: ['everyDays'],
      }),
    'maintenance.cadenceChanged': z.strictObject({ everyDays: z.number().int().min(1).max(365), reason }),
    'checkIn.recorded': z.strictObject({ mode: z.enum(['in-person', 'video', 'phone']), note: note.optional() }),
    'maintenance.ended': z.strictObject({ reason }),

    // Holds and endings
    'safety.signalReported': z.strictObject({ signal: holdSignalSchema, note: note.optional() }),
    'hold.reviewed': z.strictObject({
      decision: z.enum(['resume', 'discontinue']),
      reason,
      /** Resume: the next session; the remaining planned sessions are re-planned from it, keeping their spacing. */
      nextSessionAt: isoInstant.optional(),
    }),
    'treatment.discontinued': z.strictObject({ reason }),
    'journey.withdrawn': z.strictObject({ reason: reason.optional() }),

    // Concurrent therapy
    'therapy.linked': z.strictObject({
      therapistRef: opaqueRef,
      modality: z.enum(['cbt', 'act', 'psychodynamic', 'ketamine-assisted-psychotherapy', 'other']),
    }),
    'therapy.sessionAttended': z.strictObject({ attendedAt: isoInstant }),
    'therapy.ended': z.strictObject({ reason }),

    // Esketamine REMS
    'rems.formSubmitted': z.strictObject({ sessionNumber: z.number().int().min(1), submissionRef: opaqueRef }),
  } as const;

  return { input, events: Object.freeze(events) };
}

const schemas = once(buildSchemas);

/**
 * The start input: the referral that opens a journey.
 *
 * @example
 * ```ts
 * await engine.start({ patientRef: 'pt-8842', actor, input: { referral: { source: 'professional', indication: 'generalized-anxiety' } } });
 * ```
 */
export const ketamineJourneyInputSchema = lazyInstance(() => schemas().input);
/**
 * What a host passes to `engine.start` for a ketamine-for-anxiety journey: the referral.
 *
 * @example
 * ```ts
 * const input: KetamineJourneyInput = { referral: { source: 'self', indication: 'panic' } };
 * await engine.start({ patientRef: 'pt-8842', actor: coordinator, input });
 * ```
 */
export type KetamineJourneyInput = z.input<typeof ketamineJourneyInputSchema>;

/**
 * Payload schema of every event a host may send to a ketamine-for-anxiety journey, keyed by type.
 * Timer events (no-show, observation elapsed, lapses, overdue forms) are fired by the engine and
 * are not in this list: see {@link KETAMINE_TIMER_EVENTS}.
 *
 * @example
 * ```ts
 * const parsed = ketamineJourneyEvents['predose.vitalsRecorded'].safeParse({ systolic: 128, diastolic: 84, heartRate: 70 });
 * parsed.success; // true: the engine validates every event this way before anything else
 * ```
 */
export const ketamineJourneyEvents = lazyInstance(() => schemas().events);

/**
 * Event types a host may send.
 *
 * @example
 * ```ts
 * const type: KetamineEventType = 'dose.recorded';
 * view.allowedEvents.includes(type); // may it be sent now?
 * ```
 */
export type KetamineEventType = keyof typeof ketamineJourneyEvents;
/**
 * The validated payload of an event type.
 *
 * @example
 * ```ts
 * const vitals: KetamineEventPayload<'monitoring.vitalsRecorded'> = { systolic: 138, diastolic: 86, heartRate: 80, spo2: 97 };
 * await engine.send(id, { type: 'monitoring.vitalsRecorded', ...vitals }, { actor: nurse });
 * ```
 */
export type KetamineEventPayload<K extends KetamineEventType> = z.output<(typeof ketamineJourneyEvents)[K]>;

/**
 * Events the engine fires from durable timers (as the `system` actor); hosts cannot send them.
 *
 * @example
 * ```ts
 * const fired = await engine.runDue(); // e.g. [{ journeyId, type: 'session.observationElapsed', ... }]
 * KETAMINE_TIMER_EVENTS['session.observationElapsed']; // what it means, in words
 * ```
 */
export const KETAMINE_TIMER_EVENTS = freezeNew({
  'session.noShow': 'The booked session passed its no-show grace period without a check-in.',
  'session.observationElapsed': 'The minimum observation after the dose has elapsed.',
  'monitoring.bpCheckDue': 'The post-dose blood-pressure check (about 40 minutes for esketamine) is due.',
  'monitoring.vitalsOverdue': 'A vitals reading is overdue on the route’s cadence (`vitalsEveryMinutes`).',
  'therapy.lapsed': 'No concurrent-therapy session was attended within the configured gap.',
  'rems.formOverdue': 'An esketamine REMS monitoring form was not submitted within its due days.',
  'maintenance.reassessmentDue': 'A maintenance re-assessment is due.',
} as const);
/**
 * An event the engine fires from a durable timer: one of the keys of {@link KETAMINE_TIMER_EVENTS}.
 *
 * @example
 * ```ts
 * const timerEvents: KetamineTimerEventType[] = ['session.noShow', 'monitoring.bpCheckDue'];
 * ```
 */
export type KetamineTimerEventType = keyof typeof KETAMINE_TIMER_EVENTS;

/**
 * One line per event for the event catalogue.
 *
 * @example
 * ```ts
 * for (const type of view.allowedEvents) menu.add(type, ketamineEventDescriptions[type as KetamineEventType]);
 * ```
 */
export const ketamineEventDescriptions: { readonly [K in KetamineEventType]: string } = freezeNew({
  'referral.accepted': 'Triage accepts the referral; intake begins.',
  'referral.declined': 'Triage declines the referral; the journey closes.',
  'consultation.recorded': 'A screening consultation took place (one or more).',
  'assessment.recorded': 'An instrument result: baseline at intake, follow-up during treatment. Suicidality during treatment puts it on hold.',
  'screening.contraindicationsRecorded': 'The contraindication checklist, every item answered.',
  'screening.vitalsRecorded': 'Baseline vitals at screening.',
  'screening.medicationsReviewed': 'Co-medication review (benzodiazepines, stimulants, MAOIs, opioids, ...).',
  'screening.selfReferralReviewed': 'The extra screening a self-referral needs before eligibility.',
  'eligibility.decided': 'Eligible, physician review, or ineligible, with reasons.',
  'consent.recorded': 'Informed consent, with the consent form version.',
  'rems.enrolled': 'Esketamine REMS enrolment (needed before induction on the esketamine route).',
  'plan.recorded': 'The treatment plan: route, the prescriber’s dose plan as given, observation, schedule.',
  'induction.started': 'Books the first induction session; the schedule is generated from the route.',
  'session.rescheduled': 'Moves a planned session.',
  'session.cancelled': 'Cancels the next planned session, or the current one before the dose.',
  'session.missedReviewed': 'After a missed esketamine session: keep the schedule, or return to the more frequent one for worsening.',
  'session.checkedIn': 'The patient arrived for the next planned session (at-home: the session begins).',
  'predose.fastingConfirmed': 'When the patient last ate and drank (and used a nasal steroid or decongestant).',
  'predose.transportConfirmed': 'In-clinic: the ride home; without a responsible adult it blocks the dose until a physician clears it.',
  'predose.trustedAdultConfirmed': 'At home: the trusted adult; one not meeting every condition blocks the dose until a physician clears it.',
  'predose.vitalsRecorded': 'Blood pressure and heart rate before the dose.',
  'predose.bpOverridden': 'A physician weighed risk and benefit and allows dosing above the pre-dose limit.',
  'predose.contraindicationsChecked': 'New contraindications since the last session; pregnancy or psychotic symptoms put treatment on hold.',
  'predose.findingCleared': 'A physician clears every record that blocks the dose (a new finding, a ride or trusted adult not confirmed) for this session.',
  'predose.medicationsConfirmed': 'Today’s co-medications (needed before a dose on REMS routes; the REMS form reports them).',
  'predose.doseDeviationApproved': 'A physician approves a dose that differs from the plan for this session.',
  'dose.recorded': 'The dose given: what, how much, by whom, lot. Only after passed pre-dose checks.',
  'monitoring.vitalsRecorded': 'BP, heart rate and SpO2 after the dose; a stop-rule hit aborts the session.',
  'monitoring.sedationRecorded': 'MOAA/S sedation level.',
  'monitoring.dissociationRecorded': 'CADSS dissociation score.',
  'monitoring.adverseEventRecorded': 'An adverse event with severity; a serious one aborts the session and holds treatment.',
  'session.discharged': 'Discharge after the minimum observation, with acceptable vitals, alert, to the responsible adult, with no-driving advice.',
  'session.aborted': 'Stops a session after the dose: no further dosing, monitoring goes on until discharge or transfer.',
  'monitoring.bpCheckMissed': 'A physician records that the post-dose blood-pressure check was missed, and why; discharge may then proceed without it.',
  'session.escalated': 'Hands a dosed patient over to an emergency department, EMS or an admission, with the receiving service’s reference.',
  'response.decided': 'A physician decides after the response review: maintenance (with its cadence), extend induction, or discontinue.',
  'maintenance.cadenceChanged': 'Sets the maintenance interval (the least frequent that holds the response).',
  'checkIn.recorded': 'A clinician check-in (needed before an at-home dose after a long gap).',
  'maintenance.ended': 'Ends maintenance: the journey is completed.',
  'safety.signalReported': 'A serious adverse event, suicidality, pregnancy or psychotic symptoms: treatment goes on hold.',
  'hold.reviewed': 'A physician reviews a hold: resume (with the next session; the schedule is re-planned from it) or discontinue.',
  'treatment.discontinued': 'A physician discontinues treatment (an esketamine journey ends once its outstanding REMS forms are submitted).',
  'journey.withdrawn': 'The patient withdraws; the journey closes (an esketamine journey once its outstanding REMS forms are submitted).',
  'therapy.linked': 'The concurrent therapist is linked (or changed).',
  'therapy.sessionAttended': 'A concurrent-therapy session was attended.',
  'therapy.ended': 'Concurrent therapy ended.',
  'rems.formSubmitted': 'The esketamine REMS monitoring form of a session was submitted.',
});
