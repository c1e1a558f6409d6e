// A small driver for the ketamine journey over a ManualClock, MemoryStore and the real engine.
import { expect } from 'vitest';
import {
  createEngine,
  ketamineAnxietyJourney,
  ManualClock,
  MemoryStore,
  type EffectNotice,
  type JourneyEngine,
  type JourneyEventFrom,
  type JourneyView,
  type KetamineJourneyContext,
  type KetamineProtocolInput,
  type KetamineRoute,
  type SendResult,
} from '../../src/index.js';
import { ketamineActors } from '../fixtures/ketamineActors.js';
import { noContraindications } from '../fixtures/noContraindications.js';

export { noContraindications };

export const actors = { ...ketamineActors, system: { id: 'screening-plugin', role: 'system' } } as const;
export type ActorName = keyof typeof actors;

type Def = typeof ketamineAnxietyJourney;
export type KetamineEvent = JourneyEventFrom<Def>;
type Payload<K extends KetamineEvent['type']> = Omit<Extract<KetamineEvent, { type: K }>, 'type'>;

const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

export interface HarnessOptions {
  readonly start?: string;
  /** Overrides of the harness's protocol (UTC, placeholders accepted). */
  readonly protocol?: Omit<KetamineProtocolInput, 'timeZone'> & { readonly timeZone?: string };
  readonly source?: 'professional' | 'self';
  readonly indication?: 'generalized-anxiety' | 'social-anxiety' | 'panic' | 'ocd' | 'ptsd' | 'other-anxiety';
}

export class Harness {
  readonly clock: ManualClock;
  readonly store: MemoryStore;
  readonly engine: JourneyEngine<Def>;
  readonly effects: EffectNotice[] = [];
  id = '';

  private constructor(options: HarnessOptions, existing?: { engine: JourneyEngine<Def>; clock: ManualClock; store: MemoryStore; id: string }) {
    this.clock = existing?.clock ?? new ManualClock(options.start ?? '2026-03-02T08:00:00Z');
    this.store = existing?.store ?? new MemoryStore();
    this.engine =
      existing?.engine ??
      createEngine({ definition: ketamineAnxietyJourney, store: this.store, clock: this.clock, protocol: { timeZone: 'UTC', acceptUnconfirmedDefaults: true, ...options.protocol } });
    this.id = existing?.id ?? '';
    this.engine.on('effect', (notice) => this.effects.push(notice));
  }

  /** Drives a journey that already exists in an engine's store. */
  static attach(existing: { engine: JourneyEngine<Def>; clock: ManualClock; store: MemoryStore; id: string }): Harness {
    return new Harness({}, existing);
  }

  static async start(options: HarnessOptions = {}): Promise<Harness> {
    const h = new Harness(options);
    const view = await h.engine.start({
      patientRef: 'pt-0001',
      actor: actors.coordinator,
      input: { referral: { source: options.source ?? 'professional', indication: options.indication ?? 'generalized-anxiety', referrerRef: 'gp-77' } },
    });
    h.id = view.id;
    return h;
  }

  get now(): number {
    return this.clock.now();
  }

  async view(): Promise<JourneyView<KetamineJourneyContext>> {
    return this.engine.get(this.id);
  }

  async context(): Promise<KetamineJourneyContext> {
    return (await this.view()).context;
  }

  async state(): Promise<string> {
    return (await this.view()).stateLabel;
  }

  /** Sends an event that must be applied. */
  async send<K extends KetamineEvent['type']>(type: K, payload: Payload<K>, actor: ActorName): Promise<JourneyView<KetamineJourneyContext>> {
    const r = await this.trySend(type, payload, actor);
    if (!r.ok) throw new Error(`${type} refused: ${r.error.code} ${r.error.message}`);
    return r.view;
  }

  async trySend<K extends KetamineEvent['type']>(type: K, payload: Payload<K>, actor: ActorName): Promise<SendResult<JourneyView<KetamineJourneyContext>>> {
    return this.engine.send(this.id, { type, ...payload } as KetamineEvent, { actor: actors[actor] });
  }

  /** Moves the clock and fires what is due. */
  async advance(minutes: number): Promise<string[]> {
    this.clock.advance(minutes * MIN);
    return (await this.engine.runDue()).map((t) => t.key);
  }

  async advanceTo(instant: string | number): Promise<string[]> {
    this.clock.advanceTo(instant);
    return (await this.engine.runDue()).map((t) => t.key);
  }

  effectsOf(type: string): EffectNotice[] {
    return this.effects.filter((e) => e.type === type);
  }
}

/** Screening complete: a consultation, baseline instruments, checklist, vitals, co-medications. */
export async function completeScreening(h: Harness, options: { gad7?: number; primary?: { instrument: 'LSAS' | 'Y-BOCS'; total: number } } = {}): Promise<void> {
  await h.send('referral.accepted', {}, 'coordinator');
  await h.send('consultation.recorded', { kind: 'initial', mode: 'in-person' }, 'physician');
  await h.send('assessment.recorded', { instrument: 'GAD-7', total: options.gad7 ?? 16 }, 'patient');
  await h.send('assessment.recorded', { instrument: 'PHQ-9', total: 11, item9: 0 }, 'patient');
  if (options.primary) await h.send('assessment.recorded', { instrument: options.primary.instrument, total: options.primary.total }, 'nurse');
  await h.send('screening.contraindicationsRecorded', { answers: noContraindications() }, 'nurse');
  await h.send('screening.vitalsRecorded', { systolic: 124, diastolic: 80, heartRate: 72, spo2: 98 }, 'nurse');
  await h.send('screening.medicationsReviewed', { classes: ['antidepressant'] }, 'physician');
}

/** The weight mg/kg plans are recorded with. */
export const PATIENT_WEIGHT_KG = 70;

/** The plan's amount for a session, as the prescriber's plan gives it (mg/kg × the recorded weight). */
export function plannedAmountMg(context: KetamineJourneyContext, sessionNumber: number): number {
  const steps = context.plan?.dosePlan.steps ?? [];
  const step = [...steps].filter((s) => s.fromSession <= sessionNumber).sort((a, b) => b.fromSession - a.fromSession)[0];
  if (!step) throw new Error(`no plan step for session ${sessionNumber}`);
  return step.unit === 'mg' ? step.amount : Math.round(step.amount * (context.plan?.weightKg ?? PATIENT_WEIGHT_KG) * 100) / 100;
}

export const DOSE_PLANS: Record<KetamineRoute, Payload<'plan.recorded'>['dosePlan']> = {
  'esketamine-nasal': { summary: 'Esketamine 56 mg session 1, then 56 or 84 mg as prescribed', steps: [{ fromSession: 1, amount: 56, unit: 'mg', devices: 2 }] },
  iv: { summary: 'Racemic ketamine 0.5 mg/kg IV over 40 min', steps: [{ fromSession: 1, amount: 0.5, unit: 'mg/kg', infusionMinutes: 40 }] },
  im: { summary: 'Racemic ketamine IM as prescribed', steps: [{ fromSession: 1, amount: 0.5, unit: 'mg/kg' }] },
  sc: {
    summary: 'Racemic ketamine SC escalation 0.25, 0.5, 1 mg/kg',
    steps: [
      { fromSession: 1, amount: 0.25, unit: 'mg/kg' },
      { fromSession: 2, amount: 0.5, unit: 'mg/kg' },
      { fromSession: 3, amount: 1, unit: 'mg/kg' },
    ],
  },
  'sublingual-home': { summary: 'Sublingual racemic ketamine as prescribed', steps: [{ fromSession: 1, amount: 100, unit: 'mg' }] },
};

/** Eligibility, consent, REMS (esketamine), plan, and the first session booked. */
export async function planAndStart(h: Harness, route: KetamineRoute, firstSessionAt: string): Promise<JourneyView<KetamineJourneyContext>> {
  await h.send('eligibility.decided', { outcome: 'eligible', reasons: [] }, 'physician');
  await h.send('consent.recorded', { formVersion: 'KET-CONSENT-3' }, 'physician');
  if (route === 'esketamine-nasal') await h.send('rems.enrolled', { enrolmentRef: 'REMS-55120' }, 'coordinator');
  await h.send('plan.recorded', { route, dosePlan: DOSE_PLANS[route], ...(DOSE_PLANS[route].steps.some((s) => s.unit === 'mg/kg') ? { weightKg: PATIENT_WEIGHT_KG } : {}) }, 'physician');
  return h.send('induction.started', { firstSessionAt }, 'coordinator');
}

export interface SessionOptions {
  readonly route: KetamineRoute;
  /** Pre-dose blood pressure. */
  readonly bp?: { systolic: number; diastolic: number };
  readonly amountMg?: number;
  readonly devices?: number;
  /** Record a follow-up primary-instrument result during the session. */
  readonly assessment?: { instrument: 'GAD-7' | 'LSAS' | 'Y-BOCS'; total: number };
}

const DOSES: Record<KetamineRoute, { medication: 'esketamine' | 'racemic-ketamine'; devices?: number; infusionMinutes?: number }> = {
  'esketamine-nasal': { medication: 'esketamine', devices: 2 },
  iv: { medication: 'racemic-ketamine', infusionMinutes: 40 },
  im: { medication: 'racemic-ketamine' },
  sc: { medication: 'racemic-ketamine' },
  'sublingual-home': { medication: 'racemic-ketamine' },
};

/** Runs the next planned session from check-in to discharge, durable timers included. */
export async function runSession(h: Harness, options: SessionOptions): Promise<KetamineJourneyContext> {
  const home = options.route === 'sublingual-home';
  const before = await h.context();
  const next = before.schedule.filter((s) => s.status === 'planned').sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt))[0];
  if (!next) throw new Error('no planned session');
  const arrive = Date.parse(next.dueAt) - 20 * MIN;
  if (h.now < arrive) await h.advanceTo(arrive);
  const staff: ActorName = home ? 'patient' : 'nurse';
  await h.send('session.checkedIn', {}, home ? 'patient' : 'coordinator');
  await h.send('predose.fastingConfirmed', { lastFoodAt: iso(h.now - 4 * 60 * MIN), lastLiquidAt: iso(h.now - 90 * MIN) }, staff);
  if (home) {
    await h.send('predose.trustedAdultConfirmed', { aged18OrOver: true, presentWholeSession: true, withinVoiceRange: true, canCallCareTeamOrEmergency: true }, 'patient');
  } else {
    await h.send('predose.transportConfirmed', { responsibleAdultConfirmed: true, mode: 'car-driven-by-adult' }, 'coordinator');
  }
  const bp = options.bp ?? { systolic: 126, diastolic: 82 };
  await h.send('predose.vitalsRecorded', { ...bp, heartRate: 74, spo2: 98 }, staff);
  if (bp.systolic > 140 || bp.diastolic > 90) {
    await h.send('predose.bpOverridden', { reason: 'Long-standing white-coat hypertension; benefit outweighs risk' }, 'physician');
  }
  await h.send('predose.contraindicationsChecked', { newFindings: [] }, staff);
  await h.send('predose.medicationsConfirmed', { classes: ['antidepressant'], changedSinceLastSession: false }, staff);
  await h.advance(20);
  const dose = DOSES[options.route];
  await h.send(
    'dose.recorded',
    {
      ...dose,
      amountMg: options.amountMg ?? plannedAmountMg(before, next.number),
      ...(options.devices === undefined ? {} : { devices: options.devices }),
      lot: 'LOT-2291',
      administration: home ? 'self-administered-at-home' : options.route === 'esketamine-nasal' ? 'self-administered-supervised' : 'staff-administered',
    },
    staff,
  );
  if (options.assessment) await h.send('assessment.recorded', options.assessment, 'patient');
  await observeAndDischarge(h);
  return h.context();
}

/**
 * From a dosed session: readings every 15 minutes (the IV cadence) with sedation and dissociation,
 * the observation timer, a last reading, and discharge to the right adult. Returns the discharge view.
 */
export async function observeAndDischarge(h: Harness): Promise<JourneyView<KetamineJourneyContext>> {
  const ctx = await h.context();
  const session = ctx.session;
  if (!session?.dose) throw new Error('no dosed session');
  const home = session.setting === 'home';
  const staff: ActorName = home ? 'patient' : 'nurse';
  const doseAt = Date.parse(session.dose.at);
  const observation = session.observationMinutes;
  const recorded = new Set(session.vitals.map((v) => Date.parse(v.takenAt)));
  for (let minute = 10; minute < observation; minute += 15) {
    const at = doseAt + minute * MIN;
    if (at < h.now || recorded.has(at)) continue;
    await h.advanceTo(at);
    await h.send('monitoring.vitalsRecorded', { systolic: 138, diastolic: 86, heartRate: 84, spo2: 97 }, staff);
    if (minute === 10) {
      await h.send('monitoring.sedationRecorded', { moaas: 4 }, staff);
      await h.send('monitoring.dissociationRecorded', { score: 8, form: 'CADSS-6' }, staff);
    }
  }
  if (h.now < doseAt + observation * MIN) await h.advanceTo(doseAt + observation * MIN);
  expect(await h.state()).toContain('session.dosed.readyForDischarge');
  await h.send('monitoring.vitalsRecorded', { systolic: 128, diastolic: 80, heartRate: 76, spo2: 98 }, staff);
  await h.send('monitoring.sedationRecorded', { moaas: 5 }, staff);
  if ((await h.context()).session?.dissociation.length === 0) await h.send('monitoring.dissociationRecorded', { score: 2, form: 'CADSS-6' }, staff);
  return h.send(
    'session.discharged',
    { releasedTo: home ? 'trusted-adult-at-home' : 'responsible-adult', alertAndOriented: true, noDrivingAdviceGiven: true },
    staff,
  );
}

/** Therapy linked and attended weekly up to `until`. */
export async function linkTherapy(h: Harness): Promise<void> {
  await h.send('therapy.linked', { therapistRef: 'therapist-42', modality: 'cbt' }, 'coordinator');
}
