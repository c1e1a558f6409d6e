// When a session does not go to plan. An IV course where:
//  1. the pre-dose blood pressure is above the limit: the dose is blocked, a lower re-measurement
//     does not lift it, a physician weighs risk and benefit and records an override;
//  2. after the dose, readings hit the stop rule (above 180/110 twice, 5 minutes apart): no
//     further dosing, monitoring goes on; then a serious adverse event, and the patient is
//     transferred to the emergency department (`session.escalated`), which ends the session;
//  3. treatment is on hold: the sessions that fall due are not missed; a physician reviews and
//     resumes with the next session (`hold.reviewed` with `nextSessionAt`), and the remaining
//     sessions are re-planned from it, keeping their spacing;
//  4. at the next session the pressure is high again and the physician does not override: the
//     session is cancelled before any dose;
//  5. the one after is stopped early for vomiting (`session.aborted`) and observed to discharge.
//
//   pnpm example bp-hold
//
// Every value here is illustrative.
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
  type ScheduledSession,
} from '@carejourney/core';
import { calmSession, DAY, drive, HOUR, iso, MIN, patientActor, screenAndPlan, staff, type Driver, type KetamineView } from './clinic.js';
import { describeSessions } from './describeSessions.js';
import type { ExampleOutput } from './examples.js';
import { shortState, Timeline } from './timeline.js';

const TIME_ZONE = 'Europe/London';
const PATIENT = 'pt-2290';

export interface BpHoldResult extends ExampleOutput {
  readonly view: KetamineView;
  readonly context: KetamineJourneyContext;
  readonly journal: readonly JournalEntry[];
  readonly effects: readonly EffectNotice[];
  /** Why the first dose was blocked, as `engine.get` explained it before the override. */
  readonly blockedDose: BlockedEvent | undefined;
  /** The planned sessions before the hold and after the resume. */
  readonly plannedBeforeHold: readonly ScheduledSession[];
  readonly plannedAfterResume: readonly ScheduledSession[];
}

export async function runBpHold(): Promise<BpHoldResult> {
  const clock = new ManualClock('2026-01-12T09:00:00Z');
  const engine = createEngine({
    definition: ketamineAnxietyJourney,
    store: new MemoryStore(),
    clock,
    protocol: {
      timeZone: TIME_ZONE,
      // The stop rules this clinic uses, set after review (they ship as UNCONFIRMED placeholders).
      routes: { iv: { stopRules: { singleBp: { systolic: 200, diastolic: 120 }, repeatedBp: { systolic: 180, diastolic: 110, minutesApart: 5 }, heartRate: { above: 120, forMinutes: 5 } } } },
      // The remaining placeholders are accepted as shipped.
      acceptUnconfirmedDefaults: true,
    },
  });
  const timeline = new Timeline(TIME_ZONE).attach(engine);
  const effects: EffectNotice[] = [];
  engine.on('effect', (n) => effects.push(n));

  const { id } = await engine.start({
    patientRef: PATIENT,
    actor: staff.coordinator,
    input: { referral: { source: 'professional', indication: 'generalized-anxiety', referrerRef: 'gp-hackney-2' } },
  });
  const d = drive(engine, clock, id, timeline);
  const { coordinator, nurse, physician } = staff;
  await screenAndPlan(d, {
    patient: patientActor(PATIENT),
    baseline: { gad7: 18, phq9: 13 },
    medications: [],
    consentForm: 'KET-IV-2026-01',
    plan: {
      route: 'iv',
      dosePlan: { summary: 'Racemic ketamine 0.5 mg/kg IV over 40 minutes', steps: [{ fromSession: 1, amount: 0.5, unit: 'mg/kg', infusionMinutes: 40 }] },
      weightKg: 80,
    },
    firstSessionAt: '2026-01-19T10:00:00Z', // Monday 10:00 in London
  });
  const plannedBeforeHold = (await d.view()).context.schedule.filter((s) => s.status === 'planned');

  // 1. Session 1: 152/96 before the dose. The journey explains why the dose is blocked; a second
  //    reading of 146/92 is kept too, but it does not lift the block; the physician's override does.
  let due = await arriveForNextSession(d);
  await d.send({ type: 'predose.vitalsRecorded', systolic: 152, diastolic: 96, heartRate: 84, spo2: 98 }, nurse);
  await d.at(due - 10 * MIN);
  await d.send({ type: 'predose.vitalsRecorded', systolic: 146, diastolic: 92, heartRate: 80, spo2: 98 }, nurse);
  const blockedDose = (await d.view()).blockedEvents.find((b) => b.type === 'dose.recorded');
  await d.send({ type: 'predose.bpOverridden', reason: 'White-coat pattern, home readings 130s/80s; benefit outweighs risk today' }, physician);
  await d.at(due);
  await d.send({ type: 'dose.recorded', medication: 'racemic-ketamine', amountMg: 40, infusionMinutes: 40, lot: 'KX-25-0102', administration: 'staff-administered' }, nurse);

  // 2. After the dose: 184/112, then 186/114 six minutes later: the stop rule. The session stops
  //    (no more dosing) but the patient is never lost: the journey stays in the dosed session.
  for (const [minute, systolic, diastolic] of [[15, 164, 98], [24, 184, 112], [30, 186, 114], [45, 178, 106]] as const) {
    await d.at(due + minute * MIN);
    await d.send({ type: 'monitoring.vitalsRecorded', systolic, diastolic, heartRate: 104, spo2: 96 }, nurse);
    if (minute === 30) await d.send({ type: 'monitoring.adverseEventRecorded', term: 'raised-blood-pressure', severity: 'severe', serious: true }, nurse);
  }
  await d.at(due + 50 * MIN);
  await d.send({ type: 'session.escalated', destination: 'emergency-department', reference: 'ED-RLH-20260119-0412', reason: 'BP not settling after stop rule' }, physician);

  // 3. On hold: Wednesday's and Friday's sessions fall due, but nothing is missed. On Monday the
  //    physician reviews (the ED found no lasting harm) and resumes from Wednesday 28 January.
  await d.at(due + 7 * DAY);
  await d.send({ type: 'checkIn.recorded', mode: 'phone' }, physician);
  await d.send({ type: 'hold.reviewed', decision: 'resume', reason: 'ED discharge letter reviewed; BP plan with GP', nextSessionAt: '2026-01-28T10:00:00Z' }, physician);
  const plannedAfterResume = (await d.view()).context.schedule.filter((s) => s.status === 'planned');

  // 4. The next session: 158/98 before the dose, and this time the physician does not override.
  due = await arriveForNextSession(d);
  await d.send({ type: 'predose.vitalsRecorded', systolic: 158, diastolic: 98, heartRate: 82, spo2: 98 }, nurse);
  await d.attempt({ type: 'dose.recorded', medication: 'racemic-ketamine', amountMg: 40, infusionMinutes: 40, lot: 'KX-25-0102', administration: 'staff-administered' }, nurse);
  await d.send({ type: 'session.cancelled', reason: 'Pre-dose BP above limit; physician declined an override' }, physician);

  // 5. The session after: vomiting twenty minutes in. The nurse stops the session; the patient is
  //    observed for the full hour and discharged to the responsible adult (outcome: aborted).
  due = await arriveForNextSession(d);
  await d.send({ type: 'predose.vitalsRecorded', systolic: 132, diastolic: 84, heartRate: 76, spo2: 98 }, nurse);
  await d.at(due);
  await d.send({ type: 'dose.recorded', medication: 'racemic-ketamine', amountMg: 40, infusionMinutes: 40, lot: 'KX-25-0102', administration: 'staff-administered' }, nurse);
  await d.at(due + 15 * MIN);
  await d.send({ type: 'monitoring.vitalsRecorded', systolic: 136, diastolic: 86, heartRate: 84, spo2: 97 }, nurse);
  await d.at(due + 20 * MIN);
  await d.send({ type: 'monitoring.adverseEventRecorded', term: 'vomiting', severity: 'moderate', serious: false }, nurse);
  await d.send({ type: 'session.aborted', reason: 'Vomiting: infusion stopped' }, nurse);
  for (const [minute, systolic] of [[30, 134], [40, 130], [45, 128], [55, 126]] as const) {
    await d.at(due + minute * MIN);
    await d.send({ type: 'monitoring.vitalsRecorded', systolic, diastolic: 82, heartRate: 78, spo2: 98 }, nurse);
  }
  await d.send({ type: 'monitoring.sedationRecorded', moaas: 5 }, nurse);
  await d.at(due + 60 * MIN);
  await d.send({ type: 'session.discharged', releasedTo: 'responsible-adult', alertAndOriented: true, noDrivingAdviceGiven: true }, nurse);

  // And the course goes on.
  await calmSession(d, { recordedBy: nurse, checkedInBy: coordinator, administration: 'staff-administered', lot: 'KX-25-0102', medications: [] });

  const view = await d.view();
  const context = view.context;
  const journal = await engine.history(id);
  const local = (s: ScheduledSession) => `${s.number} ${formatLocal(s.dueAt, TIME_ZONE).slice(5, 16)}`;
  return {
    title: 'BP above the limit, a stop rule, a serious adverse event, a transfer, a hold and a resume',
    timeZone: TIME_ZONE,
    rows: timeline.rows,
    summary: [
      `Now:       ${shortState(view.stateLabel)} (phase ${view.phase})`,
      `Sessions:  ${describeSessions(context.sessions)}`,
      `Planned:   before the hold ${plannedBeforeHold.map(local).join(', ')}`,
      `           after the resume ${plannedAfterResume.map(local).join(', ')}`,
      `Alerts:    ${effects.filter((e) => e.type === 'safety.alert').map((e) => String(e.payload['kind'])).join(', ')}`,
      `Holds:     ${context.tally.holds} (${context.holds.map((h) => `${h.signals.map((s) => s.signal).join(' + ')} → ${h.review?.decision ?? 'open'}`).join('; ')})`,
    ],
    view,
    context,
    journal,
    effects,
    blockedDose,
    plannedBeforeHold,
    plannedAfterResume,
  };
}

/** Checks in 45 minutes before the next planned session and records the checks that pass (not BP). Returns the slot's time. */
async function arriveForNextSession(d: Driver): Promise<number> {
  const slot = (await d.view()).context.schedule.find((s) => s.status === 'planned');
  if (!slot) throw new Error('no planned session');
  const due = Date.parse(slot.dueAt);
  await d.at(due - 45 * MIN);
  await d.send({ type: 'session.checkedIn' }, staff.coordinator);
  await d.send({ type: 'predose.fastingConfirmed', lastFoodAt: iso(due - 6 * HOUR), lastLiquidAt: iso(due - 2 * HOUR) }, staff.nurse);
  await d.send({ type: 'predose.transportConfirmed', responsibleAdultConfirmed: true, mode: 'taxi-with-adult' }, staff.nurse);
  await d.send({ type: 'predose.contraindicationsChecked', newFindings: [] }, staff.nurse);
  return due;
}
