// A short IV course with everything a report draws beyond the flagship's calm course: a pre-dose
// reading above the limit with a physician's override, a stop-rule hit after the dose, a serious
// adverse event that puts treatment on hold (observation goes on to discharge), a clinician's
// resume, and a PHQ-9 total. Used by the report tests only.
import {
  CONTRAINDICATIONS,
  createEngine,
  ketamineAnxietyJourney,
  ManualClock,
  MemoryStore,
  type Actor,
  type KetamineRole,
  type EffectNotice,
  type JourneyEventFrom,
} from '@carejourney/core';
import { readJourneyForReport, type ReportSource } from '../src/reportJourneys.js';

type KetamineEvent = JourneyEventFrom<typeof ketamineAnxietyJourney>;

const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const nurse: Actor<KetamineRole> = { id: 'rn-1', role: 'nurse' };
const physician: Actor<KetamineRole> = { id: 'md-1', role: 'physician' };
const coordinator: Actor<KetamineRole> = { id: 'coord-1', role: 'coordinator' };
const patient: Actor<KetamineRole> = { id: 'pt-1', role: 'patient' };

const NO_CONTRAINDICATIONS = Object.fromEntries(CONTRAINDICATIONS.map((c) => [c, false])) as Extract<
  KetamineEvent,
  { type: 'screening.contraindicationsRecorded' }
>['answers'];

export async function runEventfulCourse(): Promise<ReportSource> {
  const clock = new ManualClock('2026-10-19T07:00:00Z');
  const engine = createEngine({
    definition: ketamineAnxietyJourney,
    store: new MemoryStore(),
    clock,
    // New York: the week the report shows straddles no change, but the zone is not UTC or Berlin.
    protocol: { timeZone: 'America/New_York', acceptUnconfirmedDefaults: true },
  });
  const effects: EffectNotice[] = [];
  engine.on('effect', (notice) => effects.push(notice));
  const { id } = await engine.start({
    patientRef: 'pt-report-2',
    actor: coordinator,
    input: { referral: { source: 'professional', indication: 'social-anxiety' } },
  });
  const send = async (event: KetamineEvent, actor: Actor<KetamineRole>) => {
    const result = await engine.send(id, event, { actor });
    if (!result.ok) throw new Error(`${event.type} was refused: ${result.error.message}`);
  };
  const at = async (instant: number) => {
    clock.advanceTo(instant);
    await engine.runDue();
  };

  await send({ type: 'referral.accepted' }, coordinator);
  await send({ type: 'consultation.recorded', kind: 'initial', mode: 'in-person' }, physician);
  await send({ type: 'assessment.recorded', instrument: 'GAD-7', total: 15 }, patient);
  await send({ type: 'assessment.recorded', instrument: 'LSAS', total: 92 }, patient);
  await send({ type: 'assessment.recorded', instrument: 'PHQ-9', total: 10, item9: 0 }, patient);
  await send({ type: 'assessment.recorded', instrument: 'C-SSRS', risk: 'none' }, nurse);
  await send({ type: 'screening.contraindicationsRecorded', answers: NO_CONTRAINDICATIONS }, nurse);
  await send({ type: 'screening.vitalsRecorded', systolic: 128, diastolic: 82, heartRate: 72, spo2: 98 }, nurse);
  await send({ type: 'screening.medicationsReviewed', classes: [] }, physician);
  await send({ type: 'eligibility.decided', outcome: 'eligible', reasons: [] }, physician);
  await send({ type: 'consent.recorded', formVersion: 'KET-IV-2026-01' }, physician);
  await send(
    {
      type: 'plan.recorded',
      route: 'iv',
      dosePlan: { summary: 'Racemic ketamine 0.5 mg/kg IV over 40 minutes', steps: [{ fromSession: 1, amount: 0.5, unit: 'mg/kg', infusionMinutes: 40 }] },
      weightKg: 70,
    },
    physician,
  );
  const first = Date.parse('2026-10-26T13:00:00Z'); // 09:00 in New York
  await send({ type: 'induction.started', firstSessionAt: iso(first) }, coordinator);

  // Session 1: BP above the pre-dose limit, a physician's override, then a stop-rule hit after the
  // dose and a serious adverse event; observation continues to discharge.
  await at(first - 30 * MIN);
  await send({ type: 'session.checkedIn' }, coordinator);
  await send({ type: 'predose.fastingConfirmed', lastFoodAt: iso(first - 5 * 60 * MIN), lastLiquidAt: iso(first - 2 * 60 * MIN) }, nurse);
  await send({ type: 'predose.transportConfirmed', responsibleAdultConfirmed: true, mode: 'car-driven-by-adult' }, nurse);
  await send({ type: 'predose.vitalsRecorded', systolic: 150, diastolic: 94, heartRate: 78, spo2: 98 }, nurse);
  await send({ type: 'predose.bpOverridden', reason: 'White-coat pattern at screening; benefit outweighs risk' }, physician);
  await send({ type: 'predose.contraindicationsChecked', newFindings: [] }, nurse);
  await send({ type: 'predose.medicationsConfirmed', classes: [], changedSinceLastSession: false }, nurse);
  await at(first);
  await send({ type: 'dose.recorded', medication: 'racemic-ketamine', amountMg: 35, infusionMinutes: 40, lot: 'KX-1', administration: 'staff-administered' }, nurse);
  await at(first + 15 * MIN);
  await send({ type: 'monitoring.vitalsRecorded', systolic: 184, diastolic: 108, heartRate: 96, spo2: 97 }, nurse);
  await at(first + 21 * MIN);
  await send({ type: 'monitoring.vitalsRecorded', systolic: 186, diastolic: 112, heartRate: 98, spo2: 97 }, nurse);
  await send({ type: 'monitoring.adverseEventRecorded', term: 'raised-blood-pressure', severity: 'severe', serious: true }, nurse);
  await at(first + 30 * MIN);
  await send({ type: 'monitoring.vitalsRecorded', systolic: 162, diastolic: 98, heartRate: 90, spo2: 97 }, nurse);
  await send({ type: 'monitoring.dissociationRecorded', score: 6, form: 'CADSS-6' }, nurse);
  await at(first + 41 * MIN);
  await send({ type: 'monitoring.vitalsRecorded', systolic: 150, diastolic: 92, heartRate: 84, spo2: 98 }, nurse);
  await at(first + 50 * MIN);
  await send({ type: 'monitoring.vitalsRecorded', systolic: 142, diastolic: 88, heartRate: 80, spo2: 98 }, nurse);
  await send({ type: 'monitoring.sedationRecorded', moaas: 5 }, nurse);
  await at(first + 58 * MIN);
  await send({ type: 'monitoring.vitalsRecorded', systolic: 136, diastolic: 84, heartRate: 76, spo2: 98 }, nurse);
  await at(first + 62 * MIN);
  await send({ type: 'session.discharged', releasedTo: 'responsible-adult', alertAndOriented: true, noDrivingAdviceGiven: true }, nurse);

  // The physician reviews the hold two days later and resumes with a re-planned session.
  await at(first + 2 * 24 * 60 * MIN);
  await send({ type: 'assessment.recorded', instrument: 'GAD-7', total: 11 }, patient);
  await send({ type: 'assessment.recorded', instrument: 'LSAS', total: 70 }, patient);
  await send({ type: 'hold.reviewed', decision: 'resume', reason: 'BP reviewed with cardiology; resume with closer monitoring', nextSessionAt: iso(first + 7 * 24 * 60 * MIN) }, physician);

  return readJourneyForReport(engine, id, { title: 'IV course with a BP override, a stop rule and a hold', effects });
}

/**
 * An IV course of six infusions and ten weekly boosters: more ended sessions than the view keeps
 * (`RECENT_SESSIONS`), so the older ones are in the journal only. Each session's readings differ,
 * so a session drawn from the wrong records shows.
 */
export async function runLongCourse(): Promise<ReportSource> {
  const clock = new ManualClock('2026-01-05T08:00:00Z');
  const engine = createEngine({
    definition: ketamineAnxietyJourney,
    store: new MemoryStore(),
    clock,
    protocol: { timeZone: 'Europe/Berlin', acceptUnconfirmedDefaults: true },
  });
  const effects: EffectNotice[] = [];
  engine.on('effect', (notice) => effects.push(notice));
  const { id } = await engine.start({
    patientRef: 'pt-report-3',
    actor: coordinator,
    input: { referral: { source: 'professional', indication: 'generalized-anxiety' } },
  });
  const send = async (event: KetamineEvent, actor: Actor<KetamineRole>) => {
    const result = await engine.send(id, event, { actor });
    if (!result.ok) throw new Error(`${event.type} was refused: ${result.error.message}`);
  };
  const at = async (instant: number) => {
    clock.advanceTo(instant);
    await engine.runDue();
  };
  await send({ type: 'referral.accepted' }, coordinator);
  await send({ type: 'consultation.recorded', kind: 'initial', mode: 'in-person' }, physician);
  await send({ type: 'assessment.recorded', instrument: 'GAD-7', total: 18 }, patient);
  await send({ type: 'assessment.recorded', instrument: 'PHQ-9', total: 9, item9: 0 }, patient);
  await send({ type: 'assessment.recorded', instrument: 'C-SSRS', risk: 'none' }, nurse);
  await send({ type: 'screening.contraindicationsRecorded', answers: NO_CONTRAINDICATIONS }, nurse);
  await send({ type: 'screening.vitalsRecorded', systolic: 120, diastolic: 78, heartRate: 68, spo2: 98 }, nurse);
  await send({ type: 'screening.medicationsReviewed', classes: [] }, physician);
  await send({ type: 'eligibility.decided', outcome: 'eligible', reasons: [] }, physician);
  await send({ type: 'consent.recorded', formVersion: 'KET-IV-2026-01' }, physician);
  await send(
    {
      type: 'plan.recorded',
      route: 'iv',
      dosePlan: { summary: 'Racemic ketamine 0.5 mg/kg IV over 40 minutes', steps: [{ fromSession: 1, amount: 0.5, unit: 'mg/kg', infusionMinutes: 40 }] },
      weightKg: 70,
    },
    physician,
  );
  await send({ type: 'induction.started', firstSessionAt: '2026-01-12T08:00:00Z' }, coordinator);

  for (let n = 1; n <= 16; n++) {
    const next = (await engine.get(id)).context.schedule.find((s) => s.status === 'planned');
    if (!next) throw new Error(`no planned session before visit ${n}`);
    const due = Date.parse(next.dueAt);
    await at(due - 30 * MIN);
    await send({ type: 'session.checkedIn' }, coordinator);
    await send({ type: 'predose.fastingConfirmed', lastFoodAt: iso(due - 5 * 60 * MIN), lastLiquidAt: iso(due - 2 * 60 * MIN) }, nurse);
    await send({ type: 'predose.transportConfirmed', responsibleAdultConfirmed: true, mode: 'taxi-with-adult' }, nurse);
    await send({ type: 'predose.vitalsRecorded', systolic: 110 + n, diastolic: 70 + (n % 5), heartRate: 70, spo2: 98 }, nurse);
    await send({ type: 'predose.contraindicationsChecked', newFindings: [] }, nurse);
    await send({ type: 'predose.medicationsConfirmed', classes: [], changedSinceLastSession: false }, nurse);
    await at(due);
    await send({ type: 'dose.recorded', medication: 'racemic-ketamine', amountMg: 35, infusionMinutes: 40, lot: `KX-${n}`, administration: 'staff-administered' }, nurse);
    // Rising to the 40-minute check, falling back before discharge; each session its own numbers.
    for (const [minutes, systolic] of [[15, 128 + (n % 4)], [30, 134], [40, 136 - (n % 3)], [55, 124 + (n % 5)]] as const) {
      await at(due + minutes * MIN);
      await send({ type: 'monitoring.vitalsRecorded', systolic, diastolic: 80 + (n % 3), heartRate: 76, spo2: 97 }, nurse);
    }
    await send({ type: 'monitoring.sedationRecorded', moaas: 5 }, nurse);
    if (n === 6) await send({ type: 'assessment.recorded', instrument: 'GAD-7', total: 8 }, patient);
    if (n > 6 && n % 3 === 0) await send({ type: 'assessment.recorded', instrument: 'GAD-7', total: 7 + (n % 2) }, patient);
    await at(due + 60 * MIN);
    await send({ type: 'session.discharged', releasedTo: 'responsible-adult', alertAndOriented: true, noDrivingAdviceGiven: true }, nurse);
    if (n === 6) await send({ type: 'response.decided', decision: 'maintenance', reason: 'Responder: weekly boosters', everyDays: 7 }, physician);
  }
  return readJourneyForReport(engine, id, { title: 'IV course with weekly boosters', effects });
}
