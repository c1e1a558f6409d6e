// The flagship example: an IV ketamine course for generalized anxiety, from referral through
// screening, six infusions and the response review into maintenance, with concurrent therapy, on a
// ManualClock (weeks of care in milliseconds).
//
//   pnpm example
//
// The screening plugin scores the questionnaires the patient fills in and proposes eligibility from
// the medical history; the physician decides. The reminders plugin tells the patient (and the
// clinic) what is due when: sessions, fasting, the ride home, the no-driving notice after each
// dose, the questionnaire of the response review. Every value here is illustrative: carejourney
// records and enforces a clinic's protocol; it gives no medical advice, and the dose plan is the
// prescriber's, recorded as given.
import {
  CONTRAINDICATIONS,
  createEngine,
  formatLocal,
  ketamineAnxietyJourney,
  ManualClock,
  MemoryStore,
  type CareJourneyPlugin,
  type EffectNotice,
  type JournalEntry,
  type KetamineJourneyContext,
  type KetamineProtocolInput,
  type SendResult,
} from '@carejourney/core';
import { remindersPlugin, type ReminderMessage, type ReminderRecord } from '@carejourney/plugin-reminders';
import { createScreening, type EligibilityProposal } from '@carejourney/plugin-screening';
import { calmSession, drive, staff, type KetamineView } from './clinic.js';
import { describeSessions } from './describeSessions.js';
import type { ExampleOutput } from './examples.js';
import { shortState, Timeline } from './timeline.js';


export interface FlagshipResult extends ExampleOutput {
  readonly view: KetamineView;
  readonly context: KetamineJourneyContext;
  readonly effects: readonly EffectNotice[];
  /** The whole journal, for audit and for replaying the course elsewhere. */
  readonly journal: readonly JournalEntry[];
  /** What the screening plugin proposed from the medical history (a physician decided). */
  readonly proposals: readonly EligibilityProposal[];
  /** The hand-typed GAD-7 total the screening plugin refused. */
  readonly typedIn: SendResult<KetamineView>;
  /** Every reminder handed to the host's channels, in order. */
  readonly reminders: readonly ReminderMessage[];
  /** What became of every reminder (delivered, confirmed, cancelled, suppressed, ...), from the plugin's log. */
  readonly reminderOutcomes: readonly ReminderRecord[];
}

const TIME_ZONE = 'Europe/Berlin';

/**
 * The clinic's protocol: its zone, what differs from the defaults, and its acceptance of the
 * defaults marked UNCONFIRMED that it does not set (journaled with every journey). A real clinic
 * reviews each of them (docs/journey.md lists them) and sets its own values.
 */
export const FLAGSHIP_PROTOCOL = { timeZone: TIME_ZONE, acceptUnconfirmedDefaults: true, therapy: { lapseAfterDays: 21 } } as const satisfies KetamineProtocolInput;
const PATIENT = 'pt-8842';

/**
 * Runs the whole course and returns the final view, the timeline and the effects the journey
 * emitted. `plugins` are registered beside the screening plugin (see hostPlugins.ts).
 */
export async function runFlagship(options: { plugins?: readonly CareJourneyPlugin[] } = {}): Promise<FlagshipResult> {
  const clock = new ManualClock('2026-03-02T08:30:00Z');
  const timeline = new Timeline(TIME_ZONE);
  const proposals: EligibilityProposal[] = [];

  // Questionnaires are scored by the plugin, never typed in: a hand-typed GAD-7 or PHQ-9 total is
  // refused. The plugin's proposal goes to the physician; it never decides eligibility itself.
  const screening = createScreening({
    requireScoredResponses: ['GAD-7', 'PHQ-9'],
    onProposal: ({ journeyId, proposal }) => {
      proposals.push(proposal);
      timeline.note(journeyId, clock.now(), `screening proposes ${proposal.outcome}: ${proposal.reasons.join('; ')}`, 'screening plugin');
    },
  });

  // Reminders go out through the host's channels (an SMS gateway, the clinic's inbox); the plugin
  // hands over a template key and variables, never a name or a phone number. The patient answers
  // "yes" to the ride-home question, which the host passes on with `confirm`.
  const sent: ReminderMessage[] = [];
  const replies: ReminderMessage[] = [];
  const reminders = remindersPlugin({
    deliver: (message) => {
      sent.push(message);
      const about = typeof message.variables['sessionAt'] === 'string' ? `for ${message.variables['sessionAt'].slice(0, 16)}, ` : '';
      timeline.reminder(message.journeyId, clock.now(), message.audience, message.templateKey, `${about}by ${message.channel}${message.late ? ' (late)' : ''}`);
      if (message.kind === 'transport.confirm') replies.push(message);
    },
    quietHours: { start: '21:00', end: '08:00' },
  });

  const engine = createEngine({
    definition: ketamineAnxietyJourney,
    store: new MemoryStore(),
    clock,
    protocol: FLAGSHIP_PROTOCOL,
    plugins: [screening.plugin, reminders, ...(options.plugins ?? [])],
  });
  timeline.attach(engine);
  const effects: EffectNotice[] = [];
  engine.on('effect', (notice) => effects.push(notice));

  const { id } = await engine.start({
    patientRef: PATIENT, // opaque: the name and phone number stay in the host
    actor: staff.coordinator,
    input: { referral: { source: 'professional', indication: 'generalized-anxiety', referrerRef: 'gp-practice-17' } },
  });
  const d = drive(engine, clock, id, timeline, async () => {
    for (const reply of replies.splice(0)) await reminders.confirm(id, reply.deliveryId);
  });
  const { coordinator, nurse, physician, therapist } = staff;

  // Referral and intake: the patient fills in GAD-7, PHQ-9 and the C-SSRS screener on a tablet;
  // the plugin scores the answers and records the totals as its own system actor.
  await d.after(25);
  await d.send({ type: 'referral.accepted' }, coordinator);
  await d.at('2026-03-03T10:00:00Z');
  await d.send({ type: 'consultation.recorded', kind: 'initial', mode: 'in-person' }, physician);
  await submitted(screening.submit(id, { instrument: 'GAD-7', answers: { 1: 3, 2: 3, 3: 2, 4: 3, 5: 2, 6: 2, 7: 2 } })); // 17: severe
  // A total typed in by hand is vetoed by the plugin: the refusal is a value and changes nothing.
  const typedIn = await d.attempt({ type: 'assessment.recorded', instrument: 'GAD-7', total: 12 }, staff.nurse);
  await submitted(screening.submit(id, { instrument: 'PHQ-9', answers: { 1: 2, 2: 2, 3: 1, 4: 2, 5: 1, 6: 2, 7: 1, 8: 1, 9: 0 } })); // 12
  await submitted(screening.submit(id, { instrument: 'C-SSRS', answers: { 1: false, 2: false, 6: false } }, { actor: nurse })); // risk: none
  // The medical history becomes the contraindication checklist and the co-medication review; the
  // plugin proposes (here: nothing rules the patient out, a physician decides).
  const history = await screening.recordMedicalHistory(
    id,
    { conditions: Object.fromEntries(CONTRAINDICATIONS.map((c) => [c, false])), medications: ['antidepressant'] },
    { actor: nurse },
  );
  if (!history.ok) throw history.error;
  await d.send({ type: 'screening.vitalsRecorded', systolic: 122, diastolic: 78, heartRate: 70, spo2: 98 }, nurse);
  await d.send({ type: 'therapy.linked', therapistRef: 'therapist-204', modality: 'cbt' }, coordinator);

  await d.at('2026-03-05T10:00:00Z');
  await d.send({ type: 'consultation.recorded', kind: 'follow-up', mode: 'video' }, physician);
  await d.send({ type: 'eligibility.decided', outcome: 'eligible', reasons: ['Screening complete; no contraindication'] }, physician);
  await d.send({ type: 'consent.recorded', formVersion: 'KET-IV-2026-01' }, physician);
  await d.send(
    {
      type: 'plan.recorded',
      route: 'iv',
      dosePlan: { summary: 'Racemic ketamine 0.5 mg/kg IV over 40 minutes', steps: [{ fromSession: 1, amount: 0.5, unit: 'mg/kg', infusionMinutes: 40 }] },
      weightKg: 68,
      therapyModality: 'cbt',
    },
    physician,
  );
  // Monday 9 March, 10:00 in Berlin; the route's schedule (three a week for two weeks) follows.
  await d.send({ type: 'induction.started', firstSessionAt: '2026-03-09T09:00:00Z' }, coordinator);

  // Induction: six infusions. The therapist reports the week's CBT session the day before the
  // week's first infusion. The patient fills in the GAD-7 after the third infusion (mid-induction)
  // and after the sixth, for the response review.
  const gad7 = (answers: Record<1 | 2 | 3 | 4 | 5 | 6 | 7, number>) => () => submitted(screening.submit(id, { instrument: 'GAD-7', answers }));
  const infusion = { recordedBy: nurse, checkedInBy: coordinator, administration: 'staff-administered', lot: 'KX-24-0917', medications: ['antidepressant'] } as const;
  for (let n = 1; n <= 6; n++) {
    if (n % 3 === 1) {
      const due = Date.parse((await d.view()).context.schedule.find((s) => s.number === n)?.dueAt ?? '');
      await d.at(due - 24 * 60 * 60_000);
      await d.send({ type: 'therapy.sessionAttended', attendedAt: new Date(clock.now() - 60 * 60_000).toISOString() }, therapist);
    }
    await calmSession(d, {
      ...infusion,
      ...(n === 3 ? { beforeDischarge: gad7({ 1: 2, 2: 2, 3: 2, 4: 2, 5: 1, 6: 1, 7: 1 }) } : {}), // 11
      ...(n === 6 ? { beforeDischarge: gad7({ 1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1 }) } : {}), // 7
    });
  }
  // The review proposes (GAD-7 17 → 7: a response); the physician decides maintenance and its cadence.
  await d.send({ type: 'response.decided', decision: 'maintenance', reason: 'Responder: boosters every four weeks', everyDays: 28 }, physician);
  await d.at('2026-04-02T16:00:00Z');
  await d.send({ type: 'therapy.sessionAttended', attendedAt: '2026-04-02T15:00:00Z' }, therapist);
  // The first booster, and the maintenance re-assessment: the response holds (GAD-7 4: remission).
  await calmSession(d, { ...infusion, beforeDischarge: gad7({ 1: 1, 2: 1, 3: 1, 4: 1, 5: 0, 6: 0, 7: 0 }) });

  const view = await d.view();
  const journal = await engine.history(id);
  const context = view.context;
  const response = context.response;
  const next = context.schedule.find((s) => s.status === 'planned');
  const reminderOutcomes = await reminders.outcomes(id);
  return {
    title: 'IV ketamine for generalized anxiety: referral → screening → induction → response review → maintenance',
    timeZone: TIME_ZONE,
    rows: timeline.rows,
    summary: [
      `Now:       ${shortState(view.stateLabel)} (phase ${view.phase})`,
      `Sessions:  ${describeSessions(context.sessions)}`,
      ...(response
        ? [
            `Response:  ${response.instrument} ${response.baseline} → ${response.current} (${response.dropPercent}% drop; response at ${response.thresholdPercent}%: ${response.responded ? 'yes' : 'no'}; remission: ${response.remission ? 'yes' : 'no'})`,
          ]
        : []),
      ...(next ? [`Next:      maintenance session ${next.number} on ${formatLocal(next.dueAt, TIME_ZONE)}`] : []),
      `Therapy:   ${context.therapy.sessionsAttended} sessions attended, ${context.therapy.lapses} lapses`,
      `Reminders: ${sent.length} sent (${summarizeKinds(sent)}); ${reminderOutcomes.filter((r) => r.outcome === 'confirmed').length} confirmed by the patient`,
      `Journal:   ${journal.length} entries over ${Math.round((Date.parse(journal.at(-1)?.at ?? '') - Date.parse(journal[0]?.at ?? '')) / 86_400_000)} days of care`,
    ],
    view,
    context,
    effects,
    journal,
    proposals,
    typedIn,
    reminders: sent,
    reminderOutcomes,
  };
}

/** `session.upcoming ×14, session.fasting ×7, ...`: how many of each kind. */
function summarizeKinds(messages: readonly ReminderMessage[]): string {
  const counts = new Map<string, number>();
  for (const m of messages) counts.set(m.kind, (counts.get(m.kind) ?? 0) + 1);
  return [...counts].map(([kind, n]) => `${kind} ×${n}`).join(', ');
}

/** A submission the example expects to be accepted. */
async function submitted(pending: Promise<{ ok: true } | { ok: false; error: Error }>): Promise<void> {
  const result = await pending;
  if (!result.ok) throw result.error;
}
