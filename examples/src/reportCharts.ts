// The report's charts as inline SVG strings: d3-scale for the axes, d3-shape for the line, and the
// escaping markup builder for the elements. No script runs in the page.
import { scaleLinear, scaleUtc } from 'd3-scale';
import { line } from 'd3-shape';
import { atLocalTime } from '@carejourney/core';
import type { BpLimits, BpRole, BpSession, ScoreSeries } from './reportData.js';
import { el, type Markup } from './reportMarkup.js';

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

/** What each role is called in a point's tooltip and in the chart's legend. */
export const BP_ROLE_NAMES: Readonly<Record<BpRole, string>> = {
  'pre-dose': 'pre-dose',
  check: 'post-dose check',
  'stop-rule': 'above a stop-rule limit',
  'pre-discharge': 'last before discharge',
  'at-transfer': 'last before the transfer',
  latest: 'latest (session goes on)',
};

/** A horizontal limit line: one per value, naming every rule that uses it. */
export interface BpLimitLine {
  readonly measure: 'systolic' | 'diastolic';
  readonly value: number;
  /** `stop` for the stop rules, `limit` for the pre-dose and discharge limits. */
  readonly kind: 'limit' | 'stop';
  readonly label: string;
}

/**
 * Every blood-pressure limit of the route's protocol, systolic and diastolic: the pre-dose limit,
 * the discharge limit, the repeated and the single-reading stop rules. Rules that share a value
 * share a line (`140 systolic: pre-dose, discharge limit`).
 *
 * @example
 * ```ts
 * bpLimitLines(data.bloodPressure.limits!).map((l) => l.label);
 * // ['140 systolic: pre-dose, discharge limit', '180 systolic: stop if twice 5 min apart', ...]
 * ```
 */
export function bpLimitLines(limits: BpLimits): BpLimitLine[] {
  const rules: { measure: 'systolic' | 'diastolic'; value: number; kind: 'limit' | 'stop'; name: string }[] = [];
  for (const measure of ['systolic', 'diastolic'] as const) {
    rules.push(
      { measure, value: limits.preDose[measure], kind: 'limit', name: 'pre-dose' },
      { measure, value: limits.discharge[measure], kind: 'limit', name: 'discharge' },
      { measure, value: limits.stopRepeated[measure], kind: 'stop', name: `stop if twice ${limits.stopRepeated.minutesApart} min apart` },
      { measure, value: limits.stopSingle[measure], kind: 'stop', name: 'stop if once' },
    );
  }
  const lines = new Map<string, { measure: 'systolic' | 'diastolic'; value: number; kind: 'limit' | 'stop'; names: string[] }>();
  for (const r of rules) {
    const key = `${r.measure} ${r.value}`;
    const line = lines.get(key);
    if (line) {
      if (r.kind === 'stop') line.kind = 'stop';
      line.names.push(r.name);
    } else lines.set(key, { measure: r.measure, value: r.value, kind: r.kind, names: [r.name] });
  }
  return [...lines.values()].map((l) => {
    const limits = l.names.filter((n) => !n.startsWith('stop'));
    const stops = l.names.filter((n) => n.startsWith('stop'));
    const words = [...(limits.length > 0 ? [`${limits.join(', ')} limit`] : []), ...stops];
    return { measure: l.measure, value: l.value, kind: l.kind, label: `${l.value} ${l.measure}: ${words.join('; ')}` };
  });
}

/** Label positions for lines at `ys`, pushed apart to at least `gap` px, in the same order. */
function spreadLabels(ys: readonly number[], gap: number): number[] {
  const order = ys.map((y, i) => ({ y, i })).sort((a, b) => a.y - b.y);
  for (let k = 1; k < order.length; k++) {
    const prev = order[k - 1]!;
    const cur = order[k]!;
    if (cur.y - prev.y < gap) cur.y = prev.y + gap;
  }
  const out: number[] = [];
  for (const o of order) out[o.i] = o.y;
  return out;
}

const POINT_GAP = 30;
const BAND_PAD = 14;

/**
 * Blood pressure per session: every reading that matters (`BpSession.points`: the pre-dose reading,
 * readings above a stop-rule limit, the post-dose check, the last reading before discharge or at
 * the transfer), in the order taken, each a bar from diastolic to systolic (`g.bp-point`) labelled
 * with its minutes after the dose; and every limit of the protocol (`bpLimitLines`), on an axis
 * that holds them all.
 *
 * @example
 * ```ts
 * const svg = bpChart(data.bloodPressure.sessions, data.bloodPressure.limits!).html;
 * ```
 */
export function bpChart(sessions: readonly BpSession[], limits: BpLimits): Markup {
  const x0 = M.left;
  // Each session a band wide enough for its points; bands side by side.
  const bands: { session: BpSession; x: number; width: number }[] = [];
  let cursor = x0 + 8;
  for (const s of sessions) {
    const width = Math.max(88, 2 * BAND_PAD + POINT_GAP * Math.max(0, s.points.length - 1));
    bands.push({ session: s, x: cursor, width });
    cursor += width + 16;
  }
  const x1 = Math.max(x0 + 520, cursor - 8);
  const width = x1 + M.right + 60;
  const height = 360;
  const bottom = 62;
  const y0 = height - bottom;
  const y1 = M.top;
  const lines = bpLimitLines(limits);
  const readings = sessions.flatMap((s) => s.points);
  const high = Math.max(...lines.map((l) => l.value), ...readings.map((r) => r.systolic));
  const low = Math.min(...lines.map((l) => l.value), ...readings.map((r) => r.diastolic));
  const y = scaleLinear()
    .domain([Math.max(0, low - 20), high + 10])
    .nice()
    .range([y0, y1]);
  const labelYs = spreadLabels(
    lines.map((l) => y(l.value) + 4),
    12,
  );
  const rules = lines.map((l, i) =>
    el(
      'g',
      { class: `rule ${l.kind} ${l.measure}`, 'data-value': l.value, 'data-measure': l.measure },
      el('line', { x1: x0, x2: x1, y1: y(l.value), y2: y(l.value) }),
      el('text', { x: x1 + 6, y: labelYs[i] ?? y(l.value) + 4 }, l.label),
    ),
  );
  const pointX = (band: { x: number; width: number }, i: number, n: number) =>
    n <= 1 ? band.x + band.width / 2 : band.x + BAND_PAD + (i * (band.width - 2 * BAND_PAD)) / (n - 1);
  // How the session ended, in a word or two that fit under its band (the table says more).
  const ending = (s: BpSession) =>
    s.last?.role === 'at-transfer' ? 'transferred' : s.last?.role === 'latest' ? 'in progress' : !s.dosed ? 'no dose' : s.stopped ? 'stopped early' : 'discharged';
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
    el('title', {}, `Blood pressure per session (${limits.route}): pre-dose, readings above a stop-rule limit, post-dose check, last before discharge or transfer`),
    yAxis(y, y.ticks(8), x0, x1, 'mmHg'),
    // Bands first, then the limits over them, then the readings on top.
    bands.map(({ session: s, x, width: w }) =>
      el(
        'g',
        { class: `bp-session${s.stopped ? ' stopped' : ''}${s.dosed ? '' : ' not-dosed'}`, 'data-session': s.visit, 'data-number': s.number },
        el('rect', { class: 'band', x, y: y1, width: w, height: y0 - y1 }),
        s.points.map((p, i) =>
          el(
            'text',
            { class: `slot${p.roles.includes('stop-rule') ? ' stop' : ''}`, x: pointX({ x, width: w }, i, s.points.length), y: y0 + 14, 'text-anchor': 'middle' },
            p.minutesAfterDose === null ? 'pre' : `${p.minutesAfterDose}′`,
          ),
        ),
        el('text', { class: 'session', x: x + w / 2, y: y0 + 30, 'text-anchor': 'middle' }, `${sessionLabel(s)} ${s.date.slice(5)}`),
        el('text', { class: 'ending', x: x + w / 2, y: y0 + 44, 'text-anchor': 'middle' }, ending(s)),
      ),
    ),
    rules,
    el(
      'g',
      { class: 'bp-points' },
      bands.map(({ session: s, x, width: w }) =>
        s.points.map((p, i) => {
          const cx = pointX({ x, width: w }, i, s.points.length);
          const when = p.minutesAfterDose === null ? 'before the dose' : `${p.minutesAfterDose} min after the dose`;
          return el(
            'g',
            {
              class: `bp-point ${p.roles.join(' ')}`,
              'data-session': s.visit,
              'data-roles': p.roles.join(' '),
              'data-systolic': p.systolic,
              'data-diastolic': p.diastolic,
              'data-minutes': p.minutesAfterDose,
            },
            el('title', {}, `${sessionLabel(s)}, ${p.roles.map((r) => BP_ROLE_NAMES[r]).join(', ')}: ${p.systolic}/${p.diastolic} at ${p.at.time} (${when})`),
            el('line', { x1: cx, x2: cx, y1: y(p.diastolic), y2: y(p.systolic) }),
            el('circle', { class: 'systolic', cx, cy: y(p.systolic), r: 4 }),
            el('circle', { class: 'diastolic', cx, cy: y(p.diastolic), r: 4 }),
            p.roles.includes('check') ? el('circle', { class: 'check-ring', cx, cy: y(p.systolic), r: 7 }) : null,
          );
        }),
      ),
    ),
  );
}
