// Drives the shipped ketamine journey with the reminders plugin over a ManualClock: steps of a
// JourneyScript, and time moved from one due timer to the next so every timer fires at its time.
import {
  createEngine,
  isCareJourneyError,
  ketamineAnxietyJourney,
  ManualClock,
  MemoryStore,
  type JourneyEngine,
  type JourneyStore,
  type JourneyView,
  type KetamineJourneyContext,
  type KetamineProtocolInput,
} from '@carejourney/core';
import { deliveryIdOf, remindersPlugin, reminderKey, type DeliverResult, type ReminderMessage, type RemindersOptions, type RemindersPlugin } from '../../src/index.js';
import { actors, type ActorName, type Step } from './journeyScript.js';

/** What the host's channels received, with the clock's time and whether the host took it. */
export interface Delivered extends ReminderMessage {
  readonly at: number;
  readonly accepted: boolean;
}

/** A host that records every message; `fail` decides which calls fail (`'throw'` throws). */
export class FakeHost {
  readonly calls: Delivered[] = [];
  fail: (message: ReminderMessage) => DeliverResult | 'throw' = () => undefined;

  constructor(private readonly clock: { now(): number }) {}

  readonly deliver = (message: ReminderMessage): DeliverResult => {
    const outcome = this.fail(message);
    const accepted = !(outcome === 'throw' || (typeof outcome === 'object' && outcome !== null && outcome.ok === false));
    this.calls.push({ ...message, at: this.clock.now(), accepted });
    // The message of a host error may quote contact details: the plugin must keep only the code.
    if (outcome === 'throw') throw Object.assign(new Error('gateway down for +49 151 0000000'), { code: 'GATEWAY_DOWN' });
    return outcome;
  };

  /** Accepted messages, one per delivery id (the host de-duplicates on it). */
  get delivered(): Delivered[] {
    const seen = new Map<string, Delivered>();
    for (const m of this.calls) if (m.accepted && !seen.has(m.deliveryId)) seen.set(m.deliveryId, m);
    return [...seen.values()];
  }

  ofKind(kind: string): Delivered[] {
    return this.delivered.filter((m) => m.kind === kind);
  }
}

export interface DriverOptions {
  readonly start: string | number;
  readonly timeZone: string;
  readonly store?: JourneyStore;
  readonly protocol?: Partial<KetamineProtocolInput>;
  readonly reminders?: Partial<RemindersOptions>;
}

type Def = typeof ketamineAnxietyJourney;

/** The protocol every test uses: the clinic's zone, the placeholder defaults accepted as they are. */
export function testProtocol(timeZone: string, extra: Partial<KetamineProtocolInput> = {}): KetamineProtocolInput {
  return { timeZone, acceptUnconfirmedDefaults: true, ...extra };
}

export class Driver {
  readonly clock: ManualClock;
  readonly store: JourneyStore;
  readonly host: FakeHost;
  readonly reminders: RemindersPlugin;
  readonly engine: JourneyEngine<Def>;

  constructor(options: DriverOptions) {
    this.clock = new ManualClock(options.start);
    this.store = options.store ?? new MemoryStore();
    this.host = new FakeHost(this.clock);
    this.reminders = remindersPlugin({ deliver: this.host.deliver, ...options.reminders });
    this.engine = createEngine({
      definition: ketamineAnxietyJourney,
      store: this.store,
      clock: this.clock,
      protocol: testProtocol(options.timeZone, options.protocol),
      plugins: [this.reminders],
    });
    this.engine.on('plugin.error', (notice) => {
      throw new Error(`plugin error in ${notice.hook}: ${notice.message}`);
    });
  }

  /** Moves the clock to `target`, stopping at every due timer on the way so it fires on time. */
  async advanceTo(target: number): Promise<void> {
    for (;;) {
      const [next] = await this.store.dueTimers(target, 1);
      if (!next) break;
      if (next.dueAt > this.clock.now()) this.clock.advanceTo(next.dueAt);
      await this.engine.runDue();
    }
    if (target > this.clock.now()) this.clock.advanceTo(target);
    await this.engine.runDue();
  }

  /** Runs steps in order; a step's send must be applied (a replayed one returns its first result). */
  async run(steps: readonly Step[], onDone?: (index: number) => void, from = 0): Promise<void> {
    for (let i = from; i < steps.length; i++) {
      const step = steps[i] as Step;
      await this.advanceTo(Math.max(step.at, this.clock.now()));
      await this.apply(step);
      onDone?.(i);
    }
  }

  async apply(step: Step): Promise<void> {
    if (step.kind === 'tick') return;
    if (step.kind === 'start') {
      try {
        await this.engine.start({
          journeyId: step.journeyId,
          patientRef: step.patientRef,
          actor: actors.coordinator,
          input: { referral: { source: 'professional', indication: 'generalized-anxiety', referrerRef: 'gp-77' } },
        });
      } catch (error) {
        // Replayed after a crash: the journey is there already.
        if (!(isCareJourneyError(error, 'CJ_ERR_CONFLICT') && (await this.store.load(step.journeyId)))) throw error;
      }
      return;
    }
    if (step.kind === 'confirm') {
      const deliveryId = deliveryIdOf(step.journeyId, reminderKey(step.rule, step.subject, step.aboutAt));
      await this.reminders.confirm(step.journeyId, deliveryId);
      return;
    }
    const result = await this.engine.send(step.journeyId, { type: step.type, ...step.payload } as never, { actor: actors[step.actor as ActorName], idempotencyKey: step.key });
    if (!result.ok) throw new Error(`step ${step.key} ${step.type} refused: ${result.error.code} ${result.error.message}`);
  }

  async send(journeyId: string, type: string, payload: Record<string, unknown>, actor: ActorName): Promise<JourneyView<KetamineJourneyContext>> {
    const result = await this.engine.send(journeyId, { type, ...payload } as never, { actor: actors[actor] });
    if (!result.ok) throw new Error(`${type} refused: ${result.error.code} ${result.error.message}`);
    return result.view;
  }

  async context(journeyId: string): Promise<KetamineJourneyContext> {
    return (await this.engine.get(journeyId)).context;
  }
}
