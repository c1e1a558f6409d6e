// Esketamine nasal spray in a certified clinic: REMS enrolment before the first dose, twelve
// induction sessions (twice weekly for four weeks, then weekly for four), two hours of observation
// each, and the REMS patient monitoring form of every session, which the journey hands to the host
// (`rems.formDue`) and tracks until the host files it (`rems.formSubmitted`).
//
//   pnpm example esketamine
//
// Esketamine is labelled for treatment-resistant depression and depression with acute suicidal
// ideation only: its use for anxiety is off-label. Every value here is illustrative.
import {
  createEngine,
  formatLocal,
  ketamineAnxietyJourney,
  ManualClock,
  MemoryStore,
  type EffectNotice,
  type JournalEntry,
  type KetamineJourneyContext,
  type RemsMonitoringForm,
} from '@carejourney/core';
import { calmSession, DAY, drive, HOUR, patientActor, screenAndPlan, staff, type KetamineView } from './clinic.js';
import type { ExampleOutput } from './examples.js';
import { shortState, Timeline } from './timeline.js';

const TIME_ZONE = 'America/New_York';
const PATIENT = 'pt-3107';

export interface EsketamineResult extends ExampleOutput {
  readonly view: KetamineView;
  readonly context: KetamineJourneyContext;
  readonly journal: readonly JournalEntry[];
  readonly effects: readonly EffectNotice[];
  /** Every form the host filed with the REMS, in filing order. */
  readonly filed: readonly { readonly form: RemsMonitoringForm; readonly submissionRef: string; readonly filedAt: string }[];
}

export async function runEsketamine(): Promise<EsketamineResult> {
  const clock = new ManualClock('2026-09-21T13:00:00Z');
  const engine = createEngine({
    definition: ketamineAnxietyJourney,
    store: new MemoryStore(),
    clock,
    protocol: {
      timeZone: TIME_ZONE,
      // The clinic is closed on Indigenous Peoples' Day: the generated session of that Monday
      // moves to the next open day, keeping the route's minimum hours between doses.
      closedDates: ['2026-10-12'],
      // The esketamine values this clinic relies on that ship as UNCONFIRMED placeholders, set
      // here after review; the label and REMS minimums (2 h observation, BP at 40 min, enrolment,
      // the form within 7 days) are fixed and cannot be configured away.
      routes: {
        'esketamine-nasal': {
          minHoursBetweenDoses: 40,
          preDoseVitalsMaxAgeMinutes: 60,
          stopRules: { singleBp: { systolic: 200, diastolic: 120 }, repeatedBp: { systolic: 180, diastolic: 110, minutesApart: 5 }, heartRate: { above: 120, forMinutes: 5 } },
        },
      },
      // The other routes' placeholders (this clinic gives no IV, IM, SC or home ketamine) are accepted as shipped.
      acceptUnconfirmedDefaults: true,
    },
  });
  const timeline = new Timeline(TIME_ZONE).attach(engine);
  const effects: EffectNotice[] = [];
  engine.on('effect', (n) => effects.push(n));

  // The host's side of the REMS: every `rems.formDue` carries the form's data, derived from the
  // session's records (co-medications, dose, BP before / at 40 min / before discharge, sedation,
  // dissociation, respiratory depression, when the patient was ready to leave). The host queues
  // it for filing with its own REMS credentials.
  const queue: RemsMonitoringForm[] = [];
  engine.on('rems.formDue', (notice) => queue.push(notice.payload as unknown as RemsMonitoringForm));
  const filed: { form: RemsMonitoringForm; submissionRef: string; filedAt: string }[] = [];

  const { id } = await engine.start({
    patientRef: PATIENT,
    actor: staff.coordinator,
    input: { referral: { source: 'professional', indication: 'generalized-anxiety', referrerRef: 'psychiatry-clinic-4' } },
  });
  const d = drive(engine, clock, id, timeline);
  const patient = patientActor(PATIENT);

  await screenAndPlan(d, {
    patient,
    baseline: { gad7: 16, phq9: 11 },
    medications: ['antidepressant'],
    consentForm: 'ESK-REMS-2026-02',
    // The REMS: enrolled before induction, or induction is refused (`readyForInduction`).
    remsEnrolmentRef: 'REMS-PT-55120',
    plan: {
      route: 'esketamine-nasal',
      // 56 mg (2 devices) the first day, then 84 mg (3 devices): the prescriber's plan, as given.
      dosePlan: {
        summary: 'Esketamine 56 mg day 1, then 84 mg',
        steps: [
          { fromSession: 1, amount: 56, unit: 'mg', devices: 2 },
          { fromSession: 2, amount: 84, unit: 'mg', devices: 3 },
        ],
      },
    },
    firstSessionAt: '2026-09-28T14:00:00Z', // Monday 10:00 in New York
  });

  const session = {
    recordedBy: staff.nurse,
    checkedInBy: staff.coordinator,
    administration: 'self-administered-supervised',
    lot: 'ESK-7731',
    medications: ['antidepressant'],
  } as const;

  // The host files the queued forms at 09:00 the next morning. The form of session 4 waits for a
  // missing signature: it goes past its 7 days, the journey raises `rems-form-overdue`, then it is filed.
  const fileQueued = async (waiting: readonly number[] = []) => {
    const ready = queue.filter((f) => !waiting.includes(f.sessionNumber));
    queue.splice(0, queue.length, ...queue.filter((f) => waiting.includes(f.sessionNumber)));
    for (const form of ready) {
      const submissionRef = `REMS-FORM-${PATIENT}-${form.sessionNumber}`;
      timeline.note(id, clock.now(), `host files the REMS form of session ${form.sessionNumber}: ${describeForm(form)}`, 'host → REMS');
      await d.send({ type: 'rems.formSubmitted', sessionNumber: form.sessionNumber, submissionRef }, staff.coordinator);
      filed.push({ form, submissionRef, filedAt: new Date(clock.now()).toISOString() });
    }
  };
  const nextMorning = async () => {
    const { dueAt } = (await d.view()).context.sessions.at(-1) ?? { dueAt: '' };
    await d.at(Date.parse(dueAt) + DAY - HOUR);
  };

  for (let n = 1; n <= 12; n++) {
    await calmSession(d, { ...session, ...(n === 12 ? { gad7: 7 } : {}) });
    await nextMorning();
    // Session 4's form is filed after session 6, a day past its seven days.
    await fileQueued(n < 6 ? [4] : []);
  }

  // The review proposes (GAD-7 16 → 7); the physician decides maintenance every two weeks, the
  // least frequent cadence that holds the response.
  await d.send({ type: 'response.decided', decision: 'maintenance', reason: 'Responder: every two weeks', everyDays: 14 }, staff.physician);
  await calmSession(d, session);
  await nextMorning();
  await fileQueued();

  const view = await d.view();
  const context = view.context;
  const journal = await engine.history(id);
  const next = context.schedule.find((s) => s.status === 'planned');
  return {
    title: 'Esketamine nasal spray: REMS enrolment, twice then once weekly, the REMS monitoring forms',
    timeZone: TIME_ZONE,
    rows: timeline.rows,
    summary: [
      `Now:        ${shortState(view.stateLabel)} (phase ${view.phase})`,
      `Sessions:   ${context.tally.sessionsEnded} (${context.tally.doses} doses); induction on ${journal.filter((e) => e.type === 'dose.recorded').slice(0, 12).map((e) => formatLocal(e.at, TIME_ZONE).slice(5, 10)).join(', ')}`,
      `REMS forms: ${context.tally.remsFormsSubmitted} filed, ${context.rems.forms.filter((f) => f.submitted === null).length} outstanding; ${effects.filter((e) => e.type === 'care.alert' && e.payload['kind'] === 'rems-form-overdue').length} overdue alert`,
      ...(next ? [`Next:       maintenance session ${next.number} on ${formatLocal(next.dueAt, TIME_ZONE)}`] : []),
    ],
    view,
    context,
    journal,
    effects,
    filed,
  };
}

/** The form in one line, as a coordinator would check it before filing. */
function describeForm(f: RemsMonitoringForm): string {
  const bp = (r: { systolic: number; diastolic: number } | null) => (r ? `${r.systolic}/${r.diastolic}` : 'n/a');
  return [
    `${f.dose.amountMg} mg`,
    `BP ${bp(f.bloodPressure.preDose)} → ${bp(f.bloodPressure.at40Minutes)} at ${f.bloodPressure.at40Minutes?.minutesAfterDose ?? '?'} min → ${bp(f.bloodPressure.preDischarge)}`,
    `sedation ${f.sedation.status}`,
    `dissociation ${f.dissociation.status}`,
    `respiratory depression ${f.respiratoryDepression.status}`,
    `ready to leave after ${f.readyToLeaveMinutesAfterDose ?? '?'} min`,
  ].join(', ');
}
