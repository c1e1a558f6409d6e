// What the journey report shows, worked out from a journey as the engine's public API returns it:
// the journal (timeline, state path), the view's context (assessments, sessions, holds, the
// clinic's protocol) and the delivered effects (alerts). Thresholds and limits come from the
// journey's protocol and core's `evaluateResponse`, never from numbers copied here.
import {
  evaluateResponse,
  localParts,
  type AssessmentRecord,
  type HoldRecord,
  type KetamineJourneyContext,
  type ResponseInstrument,
  type ResponseResult,
  type RouteProtocol,
  type SessionRecord,
} from '@carejourney/core';
import { shortState } from './flagship.js';
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
  readonly phase: AssessmentRecord['phase'];
  /** Compared with the baseline on the protocol's criteria (null for the baseline itself or without one). */
  readonly result: ResponseResult | null;
}

/** One instrument's totals over time, with the protocol's response and remission marks. */
export interface ScoreSeries {
  readonly instrument: ResponseInstrument;
  readonly primary: boolean;
  readonly points: readonly ScorePoint[];
  /** The baseline the journey judges response against (the latest baseline-phase total). */
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

export type BpSlot = 'pre-dose' | 'check' | 'pre-discharge';

/** Blood pressure of one session: the reading judged before the dose, the post-dose check and the last reading. */
export interface BpSession {
  readonly number: number;
  readonly phase: SessionRecord['phase'];
  readonly date: string;
  readonly dosed: boolean;
  readonly outcome: SessionRecord['outcome'];
  readonly stopped: string | null;
  readonly overridden: boolean;
  readonly preDose: BpReading | null;
  /** The post-dose reading nearest the protocol's check (e.g. about 40 min), within its tolerance window. */
  readonly check: (BpReading & { readonly minutesAfterDose: number }) | null;
  /** The last post-dose reading: before discharge, transfer, or (in progress) the latest. */
  readonly preDischarge: (BpReading & { readonly minutesAfterDose: number }) | null;
}

export interface BpLimits {
  readonly route: string;
  readonly preDose: { readonly systolic: number; readonly diastolic: number };
  readonly stopRepeated: { readonly systolic: number; readonly diastolic: number; readonly minutesApart: number };
  readonly stopSingle: { readonly systolic: number; readonly diastolic: number };
  /** Minutes after the dose of the label's re-check; null when the route has none. */
  readonly checkAtMinutes: number | null;
}

export interface AlertItem {
  readonly type: string;
  readonly kind: string;
  readonly reason: string | null;
  readonly at: LocalInstant | null;
  readonly sessionNumber: number | null;
}

export interface HoldItem {
  readonly placed: LocalInstant;
  readonly placedBy: string;
  readonly signals: readonly string[];
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

/** The instrument response is judged on for this journey: the plan's, else the protocol's for the indication. */
function primaryInstrument(context: KetamineJourneyContext): ResponseInstrument {
  return context.plan?.primaryInstrument ?? context.protocol.response.primaryInstrument[context.referral.indication];
}

function scoreSeries(context: KetamineJourneyContext, instrument: ResponseInstrument, primary: boolean): ScoreSeries {
  const zone = context.protocol.timeZone;
  const recorded = context.assessments.filter(
    (a): a is AssessmentRecord & { total: number } => a.instrument === instrument && a.total !== null,
  );
  const baselines = recorded.filter((a) => a.phase === 'baseline');
  // The journey judges response against the latest baseline-phase total (core's currentResponse).
  const baseline = baselines.reduce<(typeof recorded)[number] | null>((latest, a) => (latest === null || Date.parse(a.at) >= Date.parse(latest.at) ? a : latest), null);
  const criteria = context.protocol.response;
  const judge = (current: number) => (baseline === null ? null : evaluateResponse({ instrument, baseline: baseline.total, current }, criteria));
  const points = recorded
    .map((a) => ({ at: localInstant(a.at, zone), total: a.total, phase: a.phase, result: a.phase === 'follow-up' ? judge(a.total) : null }))
    .sort((a, b) => Date.parse(a.at.iso) - Date.parse(b.at.iso));
  const responseDropPercent = criteria.responseDropPercent[instrument];
  return {
    instrument,
    primary,
    points,
    baseline: baseline?.total ?? null,
    responseDropPercent,
    responseAtMost: baseline === null ? null : baseline.total * (1 - responseDropPercent / 100),
    remissionAtMost: criteria.remissionAtMost[instrument],
  };
}

function bpLimits(route: RouteProtocol, name: string): BpLimits {
  return {
    route: name,
    preDose: route.preDoseBpLimit,
    stopRepeated: route.stopRules.repeatedBp,
    stopSingle: route.stopRules.singleBp,
    checkAtMinutes: route.monitoring.bpCheckAtMinutes,
  };
}

function bpSession(session: SessionRecord, context: KetamineJourneyContext): BpSession {
  const zone = context.protocol.timeZone;
  const route = context.protocol.routes[session.route];
  const reading = (v: { systolic: number; diastolic: number; takenAt: string }): BpReading => ({
    systolic: v.systolic,
    diastolic: v.diastolic,
    at: localInstant(v.takenAt, zone),
  });
  const doseAt = session.dose ? Date.parse(session.dose.at) : null;
  const after = (v: { takenAt: string }) => (doseAt === null ? 0 : Math.round((Date.parse(v.takenAt) - doseAt) / MINUTE));
  // The pre-dose reading the dose was judged on is the last one recorded.
  const pre = session.preDose.vitals[session.preDose.vitals.length - 1];
  // The protocol's check window: from `tolerance` before the check to three times as long after it.
  const checkAt = route.monitoring.bpCheckAtMinutes;
  const tolerance = route.monitoring.checkToleranceMinutes;
  let check: BpSession['check'] = null;
  if (doseAt !== null && checkAt !== null) {
    for (const v of session.vitals) {
      const m = after(v);
      if (m < checkAt - tolerance || m > checkAt + 3 * tolerance) continue;
      if (check === null || Math.abs(m - checkAt) < Math.abs(check.minutesAfterDose - checkAt)) check = { ...reading(v), minutesAfterDose: m };
    }
  }
  const last = doseAt === null ? undefined : session.vitals[session.vitals.length - 1];
  return {
    number: session.number,
    phase: session.phase,
    date: localParts(Date.parse(session.dose?.at ?? session.checkedIn.at), zone).date,
    dosed: session.dose !== null,
    outcome: session.outcome,
    stopped: session.stopped ? `${session.stopped.kind}: ${session.stopped.reason}` : null,
    overridden: session.preDose.bpOverrides.length > 0,
    preDose: pre ? reading(pre) : null,
    check,
    preDischarge: last ? { ...reading(last), minutesAfterDose: after(last) } : null,
  };
}

function statePath(timeline: readonly TimelineItem[]): StateStep[] {
  const steps: { state: string; from: LocalInstant; entries: number }[] = [];
  for (const item of timeline) {
    const current = steps[steps.length - 1];
    if (current && current.state === item.state) current.entries += 1;
    else steps.push({ state: item.state, from: item.at, entries: 1 });
  }
  return steps;
}

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

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
  }));
  const primary = primaryInstrument(context);
  const instruments: ResponseInstrument[] = primary === 'GAD-7' ? ['GAD-7'] : ['GAD-7', primary];
  const sessions = [...context.sessions, ...(context.session ? [context.session] : [])].sort((a, b) => a.number - b.number);
  const routeName = context.plan?.route ?? sessions[sessions.length - 1]?.route ?? null;
  const alerts: AlertItem[] = effects
    .filter((e) => e.type.endsWith('.alert'))
    .map((e) => {
      const at = text(e.payload['at']);
      const sessionNumber = e.payload['sessionNumber'];
      return {
        type: e.type,
        kind: text(e.payload['kind']) ?? e.type,
        reason: text(e.payload['reason']),
        at: at === null ? null : localInstant(at, zone),
        sessionNumber: typeof sessionNumber === 'number' ? sessionNumber : null,
      };
    });
  const holdItem = (h: HoldRecord): HoldItem => ({
    placed: localInstant(h.at, zone),
    placedBy: h.by.role,
    signals: h.signals.map((s) => s.signal),
    review: h.review ? { at: localInstant(h.review.at, zone), by: h.review.by.role, decision: h.review.decision, reason: h.review.reason } : null,
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
    scores: instruments.map((instrument) => scoreSeries(context, instrument, instrument === primary)),
    bloodPressure: {
      limits: routeName === null ? null : bpLimits(context.protocol.routes[routeName], routeName),
      sessions: sessions.map((s) => bpSession(s, context)),
    },
    alerts,
    holds: [...context.holds, ...(context.hold ? [context.hold] : [])].map(holdItem),
    effectCounts,
  };
}
