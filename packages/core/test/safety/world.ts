// One journey under test: sends events and moves time through the public engine API, and after
// every step (accepted or refused) checks the invariants of the safety model.
import type { KetamineRoute, SendResult } from '../../src/index.js';
import { buildEngine, type SafetyEngine } from './engineFactory.js';
import { journalViolations, refusalViolations, stepViolations, type Capture, type Notice, type StepFacts, type View, type Violation } from './invariants.js';
import type { Entry } from './journal.js';
import { ACTORS, iso, SAFETY_MODEL, safetyProtocol, WALK_CALENDAR, WALK_START, type ActorName, type Calendar, type ProtocolOptions, type SafetyModel } from './model.js';

export interface WorldOptions {
  readonly route: KetamineRoute;
  readonly start?: string;
  readonly protocol?: ProtocolOptions;
  /** The protocol's numbers (the suite's fixed protocol by default; the walks draw one each). */
  readonly model?: SafetyModel;
  readonly calendar?: Calendar;
  readonly source?: 'professional' | 'self';
  readonly indication?: 'generalized-anxiety' | 'social-anxiety';
  /** `throw`: the first violation throws (with the step log). `collect`: violations are gathered. */
  readonly mode?: 'throw' | 'collect';
}

export class InvariantViolation extends Error {
  constructor(violation: Violation, log: readonly string[]) {
    super(`${violation.inv}: ${violation.message}${violation.seq === null ? '' : ` (journal #${violation.seq})`}\n--- steps ---\n${log.join('\n')}`);
    this.name = 'InvariantViolation';
  }
}

export interface SendOutcome {
  readonly result: SendResult<View>;
}

type Sent = { type: string; payload: Record<string, unknown>; actor: ActorName };

const short = (value: unknown) => {
  const s = JSON.stringify(value);
  return s.length > 220 ? `${s.slice(0, 220)}…` : s;
};

export class World {
  readonly engine: SafetyEngine;
  readonly calendar: Calendar;
  /** The numbers of the protocol this journey runs on. */
  readonly model: SafetyModel;
  /** The route the walk was started for; `route` follows the recorded plan once there is one. */
  readonly startRoute: KetamineRoute;
  readonly log: string[] = [];
  /** Violations seen (collect mode), with the number of log lines when each was first seen. */
  readonly violations: (Violation & { readonly step: number })[] = [];
  /** Dose seq → the number of the session it was given in (from the context after it). */
  readonly sessionNumbers = new Map<number, number | null>();
  /** Idempotency keys of accepted sends. */
  readonly keys = new Map<string, { sent: Sent; seq: number }>();
  readonly #built: ReturnType<typeof buildEngine>;
  readonly #mode: 'throw' | 'collect';
  readonly #seen = new Set<string>();
  #notices: Notice[] = [];
  /** Sends refused in a row (the generator uses it to get out of a loop). */
  consecutiveRefusals = 0;
  #state: Capture | undefined;
  id = '';

  private constructor(options: WorldOptions) {
    this.startRoute = options.route;
    this.calendar = options.calendar ?? WALK_CALENDAR;
    this.model = options.model ?? SAFETY_MODEL;
    this.#mode = options.mode ?? 'throw';
    this.#built = buildEngine(safetyProtocol(options.protocol, this.model), options.start ?? WALK_START);
    this.engine = this.#built.engine;
    this.engine.on('transition', (n) => this.#notices.push({ kind: 'transition', type: n.entry.type, payload: {} }));
    this.engine.on('effect', (n) => this.#notices.push({ kind: 'effect', type: n.type, payload: n.payload }));
  }

  static async create(options: WorldOptions): Promise<World> {
    const w = new World(options);
    const view = await w.engine.start({
      patientRef: 'pt-walk',
      actor: ACTORS.coordinator,
      input: { referral: { source: options.source ?? 'professional', indication: options.indication ?? 'generalized-anxiety', referrerRef: 'gp-1' } },
    });
    w.id = view.id;
    w.#state = await w.capture();
    w.log.push(`start ${options.route} ${options.source ?? 'professional'} ${options.indication ?? 'generalized-anxiety'} at ${iso(w.now)}`);
    const { routes, ...rest } = w.model;
    w.log.push(`protocol ${JSON.stringify({ ...rest, route: routes[options.route] })}`);
    return w;
  }

  get now(): number {
    return this.#built.clock.now();
  }

  get #current(): Capture {
    if (!this.#state) throw new Error('the world has not started');
    return this.#state;
  }

  get view(): View {
    return this.#current.view;
  }

  /** The route of the recorded plan (a hostile step may record another), else the walk's. */
  get route(): KetamineRoute {
    return (this.#state?.view.context.plan?.route as KetamineRoute | undefined) ?? this.startRoute;
  }

  get journal(): readonly Entry[] {
    return this.#current.journal;
  }

  get timers(): Capture['timers'] {
    return this.#current.timers;
  }

  /** The journey as the store has it now (`known`: the view a send just returned, to save a read). */
  async capture(known?: View): Promise<Capture> {
    // The journal is append-only: read the entries after the last one seen (the whole journal
    // through engine.history on the first capture).
    const seen = this.#state?.journal ?? [];
    const lastSeq = seen.at(-1)?.seq;
    const [view, fresh, timers, pending] = await Promise.all([
      known ?? this.engine.get(this.id),
      lastSeq === undefined ? this.engine.history(this.id) : this.#built.store.readJournal(this.id, { fromSeq: lastSeq + 1 }),
      this.#built.store.listTimers(this.id),
      this.#built.store.pendingOutbox(10_000, this.id),
    ]);
    return { now: this.now, view, journal: fresh.length === 0 ? seen : [...seen, ...fresh], timers, pendingOutbox: pending.length };
  }

  /** Sends one event and checks the invariants. */
  async send(
    type: string,
    payload: Record<string, unknown>,
    actor: ActorName,
    options: { key?: string; wellFormed?: boolean; note?: string } = {},
  ): Promise<SendResult<View>> {
    const before = this.#current;
    this.#notices = [];
    // Hostile steps send roles outside the journey's (e.g. `admin`): the actor is untyped on purpose.
    const result = (await this.engine.send(this.id, { type, ...payload } as never, {
      actor: ACTORS[actor] as never,
      ...(options.key === undefined ? {} : { idempotencyKey: options.key }),
    })) as SendResult<View>;
    const notices = this.#notices;
    const after = await this.capture(result.ok && !result.duplicate ? result.view : undefined);
    this.#state = after;
    const outcome = result.ok ? `ok #${result.entry.seq} → ${after.view.stateLabel}` : `refused ${result.error.code}${result.error.details.guard ? ` [${result.error.details.guard}]` : ''}`;
    this.log.push(
      `#${this.log.length} ${iso(this.now).slice(0, 16)} ${ACTORS[actor].role} ${type} ${short(payload)}${options.key ? ` key=${options.key}` : ''}${options.note ? ` (${options.note})` : ''} → ${outcome}`,
    );
    this.consecutiveRefusals = result.ok ? 0 : this.consecutiveRefusals + 1;
    if (result.ok) {
      if (result.entry.type === 'dose.recorded' && !result.duplicate) this.sessionNumbers.set(result.entry.seq, result.view.context.session?.number ?? null);
      if (options.key !== undefined && !result.duplicate) this.keys.set(options.key, { sent: { type, payload, actor }, seq: result.entry.seq });
    }
    const facts: StepFacts = {
      before,
      after,
      notices,
      calendar: this.calendar,
      model: this.model,
      sent: { type, payload, role: ACTORS[actor].role, wellFormed: options.wellFormed ?? false },
      ...(result.ok ? {} : { refused: { code: result.error.code } }),
    };
    const found = [...(result.ok ? [] : refusalViolations(facts)), ...stepViolations(facts, this.sessionNumbers), ...journalViolations(after.journal, this.sessionNumbers, this.model)];
    this.#report(found);
    return result;
  }

  /**
   * Sends an idempotency key again: `same` with the first event and actor (the first result comes
   * back, nothing changes), or a mismatched event, payload or actor (refused, nothing changes).
   */
  async resend(key: string, variant: 'same' | 'payload' | 'actor' | 'type'): Promise<SendResult<View>> {
    const first = this.keys.get(key);
    if (!first) throw new Error(`no accepted send with key ${key}`);
    let { type, payload, actor } = first.sent;
    if (variant === 'payload') {
      const changed = mutatePayload(payload);
      if (changed === null) variant = 'actor';
      else payload = changed;
    }
    let actorObj: { id: string; role: string } = ACTORS[actor];
    if (variant === 'actor') actorObj = { id: `${actorObj.id}-other`, role: actorObj.role };
    if (variant === 'type') {
      type = type === 'therapy.linked' ? 'consultation.recorded' : 'therapy.linked';
      payload = type === 'therapy.linked' ? { therapistRef: 'th-9', modality: 'cbt' } : { kind: 'follow-up', mode: 'phone' };
      actorObj = ACTORS.physician;
    }
    const before = this.#current;
    this.#notices = [];
    const result = (await this.engine.send(this.id, { type, ...payload } as never, { actor: actorObj as never, idempotencyKey: key })) as SendResult<View>;
    const notices = this.#notices;
    const after = await this.capture();
    this.#state = after;
    this.log.push(
      `#${this.log.length} ${iso(this.now).slice(0, 16)} resend key=${key} (${variant}) ${actorObj.role}/${actorObj.id} ${type} ${short(payload)} → ${result.ok ? `ok${result.duplicate ? ' duplicate' : ''}` : `refused ${result.error.code}`}`,
    );
    const found: Violation[] = [];
    const facts: StepFacts = { before, after, notices, calendar: this.calendar, model: this.model, ...(result.ok ? {} : { refused: { code: result.error.code } }) };
    if (variant === 'same') {
      if (!result.ok) found.push({ inv: 'S11', seq: first.seq, message: `the same key and event were refused (${result.error.code}) instead of returning the first result` });
      else {
        if (!result.duplicate) found.push({ inv: 'S11', seq: first.seq, message: 'the same key and event were applied again' });
        if (result.entry.seq !== first.seq) found.push({ inv: 'S11', seq: first.seq, message: `the same key returned entry #${result.entry.seq}, not the first result #${first.seq}` });
      }
      found.push(...refusalViolations(facts).map((x) => ({ ...x, inv: 'S11' as const, message: x.message.replace(/^refused/, 'a duplicate') })));
    } else {
      if (result.ok) {
        found.push({ inv: 'S11', seq: first.seq, message: `key ${key} reused with a different ${variant} returned ${result.duplicate ? 'the first result' : 'a new result'} instead of CJ_ERR_IDEMPOTENCY_MISMATCH` });
      } else if (!['CJ_ERR_IDEMPOTENCY_MISMATCH', 'CJ_ERR_INVALID_EVENT', 'CJ_ERR_FORBIDDEN'].includes(result.error.code)) {
        found.push({ inv: 'S11', seq: first.seq, message: `key ${key} reused with a different ${variant} was refused with ${result.error.code}, not CJ_ERR_IDEMPOTENCY_MISMATCH` });
      }
      if (!result.ok) found.push(...refusalViolations(facts));
    }
    found.push(...stepViolations(facts, this.sessionNumbers), ...journalViolations(after.journal, this.sessionNumbers, this.model));
    this.#report(found);
    return result;
  }

  /**
   * Sends two events at once (as two clinic workstations would): the engine applies them one after
   * the other, so each refused one changes nothing and each accepted one adds one journal entry.
   */
  async sendPair(first: { type: string; payload: Record<string, unknown>; actor: ActorName }, second: { type: string; payload: Record<string, unknown>; actor: ActorName }): Promise<void> {
    const before = this.#current;
    this.#notices = [];
    const results = (await Promise.all(
      [first, second].map((e) => this.engine.send(this.id, { type: e.type, ...e.payload } as never, { actor: ACTORS[e.actor] as never })),
    )) as SendResult<View>[];
    const notices = this.#notices;
    const after = await this.capture();
    this.#state = after;
    const accepted = results.filter((r) => r.ok).length;
    this.log.push(
      `#${this.log.length} ${iso(this.now).slice(0, 16)} at once: ${[first, second]
        .map((e, i) => `${ACTORS[e.actor].role} ${e.type} ${short(e.payload)} → ${results[i]?.ok ? 'ok' : `refused ${results[i]?.ok === false ? results[i].error.code : ''}`}`)
        .join(' | ')} → ${after.view.stateLabel}`,
    );
    const found: Violation[] = [];
    if (after.view.version - before.view.version !== accepted || after.journal.length - before.journal.length !== accepted) {
      found.push({ inv: 'S10', seq: null, message: `two events sent at once, ${accepted} accepted, moved the version by ${after.view.version - before.view.version} and the journal by ${after.journal.length - before.journal.length}` });
    }
    // Each accepted send's own view is the journey right after it: the dose's session number.
    for (const r of results) if (r.ok && r.entry.type === 'dose.recorded') this.sessionNumbers.set(r.entry.seq, r.view.context.session?.number ?? null);
    const facts: StepFacts = { before, after, notices, calendar: this.calendar, model: this.model };
    found.push(...stepViolations(facts, this.sessionNumbers), ...journalViolations(after.journal, this.sessionNumbers, this.model));
    this.#report(found);
  }

  /** Moves the clock and fires what is due; checks the invariants. */
  async advance(byMs: number, note?: string): Promise<void> {
    const before = this.#current;
    this.#notices = [];
    this.#built.clock.advance(Math.max(0, Math.round(byMs)));
    const fired = await this.engine.runDue();
    const notices = this.#notices;
    const after = await this.capture();
    this.#state = after;
    this.log.push(
      `#${this.log.length} ${iso(this.now).slice(0, 16)} advance ${Math.round(byMs / 60_000)} min${note ? ` (${note})` : ''}${fired.length ? ` fired ${fired.map((t) => t.key.replace(/^machine:/, '')).join(', ')}` : ''} → ${after.view.stateLabel}`,
    );
    const facts: StepFacts = { before, after, notices, calendar: this.calendar, model: this.model, advanced: true };
    this.#report([...stepViolations(facts, this.sessionNumbers), ...journalViolations(after.journal, this.sessionNumbers, this.model)]);
  }

  async advanceTo(instant: number, note?: string): Promise<void> {
    await this.advance(Math.max(0, instant - this.now), note);
  }

  #report(found: readonly Violation[]): void {
    for (const violation of found) {
      const id = `${violation.inv}|${violation.seq ?? ''}|${violation.message}`;
      if (this.#seen.has(id)) continue;
      this.#seen.add(id);
      this.violations.push({ ...violation, step: this.log.length });
      if (this.#mode === 'throw') throw new InvariantViolation(violation, this.log);
    }
  }
}

/** A changed copy of a payload (first field that can change), or null when it has none. */
export function mutatePayload(payload: Record<string, unknown>): Record<string, unknown> | null {
  for (const [key, value] of Object.entries(payload)) {
    if (typeof value === 'number') return { ...payload, [key]: Number.isInteger(value) ? (value > 1 ? value - 1 : value + 1) : value * 2 };
    if (typeof value === 'boolean') return { ...payload, [key]: !value };
    if (typeof value === 'string') {
      const t = Date.parse(value);
      if (/^\d{4}-\d\d-\d\dT/.test(value) && Number.isFinite(t)) return { ...payload, [key]: new Date(t - 60_000).toISOString() };
      if (key === 'reason' || key === 'note' || key === 'summary') return { ...payload, [key]: `${value} (amended)` };
    }
  }
  return null;
}
