import { z } from 'zod';
import type { JourneyStartInput } from '../engine/defineJourney.js';
import { lazyInstance } from '../lazyInstance.js';
import type { KetamineEventPayload, KetamineJourneyInput } from './events.js';
import type { KetamineProtocol } from './protocol.js';
import type { RemsMonitoringForm } from './remsMonitoringForm.js';
import type { ResponseInstrument, ResponseResult } from './responseReview.js';
import type {
  AdverseEventTerm,
  AnxietyIndication,
  Contraindication,
  CssrsRisk,
  HoldSignal,
  Instrument,
  KetamineRoute,
  MedicationClass,
  PreDoseFinding,
} from './vocabulary.js';

// The context of a ketamine-for-anxiety journey. JSON only: instants are ISO strings, and every
// record keeps who (actor id and role) and when, so the context reads as an audit trail.

/**
 * Who did something, as the context records it: the actor's opaque id and role.
 *
 * @example
 * ```ts
 * const who = (by: ActorRef) => `${by.role} ${by.id}`;
 * const plan = view.context.plan;
 * if (plan) who(plan.by); // e.g. 'physician dr-2'
 * ```
 */
export interface ActorRef {
  readonly id: string;
  readonly role: string;
}

/**
 * When and by whom a record was made, so the context reads as an audit trail. `at` is the
 * event's time (ISO 8601), not the time the engine applied it.
 *
 * @example
 * ```ts
 * const recordedByNurses = view.context.assessments.filter((record: Stamp) => record.by.role === 'nurse');
 * ```
 */
export interface Stamp {
  /** When the event that made the record took effect (ISO 8601). */
  readonly at: string;
  readonly by: ActorRef;
}

/**
 * A blood-pressure reading in mmHg, as judged against the protocol's pre-dose and discharge limits.
 *
 * @example
 * ```ts
 * const overridden: BloodPressure[] = view.context.session?.preDose.bpOverrides.map((o) => o.reading) ?? [];
 * overridden.map(({ systolic, diastolic }) => `${systolic}/${diastolic} mmHg`);
 * ```
 */
export interface BloodPressure {
  /** mmHg. */
  readonly systolic: number;
  /** mmHg. */
  readonly diastolic: number;
}

/**
 * One set of vital signs: blood pressure, heart rate and oxygen saturation, and when it was taken
 * (readings are judged in the time they were taken, never from the future).
 *
 * @example
 * ```ts
 * const readings: readonly VitalsReading[] = view.context.session?.vitals ?? [];
 * readings.map((v) => `${v.takenAt} ${v.systolic}/${v.diastolic} HR ${v.heartRate} SpO2 ${v.spo2 ?? '-'}`);
 * ```
 */
export interface VitalsReading extends BloodPressure {
  /** Beats per minute. */
  readonly heartRate: number;
  /** Oxygen saturation in percent, when measured. */
  readonly spo2: number | null;
  /** When the reading was taken. */
  readonly takenAt: string;
}

/**
 * One recorded instrument result: the total (or C-SSRS risk, or PHQ-9 item 9), when and by whom, and whether it is a baseline.
 *
 * @example
 * ```ts
 * const gad7 = view.context.assessments.filter((a) => a.instrument === 'GAD-7');
 * gad7.map((a) => [a.at, a.phase, a.total]); // baseline at intake, follow-ups during treatment
 * ```
 */
export interface AssessmentRecord extends Stamp {
  readonly instrument: Instrument;
  readonly total: number | null;
  readonly item9: number | null;
  readonly risk: CssrsRisk | null;
  /** The administered instrument's version, when the sender gave it. */
  readonly instrumentVersion: string | null;
  /** The scored response the total comes from, when the sender gave it. */
  readonly responseRef: string | null;
  /** `baseline` when recorded during intake. */
  readonly phase: 'baseline' | 'follow-up';
}

/**
 * Which part of the course a session belongs to: the induction series, or maintenance after the
 * response review.
 *
 * @example
 * ```ts
 * const inductionSessions = view.context.schedule.filter((s) => s.phase === ('induction' satisfies SessionPhase));
 * ```
 */
export type SessionPhase = 'induction' | 'maintenance';

/**
 * Where a scheduled session stands: `planned` until check-in, `in-progress` from check-in, then
 * its {@link SessionOutcome}. A planned session can also be `cancelled` before check-in, or
 * `missed` (a no-show).
 *
 * @example
 * ```ts
 * const noShows = view.context.schedule.filter((s) => s.status === ('missed' satisfies ScheduledStatus)).length;
 * ```
 */
export type ScheduledStatus = 'planned' | 'in-progress' | 'completed' | 'missed' | 'cancelled' | 'aborted' | 'transferred';

/**
 * One session of the schedule.
 *
 * @example
 * ```ts
 * const next = view.context.schedule.find((s) => s.status === 'planned');
 * next?.dueAt; // ISO instant of the next session
 * ```
 */
export interface ScheduledSession {
  readonly number: number;
  readonly phase: SessionPhase;
  /** Index of the induction schedule block, or null in maintenance. */
  readonly block: number | null;
  readonly dueAt: string;
  readonly status: ScheduledStatus;
}

/**
 * How a session that began (checked in) ended: `completed` (discharged), `aborted` (stopped
 * after the dose, then monitored to discharge), `cancelled` (ended before the dose), or
 * `transferred` (care handed to an emergency department, EMS or an admission); `in-progress` until then.
 *
 * @example
 * ```ts
 * const outcome: SessionOutcome | undefined = view.context.sessions.at(-1)?.outcome; // e.g. 'completed'
 * ```
 */
export type SessionOutcome = 'in-progress' | 'completed' | 'cancelled' | 'aborted' | 'transferred';

/**
 * A pre-dose record that blocks dosing until a physician clears it (`predose.findingCleared`).
 *
 * @example
 * ```ts
 * const open = view.context.session?.preDose.blocking.filter((b) => b.cleared === null) ?? [];
 * // each blocks the dose until a physician sends predose.findingCleared
 * ```
 */
export interface BlockingEvidence extends Stamp {
  readonly kind: 'new-finding' | 'no-responsible-adult' | 'trusted-adult-incomplete' | 'medications-changed';
  /** What was recorded, in words (the finding, or the conditions the trusted adult did not meet). */
  readonly detail: string;
  readonly cleared: (Stamp & { readonly reason: string }) | null;
}

/**
 * Why a dosed session stopped early; monitoring goes on until discharge or transfer.
 *
 * @example
 * ```ts
 * const stopped = view.context.sessions.filter((s) => s.stopped?.kind === 'stop-rule');
 * ```
 */
export interface SessionStop extends Stamp {
  readonly kind: 'stop-rule' | 'aborted' | 'serious-adverse-event' | 'hold' | 'discontinued' | 'withdrawn';
  readonly reason: string;
}

/**
 * Everything recorded in one session, from check-in to its end. Pre-dose records are append-only.
 *
 * @example
 * ```ts
 * const current = view.context.session; // the session under way, or null
 * current?.dose?.amountMg; // as administered
 * current?.vitals.map((v) => `${v.systolic}/${v.diastolic} at ${v.takenAt}`);
 * ```
 */
export interface SessionRecord {
  readonly number: number;
  readonly phase: SessionPhase;
  readonly route: KetamineRoute;
  readonly setting: 'clinic' | 'home';
  readonly dueAt: string;
  readonly checkedIn: Stamp;
  readonly preDose: {
    readonly fasting: readonly (Stamp & { readonly lastFoodAt: string; readonly lastLiquidAt: string; readonly lastNasalSteroidOrDecongestantAt: string | null })[];
    readonly transport: readonly (Stamp & { readonly responsibleAdultConfirmed: boolean; readonly mode: string })[];
    readonly trustedAdult: readonly (Stamp & { readonly confirmed: boolean; readonly missing: readonly string[] })[];
    /** Pre-dose readings, in the order they were recorded. */
    readonly vitals: readonly (Stamp & VitalsReading)[];
    /** Each override covers the readings recorded before it (`coversReadings` of them). */
    readonly bpOverrides: readonly (Stamp & { readonly reason: string; readonly reading: BloodPressure; readonly coversReadings: number })[];
    readonly contraindicationChecks: readonly (Stamp & { readonly newFindings: readonly PreDoseFinding[] })[];
    readonly medications: readonly (Stamp & { readonly classes: readonly MedicationClass[]; readonly changedSinceLastSession: boolean })[];
    readonly doseDeviations: readonly (Stamp & { readonly amountMg: number; readonly reason: string })[];
    /** Records that block dosing until a physician clears them. */
    readonly blocking: readonly BlockingEvidence[];
  };
  readonly dose:
    | (Stamp & {
        readonly medication: 'esketamine' | 'racemic-ketamine';
        readonly amountMg: number;
        readonly devices: number | null;
        readonly infusionMinutes: number | null;
        readonly lot: string;
        readonly administration: string;
        /** The plan's amount for this session (mg), when it could be worked out. */
        readonly plannedMg: number | null;
        /** The approved deviation the dose relied on, if any. */
        readonly deviationReason: string | null;
      })
    | null;
  /** Readings after the dose, in `takenAt` order. */
  readonly vitals: readonly (VitalsReading & { readonly by: ActorRef })[];
  readonly sedation: readonly { readonly moaas: number; readonly takenAt: string }[];
  readonly dissociation: readonly { readonly score: number; readonly form: 'CADSS' | 'CADSS-6'; readonly takenAt: string }[];
  readonly adverseEvents: readonly (Stamp & { readonly term: AdverseEventTerm; readonly severity: 'mild' | 'moderate' | 'severe'; readonly serious: boolean })[];
  /** Observation minutes that applied to this session. */
  readonly observationMinutes: number;
  readonly observationElapsedAt: string | null;
  readonly bpChecksDue: readonly number[];
  /** A physician's record that the blood-pressure check was missed (discharge may then proceed without it). */
  readonly bpCheckMissed: (Stamp & { readonly reason: string }) | null;
  /** When a vitals reading became overdue (cleared by the next reading). */
  readonly vitalsOverdueSince: string | null;
  /** Set when the session stopped early (no further dosing); the patient stays monitored. */
  readonly stopped: SessionStop | null;
  readonly discharge:
    | (Stamp & {
        readonly releasedTo: 'responsible-adult' | 'trusted-adult-at-home';
        readonly alertAndOriented: boolean;
        readonly noDrivingAdviceGiven: boolean;
        readonly readyToLeaveAt: string;
      })
    | null;
  /** A recorded transfer of care (emergency department, EMS, admission). */
  readonly transfer: (Stamp & { readonly destination: 'emergency-department' | 'ems' | 'inpatient-admission'; readonly reference: string; readonly reason: string }) | null;
  readonly outcome: SessionOutcome;
  readonly ended: (Stamp & { readonly reason: string | null }) | null;
}

/**
 * An ended session as the journey keeps it: the facts later rules, the REMS form and the response
 * review use. Every record of the session (each reading, each pre-dose record) stays in the
 * journal; the context keeps the last {@link RECENT_SESSIONS} of these summaries, so its size stays
 * flat over a years-long course.
 *
 * @example
 * ```ts
 * const last = view.context.sessions.at(-1); // the most recent ended session
 * last?.outcome; // 'completed'
 * last?.dose?.amountMg; // as administered; each reading of it is in engine.history(id)
 * ```
 */
export interface SessionSummary {
  readonly number: number;
  readonly phase: SessionPhase;
  readonly route: KetamineRoute;
  readonly setting: 'clinic' | 'home';
  readonly dueAt: string;
  readonly checkedInAt: string;
  readonly dose: {
    readonly at: string;
    readonly medication: 'esketamine' | 'racemic-ketamine';
    readonly amountMg: number;
    readonly devices: number | null;
    readonly plannedMg: number | null;
  } | null;
  readonly observationMinutes: number;
  readonly observationElapsedAt: string | null;
  readonly adverseEvents: readonly { readonly term: AdverseEventTerm; readonly serious: boolean }[];
  readonly stopped: { readonly kind: SessionStop['kind']; readonly reason: string } | null;
  readonly discharge: { readonly at: string; readonly releasedTo: 'responsible-adult' | 'trusted-adult-at-home'; readonly readyToLeaveAt: string } | null;
  readonly transfer: { readonly at: string; readonly destination: 'emergency-department' | 'ems' | 'inpatient-admission'; readonly reference: string } | null;
  readonly outcome: Exclude<SessionOutcome, 'in-progress'>;
  readonly ended: Stamp & { readonly reason: string | null };
}

/**
 * How many ended sessions (and ended schedule entries) the context keeps; older ones are in the journal.
 *
 * @example
 * ```ts
 * view.context.sessions.length <= RECENT_SESSIONS; // always true: older sessions live in the journal
 * ```
 */
export const RECENT_SESSIONS = 12;

/**
 * Counts and instants over the whole course, kept instead of the full history.
 *
 * @example
 * ```ts
 * const { doses, sessionsEnded, lastDoseAt } = view.context.tally; // over the whole course
 * ```
 */
export interface CourseTally {
  /** Every session number ever scheduled is below this; the next one gets it. */
  readonly nextSessionNumber: number;
  readonly sessionsEnded: number;
  readonly doses: number;
  readonly lastDoseAt: string | null;
  /** When the last induction session began (follow-up assessments from then on count for the response review). */
  readonly lastInductionCheckInAt: string | null;
  readonly holds: number;
  readonly remsFormsSubmitted: number;
  /** REMS forms exist for every dosed esketamine session up to this number. */
  readonly remsFiledThroughSession: number;
}

/**
 * The treatment plan a physician recorded: route, dose plan (as prescribed, never computed), observation, primary instrument and induction schedule.
 *
 * @example
 * ```ts
 * const plan = view.context.plan;
 * plan?.route; // 'iv'
 * plan?.primaryInstrument; // 'GAD-7': what response is judged on
 * ```
 */
export interface TreatmentPlan extends Stamp {
  readonly route: KetamineRoute;
  readonly dosePlan: KetamineEventPayload<'plan.recorded'>['dosePlan'];
  /** The weight mg/kg steps are worked out with. */
  readonly weightKg: number | null;
  readonly observationMinutes: number;
  readonly primaryInstrument: ResponseInstrument;
  readonly inductionSchedule: KetamineProtocol['routes'][KetamineRoute]['induction'];
  readonly therapyModality: string | null;
}

/**
 * A hold on treatment: the signals that raised it (who, when) and the clinician's review once it is resolved.
 *
 * @example
 * ```ts
 * const hold = view.context.hold; // the hold in effect, or null
 * hold?.signals.map((s) => s.signal); // e.g. ['serious-adverse-event']
 * view.context.holds.at(-1)?.review?.decision; // 'resume' | 'discontinue' for a reviewed hold
 * ```
 */
export interface HoldRecord extends Stamp {
  readonly signals: readonly (Stamp & { readonly signal: HoldSignal })[];
  readonly review: (Stamp & { readonly decision: 'resume' | 'discontinue'; readonly reason: string }) | null;
}

/**
 * The esketamine REMS monitoring form of one session: when it is due, whether it was submitted, and whether it is overdue.
 *
 * @example
 * ```ts
 * const due = view.context.rems.forms.filter((f) => f.submitted === null);
 * due.map((f) => `session ${f.sessionNumber} due ${f.dueAt}${f.overdue ? ' (overdue)' : ''}`);
 * ```
 */
export interface RemsFormStatus {
  readonly sessionNumber: number;
  readonly dueAt: string;
  readonly submitted: (Stamp & { readonly submissionRef: string }) | null;
  readonly overdue: boolean;
  /** The form's data, kept while it is outstanding (see `remsMonitoringForm`). */
  readonly form: RemsMonitoringForm | null;
}

/**
 * The machine context of a ketamine-for-anxiety journey.
 *
 * @example
 * ```ts
 * const view = await engine.get(id); // JourneyView<KetamineJourneyContext>
 * view.context.intake.eligibility?.outcome; // 'eligible'
 * view.context.response; // { instrument: 'GAD-7', baseline: 17, current: 7, responded: true, ... }
 * ```
 */
export interface KetamineJourneyContext {
  readonly patientRef: string;
  readonly startedAt: string;
  /** The clinic's protocol as it was when the journey started. */
  readonly protocol: KetamineProtocol;
  readonly referral: {
    readonly source: 'professional' | 'self';
    readonly indication: AnxietyIndication;
    readonly referrerRef: string | null;
    readonly receivedAt: string;
    /** Self-referrals need extra screening before eligibility. */
    readonly extraScreeningRequired: boolean;
    readonly triage: (Stamp & { readonly decision: 'accepted' | 'declined'; readonly reason: string | null }) | null;
  };
  readonly intake: {
    readonly consultations: readonly (Stamp & { readonly kind: 'initial' | 'follow-up'; readonly mode: string })[];
    readonly contraindications: (Stamp & { readonly present: readonly Contraindication[] }) | null;
    readonly baselineVitals: (Stamp & BloodPressure & { readonly heartRate: number; readonly spo2: number | null }) | null;
    readonly medications: (Stamp & { readonly classes: readonly MedicationClass[] }) | null;
    readonly extraScreening: (Stamp & { readonly method: string }) | null;
    readonly eligibility: (Stamp & { readonly outcome: 'eligible' | 'physician-review' | 'ineligible'; readonly reasons: readonly string[] }) | null;
    readonly consent: (Stamp & { readonly formVersion: string }) | null;
    readonly remsEnrolment: (Stamp & { readonly enrolmentRef: string }) | null;
  };
  /** The latest baseline and the latest follow-up of each instrument, most recent last; every result is in the journal. */
  readonly assessments: readonly AssessmentRecord[];
  readonly plan: TreatmentPlan | null;
  readonly schedule: readonly ScheduledSession[];
  /** The session in progress, if any. */
  readonly session: SessionRecord | null;
  /** The most recent sessions that ended (at most {@link RECENT_SESSIONS}), as summaries. */
  readonly sessions: readonly SessionSummary[];
  readonly tally: CourseTally;
  /** When induction ended and the response review began. */
  readonly inductionEndedAt: string | null;
  readonly response: (ResponseResult & { readonly at: string }) | null;
  readonly responseDecision: (Stamp & { readonly decision: 'maintenance' | 'extend-induction' | 'discontinue'; readonly reason: string; readonly everyDays: number | null }) | null;
  readonly maintenance: {
    /** The cadence a physician set (response decision, cadence change, missed-session review). */
    readonly everyDays: number | null;
    readonly startedAt: string | null;
    /** The most recent clinician check-ins (at most 3). */
    readonly checkIns: readonly Stamp[];
  };
  /** A missed session awaiting the clinician's choice (esketamine). */
  readonly missedSession: { readonly number: number; readonly phase: SessionPhase; readonly at: string } | null;
  /** The hold in effect. Raised during a dosed session, it takes effect when the session ends. */
  readonly hold: HoldRecord | null;
  /** The most recent reviewed holds (at most 5); `tally.holds` counts them all. */
  readonly holds: readonly HoldRecord[];
  /** A discontinuation or withdrawal sent during a dosed session: it takes effect when the session ends. */
  readonly pendingEnding: (Stamp & { readonly kind: 'discontinued' | 'closed'; readonly reason: string }) | null;
  readonly therapy: {
    readonly therapistRef: string | null;
    readonly modality: string | null;
    readonly linkedAt: string | null;
    readonly lastAttendedAt: string | null;
    readonly sessionsAttended: number;
    readonly lapses: number;
    readonly endedAt: string | null;
  };
  /** Outstanding REMS forms, and the most recent submitted ones (at most 3); `tally.remsFormsSubmitted` counts them all. */
  readonly rems: { readonly forms: readonly RemsFormStatus[] };
  readonly outcome: (Stamp & { readonly kind: 'completed' | 'discontinued' | 'closed'; readonly reason: string }) | null;
}

/**
 * The machine's input (see `JourneyStartInput`).
 *
 * @example
 * ```ts
 * const context = initialKetamineContext({ patientRef: 'pt-1', startedAt: Date.now(), actor, data: { referral: { source: 'professional', indication: 'panic' } }, protocol: defaultKetamineProtocol() });
 * ```
 */
export type KetamineMachineInput = JourneyStartInput<KetamineJourneyInput, KetamineProtocol>;

/**
 * The context a journey starts with.
 *
 * @example
 * ```ts
 * const context = initialKetamineContext({
 *   patientRef: 'pt-1',
 *   startedAt: Date.parse('2026-03-02T08:30:00Z'),
 *   actor: { id: 'coord-1', role: 'coordinator' },
 *   data: { referral: { source: 'self', indication: 'generalized-anxiety' } },
 *   protocol: defaultKetamineProtocol('Europe/Berlin'),
 * });
 * context.referral.extraScreeningRequired; // true for a self-referral
 * ```
 */
export function initialKetamineContext(input: KetamineMachineInput): KetamineJourneyContext {
  const startedAt = new Date(input.startedAt).toISOString();
  const { referral } = input.data;
  return {
    patientRef: input.patientRef,
    startedAt,
    protocol: input.protocol,
    referral: {
      source: referral.source,
      indication: referral.indication,
      referrerRef: referral.referrerRef ?? null,
      receivedAt: referral.receivedAt === undefined ? startedAt : new Date(referral.receivedAt).toISOString(),
      extraScreeningRequired: referral.source === 'self',
      triage: null,
    },
    intake: {
      consultations: [],
      contraindications: null,
      baselineVitals: null,
      medications: null,
      extraScreening: null,
      eligibility: null,
      consent: null,
      remsEnrolment: null,
    },
    assessments: [],
    plan: null,
    schedule: [],
    session: null,
    sessions: [],
    tally: {
      nextSessionNumber: 1,
      sessionsEnded: 0,
      doses: 0,
      lastDoseAt: null,
      lastInductionCheckInAt: null,
      holds: 0,
      remsFormsSubmitted: 0,
      remsFiledThroughSession: 0,
    },
    inductionEndedAt: null,
    response: null,
    responseDecision: null,
    maintenance: { everyDays: null, startedAt: null, checkIns: [] },
    missedSession: null,
    hold: null,
    holds: [],
    pendingEnding: null,
    therapy: { therapistRef: null, modality: null, linkedAt: null, lastAttendedAt: null, sessionsAttended: 0, lapses: 0, endedAt: null },
    rems: { forms: [] },
    outcome: null,
  };
}

/**
 * Checked whenever a stored journey is read back: the parts every rule relies on.
 *
 * @example
 * ```ts
 * const checked = ketamineContextSchema.safeParse(snapshot.context);
 * if (!checked.success) throw new Error('stored context is missing parts the rules rely on');
 * ```
 */
export const ketamineContextSchema = lazyInstance(() =>
  z.looseObject({
    patientRef: z.string().min(1),
    startedAt: z.string(),
    protocol: z.looseObject({ routes: z.record(z.string(), z.unknown()) }),
    referral: z.looseObject({ source: z.enum(['professional', 'self']), indication: z.string() }),
    intake: z.looseObject({ consultations: z.array(z.unknown()) }),
    assessments: z.array(z.unknown()),
    plan: z.looseObject({ route: z.string() }).nullable(),
    schedule: z.array(z.looseObject({ number: z.number().int(), dueAt: z.string(), status: z.string() })),
    session: z.looseObject({ number: z.number().int() }).nullable(),
    sessions: z.array(z.unknown()),
    hold: z.unknown(),
    therapy: z.looseObject({ sessionsAttended: z.number() }),
    rems: z.looseObject({ forms: z.array(z.unknown()) }),
  }),
);
