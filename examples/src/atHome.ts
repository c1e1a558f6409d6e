// Sublingual ketamine at home, after screening in the clinic: the patient records each session
// (check-in, fasting, the trusted adult, blood pressure, the dose, readings, the end of the
// session), and the journey holds them to the same rules as the clinic's staff. A trusted adult
// who cannot stay the whole session blocks the dose until a physician clears it.
//
//   pnpm example at-home
//
// Every value here is illustrative; the route's schedule and observation time ship as UNCONFIRMED
// placeholders that this clinic sets itself.
import {
  createEngine,
  formatLocal,
  ketamineAnxietyJourney,
  ManualClock,
  MemoryStore,
  type BlockedEvent,
  type EffectNotice,
  type JournalEntry,
  type KetamineJourneyContext,
} from '@carejourney/core';
import { calmSession, drive, HOUR, iso, MIN, patientActor, screenAndPlan, staff, type KetamineView } from './clinic.js';
import { describeSessions } from './describeSessions.js';
import type { ExampleOutput } from './examples.js';
import { shortState, Timeline } from './timeline.js';

const TIME_ZONE = 'Australia/Melbourne';
const PATIENT = 'pt-6620';

export interface AtHomeResult extends ExampleOutput {
  readonly view: KetamineView;
  readonly context: KetamineJourneyContext;
  readonly journal: readonly JournalEntry[];
  readonly effects: readonly EffectNotice[];
  /** Why the dose was blocked while the trusted adult could not stay. */
  readonly blockedDose: BlockedEvent | undefined;
}

export async function runAtHome(): Promise<AtHomeResult> {
  const clock = new ManualClock('2026-05-04T00:00:00Z');
  const engine = createEngine({
    definition: ketamineAnxietyJourney,
    store: new MemoryStore(),
    clock,
    protocol: {
      timeZone: TIME_ZONE,
      routes: {
        // The clinic's at-home schedule and observation, set after review (both ship as UNCONFIRMED):
        // six sessions, Tuesdays and Fridays, each observed for two hours by the trusted adult.
        'sublingual-home': { induction: [{ weeks: 3, days: [1, 4] }], observationMinutes: 120 },
      },
      // The remaining placeholders (stop rules, discharge tolerances, other routes) are accepted as shipped.
      acceptUnconfirmedDefaults: true,
    },
  });
  const timeline = new Timeline(TIME_ZONE).attach(engine);
  const effects: EffectNotice[] = [];
  engine.on('effect', (n) => effects.push(n));

  const { id } = await engine.start({
    patientRef: PATIENT,
    actor: staff.coordinator,
    input: { referral: { source: 'professional', indication: 'panic', referrerRef: 'gp-carlton-3' } },
  });
  const d = drive(engine, clock, id, timeline);
  const patient = patientActor(PATIENT);

  // Screening in the clinic, then a plan for the home route.
  await screenAndPlan(d, {
    patient,
    baseline: { gad7: 14, phq9: 9 },
    medications: [],
    consentForm: 'KET-HOME-2026-01',
    plan: {
      route: 'sublingual-home',
      dosePlan: { summary: 'Ketamine 100 mg sublingual troche', steps: [{ fromSession: 1, amount: 100, unit: 'mg' }] },
    },
    firstSessionAt: '2026-05-12T08:00:00Z', // Tuesday 18:00 in Melbourne
  });

  // Every record of a home session is the patient's own; the journey refuses them from anyone
  // else's account and refuses the patient's records in a clinic session.
  const home = { recordedBy: patient, checkedInBy: patient, administration: 'self-administered-at-home', lot: 'SLK-0412', medications: [] } as const;
  await calmSession(d, home);

  // Session 2: the partner must leave before the end. The patient records it honestly; the record
  // is kept and blocks the dose, and re-recording cannot lift it: only a physician can.
  const due = Date.parse((await d.view()).context.schedule.find((s) => s.status === 'planned')?.dueAt ?? '');
  await d.at(due - 30 * MIN);
  await d.send({ type: 'session.checkedIn' }, patient);
  await d.send({ type: 'predose.fastingConfirmed', lastFoodAt: iso(due - 4 * HOUR), lastLiquidAt: iso(due - HOUR) }, patient);
  await d.send({ type: 'predose.trustedAdultConfirmed', aged18OrOver: true, presentWholeSession: false, withinVoiceRange: true, canCallCareTeamOrEmergency: true }, patient);
  await d.send({ type: 'predose.vitalsRecorded', systolic: 118, diastolic: 76, heartRate: 68, spo2: 98 }, patient);
  await d.send({ type: 'predose.contraindicationsChecked', newFindings: [] }, patient);
  await d.at(due);
  const blockedDose = (await d.view()).blockedEvents.find((b) => b.type === 'dose.recorded');
  // The refusal is a value, not a throw, and changes nothing.
  await d.attempt({ type: 'dose.recorded', medication: 'racemic-ketamine', amountMg: 100, lot: 'SLK-0412', administration: 'self-administered-at-home' }, patient);
  // A neighbour who meets every condition comes over; the physician confirms it by video and clears the record.
  await d.after(20);
  await d.send({ type: 'predose.trustedAdultConfirmed', aged18OrOver: true, presentWholeSession: true, withinVoiceRange: true, canCallCareTeamOrEmergency: true }, patient);
  await d.send({ type: 'predose.findingCleared', reason: 'Second trusted adult present for the whole session, confirmed by video' }, staff.physician);
  await d.send({ type: 'dose.recorded', medication: 'racemic-ketamine', amountMg: 100, lot: 'SLK-0412', administration: 'self-administered-at-home' }, patient);
  for (const [minutes, systolic] of [[40, 132], [80, 126], [115, 120]] as const) {
    await d.at(due + (20 + minutes) * MIN);
    await d.send({ type: 'monitoring.vitalsRecorded', systolic, diastolic: 80, heartRate: 74, spo2: 97 }, patient);
  }
  await d.send({ type: 'monitoring.dissociationRecorded', score: 5, form: 'CADSS-6' }, patient);
  await d.send({ type: 'monitoring.sedationRecorded', moaas: 5 }, patient);
  await d.at(due + (20 + 120) * MIN);
  await d.send({ type: 'session.discharged', releasedTo: 'trusted-adult-at-home', alertAndOriented: true, noDrivingAdviceGiven: true }, patient);

  for (let n = 3; n <= 6; n++) await calmSession(d, { ...home, ...(n === 6 ? { gad7: 6 } : {}) });
  // GAD-7 14 → 6: the physician decides monthly maintenance sessions at home.
  await d.after(15 * 60);
  await d.send({ type: 'response.decided', decision: 'maintenance', reason: 'Responder: monthly sessions at home', everyDays: 28 }, staff.physician);

  const view = await d.view();
  const context = view.context;
  const journal = await engine.history(id);
  const next = context.schedule.find((s) => s.status === 'planned');
  return {
    title: 'Sublingual ketamine at home with a trusted adult: sessions the patient records',
    timeZone: TIME_ZONE,
    rows: timeline.rows,
    summary: [
      `Now:       ${shortState(view.stateLabel)} (phase ${view.phase})`,
      `Sessions:  ${describeSessions(context.sessions, { releasedTo: true })}`,
      `Recorded:  ${journal.filter((e) => e.actor.role === 'patient').length} events by the patient, ${journal.filter((e) => e.actor.role === 'physician').length} by the physician`,
      ...(blockedDose ? [`Blocked:   dose.recorded by ${blockedDose.guard}: ${blockedDose.reason}`] : []),
      ...(next ? [`Next:      session ${next.number} on ${formatLocal(next.dueAt, TIME_ZONE)}`] : []),
    ],
    view,
    context,
    journal,
    effects,
    blockedDose,
  };
}
