// What the journey report shows, worked out from a journey as the engine's public API returns it.
// The journal is the whole record (the view's context keeps only recent summaries over a long
// course): timeline, state path, every assessment, every reading of every session and every hold
// come from it. The view gives the clinic's protocol (thresholds and limits, through core's
// `evaluateResponse`, never numbers copied here) and names sessions and hold signals where its
// recent records reach; the delivered effects give the alerts.
import {
  evaluateResponse,
  localParts,
  type HoldRecord,
  type JournalEntry,
  type KetamineJourneyContext,
  type ResponseInstrument,
  type ResponseResult,
  type RouteProtocol,
} from '@carejourney/core';
import { eventFacts } from './eventFacts.js';
import { shortState } from './timeline.js';
import type { ReportSource } from './reportJourneys.js';

/** An instant in the clinic's zone. */
export interface LocalInstant {
  readonly iso: string;
  /** `YYYY-MM-DD` in the clinic's zone. */
  readonly date: string;
  /** `HH:MM` in the clinic's zone. */
  readonly time: string;
}

export interface TimelineItem {
  readonly seq: number;
  readonly at: LocalInstant;
  readonly actorRole: string;
  readonly actorId: string;
  readonly event: string;
  readonly kind: 'start' | 'event' | 'timer';
  /** The state the event led to, shortened for reading. */
  readonly state: string;
  /** What the event recorded, in short phrases (`eventFacts`): readings, doses, decisions, reasons; never notes or outside references. */
  readonly facts: readonly string[];
}

/** A stretch of the journey spent in one state. */
export interface StateStep {
  readonly state: string;
  readonly from: LocalInstant;
  /** Journal entries applied while the journey stayed in this state (the one that entered it included). */
  readonly entries: number;
}

export interface ScorePoint {
  readonly at: LocalInstant;
  readonly total: number;
  /** `baseline` when recorded during intake. */
  readonly phase: 'baseline' | 'follow-up';
  /** Compared with the baseline on the protocol's criteria (null for a baseline, or without one). */
  readonly result: ResponseResult | null;
}

/** One instrument's totals over time, with the protocol's response and remission marks. */
export interface ScoreSeries {
  readonly instrument: ResponseInstrument;
  readonly primary: boolean;
  readonly points: readonly ScorePoint[];
  /** The baseline the journey judges response against (the latest baseline total). */
  readonly baseline: number | null;
  /** The protocol's response criterion: a drop of at least this percentage from baseline. */
  readonly responseDropPercent: number;
  /** Totals at or below this are a response (baseline less the response drop); null without a baseline. */
  readonly responseAtMost: number | null;
  /** Totals at or below this are remission; null when the protocol sets none for the instrument. */
  readonly remissionAtMost: number | null;
}

export interface BpReading {
  readonly systolic: number;
  readonly diastolic: number;
  readonly at: LocalInstant;
}

/** A post-dose reading: when it was taken, counted from the dose. */
export interface BpReadingAfterDose extends BpReading {
  readonly minutesAfterDose: number;
}

/**
 * Why a reading is in the report: the pre-dose reading the dose was judged on, the protocol's
 * post-dose check (about 40 min), a reading above a stop-rule limit, and the last reading, named by
 * how the session ended: before discharge, at the transfer, or the latest while it goes on.
 */
export type BpRole = 'pre-dose' | 'check' | 'stop-rule' | 'pre-discharge' | 'at-transfer' | 'latest';

/** One reading the chart draws, once, with every role it plays (a ~40 min check may also be the last before a transfer). */
export interface BpPoint extends BpReading {
  /** Null for the pre-dose reading. */
  readonly minutesAfterDose: number | null;
  readonly roles: readonly BpRole[];
}

/** Blood pressure of one session (one check-in): every reading that matters, each with its roles. */
export interface BpSession {
  /** Counts check-ins from 1: identifies the session in the page. */
  readonly visit: number;
  /** The schedule's session number, where the view's recent sessions name it. */
  readonly number: number | null;
  readonly date: string;
  readonly dosed: boolean;
  /** How the session ended (`completed`, `transferred`, `aborted`, `cancelled`), or `in-progress`. */
  readonly outcome: string;
  /** Why a dosed session stopped early, where the view's recent sessions say. */
  readonly stopped: string | null;
  readonly overridden: boolean;
  /** The pre-dose reading the dose was judged on (the last one recorded). */
  readonly preDose: BpReading | null;
  /** The post-dose reading nearest the protocol's check (e.g. about 40 min), within its tolerance window. */
  readonly check: BpReadingAfterDose | null;
  /** Post-dose readings above a stop-rule limit of the protocol (systolic or diastolic), in time order. */
  readonly aboveStopLimit: readonly BpReadingAfterDose[];
  /** The last post-dose reading, and what it came last before. */
  readonly last: (BpReadingAfterDose & { readonly role: 'pre-discharge' | 'at-transfer' | 'latest' }) | null;
  /** The readings above, each once, in time order: what the chart draws. */
  readonly points: readonly BpPoint[];
}

/** The blood-pressure limits of the route's protocol, as the clinic configured them. */
export interface BpLimits {
  readonly route: string;
  /** Above it, a dose needs a physician's recorded override. */
  readonly preDose: { readonly systolic: number; readonly diastolic: number };
  /** Readings before discharge must be within it (or near the pre-dose reading). */
  readonly discharge: { readonly systolic: number; readonly diastolic: number };
  readonly stopRepeated: { readonly systolic: number; readonly diastolic: number; readonly minutesApart: number };
  readonly stopSingle: { readonly systolic: number; readonly diastolic: number };
  /** Minutes after the dose of the label's re-check; null when the route has none. */
  readonly checkAtMinutes: number | null;
}

export interface AlertItem {
  readonly type: string;
  readonly kind: string;
  readonly reason: string | null;
  /** The hold signal, for hold alerts. */
  readonly signal: string | null;
  readonly at: LocalInstant | null;
  readonly sessionNumber: number | null;
}

/** A stretch of the journey on hold, from the journal's states. */
export interface HoldItem {
  /** When treatment went on hold, who sent the event that put it there, and which event. */
  readonly placed: LocalInstant;
  readonly placedBy: string;
  readonly placedByEvent: string;
  /** The signals behind the hold (from the view's hold records, else from the hold alerts). */
  readonly signals: readonly string[];
  /** How the hold ended: a clinician's review, or the journey's ending; null while it lasts. */
  readonly review: { readonly at: LocalInstant; readonly by: string; readonly decision: string; readonly reason: string } | null;
}

/** Everything the report page shows. */
export interface ReportData {
  readonly title: string;
  readonly journeyId: string;
  readonly patientRef: string;
  readonly definition: string;
  readonly timeZone: string;
  readonly route: string | null;
  readonly indication: string;
  readonly state: string;
  readonly phase: string;
  readonly status: string;
  readonly timeline: readonly TimelineItem[];
  readonly statePath: readonly StateStep[];
  readonly scores: readonly ScoreSeries[];
  readonly bloodPressure: { readonly limits: BpLimits | null; readonly sessions: readonly BpSession[] };
  readonly alerts: readonly AlertItem[];
  readonly holds: readonly HoldItem[];
  readonly effectCounts: Readonly<Record<string, number>>;
}

const MINUTE = 60_000;

function localInstant(iso: string, timeZone: string): LocalInstant {
  const { date, time } = localParts(Date.parse(iso), timeZone);
  return { iso, date, time };
}

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

/** The leaves of a journal state (`a.b|c.d`), each as its path segments. */
const leaves = (state: string | null): string[][] => (state === null ? [] : state.split('|').map((leaf) => leaf.split('.')));
const inState = (state: string | null, segment: string): boolean => leaves(state).some((path) => path.includes(segment));
const inIntake = (state: string | null): boolean => (state ?? '').split('|').some((leaf) => leaf.startsWith('care.clinical.intake'));

/** The instrument response is judged on for this journey: the plan's, else the protocol's for the indication. */
function primaryInstrument(context: KetamineJourneyContext): ResponseInstrument {
  return context.plan?.primaryInstrument ?? context.protocol.response.primaryInstrument[context.referral.indication];
}

function scoreSeries(journal: readonly JournalEntry[], context: KetamineJourneyContext, instrument: ResponseInstrument, primary: boolean): ScoreSeries {
  const zone = context.protocol.timeZone;
  // Every recorded total, from the journal: results recorded during intake are baselines.
  const recorded = journal.flatMap((e) => {
    const total = num(e.payload['total']);
    if (e.type !== 'assessment.recorded' || e.payload['instrument'] !== instrument || total === null) return [];
    return [{ at: e.at, total, phase: inIntake(e.from) ? ('baseline' as const) : ('follow-up' as const) }];
  });
  // The journey judges response against the latest baseline (core's currentResponse).
  const baseline = recorded.filter((a) => a.phase === 'baseline').at(-1)?.total ?? null;
  const criteria = context.protocol.response;
  const judge = (current: number) => (baseline === null ? null : evaluateResponse({ instrument, baseline, current }, criteria));
  const responseDropPercent = criteria.responseDropPercent[instrument];
  return {
    instrument,
    primary,
    points: recorded.map((a) => ({ at: localInstant(a.at, zone), total: a.total, phase: a.phase, result: a.phase === 'follow-up' ? judge(a.total) : null })),
    baseline,
    responseDropPercent,
    responseAtMost: baseline === null ? null : baseline * (1 - responseDropPercent / 100),
    remissionAtMost: criteria.remissionAtMost[instrument],
  };
}

function bpLimits(route: RouteProtocol, name: string): BpLimits {
  return {
    route: name,
    preDose: route.preDoseBpLimit,
    discharge: route.discharge.bpLimit,
    stopRepeated: route.stopRules.repeatedBp,
    stopSingle: route.stopRules.singleBp,
    checkAtMinutes: route.monitoring.bpCheckAtMinutes,
  };
}

interface Reading {
  readonly systolic: number;
  readonly diastolic: number;
  readonly takenAt: string;
}

/** One check-in as the journal tells it: from `session.checkedIn` until the journey leaves the session. */
interface JournalSession {
  readonly checkedInAt: string;
  readonly preDose: Reading[];
  readonly post: Reading[];
  overridden: boolean;
  doseAt: string | null;
  /** The event that ended it and when, or null while it goes on. */
  end: { readonly type: string; readonly at: string } | null;
}

const ENDINGS: Readonly<Record<string, string>> = {
  'session.discharged': 'completed',
  'session.escalated': 'transferred',
  'session.aborted': 'aborted',
  'session.cancelled': 'cancelled',
  'session.noShow': 'no-show',
};

function journalSessions(journal: readonly JournalEntry[]): JournalSession[] {
  const sessions: JournalSession[] = [];
  const reading = (e: JournalEntry, takenAt: string): Reading | null => {
    const systolic = num(e.payload['systolic']);
    const diastolic = num(e.payload['diastolic']);
    return systolic === null || diastolic === null ? null : { systolic, diastolic, takenAt };
  };
  for (const e of journal) {
    if (e.type === 'session.checkedIn') {
      sessions.push({ checkedInAt: e.at, preDose: [], post: [], overridden: false, doseAt: null, end: null });
      continue;
    }
    const current = sessions.at(-1);
    if (!current || current.end !== null) continue;
    if (e.type === 'predose.vitalsRecorded') {
      const r = reading(e, e.at);
      if (r) current.preDose.push(r);
    } else if (e.type === 'predose.bpOverridden') current.overridden = true;
    else if (e.type === 'dose.recorded') current.doseAt = e.at;
    else if (e.type === 'monitoring.vitalsRecorded' && current.doseAt !== null) {
      // A reading counts at its own time, never later than the event (core's readingTime).
      const takenAt = text(e.payload['takenAt']);
      const r = reading(e, takenAt === null ? e.at : new Date(Math.min(Date.parse(takenAt), Date.parse(e.at))).toISOString());
      if (r) current.post.push(r);
    }
    if (!inState(e.to, 'session')) current.end = { type: e.type, at: e.at };
  }
  for (const s of sessions) s.post.sort((a, b) => Date.parse(a.takenAt) - Date.parse(b.takenAt));
  return sessions;
}

function bpSession(session: JournalSession, visit: number, context: KetamineJourneyContext, route: RouteProtocol | null): BpSession {
  const zone = context.protocol.timeZone;
  const reading = (v: Reading): BpReading => ({ systolic: v.systolic, diastolic: v.diastolic, at: localInstant(v.takenAt, zone) });
  const doseAt = session.doseAt === null ? null : Date.parse(session.doseAt);
  const after = (v: Reading) => (doseAt === null ? 0 : Math.round((Date.parse(v.takenAt) - doseAt) / MINUTE));
  // The view's recent sessions name the session and say whether it stopped early.
  const known =
    context.session?.checkedIn.at === session.checkedInAt
      ? { number: context.session.number, stopped: context.session.stopped, outcome: context.session.outcome }
      : context.sessions.find((s) => s.checkedInAt === session.checkedInAt);
  // The pre-dose reading the dose was judged on is the last one recorded.
  const pre = session.preDose.at(-1);
  // The protocol's check window: from `tolerance` before the check to three times as long after it.
  const checkAt = route?.monitoring.bpCheckAtMinutes ?? null;
  const tolerance = route?.monitoring.checkToleranceMinutes ?? 0;
  let checkReading: Reading | null = null;
  if (checkAt !== null) {
    for (const v of session.post) {
      const m = after(v);
      if (m < checkAt - tolerance || m > checkAt + 3 * tolerance) continue;
      if (checkReading === null || Math.abs(m - checkAt) < Math.abs(after(checkReading) - checkAt)) checkReading = v;
    }
  }
  // Above either stop-rule limit, compared as core's stop rules compare (systolic or diastolic above).
  const limits = route === null ? [] : [route.stopRules.repeatedBp, route.stopRules.singleBp];
  const aboveStop = session.post.filter((v) => limits.some((l) => v.systolic > l.systolic || v.diastolic > l.diastolic));
  const lastReading = session.post.at(-1) ?? null;
  // Named by how the session ended: a dosed session ends by discharge or by a recorded transfer.
  const lastRole = session.end === null ? 'latest' : session.end.type === 'session.escalated' ? 'at-transfer' : 'pre-discharge';
  const afterDose = (v: Reading): BpReadingAfterDose => ({ ...reading(v), minutesAfterDose: after(v) });

  // Each reading once, with every role it plays, in the order they were taken.
  const roles = new Map<Reading, BpRole[]>();
  const mark = (v: Reading | null | undefined, role: BpRole) => {
    if (v) roles.set(v, [...(roles.get(v) ?? []), role]);
  };
  mark(pre, 'pre-dose');
  for (const v of aboveStop) mark(v, 'stop-rule');
  mark(checkReading, 'check');
  mark(lastReading, lastRole);
  const points: BpPoint[] = [...(pre ? [pre] : []), ...session.post]
    .filter((v) => roles.has(v))
    .map((v) => ({ ...reading(v), minutesAfterDose: v === pre ? null : after(v), roles: roles.get(v) ?? [] }));
  return {
    visit,
    number: known?.number ?? null,
    date: localParts(Date.parse(session.doseAt ?? session.checkedInAt), zone).date,
    dosed: session.doseAt !== null,
    outcome: known?.outcome ?? (session.end === null ? 'in-progress' : (ENDINGS[session.end.type] ?? `ended by ${session.end.type}`)),
    stopped: known?.stopped ? `${known.stopped.kind}: ${known.stopped.reason}` : null,
    overridden: session.overridden,
    preDose: pre ? reading(pre) : null,
    check: checkReading ? afterDose(checkReading) : null,
    aboveStopLimit: aboveStop.map(afterDose),
    last: lastReading ? { ...afterDose(lastReading), role: lastRole } : null,
    points,
  };
}

/** Stretches on hold: from the entry that put the clinical state on hold to the one that left it. */
function holdsFrom(journal: readonly JournalEntry[], context: KetamineJourneyContext, alerts: readonly AlertItem[]): HoldItem[] {
  const zone = context.protocol.timeZone;
  const onHold = (state: string | null) => inState(state, 'onHold');
  const records: HoldRecord[] = [...context.holds, ...(context.hold ? [context.hold] : [])];
  const holds: HoldItem[] = [];
  let open: { entry: JournalEntry; since: string } | null = null;
  let previousEnd = '';
  for (const e of journal) {
    if (open === null && onHold(e.to) && !onHold(e.from)) open = { entry: e, since: previousEnd };
    else if (open !== null && !onHold(e.to)) {
      holds.push(holdItem(open.entry, open.since, e));
      previousEnd = e.at;
      open = null;
    }
  }
  if (open !== null) holds.push(holdItem(open.entry, open.since, null));
  return holds;

  function holdItem(placed: JournalEntry, since: string, ended: JournalEntry | null): HoldItem {
    // The view's records of recent holds name their signals; older holds fall back to the hold alerts.
    const record = ended === null ? context.hold : records.find((h) => h.review?.at === ended.at);
    const signals =
      record?.signals.map((s) => s.signal) ??
      alerts.filter((a) => a.kind === 'hold' && a.signal !== null && a.at !== null && a.at.iso > since && a.at.iso <= placed.at).map((a) => a.signal as string);
    const reason = ended ? (text(ended.payload['reason']) ?? '') : '';
    return {
      placed: localInstant(placed.at, zone),
      placedBy: placed.actor.role,
      placedByEvent: placed.type,
      signals,
      review: ended
        ? { at: localInstant(ended.at, zone), by: ended.actor.role, decision: text(ended.payload['decision']) ?? ended.type, reason }
        : null,
    };
  }
}

function statePath(timeline: readonly TimelineItem[]): StateStep[] {
  const steps: { state: string; from: LocalInstant; entries: number }[] = [];
  for (const item of timeline) {
    const current = steps.at(-1);
    if (current && current.state === item.state) current.entries += 1;
    else steps.push({ state: item.state, from: item.at, entries: 1 });
  }
  return steps;
}

/**
 * Works out the report of one journey.
 *
 * @example
 * ```ts
 * const data = reportData(await reportJourneys.flagship.load());
 * data.scores[0]?.points.length; // GAD-7 totals recorded
 * ```
 */
export function reportData(source: ReportSource): ReportData {
  const { view, journal, effects } = source;
  const context = view.context;
  const zone = context.protocol.timeZone;
  const timeline: TimelineItem[] = journal.map((entry) => ({
    seq: entry.seq,
    at: localInstant(entry.at, zone),
    actorRole: entry.actor.role,
    actorId: entry.actor.id,
    event: entry.type,
    kind: entry.kind,
    state: shortState(entry.to),
    facts: eventFacts(entry.type, entry.payload, zone),
  }));
  const primary = primaryInstrument(context);
  const instruments: ResponseInstrument[] = primary === 'GAD-7' ? ['GAD-7'] : ['GAD-7', primary];
  const routeName = context.plan?.route ?? context.session?.route ?? context.sessions.at(-1)?.route ?? null;
  const route = routeName === null ? null : context.protocol.routes[routeName];
  const alerts: AlertItem[] = effects
    .filter((e) => e.type.endsWith('.alert'))
    .map((e) => {
      const at = text(e.payload['at']);
      return {
        type: e.type,
        kind: text(e.payload['kind']) ?? e.type,
        reason: text(e.payload['reason']),
        signal: text(e.payload['signal']),
        at: at === null ? null : localInstant(at, zone),
        sessionNumber: num(e.payload['sessionNumber']),
      };
    });
  const effectCounts: Record<string, number> = {};
  for (const e of effects) effectCounts[e.type] = (effectCounts[e.type] ?? 0) + 1;
  return {
    title: source.title,
    journeyId: view.id,
    patientRef: view.patientRef,
    definition: `${view.definitionId} v${view.definitionVersion}`,
    timeZone: zone,
    route: routeName,
    indication: context.referral.indication,
    state: shortState(view.stateLabel),
    phase: view.phase,
    status: view.status,
    timeline,
    statePath: statePath(timeline),
    scores: instruments.map((instrument) => scoreSeries(journal, context, instrument, instrument === primary)),
    bloodPressure: {
      limits: route === null || routeName === null ? null : bpLimits(route, routeName),
      sessions: journalSessions(journal).map((s, i) => bpSession(s, i + 1, context, route)),
    },
    alerts,
    holds: holdsFrom(journal, context, alerts),
    effectCounts,
  };
}
