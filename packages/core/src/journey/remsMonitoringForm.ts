import type { BloodPressure, KetamineJourneyContext, SessionRecord } from './context.js';
import { addLocalDays } from '../time/addLocalDays.js';
import { iso, ms } from './queries.js';
import type { AdverseEventTerm, MedicationClass } from './vocabulary.js';

/**
 * The data of the esketamine REMS patient monitoring form for one outpatient session, derived
 * from the journey. The host files it with the REMS (its own form and credentials); the journey
 * tracks that it is submitted within the protocol's due days.
 *
 * @example
 * ```ts
 * engine.on('rems.formDue', (notice) => {
 *   const form = notice.payload as unknown as RemsMonitoringForm;
 *   hostRems.file(form.sessionNumber, form.bloodPressure, form.sedation); // the host's own REMS filing
 * });
 * ```
 */
export interface RemsMonitoringForm {
  readonly patientRef: string;
  readonly sessionNumber: number;
  readonly sessionPhase: 'induction' | 'maintenance';
  readonly sessionDate: string;
  /** The form is due this many days (7 by default) after the session. */
  readonly dueAt: string;
  readonly coMedications: readonly MedicationClass[];
  readonly dose: { readonly amountMg: number; readonly devices: number | null; readonly administeredAt: string; readonly lot: string };
  /** Minutes from the dose to discharge (or to the session's end when aborted). */
  readonly totalMonitoringMinutes: number | null;
  /** When the patient would have been ready to leave. */
  readonly readyToLeaveAt: string | null;
  readonly readyToLeaveMinutesAfterDose: number | null;
  readonly bloodPressure: {
    readonly preDose: BloodPressure | null;
    /** The reading nearest 40 minutes after the dose (the label's re-check). */
    readonly at40Minutes: (BloodPressure & { readonly minutesAfterDose: number }) | null;
    /** Why the check was missed, when a physician recorded it so. */
    readonly checkMissedReason: string | null;
    readonly preDischarge: BloodPressure | null;
  };
  readonly sedation: { readonly status: ObservationStatus; readonly lowestMoaas: number | null };
  readonly dissociation: { readonly status: ObservationStatus; readonly highestScore: number | null };
  readonly respiratoryDepression: { readonly status: ObservationStatus; readonly lowestSpO2: number | null };
  readonly adverseEvents: readonly AdverseEventTerm[];
  readonly sessionOutcome: SessionRecord['outcome'];
  /** Where care was handed over, when the session ended in a transfer. */
  readonly transfer: { readonly destination: string; readonly reference: string } | null;
}

/**
 * What the session's records say about a sign: `observed`, `not-observed` (assessed, absent), or
 * `not-assessed` (nothing was recorded: the form must not claim it was absent).
 *
 * @example
 * ```ts
 * const form = remsMonitoringForm(context, 3);
 * if (form?.sedation.status === 'not-assessed') warn('sedation was not assessed: the form cannot claim it was absent');
 * ```
 */
export type ObservationStatus = 'observed' | 'not-observed' | 'not-assessed';

const status = (assessed: boolean, observed: boolean): ObservationStatus => (observed ? 'observed' : assessed ? 'not-observed' : 'not-assessed');

const bp = (r: BloodPressure | null | undefined): BloodPressure | null => (r ? { systolic: r.systolic, diastolic: r.diastolic } : null);

/**
 * The REMS monitoring-form data of a dosed esketamine session: of the session in progress, or of
 * an ended session whose form is outstanding (its data is kept with the form until it is
 * submitted; the `rems.formDue` effect carries it too). Null when the session is unknown, was not
 * dosed, or its form was submitted (the journal holds every record of it).
 *
 * @example
 * ```ts
 * const view = await engine.get(journeyId);
 * const form = remsMonitoringForm(view.context as KetamineJourneyContext, 3);
 * if (form) hostRems.file(form); // due form.dueAt
 * ```
 */
export function remsMonitoringForm(context: KetamineJourneyContext, sessionNumber: number): RemsMonitoringForm | null {
  if (context.session?.number === sessionNumber) return remsFormOf(context, context.session);
  return context.rems.forms.find((f) => f.sessionNumber === sessionNumber)?.form ?? null;
}

/** The REMS monitoring-form data of a session from its full record, or null when it was not dosed. */
export function remsFormOf(context: KetamineJourneyContext, session: SessionRecord): RemsMonitoringForm | null {
  if (!session.dose) return null;
  const doseAt = ms(session.dose.at);
  const minutesAfter = (instant: string) => Math.round((ms(instant) - doseAt) / 60_000);
  const route = context.protocol.routes[session.route];
  let at40: RemsMonitoringForm['bloodPressure']['at40Minutes'] = null;
  for (const v of session.vitals) {
    const m = minutesAfter(v.takenAt);
    if (at40 === null || Math.abs(m - 40) < Math.abs(at40.minutesAfterDose - 40)) at40 = { systolic: v.systolic, diastolic: v.diastolic, minutesAfterDose: m };
  }
  const endAt = session.discharge?.at ?? session.ended?.at ?? null;
  const readyToLeaveAt = session.discharge?.readyToLeaveAt ?? null;
  const moaas = session.sedation.map((s) => s.moaas);
  const cadss = session.dissociation.map((d) => d.score);
  const spo2 = session.vitals.map((v) => v.spo2).filter((v): v is number => v !== null);
  const lowestSpO2 = spo2.length > 0 ? Math.min(...spo2) : null;
  const terms = session.adverseEvents.map((a) => a.term);
  return {
    patientRef: context.patientRef,
    sessionNumber: session.number,
    sessionPhase: session.phase,
    sessionDate: session.dose.at,
    // Calendar days in the clinic's zone: across a clock change the due time keeps its local time.
    dueAt: iso(addLocalDays(doseAt, context.protocol.rems.formDueDays, context.protocol.timeZone)),
    // The session's own confirmation; the intake review when none was recorded this session.
    coMedications: session.preDose.medications[session.preDose.medications.length - 1]?.classes ?? context.intake.medications?.classes ?? [],
    dose: { amountMg: session.dose.amountMg, devices: session.dose.devices, administeredAt: session.dose.at, lot: session.dose.lot },
    totalMonitoringMinutes: endAt === null ? null : minutesAfter(endAt),
    readyToLeaveAt,
    readyToLeaveMinutesAfterDose: readyToLeaveAt === null ? null : minutesAfter(readyToLeaveAt),
    bloodPressure: {
      preDose: bp(session.preDose.vitals[session.preDose.vitals.length - 1]),
      at40Minutes: at40,
      checkMissedReason: session.bpCheckMissed?.reason ?? null,
      preDischarge: bp(session.vitals[session.vitals.length - 1]),
    },
    sedation: { status: status(moaas.length > 0, moaas.some((m) => m < 5) || terms.includes('sleepiness')), lowestMoaas: moaas.length > 0 ? Math.min(...moaas) : null },
    dissociation: {
      status: status(cadss.length > 0, cadss.some((c) => c > 0) || terms.includes('dissociation')),
      highestScore: cadss.length > 0 ? Math.max(...cadss) : null,
    },
    respiratoryDepression: {
      status: status(lowestSpO2 !== null, terms.includes('respiratory-depression') || (lowestSpO2 !== null && lowestSpO2 < route.discharge.minSpO2)),
      lowestSpO2,
    },
    adverseEvents: terms,
    sessionOutcome: session.outcome,
    transfer: session.transfer ? { destination: session.transfer.destination, reference: session.transfer.reference } : null,
  };
}
