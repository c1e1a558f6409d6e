import {
  CareJourneyError,
  definePlugin,
  formatLocal,
  isTimeZone,
  parsePluginOptions,
  type CareJourneyPlugin,
  type JournalEntry,
  type JourneyView,
  type KetamineJourneyContext,
  type PluginApi,
} from '@carejourney/core';
import { EventEmitter } from 'eventemitter3';
import { z } from 'zod';
import { attemptDelivery } from './attemptDelivery.js';
import { journeyStanding, staleReason, type JourneyStanding } from './journeyStanding.js';
import { isSafetyCriticalKind, type ReminderKind } from './kinds.js';
import { MemoryReminderLog } from './MemoryReminderLog.js';
import type { PendingReminder } from './PendingReminder.js';
import { reminderPreferencesSchema } from './preferences.js';
import { applyQuietHours } from './quietHours.js';
import { deliveryIdOf, reminderKey, retryKey } from './reminderIdentity.js';
import type { ReminderLog } from './ReminderLog.js';
import type { ReminderMessage } from './ReminderMessage.js';
import type { ReminderOutcome, ReminderReason, ReminderRecord } from './ReminderRecord.js';
import { remindersOptionsSchema, type RemindersOptions } from './remindersOptions.js';
import { retryDelay } from './retryDelay.js';
import { defaultReminderRules } from './rules/defaultReminderRules.js';
import type { PlannedReminder, ReminderEffect, ReminderPlanInput, ReminderRule, ReminderVariables } from './rules/ReminderRule.js';

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Told when a reminder's delivery gave up (after every attempt).
 *
 * @example
 * ```ts
 * reminders.on('reminder.failed', ({ journeyId, kind, attempts, escalationId }: ReminderFailedNotice) =>
 *   log.warn(`${kind} for ${journeyId} failed after ${attempts} attempts${escalationId ? '; the clinic was told' : ''}`));
 * ```
 */
export interface ReminderFailedNotice {
  readonly journeyId: string;
  readonly deliveryId: string;
  readonly rule: string;
  readonly kind: string;
  readonly audience: 'patient' | 'clinic';
  readonly attempts: number;
  /** The delivery id of the clinic's escalation, when the kind is critical. */
  readonly escalationId: string | null;
}

/**
 * Something the plugin worked around without losing a reminder (e.g. an unknown time zone).
 *
 * @example
 * ```ts
 * reminders.on('warning', ({ journeyId, code, message }: ReminderWarning) => log.warn(`${journeyId} ${code}: ${message}`));
 * ```
 */
export interface ReminderWarning {
  readonly journeyId: string;
  readonly code: 'CJ_ERR_INVALID_CONFIG' | 'CJ_ERR_INVALID_INPUT' | 'CJ_ERR_PLUGIN';
  /** Names the field and the rule, never a value. */
  readonly message: string;
}

/**
 * What a reminders plugin reports to the host, by event name; listen with `reminders.on`.
 *
 * @example
 * ```ts
 * const stop = reminders.on('outcome', (record) => metrics.count('reminder', { kind: record.kind, outcome: record.outcome }));
 * stop(); // removes the listener
 * ```
 */
export interface RemindersEvents {
  /** Every record appended to the log (delivered, failed, suppressed, cancelled, ...). */
  outcome: (record: ReminderRecord) => void;
  /** A reminder's delivery gave up after its last attempt. */
  'reminder.failed': (notice: ReminderFailedNotice) => void;
  /** Something the plugin worked around (e.g. an unknown time zone); no reminder was lost. */
  warning: (warning: ReminderWarning) => void;
}

/**
 * The plugin, plus what the host asks of it: the outcomes of a journey's reminders, a patient's
 * confirmation, and listeners.
 *
 * @example
 * ```ts
 * const reminders: RemindersPlugin = remindersPlugin({ deliver });
 * const engine = createEngine({ definition: ketamineAnxietyJourney, store, protocol, plugins: [reminders] });
 * // The patient replied "yes" to the ride-home reminder:
 * await reminders.confirm(journeyId, deliveryId);
 * ```
 */
export interface RemindersPlugin extends CareJourneyPlugin {
  /** The log the outcomes go to. */
  readonly log: ReminderLog;
  /** The rules in force: the configured defaults, then the clinic's own. */
  readonly rules: readonly ReminderRule[];
  /** What happened to every reminder of a journey, in order. */
  outcomes(journeyId: string): Promise<ReminderRecord[]>;
  /**
   * The reminders of a journey waiting to go out, soonest first, with the moves quiet hours made.
   * Throws `CJ_ERR_INVALID_INPUT` for a malformed journey id.
   */
  pending(journeyId: string): Promise<PendingReminder[]>;
  /**
   * Records the patient's confirmation of a reminder that asks for one (a ride home, a trusted
   * adult): the clinic is then not told at the deadline. Throws `CJ_ERR_NOT_FOUND` when no such
   * reminder was delivered, and changes nothing then.
   */
  confirm(journeyId: string, deliveryId: string): Promise<ReminderRecord>;
  /** Listens to outcomes, failures and warnings. Returns a function that removes the listener. */
  on<K extends keyof RemindersEvents>(event: K, listener: RemindersEvents[K]): () => void;
}

/** A reminder as its durable timer carries it: everything needed to deliver it after a restart. */
const pendingSchema = z.strictObject({
  v: z.literal(1),
  rule: z.string(),
  source: z.enum(['view', 'event', 'effect', 'escalation']),
  key: z.string(),
  deliveryId: z.string(),
  subject: z.string(),
  aboutAt: z.number(),
  at: z.number(),
  movedFrom: z.number().nullable(),
  direction: z.enum(['earlier', 'later']).nullable(),
  attempt: z.number().int().min(1),
  variables: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});
type Pending = z.infer<typeof pendingSchema>;

/**
 * The fields a re-plan reads of a pending timer, checked cheaply: a journey has dozens of pending
 * reminders and is re-planned after every event. A timer is checked in full when it fires.
 */
function looksPending(payload: unknown): payload is Pending {
  const p = payload as Partial<Pending> | null;
  return (
    p !== null &&
    typeof p === 'object' &&
    p.v === 1 &&
    typeof p.rule === 'string' &&
    typeof p.key === 'string' &&
    typeof p.deliveryId === 'string' &&
    typeof p.subject === 'string' &&
    typeof p.aboutAt === 'number' &&
    typeof p.at === 'number' &&
    typeof p.attempt === 'number' &&
    (p.source === 'view' || p.source === 'event' || p.source === 'effect' || p.source === 'escalation')
  );
}

/** The clinic's escalation of a delivery that gave up. Not configurable away: a failure is never silent. */
const ESCALATION: ReminderRule = {
  id: 'reminder.escalation',
  kind: 'reminder.escalation',
  audience: 'clinic',
  templateKey: 'reminder.escalation',
  quietHours: 'ignore',
  on: 'view',
  description: 'Staff: a critical reminder could not be delivered',
  plan: () => [],
};

const FINAL: ReadonlySet<ReminderOutcome> = new Set(['delivered', 'failed', 'suppressed']);
const subjectSchema = z.string().min(1).max(100);

interface Journey {
  readonly id: string;
  readonly view: JourneyView<KetamineJourneyContext>;
  readonly context: KetamineJourneyContext;
  readonly standing: JourneyStanding;
  readonly patientZone: string;
  readonly clinicZone: string;
}

/** The ketamine journey's context, as far as reminders read it; other journeys are left alone. */
function isKetamineContext(context: unknown): context is KetamineJourneyContext {
  const c = context as Partial<KetamineJourneyContext> | null;
  return (
    c !== null &&
    typeof c === 'object' &&
    Array.isArray(c.schedule) &&
    Array.isArray(c.sessions) &&
    typeof c.protocol === 'object' &&
    c.protocol !== null &&
    typeof c.rems === 'object' &&
    c.rems !== null
  );
}

/**
 * Durable reminders for the ketamine journey, delivered through the host's channels. Rules derive
 * reminders from the journey (its schedule, sessions, REMS forms) and from its events and effects;
 * each reminder is a durable plugin timer in the journey store, keyed by rule, subject and the
 * moment it is about, and re-checked when it comes due. Outcomes go to a {@link ReminderLog}.
 *
 * @example
 * ```ts
 * const reminders = remindersPlugin({
 *   deliver: async (m) => sms.send(m.deliveryId, m.patientRef, m.templateKey, m.variables),
 *   log: new SqliteReminderLog({ path: 'clinic.db' }),
 * });
 * const engine = createEngine({ definition: ketamineAnxietyJourney, store, plugins: [reminders] });
 * await reminders.outcomes(journeyId);
 * ```
 */
export function remindersPlugin(options: RemindersOptions): RemindersPlugin {
  const o = parsePluginOptions('reminders', remindersOptionsSchema, options);
  const log: ReminderLog = o.log ?? new MemoryReminderLog();
  const deliver = options.deliver;
  const customRules = (options.customRules ?? []) as readonly ReminderRule[];
  const rules: readonly ReminderRule[] = Object.freeze([...defaultReminderRules(options.rules ?? {}), ...customRules]);
  const ruleById = new Map<string, ReminderRule>();
  rules.forEach((rule, index) => {
    if (ruleById.has(rule.id) || rule.id === ESCALATION.id) {
      throw new CareJourneyError('CJ_ERR_INVALID_CONFIG', `Plugin "reminders" has invalid options: options.customRules[${index - (rules.length - customRules.length)}].id: is used by another rule`, {
        plugin: 'reminders',
        issues: [{ path: `options.customRules[${index - (rules.length - customRules.length)}].id`, rule: 'unique', message: 'is used by another rule' }],
      });
    }
    ruleById.set(rule.id, rule);
  });
  const confirmable = new Set(rules.flatMap((r) => r.confirmationOf ?? []));
  const viewRules = rules.filter((r): r is Extract<ReminderRule, { on: 'view' }> => r.on === 'view');
  const emitter = new EventEmitter();
  let api: PluginApi | undefined;

  const patientZoneResolver = options.patientTimeZone;
  const preferencesResolver = options.preferences;

  const warn = (warning: ReminderWarning) => emitter.emit('warning', warning);
  const now = () => (api as PluginApi).now();

  // ------------------------------------------------------------------ reading the journey

  async function loadJourney(journeyId: string): Promise<Journey | null> {
    let view: JourneyView;
    try {
      view = await (api as PluginApi).get(journeyId);
    } catch (error) {
      if (error instanceof CareJourneyError && error.code === 'CJ_ERR_NOT_FOUND') return null;
      throw error;
    }
    if (!isKetamineContext(view.context)) return null;
    const context = view.context;
    const protocolZone = (context.protocol as { timeZone?: unknown }).timeZone;
    const clinicZone = isTimeZone(protocolZone) ? protocolZone : 'UTC';
    let patientZone = clinicZone;
    if (patientZoneResolver) {
      const resolved = await patientZoneResolver({ patientRef: view.patientRef, journeyId });
      if (resolved !== null && resolved !== undefined) {
        if (isTimeZone(resolved)) patientZone = resolved;
        else warn({ journeyId, code: 'CJ_ERR_INVALID_CONFIG', message: 'patientTimeZone returned an unknown IANA time zone; the protocol timeZone was used' });
      }
    }
    return { id: journeyId, view: view as JourneyView<KetamineJourneyContext>, context, standing: journeyStanding(view), patientZone, clinicZone };
  }

  const zoneFor = (rule: ReminderRule, journey: Journey) => (rule.audience === 'patient' ? journey.patientZone : journey.clinicZone);
  /** Patient reminders other than safety notices go out only while the journey is in care. */
  const gated = (rule: ReminderRule) => rule.audience === 'patient' && rule.safetyNotice !== true;

  function planInput(rule: ReminderRule, journey: Journey, subject?: string): ReminderPlanInput {
    return { journeyId: journey.id, view: journey.view, context: journey.context, timeZone: zoneFor(rule, journey), now: now(), ...(subject === undefined ? {} : { subject }) };
  }

  /**
   * Turns a rule's planned reminder into a timer payload: identity, quiet hours and, unless it is
   * a view reminder being re-planned (its variables are planned again when it comes due), variables.
   */
  function materialize(rule: ReminderRule, journey: Journey, planned: PlannedReminder, source: Pending['source'], withVariables = true): Pending {
    if (!subjectSchema.safeParse(planned.subject).success || !Number.isFinite(planned.aboutAt) || !Number.isFinite(planned.at)) {
      throw new CareJourneyError('CJ_ERR_PLUGIN', `Reminder rule "${rule.id}" planned an invalid reminder: subject must be 1-100 characters, aboutAt and at finite epoch-ms times.`, {
        plugin: 'reminders',
      });
    }
    const variables: Record<string, string | number | boolean | null> = {};
    const given = withVariables ? (typeof planned.variables === 'function' ? planned.variables() : planned.variables) : undefined;
    for (const [name, value] of Object.entries(given ?? {})) {
      if (value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) variables[name] = value;
    }
    const move = rule.safetyNotice === true ? 'ignore' : rule.quietHours;
    const { at, moved } = applyQuietHours(planned.at, move, o.quietHours, zoneFor(rule, journey), { aboutAt: planned.aboutAt, now: now() });
    const key = reminderKey(rule.id, planned.subject, planned.aboutAt);
    return {
      v: 1,
      rule: rule.id,
      source,
      key,
      deliveryId: deliveryIdOf(journey.id, key),
      subject: planned.subject,
      aboutAt: planned.aboutAt,
      at,
      movedFrom: moved ? planned.at : null,
      direction: moved && move !== 'ignore' ? move : null,
      attempt: 1,
      variables,
    };
  }

  /** The reminders a view rule wants now (none for gated rules while the journey is not in care). */
  function planView(rule: Extract<ReminderRule, { on: 'view' }>, journey: Journey): Pending[] {
    if (gated(rule) && !journey.standing.inCare) return [];
    return rule.plan(planInput(rule, journey)).map((p) => materialize(rule, journey, p, 'view', false));
  }

  /** The one reminder of a view rule with this key, if the rule still wants it. */
  function stillPlanned(rule: Extract<ReminderRule, { on: 'view' }>, journey: Journey, key: string, subject: string): Pending | undefined {
    if (gated(rule) && !journey.standing.inCare) return undefined;
    const planned = rule.plan(planInput(rule, journey, subject)).find((p) => Number.isFinite(p.aboutAt) && reminderKey(rule.id, p.subject, p.aboutAt) === key);
    return planned === undefined ? undefined : materialize(rule, journey, planned, 'view');
  }

  // ------------------------------------------------------------------ the record

  async function record(
    journeyId: string,
    p: Pending,
    outcome: ReminderOutcome,
    extra: {
      reason?: ReminderReason;
      channel?: string | null;
      attempt?: number;
      lateMinutes?: number | null;
      nextAttemptAt?: number;
      escalationId?: string;
      errorCode?: string | null;
      /** For a cancellation: the journal entry that caused it. */
      cause?: number;
    } = {},
  ): Promise<ReminderRecord> {
    const rule = ruleById.get(p.rule) ?? (p.rule === ESCALATION.id ? ESCALATION : undefined);
    const at = now();
    const attempt = extra.attempt ?? (outcome === 'cancelled' || outcome === 'confirmed' ? 0 : p.attempt);
    // Ids make a redelivered outcome a no-op; a cancellation may happen again after a resume.
    const suffix = outcome === 'attempt-failed' ? `:${attempt}` : outcome === 'cancelled' ? `:${extra.cause ?? at}` : '';
    const entry: ReminderRecord = {
      id: `${p.deliveryId}:${outcome}${suffix}`,
      journeyId,
      deliveryId: p.deliveryId,
      rule: p.rule,
      kind: rule?.kind ?? 'unknown',
      audience: rule?.audience ?? 'patient',
      templateKey: rule?.templateKey ?? 'unknown',
      outcome,
      reason: extra.reason ?? null,
      channel: extra.channel ?? null,
      attempt,
      aboutAt: iso(p.aboutAt),
      plannedAt: iso(p.at),
      quietHours: p.movedFrom === null || p.direction === null ? null : { movedFrom: iso(p.movedFrom), direction: p.direction },
      lateMinutes: extra.lateMinutes ?? null,
      nextAttemptAt: extra.nextAttemptAt === undefined ? null : iso(extra.nextAttemptAt),
      escalationId: extra.escalationId ?? null,
      errorCode: extra.errorCode ?? null,
      at: iso(at),
    };
    await log.append(entry);
    emitter.emit('outcome', entry);
    return entry;
  }

  // ------------------------------------------------------------------ timers

  async function schedule(journeyId: string, p: Pending, dueAt: number): Promise<void> {
    await (api as PluginApi).timers.schedule({ journeyId, key: p.attempt === 1 ? p.key : retryKey(p.key, p.attempt), dueAt, payload: p });
  }

  /** Schedules a planned event or effect reminder, or delivers it now when it is already due. */
  async function arrange(journey: Journey, p: Pending, pendingKeys: ReadonlySet<string>): Promise<void> {
    if (pendingKeys.has(p.key)) return;
    if (p.at > now()) await schedule(journey.id, p, p.at);
    else await fire(journey.id, p, p.at, journey);
  }

  /**
   * View reminders whose time has come without a timer: the ones that became due with this change,
   * and the ones planned too late for their time (a session booked or moved at short notice, a
   * change the plugin saw late). Each gets an outcome: one already handled is left alone; one
   * before a moment still ahead goes out at once (marked late), except that of several of one
   * rule about the same moment only the last goes out (the others are `superseded`: a patient
   * booked for tomorrow gets one reminder, not the 48 h and the 24 h one at once); any other is
   * recorded as `expired`.
   */
  async function catchUp(journey: Journey, due: readonly Pending[], dueSince: number): Promise<void> {
    const t = now();
    const open: Pending[] = [];
    for (const p of due) {
      if (!(await log.list(journey.id, { deliveryId: p.deliveryId })).some((r) => FINAL.has(r.outcome))) open.push(p);
    }
    // When a reminder was planned to go out, before quiet hours moved it.
    const planned = (p: Pending) => p.movedFrom ?? p.at;
    const sendNow = open.filter((p) => p.at >= dueSince || (planned(p) < p.aboutAt && t < p.aboutAt));
    // The last of a group is the one planned closest to the moment.
    const last = new Map<string, Pending>();
    for (const p of sendNow) {
      const group = `${p.rule}\u0000${p.aboutAt}`;
      const seen = last.get(group);
      if (!seen || planned(p) > planned(seen) || (planned(p) === planned(seen) && p.key > seen.key)) last.set(group, p);
    }
    for (const p of open) {
      const rule = ruleById.get(p.rule);
      const critical = rule !== undefined && (rule.safetyNotice === true || rule.safetyCritical === true || isSafetyCriticalKind(rule.kind));
      if (!sendNow.includes(p)) await record(journey.id, p, 'suppressed', { reason: 'expired' });
      else if (critical || last.get(`${p.rule}\u0000${p.aboutAt}`) === p) await fire(journey.id, p, p.at, journey);
      else await record(journey.id, p, 'suppressed', { reason: 'superseded' });
    }
  }

  /**
   * Brings a journey's reminder timers in line with what its rules want now: cancels the ones
   * that no longer apply (a moved or cancelled session, a hold, an ending), schedules the missing
   * ones, and delivers at once the ones that became due with this change.
   */
  async function reconcile(journey: Journey, entry: JournalEntry): Promise<void> {
    const desired = new Map<string, Pending>();
    for (const rule of viewRules) for (const p of planView(rule, journey)) desired.set(p.key, p);
    const pendingKeys = new Set<string>();
    for (const timer of await (api as PluginApi).timers.list(journey.id)) {
      if (!looksPending(timer.payload)) {
        await (api as PluginApi).timers.cancel(journey.id, timer.key);
        warn({ journeyId: journey.id, code: 'CJ_ERR_PLUGIN', message: 'a reminder timer could not be read and was cancelled' });
        continue;
      }
      const p = timer.payload;
      pendingKeys.add(p.key);
      const rule = ruleById.get(p.rule);
      let reason: ReminderReason | null = null;
      if (p.source === 'escalation') reason = null;
      else if (!rule) reason = 'rule-removed';
      else if (p.source === 'view') {
        const want = desired.get(p.key);
        if (!want) reason = staleReason(journey.standing);
        // Same reminder, new time (the patient's zone or quiet hours changed): move the timer.
        else if (p.attempt === 1 && timer.dueAt !== want.at && want.at > now()) await schedule(journey.id, want, want.at);
      } else if (gated(rule) && !journey.standing.inCare) reason = staleReason(journey.standing);
      if (reason !== null) {
        // Recorded first: after a crash in between, the redelivered change cancels it again and
        // the record's id (the reminder and the journal entry) keeps it from being counted twice.
        await record(journey.id, p, 'cancelled', { reason, cause: entry.seq });
        await (api as PluginApi).timers.cancel(journey.id, timer.key);
      }
    }
    const due: Pending[] = [];
    for (const p of desired.values()) {
      if (pendingKeys.has(p.key)) continue;
      if (p.at > now()) await schedule(journey.id, p, p.at);
      else due.push(p);
    }
    if (due.length > 0) await catchUp(journey, due, Date.parse(entry.at));
  }

  /** Event and effect rules: planned once, scheduled or delivered now. */
  async function arrangeTriggered(journey: Journey, rule: ReminderRule, planned: readonly PlannedReminder[], source: 'event' | 'effect'): Promise<void> {
    if (gated(rule) && !journey.standing.inCare) return;
    const pendingKeys = new Set<string>();
    for (const planning of planned) {
      const p = materialize(rule, journey, planning, source);
      // After a redelivery of the same event or effect, a reminder already handled is left alone.
      if ((await log.list(journey.id, { deliveryId: p.deliveryId })).length > 0) continue;
      // Due already (the event or effect is the moment): delivered now, late if it was redelivered.
      await arrange(journey, p, pendingKeys);
      pendingKeys.add(p.key);
    }
  }

  // ------------------------------------------------------------------ firing

  /** The patient's preferences as the plugin applies them: kinds opted out of, a channel per kind. */
  async function resolvePreferences(journey: Journey): Promise<{ optOut: ReadonlySet<string>; channels: Readonly<Record<string, string>> }> {
    const none = { optOut: new Set<string>(), channels: {} };
    if (!preferencesResolver) return none;
    const raw = await preferencesResolver({ patientRef: journey.view.patientRef, journeyId: journey.id });
    if (raw === null || raw === undefined) return none;
    const parsed = reminderPreferencesSchema.safeParse(raw);
    if (parsed.success) return { optOut: new Set(parsed.data.optOut ?? []), channels: parsed.data.channels ?? {} };
    // A safety-critical opt-out (or a malformed channel) is refused: the valid parts still apply.
    const paths = parsed.error.issues.map((i) => ['preferences', ...i.path.map(String)].join('.'));
    warn({ journeyId: journey.id, code: 'CJ_ERR_INVALID_INPUT', message: `patient preferences refused at ${paths.join(', ')}: safety-critical reminders cannot be opted out of, channels must be names` });
    const given = raw as { optOut?: unknown; channels?: unknown };
    const optOut = Array.isArray(given.optOut) ? given.optOut.filter((k): k is string => typeof k === 'string' && !isSafetyCriticalKind(k)) : [];
    const channels = reminderPreferencesSchema.shape.channels.safeParse(given.channels);
    return { optOut: new Set(optOut), channels: (channels.success ? channels.data : undefined) ?? {} };
  }

  async function isConfirmed(journeyId: string, rule: ReminderRule, p: Pending): Promise<boolean> {
    for (const linked of rule.confirmationOf ?? []) {
      const deliveryId = deliveryIdOf(journeyId, reminderKey(linked, p.subject, p.aboutAt));
      if ((await log.list(journeyId, { deliveryId })).some((r) => r.outcome === 'confirmed')) return true;
    }
    return false;
  }

  /**
   * Delivers one due reminder, once: re-checks that it still applies, honours preferences, calls
   * the host, records the outcome, and schedules a retry or escalates when delivery fails.
   */
  async function fire(journeyId: string, p: Pending, scheduledFor: number, loaded?: Journey): Promise<void> {
    const prior = await log.list(journeyId, { deliveryId: p.deliveryId });
    if (prior.some((r) => FINAL.has(r.outcome))) return;
    const failed = prior.find((r) => r.outcome === 'attempt-failed' && r.attempt === p.attempt);
    if (failed) {
      // Redelivered after a crash between recording the failure and scheduling the retry.
      const next = { ...p, attempt: p.attempt + 1 };
      await schedule(journeyId, next, failed.nextAttemptAt === null ? now() : Date.parse(failed.nextAttemptAt));
      return;
    }
    const rule = ruleById.get(p.rule) ?? (p.source === 'escalation' ? ESCALATION : undefined);
    if (!rule) {
      await record(journeyId, p, 'suppressed', { reason: 'rule-removed' });
      return;
    }
    const journey = loaded ?? (await loadJourney(journeyId));
    if (!journey) {
      await record(journeyId, p, 'suppressed', { reason: 'ended' });
      return;
    }
    let current = p;
    if (p.source === 'view' && rule.on === 'view') {
      const still = stillPlanned(rule, journey, p.key, p.subject);
      if (!still) {
        await record(journeyId, p, 'suppressed', { reason: staleReason(journey.standing) });
        return;
      }
      current = { ...p, variables: still.variables };
    } else if (p.source !== 'escalation' && gated(rule) && !journey.standing.inCare) {
      await record(journeyId, p, 'suppressed', { reason: staleReason(journey.standing) });
      return;
    }
    const t = now();
    // A reminder before a moment (a session, a deadline) is pointless once the moment has passed.
    if (p.at < p.aboutAt && t >= p.aboutAt) {
      await record(journeyId, p, 'suppressed', { reason: 'expired' });
      return;
    }
    if (await isConfirmed(journeyId, rule, p)) {
      await record(journeyId, p, 'suppressed', { reason: 'confirmed' });
      return;
    }
    const preferences = rule.audience === 'patient' ? await resolvePreferences(journey) : null;
    const channel = preferences?.channels[rule.kind] ?? o.channels.byKind[rule.kind] ?? o.channels[rule.audience];
    const mayOptOut = rule.audience === 'patient' && rule.safetyNotice !== true && rule.safetyCritical !== true && !isSafetyCriticalKind(rule.kind);
    if (mayOptOut && preferences?.optOut.has(rule.kind) === true) {
      await record(journeyId, p, 'suppressed', { reason: 'opt-out', channel });
      return;
    }
    const lateMs = t - scheduledFor;
    const lateMinutes = lateMs > o.lateAfterMinutes * 60_000 ? Math.floor(lateMs / 60_000) : null;
    const message: ReminderMessage = {
      deliveryId: p.deliveryId,
      journeyId,
      patientRef: journey.view.patientRef,
      audience: rule.audience,
      kind: rule.kind as ReminderKind,
      templateKey: rule.templateKey,
      channel,
      variables: current.variables,
      attempt: p.attempt,
      late: lateMinutes !== null,
    };
    const result = await attemptDelivery(deliver, message, o.deliverTimeoutMs);
    if (result.ok) {
      await record(journeyId, p, 'delivered', { channel, lateMinutes });
      return;
    }
    if (!result.permanent && p.attempt < o.retry.maxAttempts) {
      const nextAttemptAt = t + retryDelay(p.attempt, o.retry);
      await record(journeyId, p, 'attempt-failed', { channel, lateMinutes, nextAttemptAt, errorCode: result.code });
      await schedule(journeyId, { ...p, attempt: p.attempt + 1 }, nextAttemptAt);
      return;
    }
    // Gave up. The clinic is told first, so a crash before the failure is recorded repeats the
    // escalation (de-duplicated by its delivery id) rather than losing it.
    let escalationId: string | null = null;
    if (rule.escalateOnFailure === true && p.source !== 'escalation') {
      const escalation = escalationOf(journey, rule, p);
      escalationId = escalation.deliveryId;
      await fire(journeyId, escalation, escalation.at, journey);
    }
    await record(journeyId, p, 'failed', { channel, lateMinutes, errorCode: result.code, ...(escalationId === null ? {} : { escalationId }) });
    emitter.emit('reminder.failed', { journeyId, deliveryId: p.deliveryId, rule: rule.id, kind: rule.kind, audience: rule.audience, attempts: p.attempt, escalationId });
  }

  function escalationOf(journey: Journey, rule: ReminderRule, failed: Pending): Pending {
    const at = now();
    const variables: ReminderVariables = {
      failedRule: rule.id,
      failedKind: rule.kind,
      failedAudience: rule.audience,
      failedTemplateKey: rule.templateKey,
      failedDeliveryId: failed.deliveryId,
      attempts: failed.attempt,
      aboutAt: formatLocal(failed.aboutAt, journey.clinicZone),
    };
    return materialize(ESCALATION, journey, { subject: failed.deliveryId, aboutAt: failed.aboutAt, at, variables }, 'escalation');
  }

  // ------------------------------------------------------------------ the plugin

  const plugin = definePlugin({
    name: o.name,
    setup(pluginApi) {
      if (api !== undefined) {
        throw new CareJourneyError('CJ_ERR_PLUGIN', `Plugin "${o.name}" is already registered with an engine: create one reminders plugin per engine.`, { plugin: o.name });
      }
      api = pluginApi;
      pluginApi.hooks.afterCommit(async ({ journeyId, entry }) => {
        const journey = await loadJourney(journeyId);
        if (!journey) return;
        await reconcile(journey, entry);
        for (const rule of rules) {
          if (rule.on !== 'event' || rule.event !== entry.type) continue;
          const planned = rule.plan({ ...planInput(rule, journey), entry: entry as never });
          await arrangeTriggered(journey, rule, planned, 'event');
        }
      });
      pluginApi.hooks.onEffect(async ({ journeyId, type, payload }) => {
        const matching = rules.filter((r) => r.on === 'effect' && r.effect === type);
        if (matching.length === 0) return;
        const journey = await loadJourney(journeyId);
        if (!journey) return;
        const effect: ReminderEffect = { type, payload };
        for (const rule of matching) {
          if (rule.on !== 'effect') continue;
          const planned = rule.plan({ ...planInput(rule, journey), effect });
          await arrangeTriggered(journey, rule, planned, 'effect');
        }
      });
      pluginApi.hooks.onTimer(async ({ journeyId, payload, dueAt }) => {
        const parsed = pendingSchema.safeParse(payload);
        if (!parsed.success) throw new CareJourneyError('CJ_ERR_PLUGIN', `Plugin "${o.name}" got a reminder timer it cannot read; it was dropped.`, { plugin: o.name, journeyId });
        await fire(journeyId, parsed.data, dueAt);
      });
    },
  });

  const needApi = (): PluginApi => {
    if (api === undefined) throw new CareJourneyError('CJ_ERR_PLUGIN', `Plugin "${o.name}" is not registered with an engine yet: pass it to createEngine({ plugins }).`, { plugin: o.name });
    return api;
  };
  const idSchema = z.string().min(1).max(200);

  return Object.freeze({
    ...plugin,
    log,
    rules,
    outcomes: (journeyId: string) => log.list(journeyId),
    async pending(journeyId: string): Promise<PendingReminder[]> {
      const pluginApi = needApi();
      if (!idSchema.safeParse(journeyId).success) {
        throw new CareJourneyError('CJ_ERR_INVALID_INPUT', 'pending: journeyId must be a journey id (1-200 characters)', {
          issues: [{ path: 'journeyId', rule: 'string', message: 'must be a journey id (1-200 characters)' }],
        });
      }
      const timers = (await pluginApi.timers.list(journeyId)).filter((t) => looksPending(t.payload)).sort((a, b) => a.dueAt - b.dueAt);
      return timers.map((timer) => {
        const p = timer.payload as Pending;
        const rule = ruleById.get(p.rule) ?? (p.source === 'escalation' ? ESCALATION : undefined);
        return {
          deliveryId: p.deliveryId,
          rule: p.rule,
          kind: rule?.kind ?? 'unknown',
          audience: rule?.audience ?? 'patient',
          templateKey: rule?.templateKey ?? 'unknown',
          attempt: p.attempt,
          aboutAt: iso(p.aboutAt),
          plannedAt: iso(p.at),
          dueAt: iso(timer.dueAt),
          quietHours: typeof p.movedFrom === 'number' && (p.direction === 'earlier' || p.direction === 'later') ? { movedFrom: iso(p.movedFrom), direction: p.direction } : null,
        };
      });
    },
    async confirm(journeyId: string, deliveryId: string): Promise<ReminderRecord> {
      needApi();
      const issues = [
        ...(idSchema.safeParse(journeyId).success ? [] : [{ path: 'journeyId', rule: 'string', message: 'must be a journey id (1-200 characters)' }]),
        ...(idSchema.safeParse(deliveryId).success ? [] : [{ path: 'deliveryId', rule: 'string', message: 'must be a delivery id (1-200 characters)' }]),
      ];
      if (issues.length > 0) {
        throw new CareJourneyError('CJ_ERR_INVALID_INPUT', `confirm: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`, { issues });
      }
      const records = await log.list(journeyId, { deliveryId });
      const existing = records.find((r) => r.outcome === 'confirmed');
      if (existing) return existing;
      const delivered = records.find((r) => r.outcome === 'delivered' && confirmable.has(r.rule));
      if (!delivered) {
        throw new CareJourneyError(
          'CJ_ERR_NOT_FOUND',
          `confirm: journey "${journeyId.slice(0, 200)}" has no delivered reminder with that deliveryId that asks for a confirmation (rules: ${[...confirmable].join(', ') || 'none'}).`,
          { journeyId },
        );
      }
      const p: Pending = {
        v: 1,
        rule: delivered.rule,
        source: 'view',
        key: '',
        deliveryId,
        subject: '',
        aboutAt: Date.parse(delivered.aboutAt),
        at: Date.parse(delivered.plannedAt),
        movedFrom: delivered.quietHours === null ? null : Date.parse(delivered.quietHours.movedFrom),
        direction: delivered.quietHours?.direction ?? null,
        attempt: 1,
        variables: {},
      };
      return record(journeyId, p, 'confirmed', { channel: delivered.channel });
    },
    on<K extends keyof RemindersEvents>(event: K, listener: RemindersEvents[K]): () => void {
      emitter.on(event, listener as (...args: unknown[]) => void);
      return () => void emitter.off(event, listener as (...args: unknown[]) => void);
    },
  });
}
