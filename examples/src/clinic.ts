// What every example clinic shares: its staff, a driver that sends events and moves the manual
// clock, the intake of a patient with nothing to rule them out, and a calm session. The examples
// show what differs; these helpers are written with the public API only, like a host's own code.
//
// Every value is illustrative. carejourney records and enforces a clinic's protocol; it gives no
// medical advice, and doses are the prescriber's, recorded as given.
import {
  CONTRAINDICATIONS,
  type JourneyEventFrom,
  type JourneyView,
  type KetamineJourneyContext,
  type KetamineRole,
  type ketamineAnxietyJourney,
  type ManualClock,
  type MedicationClass,
  type SendResult,
  type TreatmentPlan,
} from '@carejourney/core';
import type { KetamineEngine, Timeline } from './timeline.js';

export type KetamineEvent = JourneyEventFrom<typeof ketamineAnxietyJourney>;
export type EventOf<T extends KetamineEvent['type']> = Extract<KetamineEvent, { type: T }>;
export type KetamineView = JourneyView<KetamineJourneyContext>;

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
export const iso = (ms: number): string => new Date(ms).toISOString();

/** Who sends an event: an opaque id from the host and a role of the journey's policy. */
export interface ClinicActor {
  readonly id: string;
  readonly role: KetamineRole;
}

/** The clinic's people, as opaque ids and the journey's roles. Names stay in the host. */
export const staff = {
  coordinator: { id: 'coord-ana', role: 'coordinator' },
  nurse: { id: 'rn-bo', role: 'nurse' },
  physician: { id: 'md-chen', role: 'physician' },
  therapist: { id: 'th-dara', role: 'therapist' },
} satisfies Record<string, ClinicActor>;

/** The patient as an actor: for their own questionnaires and at-home sessions. */
export const patientActor = (patientRef: string): ClinicActor => ({ id: patientRef, role: 'patient' });

/** The contraindication checklist with every item answered "no". */
export const NO_CONTRAINDICATIONS = Object.fromEntries(CONTRAINDICATIONS.map((c) => [c, false])) as EventOf<'screening.contraindicationsRecorded'>['answers'];

/** Sends events to one journey and moves the manual clock, firing due timers as time passes. */
export interface Driver {
  readonly id: string;
  readonly engine: KetamineEngine;
  readonly clock: ManualClock;
  /** Sends an event the example expects to be accepted; a refusal is a bug in the example, so it throws. */
  send(event: KetamineEvent, actor: ClinicActor): Promise<KetamineView>;
  /** Sends an event that may be refused: the refusal is a value (`{ ok: false, error }`) and changes nothing. */
  attempt(event: KetamineEvent, actor: ClinicActor): Promise<SendResult<KetamineView>>;
  /** Moves the clock to an instant and fires the timers due by then (a host's scheduler calls `runDue` every minute or so). */
  at(instant: string | number): Promise<void>;
  /** Moves the clock on by minutes and fires due timers. */
  after(minutes: number): Promise<void>;
  view(): Promise<KetamineView>;
}

/**
 * `timeline` names the sender of refused events; `afterTimers` is the host's own work after each
 * scheduler tick (e.g. passing on a patient's replies to reminders).
 */
export function drive(engine: KetamineEngine, clock: ManualClock, id: string, timeline?: Timeline, afterTimers?: () => Promise<void>): Driver {
  const driver: Driver = {
    id,
    engine,
    clock,
    async send(event, actor) {
      const result = await engine.send(id, event, { actor });
      if (!result.ok) throw new Error(`${event.type} was refused: ${result.error.message}`);
      return result.view;
    },
    async attempt(event, actor) {
      const result = await engine.send(id, event, { actor });
      if (!result.ok) timeline?.refusedBy(actor);
      return result;
    },
    async at(instant) {
      // A host's scheduler calls runDue every minute or so: step through the timers due before
      // the instant, each at its own time, so reminders and alerts go out when they are due.
      const target = typeof instant === 'number' ? instant : Date.parse(instant);
      for (let fired = 0; fired < 10_000; fired++) {
        const next = (await engine.get(id)).timers[0];
        const due = next === undefined ? Infinity : Date.parse(next.dueAt);
        if (due > target) break;
        clock.advanceTo(Math.max(clock.now(), due));
        const ran = await engine.runDue();
        await afterTimers?.();
        if (ran.length === 0) break; // nothing fired (another engine took it): go on to the instant
      }
      clock.advanceTo(target);
      await engine.runDue();
      await afterTimers?.();
    },
    after: (minutes) => driver.at(clock.now() + minutes * MIN),
    view: () => engine.get(id),
  };
  return driver;
}

export interface IntakeOptions {
  readonly patient: ClinicActor;
  readonly baseline: { readonly gad7: number; readonly phq9: number };
  /** Co-medications found at the review. */
  readonly medications: readonly MedicationClass[];
  readonly consentForm: string;
  /** Esketamine: the patient's REMS enrolment, before induction. */
  readonly remsEnrolmentRef?: string;
  readonly plan: Omit<EventOf<'plan.recorded'>, 'type'>;
  /** The first induction session, on an open clinic day ahead; without it, intake stops at the plan. */
  readonly firstSessionAt?: string;
}

/**
 * Referral to a booked induction for a patient with nothing that rules them out: consultation,
 * baseline instruments, the contraindication checklist, vitals, co-medications, the physician's
 * eligibility decision, consent, REMS enrolment when the route needs it, the plan, the first session.
 */
export async function screenAndPlan(d: Driver, o: IntakeOptions): Promise<KetamineView> {
  const { coordinator, nurse, physician } = staff;
  await d.send({ type: 'referral.accepted' }, coordinator);
  await d.after(60);
  await d.send({ type: 'consultation.recorded', kind: 'initial', mode: 'in-person' }, physician);
  await d.send({ type: 'assessment.recorded', instrument: 'GAD-7', total: o.baseline.gad7 }, o.patient);
  await d.send({ type: 'assessment.recorded', instrument: 'PHQ-9', total: o.baseline.phq9, item9: 0 }, o.patient);
  await d.send({ type: 'assessment.recorded', instrument: 'C-SSRS', risk: 'none' }, nurse);
  await d.send({ type: 'screening.contraindicationsRecorded', answers: NO_CONTRAINDICATIONS }, nurse);
  await d.send({ type: 'screening.vitalsRecorded', systolic: 124, diastolic: 80, heartRate: 70, spo2: 98 }, nurse);
  await d.send({ type: 'screening.medicationsReviewed', classes: [...o.medications] }, physician);
  await d.send({ type: 'eligibility.decided', outcome: 'eligible', reasons: [] }, physician);
  await d.send({ type: 'consent.recorded', formVersion: o.consentForm }, physician);
  if (o.remsEnrolmentRef !== undefined) await d.send({ type: 'rems.enrolled', enrolmentRef: o.remsEnrolmentRef }, coordinator);
  const planned = await d.send({ type: 'plan.recorded', ...o.plan }, physician);
  return o.firstSessionAt === undefined ? planned : d.send({ type: 'induction.started', firstSessionAt: o.firstSessionAt }, coordinator);
}

/** The prescriber's amount for a session, read from the recorded plan (the host gives what was prescribed). */
export function prescribedDose(plan: TreatmentPlan, sessionNumber: number): { readonly amountMg: number; readonly devices?: number; readonly infusionMinutes?: number } {
  const step = plan.dosePlan.steps.filter((s) => s.fromSession <= sessionNumber).at(-1);
  if (!step) throw new Error(`the plan has no dose for session ${sessionNumber}`);
  const amountMg = step.unit === 'mg/kg' ? Math.round(step.amount * (plan.weightKg ?? 0)) : step.amount;
  return {
    amountMg,
    ...(step.devices === undefined ? {} : { devices: step.devices }),
    ...(step.infusionMinutes === undefined ? {} : { infusionMinutes: step.infusionMinutes }),
  };
}

export interface SessionOptions {
  /** Who records the checks and readings: a nurse in the clinic, the patient at home. */
  readonly recordedBy: ClinicActor;
  /** Who checks the patient in (a coordinator; the patient at home). */
  readonly checkedInBy: ClinicActor;
  readonly administration: EventOf<'dose.recorded'>['administration'];
  readonly lot: string;
  readonly medications: readonly MedicationClass[];
  /** A GAD-7 total the patient records near the end of the session. */
  readonly gad7?: number;
  /** Anything else recorded near the end of the session, before discharge (e.g. a questionnaire scored by a plugin). */
  readonly beforeDischarge?: () => Promise<void>;
  /** Minutes before the slot the patient arrives (check-in opens 12 h before by default). */
  readonly arriveMinutesBefore?: number;
}

/**
 * One calm session of the next planned slot: check-in, the pre-dose checks, the prescribed dose,
 * readings on the route's cadence (and at its BP check), sedation and dissociation, and discharge
 * when the observation time is up: to the responsible adult in the clinic, with the trusted adult
 * at home. Returns the session's number.
 */
export async function calmSession(d: Driver, o: SessionOptions): Promise<number> {
  const before = (await d.view()).context;
  const slot = before.schedule.find((s) => s.status === 'planned');
  if (!slot || !before.plan) throw new Error('no planned session');
  const plan = before.plan;
  const route = before.protocol.routes[plan.route];
  const home = route.setting === 'home';
  const due = Date.parse(slot.dueAt);
  const who = o.recordedBy;

  await d.at(due - (o.arriveMinutesBefore ?? 30) * MIN);
  await d.send({ type: 'session.checkedIn' }, o.checkedInBy);
  await d.send(
    {
      type: 'predose.fastingConfirmed',
      lastFoodAt: iso(due - 5 * HOUR),
      lastLiquidAt: iso(due - 2 * HOUR),
      ...(route.fasting.nasalSteroidOrDecongestantMinutes === null ? {} : { lastNasalSteroidOrDecongestantAt: iso(due - 26 * HOUR) }),
    },
    who,
  );
  if (home) {
    await d.send({ type: 'predose.trustedAdultConfirmed', aged18OrOver: true, presentWholeSession: true, withinVoiceRange: true, canCallCareTeamOrEmergency: true }, who);
  } else {
    await d.send({ type: 'predose.transportConfirmed', responsibleAdultConfirmed: true, mode: 'car-driven-by-adult' }, who);
  }
  await d.send({ type: 'predose.vitalsRecorded', systolic: 124, diastolic: 80, heartRate: 72, spo2: 98 }, who);
  await d.send({ type: 'predose.contraindicationsChecked', newFindings: [] }, who);
  await d.send({ type: 'predose.medicationsConfirmed', classes: [...o.medications], changedSinceLastSession: false }, who);

  await d.at(due);
  const view = await d.send({ type: 'dose.recorded', medication: route.medication, ...prescribedDose(plan, slot.number), lot: o.lot, administration: o.administration }, who);
  const observation = view.context.session?.observationMinutes ?? plan.observationMinutes;

  // Readings on the route's cadence, at its BP check (about 40 min), and one in the last stable
  // window before discharge; blood pressure peaks near 40 minutes and falls back.
  const every = route.monitoring.vitalsEveryMinutes;
  const check = route.monitoring.bpCheckAtMinutes;
  const minutes = new Set<number>();
  if (every !== null) for (let m = every; m < observation; m += every) minutes.add(m);
  else minutes.add(Math.round(observation / 2));
  const peakAt = check ?? 40;
  minutes.add(peakAt);
  minutes.add(observation - 5);
  for (const m of [...minutes].sort((a, b) => a - b)) {
    await d.at(due + m * MIN);
    const rise = Math.max(0, 14 - Math.round(Math.abs(m - peakAt) / 3));
    await d.send({ type: 'monitoring.vitalsRecorded', systolic: 124 + rise, diastolic: 80 + Math.round(rise / 2), heartRate: 72 + Math.round(rise / 2), spo2: 97 }, who);
    if (m === peakAt) {
      await d.send({ type: 'monitoring.sedationRecorded', moaas: 4 }, who);
      await d.send({ type: 'monitoring.dissociationRecorded', score: 7, form: 'CADSS-6' }, who);
    }
  }
  await d.send({ type: 'monitoring.sedationRecorded', moaas: 5 }, who);
  if (o.gad7 !== undefined) await d.send({ type: 'assessment.recorded', instrument: 'GAD-7', total: o.gad7 }, patientActor(before.patientRef));
  await o.beforeDischarge?.();
  await d.at(due + observation * MIN);
  await d.send(
    { type: 'session.discharged', releasedTo: home ? 'trusted-adult-at-home' : 'responsible-adult', alertAndOriented: true, noDrivingAdviceGiven: true },
    who,
  );
  return slot.number;
}
