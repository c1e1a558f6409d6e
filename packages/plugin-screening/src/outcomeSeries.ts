import { addLocalDays, evaluateResponse, type KetamineJourneyContext, type ResponseInstrument, type ResponseResult } from '@carejourney/core';
import type { InstrumentDefinition } from './instrumentDefinition.js';
import { SHIPPED_INSTRUMENTS } from './instruments/shippedInstruments.js';

/**
 * One recorded total of an instrument: when, the total, whether it is a baseline, and the
 * scored response it came from.
 *
 * @example
 * ```ts
 * const points: readonly OutcomePoint[] = report.instruments[0]?.points ?? [];
 * points.map((p) => `${p.at} ${p.total}${p.phase === 'baseline' ? ' (baseline)' : ''}`);
 * ```
 */
export interface OutcomePoint {
  readonly at: string;
  readonly total: number;
  /** `baseline` when recorded at intake. */
  readonly phase: 'baseline' | 'follow-up';
  readonly instrumentVersion: string | null;
  /** The scored response the total comes from, when it was scored (not typed in). */
  readonly responseRef: string | null;
}

/**
 * A follow-up measure a fixed time after the first dose (e.g. at 6 months).
 *
 * @example
 * ```ts
 * const followUp: FollowUpMeasure | null | undefined = outcomeSeries(view.context, { followUpAfterDays: 182 }).instruments[0]?.followUp;
 * if (followUp && followUp.point === null) console.log(`6-month measure due ${followUp.dueAt}`);
 * ```
 */
export interface FollowUpMeasure {
  readonly dueAt: string;
  /** The first follow-up total on or after `dueAt`; null while none is recorded. */
  readonly point: OutcomePoint | null;
  readonly change: number | null;
  readonly response: ResponseResult | null;
}

/**
 * The course of one instrument over a journey: every total, the baseline, the latest follow-up,
 * the change and whether it matters, and the response judgement.
 *
 * @example
 * ```ts
 * const gad7: InstrumentOutcome | undefined = report.instruments.find((i) => i.instrument === 'GAD-7');
 * gad7?.change; // e.g. -9: nine points lower than baseline
 * gad7?.importantChange; // 'improved' when the drop reaches the minimal important difference
 * ```
 */
export interface InstrumentOutcome {
  readonly instrument: ResponseInstrument;
  /** Every total, oldest first. */
  readonly points: readonly OutcomePoint[];
  /** The baseline the journey judges response on: the latest baseline total. */
  readonly baseline: OutcomePoint | null;
  /** The latest follow-up total. */
  readonly latest: OutcomePoint | null;
  /** `latest - baseline` (negative is a drop); null without both. */
  readonly change: number | null;
  /** The instrument's minimal important difference (GAD-7: 4 points), when known. */
  readonly minimalImportantDifference: number | null;
  /** Whether the change reaches the minimal important difference, and in which direction. */
  readonly importantChange: 'improved' | 'worsened' | 'unchanged' | null;
  /** Core's `evaluateResponse` on the clinic's protocol thresholds (latest against baseline). */
  readonly response: ResponseResult | null;
  /** The follow-up measure, when asked for and a dose has been given. */
  readonly followUp: FollowUpMeasure | null;
}

/**
 * The outcome series of a journey: its primary instrument and the course of every instrument
 * with a recorded total, as {@link outcomeSeries} and `screening.outcomes` return it.
 *
 * @example
 * ```ts
 * const report: OutcomeReport = await screening.outcomes(journeyId);
 * const primary = report.instruments.find((i) => i.instrument === report.primaryInstrument);
 * primary?.response?.responded;
 * ```
 */
export interface OutcomeReport {
  /** The instrument response is judged on for this journey (plan, else protocol per indication). */
  readonly primaryInstrument: ResponseInstrument;
  /** One entry per instrument with at least one total; the primary instrument first. */
  readonly instruments: readonly InstrumentOutcome[];
}

/**
 * Options of {@link outcomeSeries}: the instrument definitions to read minimal important
 * differences from, and an optional follow-up measure.
 *
 * @example
 * ```ts
 * const options: OutcomeOptions = { instruments: [...SHIPPED_INSTRUMENTS, wellbeing], followUpAfterDays: 182 };
 * outcomeSeries(view.context, options);
 * ```
 */
export interface OutcomeOptions {
  /** Definitions to read minimal important differences from (default: the shipped ones). */
  readonly instruments?: readonly InstrumentDefinition[];
  /** Report a follow-up measure this many days after the first dose (182 for 6 months); off when left out. */
  readonly followUpAfterDays?: number;
}

/**
 * The first dose of the journey (epoch ms), from its finished sessions and the one in progress;
 * null before any dose.
 *
 * @example
 * ```ts
 * const first = firstDoseAt((await engine.get(id)).context);
 * ```
 */
export function firstDoseAt(context: KetamineJourneyContext): number | null {
  let first: number | null = null;
  for (const s of [...context.sessions, ...(context.session ? [context.session] : [])]) {
    if (s.dose) {
      const at = Date.parse(s.dose.at);
      if (first === null || at < first) first = at;
    }
  }
  return first;
}

/**
 * The outcome series of a journey: per instrument every total, the baseline, the latest
 * follow-up, the change since baseline and whether it reaches the minimal important difference,
 * response and remission through core's `evaluateResponse` with the journey's own protocol
 * thresholds (the same judgement the journey's response review makes), and an optional follow-up
 * measure (e.g. 6 months after the first dose).
 *
 * @example
 * ```ts
 * const report = outcomeSeries((await engine.get(id)).context, { followUpAfterDays: 182 });
 * report.instruments[0]?.response?.responded;
 * ```
 */
export function outcomeSeries(context: KetamineJourneyContext, options: OutcomeOptions = {}): OutcomeReport {
  const mids = new Map<string, number>();
  for (const def of options.instruments ?? SHIPPED_INSTRUMENTS) {
    if (def.journey?.event === 'assessment.recorded' && def.minimalImportantDifference !== undefined) mids.set(def.journey.instrument, def.minimalImportantDifference);
  }
  const primaryInstrument = context.plan?.primaryInstrument ?? context.protocol.response.primaryInstrument[context.referral.indication];
  const byInstrument = new Map<ResponseInstrument, OutcomePoint[]>();
  for (const a of context.assessments) {
    if (a.instrument === 'C-SSRS' || a.total === null) continue;
    const points = byInstrument.get(a.instrument) ?? [];
    points.push({ at: a.at, total: a.total, phase: a.phase, instrumentVersion: a.instrumentVersion ?? null, responseRef: a.responseRef ?? null });
    byInstrument.set(a.instrument, points);
  }
  const doseAt = firstDoseAt(context);
  const dueAt = options.followUpAfterDays === undefined || doseAt === null ? null : addLocalDays(doseAt, options.followUpAfterDays, context.protocol.timeZone);

  const instruments: InstrumentOutcome[] = [];
  for (const [instrument, recorded] of byInstrument) {
    // The journey takes the latest of equal times as the later one: keep recording order on ties.
    const points = recorded.map((p, i) => ({ p, i })).sort((a, b) => Date.parse(a.p.at) - Date.parse(b.p.at) || a.i - b.i).map((x) => x.p);
    const last = (phase: OutcomePoint['phase']) => points.filter((p) => p.phase === phase).at(-1) ?? null;
    const baseline = last('baseline');
    const latest = last('follow-up');
    const judge = (current: OutcomePoint | null) =>
      baseline && current ? evaluateResponse({ instrument, baseline: baseline.total, current: current.total }, context.protocol.response) : null;
    const change = baseline && latest ? latest.total - baseline.total : null;
    const mid = mids.get(instrument) ?? null;
    let followUp: FollowUpMeasure | null = null;
    if (dueAt !== null) {
      const point = points.find((p) => p.phase === 'follow-up' && Date.parse(p.at) >= dueAt) ?? null;
      followUp = { dueAt: new Date(dueAt).toISOString(), point, change: baseline && point ? point.total - baseline.total : null, response: judge(point) };
    }
    instruments.push({
      instrument,
      points,
      baseline,
      latest,
      change,
      minimalImportantDifference: mid,
      importantChange: change === null || mid === null ? null : change <= -mid ? 'improved' : change >= mid ? 'worsened' : 'unchanged',
      response: judge(latest),
      followUp,
    });
  }
  instruments.sort((a, b) => Number(b.instrument === primaryInstrument) - Number(a.instrument === primaryInstrument));
  return { primaryInstrument, instruments };
}
