// A patient with a history of psychosis. The clinic's protocol classes it (many clinics class it
// absolute; the esketamine label treats it as relative, for a physician's review). The screening
// plugin turns the medical history into the checklist, proposes, and refers the journey to a
// physician; only the physician decides, and the journey refuses an "eligible" that the clinic's
// classes rule out.
//
//   pnpm example ineligible
//
// Every value here is illustrative.
import {
  createEngine,
  CONTRAINDICATIONS,
  ketamineAnxietyJourney,
  ManualClock,
  MemoryStore,
  type ContraindicationClass,
  type EffectNotice,
  type JournalEntry,
  type KetamineJourneyContext,
  type SendResult,
} from '@carejourney/core';
import { createScreening, type EligibilityProposal } from '@carejourney/plugin-screening';
import { drive, patientActor, staff, type KetamineView } from './clinic.js';
import type { ExampleOutput } from './examples.js';
import { shortState, Timeline } from './timeline.js';

const TIME_ZONE = 'America/Chicago';
const PATIENT = 'pt-4417';

export interface IneligibleResult extends ExampleOutput {
  readonly view: KetamineView;
  readonly context: KetamineJourneyContext;
  readonly journal: readonly JournalEntry[];
  readonly effects: readonly EffectNotice[];
  readonly proposals: readonly EligibilityProposal[];
  /** The refused decisions: a nurse deciding ineligible, and (absolute class) a physician deciding eligible. */
  readonly refusals: readonly SendResult<KetamineView>[];
}

/** `psychosisHistory`: the clinic's class for a history of psychosis (absolute here; the shipped default is physician review). */
export async function runIneligible(options: { psychosisHistory?: ContraindicationClass } = {}): Promise<IneligibleResult> {
  const psychosisHistory = options.psychosisHistory ?? 'absolute';
  const clock = new ManualClock('2026-06-08T14:00:00Z');
  const timeline = new Timeline(TIME_ZONE);
  const proposals: EligibilityProposal[] = [];
  const screening = createScreening({
    onProposal: ({ journeyId, proposal }) => {
      proposals.push(proposal);
      timeline.note(journeyId, clock.now(), `screening proposes ${proposal.outcome}: ${proposal.reasons.join('; ')}`, 'screening plugin');
    },
  });
  const engine = createEngine({
    definition: ketamineAnxietyJourney,
    store: new MemoryStore(),
    clock,
    protocol: {
      timeZone: TIME_ZONE,
      contraindicationClasses: { 'psychosis-history': psychosisHistory },
      // Placeholders this intake-only journey never reaches (schedules, stop rules) are accepted as shipped.
      acceptUnconfirmedDefaults: true,
    },
    plugins: [screening.plugin],
  });
  timeline.attach(engine);
  const effects: EffectNotice[] = [];
  engine.on('effect', (n) => effects.push(n));

  const { id } = await engine.start({
    patientRef: PATIENT,
    actor: staff.coordinator,
    input: { referral: { source: 'professional', indication: 'generalized-anxiety', referrerRef: 'psychiatry-clinic-9' } },
  });
  const d = drive(engine, clock, id, timeline);
  const { coordinator, nurse, physician } = staff;

  await d.send({ type: 'referral.accepted' }, coordinator);
  await d.at('2026-06-10T15:00:00Z');
  await d.send({ type: 'consultation.recorded', kind: 'initial', mode: 'in-person' }, physician);
  for (const [instrument, answers] of [
    ['GAD-7', { 1: 3, 2: 2, 3: 3, 4: 2, 5: 2, 6: 2, 7: 2 }],
    ['PHQ-9', { 1: 1, 2: 2, 3: 1, 4: 2, 5: 1, 6: 1, 7: 1, 8: 0, 9: 0 }],
  ] as const) {
    const r = await screening.submit(id, { instrument, answers }, { actor: patientActor(PATIENT) });
    if (!r.ok) throw r.error;
  }
  await d.send({ type: 'assessment.recorded', instrument: 'C-SSRS', risk: 'none' }, nurse);
  await d.send({ type: 'screening.vitalsRecorded', systolic: 126, diastolic: 82, heartRate: 76, spo2: 99 }, nurse);
  // The history: a psychotic episode years ago. The plugin records the checklist and the
  // co-medications as the nurse, proposes from the clinic's classes, and refers to a physician.
  const history = await screening.recordMedicalHistory(
    id,
    { conditions: Object.fromEntries(CONTRAINDICATIONS.map((c) => [c, c === 'psychosis-history'])), medications: ['antipsychotic'] },
    { actor: nurse },
  );
  if (!history.ok) throw history.error;

  // Only a physician decides ineligible; and with the history classed absolute, no one can find
  // the patient eligible. Both refusals are values that change nothing.
  const refusals: SendResult<KetamineView>[] = [];
  refusals.push(await d.attempt({ type: 'eligibility.decided', outcome: 'ineligible', reasons: ['History of psychosis'] }, nurse));
  if (psychosisHistory === 'absolute' || psychosisHistory === 'exclude') {
    refusals.push(await d.attempt({ type: 'eligibility.decided', outcome: 'eligible', reasons: ['Stable for years'] }, physician));
  }
  await d.at('2026-06-11T16:00:00Z');
  await d.send(
    {
      type: 'eligibility.decided',
      outcome: 'ineligible',
      reasons: ['History of psychosis: ketamine can precipitate psychotic symptoms', 'Referred back to the treating psychiatrist for other options'],
    },
    physician,
  );

  const view = await d.view();
  const context = view.context;
  const journal = await engine.history(id);
  return {
    title: `A history of psychosis (classed ${psychosisHistory}): the screening plugin proposes, the physician decides`,
    timeZone: TIME_ZONE,
    rows: timeline.rows,
    summary: [
      `Now:       ${shortState(view.stateLabel)} (phase ${view.phase}, ${view.status})`,
      `Proposal:  ${proposals.map((p) => p.outcome).join(' → ')}`,
      `Decision:  ${context.intake.eligibility?.outcome ?? '-'} by ${context.intake.eligibility?.by.role ?? '-'}: ${context.intake.eligibility?.reasons.join('; ') ?? ''}`,
      `Refused:   ${refusals.map((r) => (r.ok ? 'accepted' : r.error.code)).join(', ')}`,
    ],
    view,
    context,
    journal,
    effects,
    proposals,
    refusals,
  };
}
