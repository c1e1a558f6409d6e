// A small clinic for tests: the shipped ketamine journey on a ManualClock and MemoryStore, with
// the screening plugin registered, and a session runner that records sedation and dissociation
// through the plugin.
import {
  CONTRAINDICATIONS,
  createEngine,
  ketamineAnxietyJourney,
  ManualClock,
  MemoryStore,
  type CareJourneyPlugin,
  type Contraindication,
  type EffectNotice,
  type JourneyEngine,
  type JourneyEventFrom,
  type JourneyView,
  type KetamineJourneyContext,
  type KetamineProtocolInput,
  type SendResult,
} from '@carejourney/core';
import { expect } from 'vitest';
import { createScreening, type FollowUpNotice, type ProposalNotice, type Screening, type ScreeningOptions } from '../src/index.js';

export const actors = {
  coordinator: { id: 'coord-1', role: 'coordinator' },
  nurse: { id: 'nurse-1', role: 'nurse' },
  physician: { id: 'md-1', role: 'physician' },
  patient: { id: 'pt-self', role: 'patient' },
} as const;
type ActorName = keyof typeof actors;
type Def = typeof ketamineAnxietyJourney;
type KetamineEvent = JourneyEventFrom<Def>;
type Payload<K extends KetamineEvent['type']> = Omit<Extract<KetamineEvent, { type: K }>, 'type'>;

const MIN = 60_000;

/** The clinic's protocol settings every test journey uses. */
export const CLINIC_PROTOCOL = { timeZone: 'Europe/Berlin', acceptUnconfirmedDefaults: true } as const satisfies KetamineProtocolInput;
const iso = (ms: number) => new Date(ms).toISOString();

export function noContraindications(): Record<Contraindication, boolean> {
  return Object.fromEntries(CONTRAINDICATIONS.map((c) => [c, false])) as Record<Contraindication, boolean>;
}

/** GAD-7 or PHQ-9 answers (0-3 each) adding up to `total`, with PHQ-9 item 9 as given. */
export function frequencyAnswers(items: number, total: number, item9?: number): Record<string, number> {
  const answers: Record<string, number> = {};
  let left = total - (item9 ?? 0);
  for (let i = 1; i <= items; i++) {
    if (i === 9 && item9 !== undefined) {
      answers['9'] = item9;
      continue;
    }
    const v = Math.min(3, left);
    answers[String(i)] = v;
    left -= v;
  }
  if (left !== 0) throw new Error('total out of range');
  return answers;
}

export interface ClinicOptions {
  readonly screening?: ScreeningOptions;
  readonly protocol?: KetamineProtocolInput;
  readonly store?: MemoryStore;
  readonly clock?: ManualClock;
  /** More plugins, registered after the screening plugin. */
  readonly plugins?: readonly CareJourneyPlugin[];
}

export class Clinic {
  readonly clock: ManualClock;
  readonly store: MemoryStore;
  readonly screening: Screening;
  readonly engine: JourneyEngine<Def>;
  readonly effects: EffectNotice[] = [];
  readonly proposals: ProposalNotice[] = [];
  readonly followUps: FollowUpNotice[] = [];
  readonly pluginErrors: string[] = [];
  id = '';

  constructor(options: ClinicOptions = {}) {
    this.clock = options.clock ?? new ManualClock('2026-03-02T08:00:00Z');
    this.store = options.store ?? new MemoryStore();
    this.screening = createScreening({
      onProposal: (n) => void this.proposals.push(n),
      onFollowUpDue: (n) => void this.followUps.push(n),
      ...options.screening,
    });
    this.engine = createEngine({
      definition: ketamineAnxietyJourney,
      store: this.store,
      clock: this.clock,
      plugins: [this.screening.plugin, ...(options.plugins ?? [])],
      protocol: { ...CLINIC_PROTOCOL, ...options.protocol },
    });
    this.engine.on('effect', (n) => this.effects.push(n));
    this.engine.on('plugin.error', (n) => this.pluginErrors.push(n.message));
  }

  async start(indication: 'generalized-anxiety' | 'social-anxiety' = 'generalized-anxiety'): Promise<string> {
    const view = await this.engine.start({ patientRef: 'pt-0001', actor: actors.coordinator, input: { referral: { source: 'professional', indication } } });
    this.id = view.id;
    return view.id;
  }

  async view(): Promise<JourneyView<KetamineJourneyContext>> {
    return this.engine.get(this.id);
  }

  async context(): Promise<KetamineJourneyContext> {
    return (await this.view()).context;
  }

  async journal() {
    return this.engine.history(this.id);
  }

  async send<K extends KetamineEvent['type']>(type: K, payload: Payload<K>, actor: ActorName): Promise<JourneyView<KetamineJourneyContext>> {
    const r = await this.trySend(type, payload, actor);
    if (!r.ok) throw new Error(`${type} refused: ${r.error.code} ${r.error.message}`);
    return r.view;
  }

  async trySend<K extends KetamineEvent['type']>(type: K, payload: Payload<K>, actor: ActorName): Promise<SendResult<JourneyView<KetamineJourneyContext>>> {
    return this.engine.send(this.id, { type, ...payload } as KetamineEvent, { actor: actors[actor] });
  }

  /** Submits answers through the plugin; they must be applied. */
  async submit(instrument: string, answers: Record<string, number | boolean>, actor?: ActorName) {
    const r = await this.screening.submit(this.id, { instrument, answers }, actor === undefined ? {} : { actor: actors[actor] });
    if (!r.ok) throw new Error(`${instrument} refused: ${r.error.code} ${r.error.message}`);
    return r;
  }

  async advanceTo(instant: number): Promise<void> {
    this.clock.advanceTo(instant);
    await this.engine.runDue();
  }

  async advance(minutes: number): Promise<void> {
    await this.advanceTo(this.clock.now() + minutes * MIN);
  }

  effectsOf(type: string, kind?: string): EffectNotice[] {
    return this.effects.filter((e) => e.type === type && (kind === undefined || e.payload['kind'] === kind));
  }

  /** Runs the next planned IV session from check-in to discharge; sedation and dissociation go through the plugin. */
  async runIvSession(): Promise<void> {
    const context = await this.context();
    const next = context.schedule.filter((s) => s.status === 'planned').sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt))[0];
    if (!next) throw new Error('no planned session');
    const arrive = Date.parse(next.dueAt) - 20 * MIN;
    if (this.clock.now() < arrive) await this.advanceTo(arrive);
    const now = this.clock.now();
    await this.send('session.checkedIn', {}, 'coordinator');
    await this.send('predose.fastingConfirmed', { lastFoodAt: iso(now - 4 * 60 * MIN), lastLiquidAt: iso(now - 90 * MIN) }, 'nurse');
    await this.send('predose.transportConfirmed', { responsibleAdultConfirmed: true, mode: 'car-driven-by-adult' }, 'coordinator');
    await this.send('predose.vitalsRecorded', { systolic: 126, diastolic: 82, heartRate: 74, spo2: 98 }, 'nurse');
    await this.send('predose.contraindicationsChecked', { newFindings: [] }, 'nurse');
    await this.advance(20);
    await this.send('dose.recorded', { medication: 'racemic-ketamine', amountMg: 35, infusionMinutes: 40, lot: 'LOT-2291', administration: 'staff-administered' }, 'nurse');
    const doseAt = this.clock.now();
    const observation = (await this.context()).session?.observationMinutes ?? 60;
    // Readings on the IV cadence (every 15 minutes); sedation and dissociation scored by the plugin.
    for (let minute = 10; minute < observation; minute += 15) {
      await this.advanceTo(doseAt + minute * MIN);
      await this.send('monitoring.vitalsRecorded', { systolic: 134, diastolic: 84, heartRate: 82, spo2: 97 }, 'nurse');
      if (minute === 10) {
        await this.submit('MOAA/S', { level: 4 }, 'nurse');
        await this.submit('CADSS-6', { '1': 2, '2': 1, '6': 1, '7': 0, '15': 1, '22': 0 }, 'nurse');
      }
    }
    await this.advanceTo(doseAt + observation * MIN);
    expect((await this.view()).stateLabel).toContain('readyForDischarge');
    await this.send('monitoring.vitalsRecorded', { systolic: 126, diastolic: 80, heartRate: 76, spo2: 98 }, 'nurse');
    await this.submit('MOAA/S', { level: 5 }, 'nurse');
    await this.send('session.discharged', { releasedTo: 'responsible-adult', alertAndOriented: true, noDrivingAdviceGiven: true }, 'nurse');
  }
}
