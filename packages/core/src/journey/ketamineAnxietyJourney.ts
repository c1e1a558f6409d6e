import type { SnapshotFrom } from 'xstate';
import { defineJourney } from '../engine/defineJourney.js';
import { ketamineContextSchema } from './context.js';
import { KETAMINE_TIMER_EVENTS, ketamineEventDescriptions, ketamineJourneyEvents, ketamineJourneyInputSchema, type KetamineTimerEventType } from './events.js';
import { ketamineJourneyRules } from './guards.js';
import { ketamineAnxietyMachine } from './machine.js';
import { ketamineMigrations } from './migrations.js';
import { lazyInstance } from '../lazyInstance.js';
import { KETAMINE_ROLES, ketamineJourneyPolicy } from './policy.js';
import { ketamineProtocolSchema } from './protocol.js';
import { freezeNew } from '../store/freezeNew.js';

/**
 * Phases a host can query journeys by.
 *
 * @example
 * ```ts
 * const phase: KetamineJourneyPhase = 'on-hold';
 * const waiting = await engine.query({ phase }); // journeys waiting for a clinician's review
 * ```
 */
export type KetamineJourneyPhase =
  | 'referral'
  | 'intake'
  | 'induction'
  | 'response-review'
  | 'maintenance'
  | 'on-hold'
  | 'completed'
  | 'discontinued'
  | 'closed';

/**
 * Every phase, in the order a journey goes through them (the endings last).
 *
 * @example
 * ```ts
 * for (const phase of KETAMINE_PHASES) console.log(phase, (await engine.query({ phase })).length);
 * ```
 */
export const KETAMINE_PHASES = freezeNew([
  'referral',
  'intake',
  'induction',
  'response-review',
  'maintenance',
  'on-hold',
  'completed',
  'discontinued',
  'closed',
] as const satisfies readonly KetamineJourneyPhase[]);

/**
 * The phase of a ketamine-for-anxiety journey's snapshot.
 *
 * @example
 * ```ts
 * await engine.query({ phase: 'on-hold' }); // journeys waiting for a clinician's review
 * ```
 */
export function ketamineJourneyPhase(snapshot: SnapshotFrom<typeof ketamineAnxietyMachine>): KetamineJourneyPhase {
  const value = snapshot.value;
  // Waiting for REMS forms after an ending is still that ending for the clinic's queries.
  if (value === 'discontinuedAwaitingRemsForms') return 'discontinued';
  if (value === 'closedAwaitingRemsForms') return 'closed';
  if (typeof value === 'string') return value as KetamineJourneyPhase;
  const clinical = (value as { care?: { clinical?: unknown } }).care?.clinical;
  if (typeof clinical === 'object' && clinical !== null) {
    if ('intake' in clinical) return 'intake';
    const treatment = (clinical as { treatment?: unknown }).treatment;
    if (treatment === 'onHold') return 'on-hold';
    const course = (treatment as { course?: unknown } | undefined)?.course;
    const step = typeof course === 'string' ? course : Object.keys(course ?? {})[0];
    if (step === 'responseReview') return 'response-review';
    if (step === 'maintenance') return 'maintenance';
    return 'induction';
  }
  return 'referral';
}

/**
 * The ketamine-for-anxiety care journey (DOMAIN.md): referral and triage; consultations and
 * screening; eligibility; consent, REMS enrolment (esketamine) and the treatment plan; induction
 * sessions on the route's schedule, each with pre-dose checks, dosing, monitoring and discharge;
 * the response review; maintenance; concurrent therapy alongside; holds for safety signals.
 * It records and enforces the clinic's protocol; it gives no medical advice. Its machine and
 * schemas are built and checked on first use (once per process), not at import.
 *
 * @example
 * ```ts
 * const engine = createEngine({ definition: ketamineAnxietyJourney, store: new MemoryStore(), clock });
 * const view = await engine.start({
 *   patientRef: 'pt-8842',
 *   actor: { id: 'coord-1', role: 'coordinator' },
 *   input: { referral: { source: 'professional', indication: 'generalized-anxiety' } },
 * });
 * await engine.send(view.id, { type: 'referral.accepted' }, { actor: { id: 'coord-1', role: 'coordinator' } });
 * ```
 */
export const ketamineAnxietyJourney = lazyInstance(() =>
  defineJourney({
    id: 'ketamine-anxiety',
    version: 2,
    migrations: ketamineMigrations,
    machine: ketamineAnxietyMachine,
    events: ketamineJourneyEvents,
    timerEvents: Object.keys(KETAMINE_TIMER_EVENTS) as KetamineTimerEventType[],
    input: ketamineJourneyInputSchema,
    protocol: ketamineProtocolSchema,
    roles: [...KETAMINE_ROLES, 'system'],
    policy: ketamineJourneyPolicy,
    guards: ketamineJourneyRules,
    context: ketamineContextSchema,
    phases: KETAMINE_PHASES,
    phase: ketamineJourneyPhase,
    describe: ketamineEventDescriptions,
  }),
);
