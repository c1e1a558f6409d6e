// The report's charts as inline SVG strings: d3-scale for the axes, d3-shape for the line, and the
// escaping markup builder for the elements. No script runs in the page.
import { scaleBand, scaleLinear, scalePoint, scaleUtc } from 'd3-scale';
import { line } from 'd3-shape';
import { atLocalTime } from '@carejourney/core';
import type { BpLimits, BpSession, BpSlot, ScoreSeries } from './reportData.js';
import { el, join, type Markup } from './reportMarkup.js';

const DAY = 86_400_000;
const M = { top: 16, right: 200, bottom: 44, left: 44 };

function horizontalRule(y: number, x0: number, x1: number, cls: string, label: string): Markup {
  return el(
    'g',
    { class: `rule ${cls}` },
    el('line', { x1: x0, x2: x1, y1: y, y2: y }),
    el('text', { x: x1 + 6, y: y + 4 }, label),
  );
}

function yAxis(y: (v: number) => number, ticks: readonly number[], x0: number, x1: number, label: string): Markup {
  return el(
    'g',
    { class: 'axis y' },
    ticks.map((t) => el('g', {}, el('line', { class: 'grid', x1: x0, x2: x1, y1: y(t), y2: y(t) }), el('text', { x: x0 - 6, y: y(t) + 4, 'text-anchor': 'end' }, t))),
    el('text', { class: 'axis-label', x: 0, y: 0, transform: `translate(12 ${(y(ticks[0] ?? 0) + y(ticks[ticks.length - 1] ?? 0)) / 2}) rotate(-90)`, 'text-anchor': 'middle' }, label),
  );
}

/**
 * One instrument's totals over time, with the baseline, the response mark and the remission mark
 * from the journey's protocol. Every total is one `circle.score-point`.
 *
 * @example
 * ```ts
 * const svg = scoreChart(data.scores[0]!, data.timeZone).html;
 * ```
 */
export function scoreChart(series: ScoreSeries, timeZone: string): Markup {
  const width = 760;
  const height = 280;
  const x0 = M.left;
  const x1 = width - M.right;
  const y0 = height - M.bottom;
  const y1 = M.top;
  const times = series.points.map((p) => Date.parse(p.at.iso));
  const first = Math.min(...times);
  const last = Math.max(...times);
  // One point (or none) still gets a readable week around it.
  const span = times.length === 0 ? [Date.parse('2026-01-01'), Date.parse('2026-01-08')] : last - first < DAY ? [first - 3 * DAY, last + 3 * DAY] : [first, last];
  const x = scaleUtc()
    .domain([new Date(span[0] ?? 0), new Date(span[1] ?? 0)])
    .range([x0 + 12, x1 - 12]);
  const top = Math.max(...series.points.map((p) => p.total), series.baseline ?? 0, series.remissionAtMost ?? 0, 1);
  const y = scaleLinear().domain([0, top]).nice().range([y0, y1]);
  const path = line<{ t: number; v: number }>()
    .x((d) => x(new Date(d.t)))
    .y((d) => y(d.v));
  const rules: Markup[] = [];
  if (series.baseline !== null) rules.push(horizontalRule(y(series.baseline), x0, x1, 'baseline', `baseline ${series.baseline}`));
  if (series.responseAtMost !== null) {
    rules.push(
      horizontalRule(y(series.responseAtMost), x0, x1, 'response', `response: ≤ ${formatScore(series.responseAtMost)} (${series.responseDropPercent}% drop)`),
    );
  }
  if (series.remissionAtMost !== null) rules.push(horizontalRule(y(series.remissionAtMost), x0, x1, 'remission', `remission: ≤ ${series.remissionAtMost}`));
  // d3 picks round calendar dates (in UTC); each tick is drawn at that date's midnight in the
  // clinic's zone, so the labels are the clinic's dates.
  const [from, to] = x.domain().map((d) => d.getTime()) as [number, number];
  const xTicks = x
    .ticks(Math.min(8, Math.max(3, Math.round((to - from) / (7 * DAY)) + 1)))
    .map((t) => {
      const date = t.toISOString().slice(0, 10);
      return { date, at: atLocalTime(date, '00:00', timeZone) };
    })
    .filter((t) => t.at >= from && t.at <= to);
  return el(
    'svg',
    {
      class: 'chart score-chart',
      'data-instrument': series.instrument,
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      role: 'img',
      'aria-label': `${series.instrument} totals over time`,
      xmlns: 'http://www.w3.org/2000/svg',
    },
    el('title', {}, `${series.instrument} totals over time`),
    yAxis(y, y.ticks(6), x0, x1, series.instrument),
    el(
      'g',
      { class: 'axis x' },
      el('line', { x1: x0, x2: x1, y1: y0, y2: y0 }),
      xTicks.map((t) =>
        el('g', {}, el('line', { class: 'tick', x1: x(new Date(t.at)), x2: x(new Date(t.at)), y1: y0, y2: y0 + 4 }), el('text', { x: x(new Date(t.at)), y: y0 + 18, 'text-anchor': 'middle' }, t.date.slice(5))),
      ),
      el('text', { class: 'axis-label', x: (x0 + x1) / 2, y: y0 + 36, 'text-anchor': 'middle' }, `date (${timeZone})`),
    ),
    rules,
    el('path', { class: 'series', d: path(series.points.map((p) => ({ t: Date.parse(p.at.iso), v: p.total }))) ?? '' }),
    series.points.map((p) => el('text', { class: 'score-label', x: x(new Date(p.at.iso)), y: y(p.total) - 9, 'text-anchor': 'middle' }, p.total)),
    series.points.map((p) =>
      el(
        'circle',
        {
          class: `score-point ${p.phase}${p.result?.responded ? ' responded' : ''}${p.result?.remission ? ' remission' : ''}`,
          'data-total': p.total,
          'data-phase': p.phase,
          cx: x(new Date(p.at.iso)),
          cy: y(p.total),
          r: 5,
        },
        el(
          'title',
          {},
          `${series.instrument} ${p.total} on ${p.at.date} ${p.at.time} (${p.phase})` +
            (p.result ? `: ${p.result.dropPercent ?? '-'}% drop, ${p.result.responded ? 'response' : 'no response'}${p.result.remission ? ', remission' : ''}` : ''),
        ),
      ),
    ),
  );
}

function formatScore(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

/** `#3` for a session the view names, `visit 3` (the third check-in) for an older one. */
export function sessionLabel(s: Pick<BpSession, 'number' | 'visit'>): string {
  return s.number === null ? `visit ${s.visit}` : `#${s.number}`;
}

const SLOTS: readonly BpSlot[] = ['pre-dose', 'check', 'pre-discharge'];

/**
 * Blood pressure per session: the pre-dose reading, the post-dose check (about 40 min) and the
 * reading before discharge, each a bar from diastolic to systolic (`g.bp-point`), with the
 * protocol's pre-dose limit and stop-rule limits drawn.
 *
 * @example
 * ```ts
 * const svg = bpChart(data.bloodPressure.sessions, data.bloodPressure.limits!).html;
 * ```
 */
export function bpChart(sessions: readonly BpSession[], limits: BpLimits): Markup {
  const band = 84;
  const slotLabel = (which: BpSlot) => (which === 'pre-dose' ? 'pre' : which === 'check' ? `${limits.checkAtMinutes ?? '-'}′` : 'end');
  const x0 = M.left;
  const x1 = x0 + Math.max(520, band * sessions.length);
  const width = x1 + M.right;
  const height = 320;
  const y0 = height - M.bottom;
  const y1 = M.top;
  const x = scaleBand<number>()
    .domain(sessions.map((s) => s.visit))
    .range([x0, x1])
    .paddingInner(0.2)
    .paddingOuter(0.1);
  const slot = scalePoint<BpSlot>().domain(SLOTS).range([0, x.bandwidth()]).padding(0.5);
  const readings = sessions.flatMap((s) => [s.preDose, s.check, s.preDischarge]).filter((r) => r !== null);
  const high = Math.max(limits.stopRepeated.systolic, ...readings.map((r) => r.systolic));
  const low = Math.min(limits.preDose.diastolic, ...readings.map((r) => r.diastolic));
  const y = scaleLinear()
    .domain([Math.max(0, low - 20), high + 10])
    .nice()
    .range([y0, y1]);
  const rules = [
    horizontalRule(y(limits.preDose.systolic), x0, x1, 'limit', `pre-dose limit ${limits.preDose.systolic} systolic`),
    horizontalRule(y(limits.preDose.diastolic), x0, x1, 'limit', `pre-dose limit ${limits.preDose.diastolic} diastolic`),
    horizontalRule(y(limits.stopRepeated.systolic), x0, x1, 'stop', `stop: ${limits.stopRepeated.systolic} systolic twice`),
    horizontalRule(y(limits.stopRepeated.diastolic), x0, x1, 'stop', `stop: ${limits.stopRepeated.diastolic} diastolic twice`),
  ];
  if (limits.stopSingle.systolic <= y.domain()[1]!) {
    rules.push(horizontalRule(y(limits.stopSingle.systolic), x0, x1, 'stop single', `stop: ${limits.stopSingle.systolic} systolic once`));
  }
  const point = (s: BpSession, which: BpSlot) => {
    const r = which === 'pre-dose' ? s.preDose : which === 'check' ? s.check : s.preDischarge;
    if (r === null) return null;
    const cx = (x(s.visit) ?? 0) + (slot(which) ?? 0);
    const when = 'minutesAfterDose' in r ? `${r.minutesAfterDose} min after the dose` : 'before the dose';
    return el(
      'g',
      { class: `bp-point ${which}`, 'data-session': s.visit, 'data-slot': which, 'data-systolic': r.systolic, 'data-diastolic': r.diastolic },
      el('title', {}, `${sessionLabel(s)}, ${which}: ${r.systolic}/${r.diastolic} at ${r.at.time} (${when})`),
      el('line', { x1: cx, x2: cx, y1: y(r.diastolic), y2: y(r.systolic) }),
      el('circle', { class: 'systolic', cx, cy: y(r.systolic), r: 4 }),
      el('circle', { class: 'diastolic', cx, cy: y(r.diastolic), r: 4 }),
    );
  };
  return el(
    'svg',
    {
      class: 'chart bp-chart',
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      role: 'img',
      'aria-label': 'Blood pressure per session',
      xmlns: 'http://www.w3.org/2000/svg',
    },
    el('title', {}, `Blood pressure per session (${limits.route}): pre-dose, check, pre-discharge`),
    yAxis(y, y.ticks(8), x0, x1, 'mmHg'),
    // Bands first, then the limits over them, then the readings on top.
    sessions.map((s) =>
      el(
        'g',
        { class: `bp-session${s.stopped ? ' stopped' : ''}${s.dosed ? '' : ' not-dosed'}`, 'data-session': s.visit, 'data-number': s.number },
        el('rect', { class: 'band', x: x(s.visit) ?? 0, y: y1, width: x.bandwidth(), height: y0 - y1 }),
        SLOTS.map((which) => el('text', { class: 'slot', x: (x(s.visit) ?? 0) + (slot(which) ?? 0), y: y0 + 14, 'text-anchor': 'middle' }, slotLabel(which))),
        el('text', { class: 'session', x: (x(s.visit) ?? 0) + x.bandwidth() / 2, y: y0 + 30, 'text-anchor': 'middle' }, `${sessionLabel(s)} ${s.date.slice(5)}`),
      ),
    ),
    rules,
    el('g', { class: 'bp-points' }, sessions.map((s) => SLOTS.map((which) => point(s, which)))),
  );
}
