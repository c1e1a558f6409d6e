import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import {
  addLocalDays,
  CareJourneyError,
  definePlugin,
  INSTRUMENTS,
  MEDICATION_CLASSES,
  parsePluginOptions,
  type Actor,
  type CareJourneyPlugin,
  type Instrument,
  type JournalEntry,
  type JourneyView,
  type KetamineJourneyContext,
  type MedicationClass,
  type PluginApi,
  type SendResult,
} from '@carejourney/core';
import { z } from 'zod';
import { fieldIssues, refusal } from './fieldIssues.js';
import type { InstrumentDefinition } from './instrumentDefinition.js';
import { SHIPPED_INSTRUMENTS } from './instruments/shippedInstruments.js';
import { journeyEventFor } from './journeyEventFor.js';
import type { MedicationConcern } from './medicationConcerns.js';
import { screeningRecords } from './medicalHistory.js';
import { firstDoseAt, outcomeSeries, type OutcomeReport } from './outcomeSeries.js';
import { proposalFromContext, type EligibilityProposal } from './proposeEligibility.js';
import type { ScoredResponse } from './ScoredResponse.js';
import { scoreResponse, type Score } from './scoreResponse.js';

/**
 * The plugin's name, as registered with the engine (and on `plugin.error` notices).
 *
 * @example
 * ```ts
 * engine.on('plugin.error', ({ plugin, message }) => {
 *   if (plugin === SCREENING_PLUGIN_NAME) log.warn(`screening: ${message}`);
 * });
 * ```
 */
export const SCREENING_PLUGIN_NAME = 'screening';
const JOURNEY_DEFINITION = 'ketamine-anxiety';
const FOLLOW_UP_TIMER = 'follow-up';
const SCREENING_RECORDS = new Set(['screening.contraindicationsRecorded', 'screening.medicationsReviewed']);

/** An event as a canonical string: its fields in key order (the veto compares what arrives with what was sent). */
const fingerprint = (journeyId: string, event: Readonly<Record<string, unknown>>): string =>
  JSON.stringify([journeyId, ...Object.keys(event).sort().map((k) => [k, event[k]])]);

/**
 * What the host is told when a journey's eligibility proposal is (re)computed, through the
 * `onProposal` option (from the outbox: at least once).
 *
 * @example
 * ```ts
 * const screening = createScreening({
 *   onProposal: ({ journeyId, proposal, referred, deliveryId }: ProposalNotice) =>
 *     worklist.upsert(deliveryId, { journeyId, outcome: proposal.outcome, referred }),
 * });
 * ```
 */
export interface ProposalNotice {
  readonly journeyId: string;
  readonly patientRef: string;
  readonly proposal: EligibilityProposal;
  /** True when the plugin referred the journey to a physician review with the proposal's reasons. */
  readonly referred: boolean;
  /** Stable across redeliveries: de-duplicate on it. */
  readonly deliveryId: string;
}

/**
 * What the host is told when a journey's follow-up measure falls due, through the
 * `onFollowUpDue` option.
 *
 * @example
 * ```ts
 * const screening = createScreening({
 *   followUp: { afterDays: 182 },
 *   onFollowUpDue: ({ patientRef, instrument, dueAt }: FollowUpNotice) => tasks.create(patientRef, `Give the ${instrument} (due ${dueAt})`),
 * });
 * ```
 */
export interface FollowUpNotice {
  readonly journeyId: string;
  readonly patientRef: string;
  /** The journey's primary instrument: the one to give. */
  readonly instrument: string;
  readonly dueAt: string;
  /** Whether the journey still runs; an ended journey takes no more results, so keep the measure in the host. */
  readonly journeyActive: boolean;
  readonly deliveryId: string;
}

const callback = <T>(what: string) => z.custom<(notice: T) => void | Promise<void>>((v) => typeof v === 'function', `${what} must be a function`);

const optionsSchema = z.strictObject({
  /** The instruments this plugin scores (default: every shipped one). Ids must be unique. */
  instruments: z
    .array(z.custom<InstrumentDefinition>((v) => typeof v === 'object' && v !== null && Object.isFrozen(v), 'must be made with defineInstrument()'))
    .min(1)
    .max(100)
    .default(() => [...SHIPPED_INSTRUMENTS])
    .refine((list) => new Set(list.map((d) => d.id)).size === list.length, { message: 'instrument ids must be unique' }),
  /**
   * Refuse `assessment.recorded` events with a typed-in total for these instruments (true: all)
   * unless they come from a response this plugin scored.
   */
  requireScoredResponses: z.union([z.boolean(), z.array(z.enum(INSTRUMENTS)).max(INSTRUMENTS.length)]).default(false),
  /** The id of the system actor the plugin records assessments and referrals as. */
  actorId: z.string().min(1).max(200).default('screening-plugin'),
  /** Refer a journey to a physician review when the proposal is physician review or ineligible. */
  referToPhysicianReview: z.boolean().default(true),
  /** Overrides of the co-medication review flags (default: DEFAULT_MEDICATION_CONCERNS). */
  medicationConcerns: z.partialRecord(z.enum(MEDICATION_CLASSES), z.enum(['sedation', 'blood-pressure']).nullable()).default({}),
  /** Told about every (re)computed eligibility proposal (see {@link ProposalNotice}). */
  onProposal: callback<ProposalNotice>('onProposal').optional(),
  /** A follow-up measure this many days after the first dose (182: about 6 months). */
  followUp: z.strictObject({ afterDays: z.number().int().min(1).max(3650) }).optional(),
  /** Told when a journey's follow-up measure falls due (see {@link FollowUpNotice}). */
  onFollowUpDue: callback<FollowUpNotice>('onFollowUpDue').optional(),
});

/**
 * The plugin's options; every field is optional. Checked when the plugin is created: a bad option
 * throws `CJ_ERR_INVALID_CONFIG` naming it.
 *
 * @example
 * ```ts
 * const options: ScreeningOptions = {
 *   instruments: [...SHIPPED_INSTRUMENTS, wellbeing],
 *   requireScoredResponses: ['GAD-7', 'PHQ-9'],
 *   followUp: { afterDays: 182 },
 * };
 * const screening = createScreening(options);
 * ```
 *
 * @useDeclaredType
 */
export type ScreeningOptions = z.input<typeof optionsSchema>;

/**
 * A response to submit: the instrument, the item answers, and optionally its reference and time.
 *
 * @example
 * ```ts
 * const submission: ResponseSubmission = {
 *   instrument: 'GAD-7',
 *   answers: { '1': 2, '2': 2, '3': 1, '4': 2, '5': 1, '6': 1, '7': 2 },
 *   responseRef: 'qr-7f3a',
 *   authored: '2025-03-04T09:12:00+01:00',
 * };
 * await screening.submit(journeyId, submission);
 * ```
 */
export interface ResponseSubmission {
  readonly instrument: string;
  /** Answers keyed by item linkId (see each definition's items). */
  readonly answers: unknown;
  /** The host's id for this response (FHIR id characters, at most 40); a random one by default. */
  readonly responseRef?: string;
  /** When the answers were given, ISO 8601 with offset; the clock's time by default. */
  readonly authored?: string;
}

/**
 * Who a submitted result is recorded as, and its idempotency key.
 *
 * @example
 * ```ts
 * // A sedation rating in clinic is recorded as the nurse who rated it:
 * await screening.submit(journeyId, { instrument: 'MOAA/S', answers: { level: 5 } }, { actor: { id: 'n-1', role: 'nurse' } });
 * ```
 */
export interface SubmitOptions {
  /**
   * Who the journey records the event as. Assessments default to the plugin's system actor; MOAA/S
   * and CADSS results are recorded as whoever rated them in the session (a nurse or physician in
   * clinic, the patient at home), so they need it.
   */
  readonly actor?: Actor;
  /** Defaults to one derived from the response reference: the same response applies once. */
  readonly idempotencyKey?: string;
}

/**
 * What `screening.submit` returns: the scored response with the journal entry and view, or the
 * refusal (bad answers, or the journey refused the event) with the response when scoring worked.
 * Expected refusals are values, not throws.
 *
 * @example
 * ```ts
 * const result: SubmitResult = await screening.submit(journeyId, { instrument: 'GAD-7', answers });
 * if (result.ok) console.log(result.response.total, result.view.context.response);
 * else console.log(result.error.code, result.error.message);
 * ```
 */
export type SubmitResult =
  | {
      readonly ok: true;
      readonly response: ScoredResponse;
      /** The journal entry of the event the response fed; null for pre-screens (GAD-2, PHQ-2). */
      readonly entry: JournalEntry | null;
      readonly view: JourneyView<KetamineJourneyContext>;
    }
  | {
      readonly ok: false;
      readonly error: CareJourneyError;
      /** The scored response when scoring succeeded and the journey refused the event. */
      readonly response: ScoredResponse | null;
    };

/**
 * What `screening.recordMedicalHistory` returns: the journey's view and the eligibility proposal,
 * or the refusal.
 *
 * @example
 * ```ts
 * const result: MedicalHistoryResult = await screening.recordMedicalHistory(journeyId, history, { actor: nurse });
 * if (result.ok) console.log(result.proposal?.outcome);
 * else console.log(result.error.message);
 * ```
 */
export type MedicalHistoryResult =
  | { readonly ok: true; readonly view: JourneyView<KetamineJourneyContext>; readonly proposal: EligibilityProposal | null }
  | { readonly ok: false; readonly error: CareJourneyError };

/**
 * A screening instance: register `plugin` with one engine, then use the methods.
 *
 * @example
 * ```ts
 * const screening: Screening = createScreening();
 * const engine = createEngine({ definition: ketamineAnxietyJourney, store, protocol, plugins: [screening.plugin] });
 * screening.score('GAD-7', { '1': 1, '2': 1, '3': 1, '4': 1, '5': 1, '6': 1, '7': 1 }).total; // 7
 * ```
 */
export interface Screening {
  /** Give it to `createEngine({ plugins: [screening.plugin] })`. */
  readonly plugin: CareJourneyPlugin;
  /** The instruments it scores, by id. */
  readonly instruments: ReadonlyMap<string, InstrumentDefinition>;
  /** Scores answers without touching a journey. Throws `CJ_ERR_INVALID_INPUT` naming bad items. */
  score(instrument: string, answers: unknown): Score;
  /** Scores a response and feeds its result to the journey (see {@link SubmitResult}). */
  submit(journeyId: string, submission: ResponseSubmission, options?: SubmitOptions): Promise<SubmitResult>;
  /**
   * Records medical-history answers as the journey's contraindication checklist and co-medication
   * review, sent as `actor` (a nurse or physician), and returns the eligibility proposal.
   */
  recordMedicalHistory(journeyId: string, history: unknown, options: { readonly actor: Actor; readonly idempotencyKey?: string }): Promise<MedicalHistoryResult>;
  /** The journey's eligibility proposal now; null until the checklist and co-medications are recorded. */
  proposal(journeyId: string): Promise<EligibilityProposal | null>;
  /** The journey's outcome series. */
  outcomes(journeyId: string): Promise<OutcomeReport>;
}

const submissionSchema = z.strictObject({
  instrument: z.string().min(1).max(30),
  answers: z.unknown(),
  responseRef: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,39}$/, 'must be 1-40 letters, digits, "." or "-" (it becomes the FHIR QuestionnaireResponse id)')
    .optional(),
  authored: z.iso.datetime({ offset: true }).optional(),
});

/**
 * The screening plugin of the ketamine-for-anxiety journey. It scores questionnaire answers with
 * versioned instrument definitions and feeds the results to the journey (`assessment.recorded` as
 * its system actor, MOAA/S and CADSS as whoever rated them), so the journey's own alerts and
 * holds apply; it turns medical-history answers into the contraindication checklist and derives an
 * eligibility proposal (referring the journey to a physician review when needed, never deciding
 * eligible or ineligible); it reports outcome series; optionally it refuses typed-in totals and
 * tells the host when a follow-up measure is due.
 *
 * @example
 * ```ts
 * const screening = createScreening({ requireScoredResponses: ['GAD-7', 'PHQ-9'] });
 * const engine = createEngine({ definition: ketamineAnxietyJourney, store, plugins: [screening.plugin] });
 * const r = await screening.submit(journeyId, { instrument: 'GAD-7', answers });
 * if (!r.ok) console.log(r.error.code, r.error.message);
 * ```
 */
export function createScreening(options: ScreeningOptions = {}): Screening {
  const opts = parsePluginOptions(SCREENING_PLUGIN_NAME, optionsSchema, options);
  const instruments: ReadonlyMap<string, InstrumentDefinition> = new Map(opts.instruments.map((d) => [d.id, d]));
  const systemActor: Actor = { id: opts.actorId, role: 'system' };
  const concerns = opts.medicationConcerns as Partial<Record<MedicationClass, MedicationConcern | null>>;
  const required = (instrument: unknown) =>
    opts.requireScoredResponses === true || (Array.isArray(opts.requireScoredResponses) && opts.requireScoredResponses.includes(instrument as Instrument));
  /**
   * Assessments this instance is sending now, by a random per-send token: the veto lets an event
   * through only inside that send's own async context (the token never leaves this closure, so no
   * other caller can present it) and only when it is the very event the plugin scored. A host event
   * reusing the journey and responseRef of a send in flight carries no token and is refused.
   */
  const inFlight = new Map<string, string>();
  const sendToken = new AsyncLocalStorage<string>();
  let api: PluginApi | null = null;

  const engineApi = (): PluginApi => {
    if (api === null) throw new CareJourneyError('CJ_ERR_PLUGIN', 'The screening plugin is not registered: pass screening.plugin to createEngine({ plugins }) first.', { plugin: SCREENING_PLUGIN_NAME });
    return api;
  };
  const viewOf = async (journeyId: string): Promise<JourneyView<KetamineJourneyContext>> => {
    const view = await engineApi().get(journeyId);
    if (view.definitionId !== JOURNEY_DEFINITION) {
      throw new CareJourneyError('CJ_ERR_PLUGIN', `The screening plugin works on ${JOURNEY_DEFINITION} journeys; journey "${journeyId}" is not one.`, { journeyId, plugin: SCREENING_PLUGIN_NAME });
    }
    return view as JourneyView<KetamineJourneyContext>;
  };
  const asRefusal = (error: unknown): CareJourneyError => {
    if (error instanceof CareJourneyError) return error;
    throw error;
  };

  async function onScreeningRecord(journeyId: string, deliveryId: string): Promise<void> {
    const view = await viewOf(journeyId);
    const { context } = view;
    const decided = context.intake.eligibility?.outcome;
    if (view.phase !== 'intake' || decided === 'eligible' || decided === 'ineligible') return;
    const proposal = proposalFromContext(context, concerns);
    if (proposal === null) return;
    const refer = opts.referToPhysicianReview && proposal.outcome !== 'eligible-pending-review' && decided === undefined;
    if (refer) {
      // Awaited: the record's outbox item is marked delivered only once the referral is applied,
      // so a crash in between redelivers the record and the idempotency key applies it once.
      const sent = await engineApi().send(
        journeyId,
        { type: 'eligibility.decided', outcome: 'physician-review', reasons: [...proposal.reasons] },
        // One referral per journey, however often the record is redelivered or corrected.
        { actor: systemActor, idempotencyKey: 'screening:physician-review' },
      );
      if (!sent.ok) throw sent.error;
    }
    await opts.onProposal?.({ journeyId, patientRef: view.patientRef, proposal, referred: refer, deliveryId });
  }

  async function onDose(journeyId: string): Promise<void> {
    if (!opts.followUp) return;
    const { context } = await viewOf(journeyId);
    const first = firstDoseAt(context);
    if (first === null) return;
    const dueAt = addLocalDays(first, opts.followUp.afterDays, context.protocol.timeZone);
    // A due time already passed has fired (or is firing): never arm it twice.
    if (dueAt <= engineApi().now()) return;
    const pending = await engineApi().timers.list(journeyId);
    if (pending.some((t) => t.key === FOLLOW_UP_TIMER)) return;
    await engineApi().timers.schedule({ journeyId, key: FOLLOW_UP_TIMER, dueAt });
  }

  const plugin = definePlugin({
    name: SCREENING_PLUGIN_NAME,
    setup(pluginApi) {
      if (api !== null) {
        throw new CareJourneyError('CJ_ERR_PLUGIN', 'This screening instance is registered with an engine already: call createScreening() once per engine.', { plugin: SCREENING_PLUGIN_NAME });
      }
      api = pluginApi;
      if (opts.requireScoredResponses !== false) {
        pluginApi.hooks.beforeEvent(({ journeyId, event }) => {
          if (event.type !== 'assessment.recorded' || !required(event['instrument'])) return undefined;
          const token = sendToken.getStore();
          if (token !== undefined && inFlight.get(token) === fingerprint(journeyId, event)) return undefined;
          return {
            refuse: `the clinic requires scored responses for ${String(event['instrument'])}: submit the item answers through the screening plugin instead of a typed-in total`,
          };
        });
      }
      pluginApi.hooks.afterCommit(async ({ journeyId, entry, deliveryId }) => {
        if (entry.kind === 'start') return;
        if (SCREENING_RECORDS.has(entry.type)) await onScreeningRecord(journeyId, deliveryId);
        // Baseline suicidality results change the proposal once the checklist is in.
        else if (entry.type === 'assessment.recorded' && (entry.payload['instrument'] === 'PHQ-9' || entry.payload['instrument'] === 'C-SSRS')) {
          const view = await viewOf(journeyId);
          if (view.context.intake.contraindications && view.context.intake.medications) await onScreeningRecord(journeyId, deliveryId);
        } else if (entry.type === 'dose.recorded') await onDose(journeyId);
      });
      pluginApi.hooks.onTimer(async ({ journeyId, key, dueAt, deliveryId }) => {
        if (key !== FOLLOW_UP_TIMER) return;
        const view = await viewOf(journeyId);
        const { context } = view;
        const instrument = context.plan?.primaryInstrument ?? context.protocol.response.primaryInstrument[context.referral.indication];
        await opts.onFollowUpDue?.({ journeyId, patientRef: view.patientRef, instrument, dueAt: new Date(dueAt).toISOString(), journeyActive: view.status === 'active', deliveryId });
      });
    },
  });

  const score = (instrument: string, answers: unknown): Score => {
    const definition = instruments.get(instrument);
    if (!definition) {
      throw new CareJourneyError('CJ_ERR_INVALID_INPUT', `The instrument is not one this screening plugin scores: known are ${[...instruments.keys()].join(', ')}.`, {
        issues: [{ path: 'instrument', rule: 'unknown_instrument', message: 'not an instrument of this screening plugin' }],
      });
    }
    return scoreResponse(definition, answers);
  };

  return {
    plugin,
    instruments,
    score,

    async submit(journeyId, submission, submitOptions = {}) {
      const parsed = submissionSchema.safeParse(submission);
      if (!parsed.success) return { ok: false, error: refusal('CJ_ERR_INVALID_INPUT', 'The submission is invalid:', fieldIssues(parsed.error, 'submission')), response: null };
      const { instrument, answers } = parsed.data;
      let scored: Score;
      let view: JourneyView<KetamineJourneyContext>;
      try {
        scored = score(instrument, answers);
        view = await viewOf(journeyId);
      } catch (error) {
        return { ok: false, error: asRefusal(error), response: null };
      }
      const definition = instruments.get(instrument) as InstrumentDefinition;
      const responseRef = parsed.data.responseRef ?? `qr-${randomBytes(12).toString('hex')}`;
      const authored = new Date(parsed.data.authored ?? engineApi().now()).toISOString();
      const response: ScoredResponse = { ...scored, responseRef, patientRef: view.patientRef, authored };
      let event: ReturnType<typeof journeyEventFor>;
      try {
        event = journeyEventFor(definition, scored, responseRef);
      } catch (error) {
        return { ok: false, error: asRefusal(error), response };
      }
      if (event === null) return { ok: true, response, entry: null, view };
      const actor = submitOptions.actor ?? (event.type === 'assessment.recorded' ? systemActor : undefined);
      if (actor === undefined) {
        return {
          ok: false,
          error: new CareJourneyError('CJ_ERR_INVALID_INPUT', `A ${definition.id} result is recorded as whoever rated it in the session: pass options.actor (a nurse or physician in clinic).`, {
            issues: [{ path: 'options.actor', rule: 'required', message: `${event.type} is recorded by whoever rated it` }],
          }),
          response,
        };
      }
      const token = randomBytes(16).toString('hex');
      inFlight.set(token, fingerprint(journeyId, event));
      let result: SendResult;
      try {
        result = await sendToken.run(token, () => engineApi().send(journeyId, event, { actor, idempotencyKey: submitOptions.idempotencyKey ?? `screening:${responseRef}` }));
      } finally {
        inFlight.delete(token);
      }
      return result.ok
        ? { ok: true, response, entry: result.entry, view: result.view as JourneyView<KetamineJourneyContext> }
        : { ok: false, error: result.error, response };
    },

    async recordMedicalHistory(journeyId, history, { actor, idempotencyKey }) {
      let records: ReturnType<typeof screeningRecords>;
      try {
        records = screeningRecords(history);
        await viewOf(journeyId);
      } catch (error) {
        return { ok: false, error: asRefusal(error) };
      }
      const key = (part: string) => (idempotencyKey === undefined ? {} : { idempotencyKey: `${idempotencyKey}:${part}` });
      const checklist = await engineApi().send(journeyId, records.contraindications, { actor, ...key('contraindications') });
      if (!checklist.ok) return { ok: false, error: checklist.error };
      const medications = await engineApi().send(journeyId, records.medications, { actor, ...key('medications') });
      if (!medications.ok) return { ok: false, error: medications.error };
      // A fresh view: the plugin's own referral to a physician review may have followed.
      const view = await viewOf(journeyId);
      return { ok: true, view, proposal: proposalFromContext(view.context, concerns) };
    },

    async proposal(journeyId) {
      return proposalFromContext((await viewOf(journeyId)).context, concerns);
    },

    async outcomes(journeyId) {
      return outcomeSeries((await viewOf(journeyId)).context, {
        instruments: opts.instruments,
        ...(opts.followUp === undefined ? {} : { followUpAfterDays: opts.followUp.afterDays }),
      });
    },
  };
}
