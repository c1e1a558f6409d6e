// A clinic's own plugins, written with `definePlugin`, on a short esketamine course:
//
// - `rems-filing` files the REMS patient monitoring form of every session with the REMS (through
//   the host's client) as soon as the journey announces it (`rems.formDue`), and records the
//   submission in the journey. When the REMS is unreachable it retries on a durable plugin timer,
//   so a restart in between loses nothing.
// - `out-of-pocket` estimates what the course will cost the patient (insurance rarely covers
//   ketamine for anxiety), tells the host after every change of plan or dose, and refuses to book
//   the induction until the patient has acknowledged the estimate.
//
//   pnpm example rems-plugin
//
// Every value here is illustrative.
import { z } from 'zod';
import {
  createEngine,
  definePlugin,
  ketamineAnxietyJourney,
  ManualClock,
  MemoryStore,
  parsePluginOptions,
  type CareJourneyPlugin,
  type EffectNotice,
  type JournalEntry,
  type KetamineJourneyContext,
  type KetamineRoute,
  type RemsMonitoringForm,
  type SendResult,
} from '@carejourney/core';
import { calmSession, drive, patientActor, screenAndPlan, staff, type IntakeOptions, type KetamineView } from './clinic.js';
import type { ExampleOutput } from './examples.js';
import { shortState, Timeline } from './timeline.js';

// ------------------------------------------------------------------ rems-filing

const remsFilingOptions = z.strictObject({
  /** The host's REMS client: files the form, returns the REMS's reference. Throws when the REMS is unreachable. */
  file: z.custom<(form: RemsMonitoringForm) => Promise<{ submissionRef: string }>>((v) => typeof v === 'function', 'must be a function'),
  /** The staff account the submissions are recorded under (the journey accepts them from a coordinator, nurse or physician). */
  submitAs: z.strictObject({ id: z.string().min(1).max(200), role: z.enum(['coordinator', 'nurse', 'physician']) }),
  retryAfterMinutes: z.number().int().min(1).max(24 * 60).default(60),
  maxAttempts: z.number().int().min(1).max(20).default(5),
  /** Told when every attempt failed: the clinic files by hand before the form is overdue. */
  onGiveUp: z.custom<(form: RemsMonitoringForm) => void>((v) => typeof v === 'function', 'must be a function').optional(),
});

/**
 * Files each REMS monitoring form as soon as the journey announces it, with durable retries.
 *
 * @example
 * ```ts
 * createEngine({ definition: ketamineAnxietyJourney, store, protocol, plugins: [remsFiling({ file: (form) => remsClient.submit(form), submitAs: { id: 'rems-desk', role: 'coordinator' } })] });
 * ```
 */
export function remsFiling(options: z.input<typeof remsFilingOptions>): CareJourneyPlugin {
  const { file, submitAs, retryAfterMinutes, maxAttempts, onGiveUp } = parsePluginOptions('rems-filing', remsFilingOptions, options);
  return definePlugin({
    name: 'rems-filing',
    setup(api) {
      const attempt = async (journeyId: string, form: RemsMonitoringForm, tries: number) => {
        try {
          const { submissionRef } = await file(form);
          // One idempotency key per form: a redelivered effect or a second attempt records it once.
          const result = await api.send(
            journeyId,
            { type: 'rems.formSubmitted', sessionNumber: form.sessionNumber, submissionRef },
            { actor: submitAs, idempotencyKey: `rems-form-${form.sessionNumber}` },
          );
          if (!result.ok) throw result.error;
        } catch {
          if (tries >= maxAttempts) return onGiveUp?.(form);
          // A durable timer in the journey store: it fires after a restart too.
          await api.timers.schedule({ journeyId, key: `retry-${form.sessionNumber}`, dueAt: api.now() + retryAfterMinutes * 60_000, payload: { form, tries } });
        }
      };
      api.hooks.onEffect(async ({ journeyId, type, payload }) => {
        if (type === 'rems.formDue') await attempt(journeyId, payload as unknown as RemsMonitoringForm, 1);
      });
      api.hooks.onTimer(async ({ journeyId, payload }) => {
        const { form, tries } = payload as { form: RemsMonitoringForm; tries: number };
        await attempt(journeyId, form, tries + 1);
      });
    },
  });
}

// ------------------------------------------------------------------ out-of-pocket

/** What the host is told: money only, per journey, never who the patient is beyond the opaque ref. */
export interface CostEstimate {
  readonly journeyId: string;
  readonly patientRef: string;
  readonly currency: string;
  readonly dosesGiven: number;
  readonly spent: number;
  readonly sessionsPlanned: number;
  readonly remaining: number;
}

const outOfPocketOptions = z.strictObject({
  currency: z.string().length(3),
  /** The clinic's self-pay price of one session, by route. */
  pricePerSession: z.partialRecord(z.enum(['esketamine-nasal', 'iv', 'im', 'sc', 'sublingual-home']), z.number().nonnegative()),
  onEstimate: z.custom<(estimate: CostEstimate) => void>((v) => typeof v === 'function', 'must be a function'),
  /** Whether the patient has acknowledged the estimate (the host keeps that record). */
  acknowledged: z.custom<(patientRef: string) => boolean>((v) => typeof v === 'function', 'must be a function'),
});

/**
 * Estimates the patient's out-of-pocket cost after every plan, booking and dose, and refuses to
 * book the induction before the patient acknowledged the estimate.
 *
 * @example
 * ```ts
 * outOfPocket({ currency: 'USD', pricePerSession: { 'esketamine-nasal': 590 }, onEstimate: (e) => billing.update(e), acknowledged: (ref) => billing.hasAcknowledged(ref) });
 * ```
 */
export function outOfPocket(options: z.input<typeof outOfPocketOptions>): CareJourneyPlugin {
  const { currency, pricePerSession, onEstimate, acknowledged } = parsePluginOptions('out-of-pocket', outOfPocketOptions, options);
  return definePlugin({
    name: 'out-of-pocket',
    setup(api) {
      // A veto: fail-fast, before the event is applied. The refusal reaches the sender as CJ_ERR_VETOED.
      api.hooks.beforeEvent(({ event, view }) =>
        event.type === 'induction.started' && !acknowledged(view.patientRef) ? { refuse: 'the patient has not acknowledged the out-of-pocket estimate yet' } : undefined,
      );
      // A notification: isolated, a throw here is reported as plugin.error and the journey goes on.
      api.hooks.afterCommit(async ({ journeyId, entry }) => {
        if (!['induction.started', 'dose.recorded', 'response.decided', 'session.cancelled', 'hold.reviewed'].includes(entry.type)) return;
        const view = await api.get(journeyId);
        const context = view.context as unknown as KetamineJourneyContext;
        const price = context.plan ? (pricePerSession[context.plan.route as KetamineRoute] ?? 0) : 0;
        const sessionsPlanned = context.schedule.filter((s) => s.status === 'planned').length;
        // Ended sessions are tallied; the session in progress counts once dosed.
        const dosesGiven = context.tally.doses + (context.session?.dose ? 1 : 0);
        onEstimate({
          journeyId,
          patientRef: view.patientRef,
          currency,
          dosesGiven,
          spent: dosesGiven * price,
          sessionsPlanned,
          remaining: sessionsPlanned * price,
        });
      });
    },
  });
}

// ------------------------------------------------------------------ the course

const TIME_ZONE = 'America/Denver';
const PATIENT = 'pt-7013';

export interface RemsPluginResult extends ExampleOutput {
  readonly view: KetamineView;
  readonly context: KetamineJourneyContext;
  readonly journal: readonly JournalEntry[];
  readonly effects: readonly EffectNotice[];
  /** Every call the REMS client got, in order, and whether it succeeded. */
  readonly remsCalls: readonly { readonly sessionNumber: number; readonly at: string; readonly ok: boolean }[];
  readonly estimates: readonly CostEstimate[];
  /** The first attempt to book the induction, before the patient acknowledged the estimate. */
  readonly vetoed: SendResult<KetamineView>;
}

export async function runRemsPlugin(): Promise<RemsPluginResult> {
  const clock = new ManualClock('2026-04-06T15:00:00Z');
  const timeline = new Timeline(TIME_ZONE);

  // The host's side: a REMS client (unreachable until 13:00 on the first day), and the billing desk's records.
  const remsCalls: { sessionNumber: number; at: string; ok: boolean }[] = [];
  const remsDownUntil = Date.parse('2026-04-13T19:00:00Z');
  const remsClient = async (form: RemsMonitoringForm) => {
    const ok = clock.now() >= remsDownUntil;
    remsCalls.push({ sessionNumber: form.sessionNumber, at: new Date(clock.now()).toISOString(), ok });
    timeline.note('', clock.now(), `REMS client: form of session ${form.sessionNumber} ${ok ? 'filed' : 'failed (REMS unreachable)'}`, 'host');
    if (!ok) throw new Error('REMS unreachable');
    return { submissionRef: `REMS-${form.sessionNumber}-${PATIENT}` };
  };
  const acknowledgedBy = new Set<string>();
  const estimates: CostEstimate[] = [];

  const engine = createEngine({
    definition: ketamineAnxietyJourney,
    store: new MemoryStore(),
    clock,
    // This clinic gives only esketamine; the placeholders of the other routes are accepted as shipped.
    protocol: { timeZone: TIME_ZONE, acceptUnconfirmedDefaults: true },
    plugins: [
      remsFiling({ file: remsClient, submitAs: { id: 'rems-desk', role: 'coordinator' }, retryAfterMinutes: 120 }),
      outOfPocket({
        currency: 'USD',
        pricePerSession: { 'esketamine-nasal': 590 },
        acknowledged: (ref) => acknowledgedBy.has(ref),
        onEstimate: (e) => {
          estimates.push(e);
          timeline.note(e.journeyId, clock.now(), `estimate: ${e.currency} ${e.spent} spent (${e.dosesGiven} dose${e.dosesGiven === 1 ? '' : 's'}), ${e.currency} ${e.remaining} to come (${e.sessionsPlanned} sessions)`, 'out-of-pocket');
        },
      }),
    ],
  });
  timeline.attach(engine);
  const effects: EffectNotice[] = [];
  engine.on('effect', (n) => effects.push(n));
  engine.on('plugin.error', (n) => timeline.note('', clock.now(), `plugin.error from ${n.plugin}: ${n.message}`));

  const { id } = await engine.start({
    patientRef: PATIENT,
    actor: staff.coordinator,
    input: { referral: { source: 'professional', indication: 'generalized-anxiety' } },
  });
  timeline.patient(id, PATIENT);
  const d = drive(engine, clock, id, timeline);

  // Intake up to the booking; the first booking is vetoed by the out-of-pocket plugin.
  const firstSessionAt = '2026-04-13T16:00:00Z'; // Monday 10:00 in Denver
  const plan: IntakeOptions['plan'] = {
    route: 'esketamine-nasal',
    dosePlan: { summary: 'Esketamine 56 mg', steps: [{ fromSession: 1, amount: 56, unit: 'mg', devices: 2 }] },
  };
  await screenAndPlan(d, { patient: patientActor(PATIENT), baseline: { gad7: 15, phq9: 10 }, medications: [], consentForm: 'ESK-2026-01', remsEnrolmentRef: 'REMS-PT-88013', plan });
  const vetoed = await d.attempt({ type: 'induction.started', firstSessionAt }, staff.coordinator);
  acknowledgedBy.add(PATIENT);
  timeline.note(id, clock.now(), 'the patient acknowledges the estimate at the front desk', 'host');
  await d.send({ type: 'induction.started', firstSessionAt }, staff.coordinator);

  // Three sessions; the REMS is unreachable when the first form is announced, so it is filed on the retry.
  const session = { recordedBy: staff.nurse, checkedInBy: staff.coordinator, administration: 'self-administered-supervised', lot: 'ESK-8812', medications: [] } as const;
  for (let n = 1; n <= 3; n++) {
    await calmSession(d, session);
    await d.after(120); // the afternoon goes by: due retries fire
  }

  const view = await d.view();
  const context = view.context;
  const journal = await engine.history(id);
  return {
    title: 'Host plugins written with definePlugin: REMS filing with durable retries, an out-of-pocket estimate',
    timeZone: TIME_ZONE,
    rows: timeline.rows,
    summary: [
      `Now:        ${shortState(view.stateLabel)} (phase ${view.phase})`,
      `REMS forms: ${context.tally.remsFormsSubmitted} filed by the plugin (${remsCalls.filter((c) => !c.ok).length} failed attempt, retried on a durable timer); ${context.rems.forms.filter((f) => f.submitted === null).length} outstanding`,
      `Estimate:   ${estimates.at(-1)?.currency ?? ''} ${estimates.at(-1)?.spent ?? 0} spent, ${estimates.at(-1)?.remaining ?? 0} to come`,
      `Vetoed:     ${vetoed.ok ? 'no' : `${vetoed.error.code}: ${vetoed.error.message}`}`,
    ],
    view,
    context,
    journal,
    effects,
    remsCalls,
    estimates,
    vetoed,
  };
}
