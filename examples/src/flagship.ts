// The flagship example: an IV ketamine course for generalized anxiety, from referral through
// screening, six infusions and the response review into maintenance, with concurrent therapy, on a
// ManualClock (weeks of care in milliseconds). Prints the journal as a timeline.
//
//   pnpm example
//
// Every value here is illustrative. carejourney records and enforces a clinic's protocol; it gives
// no medical advice, and the dose plan is the prescriber's, recorded as given.
import { pathToFileURL } from 'node:url';
import {
  createEngine,
  ketamineAnxietyJourney,
  ManualClock,
  MemoryStore,
  type Actor,
  type CareJourneyPlugin,
  type EffectNotice,
  type JournalEntry,
  type JourneyEventFrom,
  type JourneyView,
  type KetamineJourneyContext,
  type KetamineRole,
} from '@carejourney/core';

type KetamineEvent = JourneyEventFrom<typeof ketamineAnxietyJourney>;

const MIN = 60_000;
const iso = (ms: number): string => new Date(ms).toISOString();

const staff = {
  coordinator: { id: 'coord-ana', role: 'coordinator' },
  nurse: { id: 'rn-bo', role: 'nurse' },
  physician: { id: 'md-chen', role: 'physician' },
  therapist: { id: 'th-dara', role: 'therapist' },
  patient: { id: 'pt-8842', role: 'patient' },
} satisfies Record<string, Actor<KetamineRole>>;

/** One line of the timeline: when, who, what, and the state it led to. */
export interface TimelineRow {
  readonly at: string;
  readonly actor: string;
  readonly event: string;
  readonly state: string;
}

export interface FlagshipResult {
  readonly view: JourneyView<KetamineJourneyContext>;
  readonly context: KetamineJourneyContext;
  readonly timeline: readonly TimelineRow[];
  readonly effects: readonly EffectNotice[];
  /** The whole journal, for audit and for replaying the course elsewhere. */
  readonly journal: readonly JournalEntry[];
}

/** The state label without the structural prefixes: `induction › session › dosed › monitoring · therapy: active`. */
export function shortState(label: string): string {
  return label
    .split('|')
    .map((leaf) =>
      leaf.startsWith('care.therapy.')
        ? `therapy: ${leaf.slice('care.therapy.'.length)}`
        : leaf
            .replace(/^care\.clinical\./, '')
            .replace(/^treatment\.course\./, '')
            .replace(/^treatment\./, '')
            .split('.')
            .join(' › '),
    )
    .join(' · ');
}

function toRow(entry: JournalEntry): TimelineRow {
  return {
    at: `${entry.at.slice(0, 10)} ${entry.at.slice(11, 16)}`,
    actor: `${entry.actor.role} ${entry.actor.id}`,
    event: entry.kind === 'timer' ? `⏱ ${entry.type}` : entry.type,
    state: shortState(entry.to),
  };
}

/**
 * Runs the whole course. Returns the final view, the timeline and the effects the journey emitted.
 * `plugins` are registered with the engine (see hostPlugins.ts for a clinic's own plugins).
 */
export async function runFlagship(options: { plugins?: readonly CareJourneyPlugin[] } = {}): Promise<FlagshipResult> {
  const clock = new ManualClock('2026-03-02T08:30:00Z');
  const engine = createEngine({
    definition: ketamineAnxietyJourney,
    store: new MemoryStore(),
    clock,
    // The clinic's protocol: its zone, what differs from the defaults, and its acceptance of the
    // defaults marked UNCONFIRMED that it does not set (journaled with every journey).
    protocol: { timeZone: 'Europe/Berlin', acceptUnconfirmedDefaults: true, therapy: { lapseAfterDays: 21 } },
    plugins: options.plugins ?? [],
  });
  const effects: EffectNotice[] = [];
  engine.on('effect', (notice) => effects.push(notice));

  const start = await engine.start({
    patientRef: 'pt-8842',
    actor: staff.coordinator,
    input: { referral: { source: 'professional', indication: 'generalized-anxiety', referrerRef: 'gp-practice-17' } },
  });
  const id = start.id;

  const send = async (event: KetamineEvent, actor: Actor<KetamineRole>): Promise<JourneyView<KetamineJourneyContext>> => {
    const result = await engine.send(id, event, { actor });
    if (!result.ok) throw new Error(`${event.type} was refused: ${result.error.message}`);
    return result.view;
  };
  const at = async (instant: string | number): Promise<void> => {
    clock.advanceTo(instant);
    await engine.runDue();
  };
  const after = async (minutes: number): Promise<void> => at(clock.now() + minutes * MIN);

  // Referral and intake: two consultations, baseline instruments, checklist, vitals, co-medications.
  await after(25);
  await send({ type: 'referral.accepted' }, staff.coordinator);
  await at('2026-03-03T10:00:00Z');
  await send({ type: 'consultation.recorded', kind: 'initial', mode: 'in-person' }, staff.physician);
  await send({ type: 'assessment.recorded', instrument: 'GAD-7', total: 17 }, staff.patient);
  await send({ type: 'assessment.recorded', instrument: 'PHQ-9', total: 12, item9: 0 }, staff.patient);
  await send({ type: 'assessment.recorded', instrument: 'C-SSRS', risk: 'none' }, staff.nurse);
  await send(
    {
      type: 'screening.contraindicationsRecorded',
      answers: {
        'aneurysmal-vascular-disease': false,
        'arteriovenous-malformation': false,
        'intracerebral-haemorrhage-history': false,
        'ketamine-hypersensitivity': false,
        pregnancy: false,
        breastfeeding: false,
        'psychosis-history': false,
        'active-mania': false,
        'substance-use-disorder': false,
        'unmanaged-hypertension': false,
        'heart-disease': false,
        'raised-intracranial-pressure': false,
        'intracranial-mass': false,
        'open-globe-injury': false,
        glaucoma: false,
        'uncontrolled-hyperthyroidism': false,
        'liver-disease': false,
        'cystitis-history': false,
      },
    },
    staff.nurse,
  );
  await send({ type: 'screening.vitalsRecorded', systolic: 122, diastolic: 78, heartRate: 70, spo2: 98 }, staff.nurse);
  await send({ type: 'screening.medicationsReviewed', classes: ['antidepressant'] }, staff.physician);
  await send({ type: 'therapy.linked', therapistRef: 'therapist-204', modality: 'cbt' }, staff.coordinator);
  await at('2026-03-05T10:00:00Z');
  await send({ type: 'consultation.recorded', kind: 'follow-up', mode: 'video' }, staff.physician);
  await send({ type: 'eligibility.decided', outcome: 'eligible', reasons: [] }, staff.physician);
  await send({ type: 'consent.recorded', formVersion: 'KET-IV-2026-01' }, staff.physician);
  await send(
    {
      type: 'plan.recorded',
      route: 'iv',
      dosePlan: { summary: 'Racemic ketamine 0.5 mg/kg IV over 40 minutes', steps: [{ fromSession: 1, amount: 0.5, unit: 'mg/kg', infusionMinutes: 40 }] },
      weightKg: 68,
      therapyModality: 'cbt',
    },
    staff.physician,
  );
  await send({ type: 'induction.started', firstSessionAt: '2026-03-09T09:00:00Z' }, staff.coordinator);

  // Induction: six infusions, three a week; maintenance: a booster four weeks after the last.
  const runInfusion = async (gad7?: number): Promise<void> => {
    const ctx = (await engine.get(id)).context;
    const next = ctx.schedule.find((s) => s.status === 'planned');
    if (!next) throw new Error('no planned session');
    const due = Date.parse(next.dueAt);
    await at(due - 30 * MIN);
    await send({ type: 'session.checkedIn' }, staff.coordinator);
    await send({ type: 'predose.fastingConfirmed', lastFoodAt: iso(due - 5 * 60 * MIN), lastLiquidAt: iso(due - 2 * 60 * MIN) }, staff.nurse);
    await send({ type: 'predose.transportConfirmed', responsibleAdultConfirmed: true, mode: 'car-driven-by-adult' }, staff.nurse);
    await send({ type: 'predose.vitalsRecorded', systolic: 124, diastolic: 80, heartRate: 72, spo2: 98 }, staff.nurse);
    await send({ type: 'predose.contraindicationsChecked', newFindings: [] }, staff.nurse);
    await send({ type: 'predose.medicationsConfirmed', classes: ['antidepressant'], changedSinceLastSession: false }, staff.nurse);
    await at(due);
    await send(
      { type: 'dose.recorded', medication: 'racemic-ketamine', amountMg: 34, infusionMinutes: 40, lot: 'KX-24-0917', administration: 'staff-administered' },
      staff.nurse,
    );
    // Vitals every 15 minutes (the IV cadence), the 40-minute check among them.
    await at(due + 15 * MIN);
    await send({ type: 'monitoring.vitalsRecorded', systolic: 134, diastolic: 84, heartRate: 82, spo2: 97 }, staff.nurse);
    await send({ type: 'monitoring.dissociationRecorded', score: 9, form: 'CADSS-6' }, staff.nurse);
    await at(due + 30 * MIN);
    await send({ type: 'monitoring.vitalsRecorded', systolic: 136, diastolic: 86, heartRate: 80, spo2: 97 }, staff.nurse);
    await at(due + 42 * MIN);
    await send({ type: 'monitoring.vitalsRecorded', systolic: 138, diastolic: 86, heartRate: 80, spo2: 97 }, staff.nurse);
    await send({ type: 'monitoring.sedationRecorded', moaas: 4 }, staff.nurse);
    await at(due + 55 * MIN);
    await send({ type: 'monitoring.vitalsRecorded', systolic: 126, diastolic: 80, heartRate: 74, spo2: 98 }, staff.nurse);
    await send({ type: 'monitoring.sedationRecorded', moaas: 5 }, staff.nurse);
    if (gad7 !== undefined) await send({ type: 'assessment.recorded', instrument: 'GAD-7', total: gad7 }, staff.patient);
    await at(due + 60 * MIN);
    await send({ type: 'session.discharged', releasedTo: 'responsible-adult', alertAndOriented: true, noDrivingAdviceGiven: true }, staff.nurse);
  };

  for (let n = 1; n <= 6; n++) {
    if (n % 3 === 1) {
      // Weekly concurrent therapy, reported by the therapist the day before the week's first infusion.
      await at(Date.parse((await scheduleDue(engine, id, n)) ?? '') - 24 * 60 * MIN);
      await send({ type: 'therapy.sessionAttended', attendedAt: iso(clock.now() - 60 * MIN) }, staff.therapist);
    }
    await runInfusion(n === 6 ? 7 : undefined);
  }
  // The review proposes (GAD-7 17 → 7: a response); the physician decides maintenance and its cadence.
  await send({ type: 'response.decided', decision: 'maintenance', reason: 'Responder: boosters every four weeks', everyDays: 28 }, staff.physician);
  await at('2026-04-02T16:00:00Z');
  await send({ type: 'therapy.sessionAttended', attendedAt: '2026-04-02T15:00:00Z' }, staff.therapist);
  await runInfusion();

  const view = await engine.get(id);
  const journal = await engine.history(id);
  const timeline = journal.map(toRow);
  return { view, context: view.context, timeline, effects, journal };
}

async function scheduleDue(engine: { get(id: string): Promise<JourneyView<KetamineJourneyContext>> }, id: string, number: number): Promise<string | undefined> {
  const ctx = (await engine.get(id)).context;
  return ctx.schedule.find((s) => s.number === number)?.dueAt;
}

/** The timeline as aligned text lines. */
export function formatTimeline(rows: readonly TimelineRow[]): string[] {
  const width = (key: keyof TimelineRow) => Math.max(...rows.map((r) => r[key].length));
  const [a, e] = [width('actor'), width('event')];
  const lines: string[] = [];
  let day = '';
  for (const r of rows) {
    if (r.at.slice(0, 10) !== day && day !== '') lines.push('');
    day = r.at.slice(0, 10);
    lines.push(`${r.at}  ${r.actor.padEnd(a)}  ${r.event.padEnd(e)}  → ${r.state}`);
  }
  return lines;
}

async function main(): Promise<void> {
  const started = performance.now();
  const { view, context, timeline, effects } = await runFlagship();
  const elapsed = performance.now() - started;
  console.log('IV ketamine for generalized anxiety: referral → screening → induction → response review → maintenance\n');
  for (const line of formatTimeline(timeline)) console.log(line);
  const response = context.response;
  const next = context.schedule.find((s) => s.status === 'planned');
  console.log('');
  console.log(`Now:       ${shortState(view.stateLabel)} (phase ${view.phase})`);
  console.log(`Sessions:  ${context.sessions.filter((s) => s.outcome === 'completed').length} completed`);
  if (response) {
    console.log(
      `Response:  ${response.instrument} ${response.baseline} → ${response.current} (${response.dropPercent}% drop; response at ${response.thresholdPercent}%: ${response.responded ? 'yes' : 'no'}; remission: ${response.remission ? 'yes' : 'no'})`,
    );
  }
  if (next) console.log(`Next:      maintenance session ${next.number} due ${next.dueAt.slice(0, 16).replace('T', ' ')} UTC`);
  console.log(`Therapy:   ${context.therapy.sessionsAttended} sessions attended, ${context.therapy.lapses} lapses`);
  console.log(`Effects:   ${effects.length} delivered (${[...new Set(effects.map((e) => e.type))].join(', ')})`);
  console.log(`Ran ${timeline.length} journal entries over ${Math.round((Date.parse(timeline[timeline.length - 1]?.at.replace(' ', 'T') + ':00Z') - Date.parse('2026-03-02T08:30:00Z')) / 86_400_000)} days of care in ${Math.round(elapsed)} ms.`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
