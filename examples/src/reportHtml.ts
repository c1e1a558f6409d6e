// The journey report as one self-contained HTML page: inline styles and inline SVG, no script,
// and a content security policy that forbids every fetch, so the page works offline and can be
// attached to an audit as a single file.
import { BP_ROLE_NAMES, bpChart, bpLimitLines, scoreChart, sessionLabel } from './reportCharts.js';
import type { ReportData } from './reportData.js';
import { el, join, raw, type Markup } from './reportMarkup.js';

const STYLE = `
:root { color-scheme: light; --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --accent: #2b6cb0; --ok: #2f855a; --warn: #b7791f; --stop: #c53030; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 48px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
p.note { color: var(--muted); margin: 4px 0 12px; max-width: 900px; }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 12px 0; }
dl.summary dt { color: var(--muted); }
dl.summary dd { margin: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; position: sticky; top: 0; background: #fff; }
td.time, td.reading { white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.day-start td { border-top: 2px solid var(--line); }
tr.timer td.event { color: var(--accent); }
td.facts { color: var(--ink); font-size: 13px; max-width: 460px; }
ol.state-path { display: flex; flex-wrap: wrap; gap: 4px 0; list-style: none; padding: 0; margin: 0; }
ol.state-path li { padding: 2px 8px; margin-right: 18px; border: 1px solid var(--line); border-radius: 10px; position: relative; background: #f8fafc; }
ol.state-path li:not(:last-child)::after { content: "→"; position: absolute; right: -15px; color: var(--muted); }
ol.state-path small { color: var(--muted); }
.chart { display: block; max-width: 100%; height: auto; margin: 8px 0; font: 11px system-ui, sans-serif; }
.chart .grid { stroke: #eef2f6; }
.chart .axis text { fill: var(--muted); }
.chart .axis.x line { stroke: var(--muted); }
.chart .score-label { fill: var(--ink); font-size: 11px; }
.chart .axis-label { fill: var(--muted); font-weight: 600; }
.chart .rule line { stroke-width: 1.5; }
.chart .rule text { font-size: 11px; }
.chart .rule.baseline line { stroke: #9aa5b1; stroke-dasharray: 2 3; }
.chart .rule.baseline text { fill: var(--muted); }
.chart .rule.response line { stroke: var(--ok); stroke-dasharray: 6 4; }
.chart .rule.response text { fill: var(--ok); }
.chart .rule.remission line { stroke: var(--accent); stroke-dasharray: 2 2; }
.chart .rule.remission text { fill: var(--accent); }
.chart .rule.limit line { stroke: var(--warn); stroke-dasharray: 6 4; }
.chart .rule.limit text { fill: var(--warn); }
.chart .rule.stop line { stroke: var(--stop); stroke-dasharray: 3 3; }
.chart .rule.stop text { fill: var(--stop); }
.chart path.series { fill: none; stroke: var(--accent); stroke-width: 2; }
.chart .score-point { fill: #fff; stroke: var(--accent); stroke-width: 2; }
.chart .score-point.baseline { fill: var(--accent); }
.chart .score-point.responded { stroke: var(--ok); fill: var(--ok); }
.chart .bp-session .band { fill: #f8fafc; }
.chart .bp-session.stopped .band { fill: #fff5f5; }
.chart .bp-session text { fill: var(--muted); }
.chart .bp-point line { stroke: #4a5568; stroke-width: 2; }
.chart .bp-point .systolic { fill: var(--stop); }
.chart .bp-point .diastolic { fill: var(--accent); }
.chart .bp-point .check-ring { fill: none; stroke: var(--ink); stroke-width: 1.5; }
.chart .bp-point.stop-rule line { stroke: var(--stop); stroke-width: 3; }
.chart .bp-session text.slot.stop { fill: var(--stop); font-weight: 600; }
.chart .bp-session text.ending { font-style: italic; }
ul.legend { display: flex; flex-wrap: wrap; gap: 4px 18px; list-style: none; padding: 0; margin: 0 0 12px; color: var(--muted); font-size: 12px; }
ul.legend .swatch { display: inline-block; width: 10px; height: 10px; margin-right: 6px; border-radius: 50%; vertical-align: -1px; }
ul.legend .swatch.systolic { background: var(--stop); }
ul.legend .swatch.diastolic { background: var(--accent); }
ul.legend .swatch.check { border: 1.5px solid var(--ink); background: #fff; }
ul.legend .swatch.stop { border-radius: 0; width: 16px; height: 0; border-top: 2px dashed var(--stop); }
ul.legend .swatch.limit { border-radius: 0; width: 16px; height: 0; border-top: 2px dashed var(--warn); }
.empty { color: var(--muted); font-style: italic; }
.badge { display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 12px; background: #edf2f7; }
.badge.alert { background: #fed7d7; color: #822727; }
.badge.hold { background: #feebc8; color: #7b341e; }
.badge.timer { background: #ebf4ff; color: var(--accent); }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
`;

const at = (i: { date: string; time: string }) => `${i.date} ${i.time}`;

function summary(d: ReportData): Markup {
  const rows: [string, string][] = [
    ['Journey', d.journeyId],
    ['Patient (opaque ref)', d.patientRef],
    ['Definition', d.definition],
    ['Indication', d.indication],
    ['Route', d.route ?? 'not planned'],
    ['Now', `${d.state} (phase ${d.phase}, ${d.status})`],
    ['Clinic time zone', d.timeZone],
    ['Journal entries', String(d.timeline.length)],
  ];
  return el('dl', { class: 'summary' }, rows.map(([k, v]) => join(el('dt', {}, k), el('dd', {}, v))));
}

function timelineTable(d: ReportData): Markup {
  let day = '';
  return el(
    'table',
    { class: 'timeline' },
    el('thead', {}, el('tr', {}, el('th', {}, '#'), el('th', {}, `Local time (${d.timeZone})`), el('th', {}, 'Actor'), el('th', {}, 'Event'), el('th', {}, 'Details'), el('th', {}, 'Resulting state'))),
    el(
      'tbody',
      {},
      d.timeline.map((row) => {
        const newDay = row.at.date !== day;
        day = row.at.date;
        return el(
          'tr',
          { class: [row.kind, newDay ? 'day-start' : ''].filter(Boolean).join(' '), 'data-seq': row.seq },
          el('td', {}, row.seq),
          el('td', { class: 'time' }, at(row.at)),
          el('td', { title: row.actorId }, row.actorRole),
          el('td', { class: 'event' }, row.kind === 'timer' ? join(el('span', { class: 'badge timer' }, 'timer'), ' ', row.event) : row.event),
          el('td', { class: 'facts' }, row.facts.join(' · ')),
          el('td', {}, row.state),
        );
      }),
    ),
  );
}

function statePathList(d: ReportData): Markup {
  return el(
    'ol',
    { class: 'state-path' },
    d.statePath.map((s) => el('li', { 'data-entries': s.entries }, s.state, ' ', el('small', {}, `${at(s.from)}`))),
  );
}

function scoresSection(d: ReportData): Markup {
  return join(
    d.scores.map((series) =>
      join(
        el('h3', {}, `${series.instrument}${series.primary ? ' (primary instrument)' : ''}`),
        el(
          'p',
          { class: 'note' },
          series.baseline === null
            ? 'No baseline total: response is not judged.'
            : `Baseline ${series.baseline}. Response is a drop of at least ${series.responseDropPercent}% from baseline` +
                (series.remissionAtMost === null ? '; the protocol sets no remission mark for this instrument.' : `; remission is a total of ${series.remissionAtMost} or less.`) +
                ' Marks from the journey’s protocol.',
        ),
        series.points.length === 0 ? el('p', { class: 'empty' }, `No ${series.instrument} totals recorded.`) : scoreChart(series, d.timeZone),
      ),
    ),
  );
}

function bpSection(d: ReportData): Markup {
  const { limits, sessions } = d.bloodPressure;
  if (limits === null || sessions.length === 0) return el('p', { class: 'empty' }, 'No sessions yet.');
  const reading = (r: { systolic: number; diastolic: number } | null, extra = '') => (r === null ? '—' : `${r.systolic}/${r.diastolic}${extra}`);
  const minutes = (r: { minutesAfterDose: number }) => ` at ${r.minutesAfterDose} min`;
  const lastWords = { 'pre-discharge': 'before discharge', 'at-transfer': 'at the transfer', latest: 'latest, session goes on' } as const;
  const lines = bpLimitLines(limits);
  return join(
    el(
      'p',
      { class: 'note' },
      `Every reading that matters, in the order taken: the pre-dose reading the dose was judged on; readings above a stop-rule limit; ` +
        `the post-dose check nearest ${limits.checkAtMinutes ?? '-'} min after the dose (ringed), within the protocol's window; and the last reading, ` +
        `before discharge or at a transfer. Numbers under the bars are minutes after the dose. Limits from the ${limits.route} protocol: ` +
        `pre-dose ${limits.preDose.systolic}/${limits.preDose.diastolic} (above it a physician's override is needed), discharge ${limits.discharge.systolic}/${limits.discharge.diastolic}; ` +
        `stop rules above ${limits.stopRepeated.systolic}/${limits.stopRepeated.diastolic} twice ${limits.stopRepeated.minutesApart} min apart, ` +
        `or above ${limits.stopSingle.systolic}/${limits.stopSingle.diastolic} once.`,
    ),
    bpChart(sessions, limits),
    el(
      'ul',
      { class: 'legend' },
      el('li', {}, el('span', { class: 'swatch systolic' }), 'systolic'),
      el('li', {}, el('span', { class: 'swatch diastolic' }), 'diastolic'),
      el('li', {}, el('span', { class: 'swatch check' }), BP_ROLE_NAMES.check),
      el('li', {}, el('span', { class: 'swatch stop' }), `stop-rule limit (${lines.filter((l) => l.kind === 'stop').map((l) => l.value).sort((a, b) => b - a).join(', ')})`),
      el('li', {}, el('span', { class: 'swatch limit' }), `pre-dose / discharge limit (${lines.filter((l) => l.kind === 'limit').map((l) => l.value).sort((a, b) => b - a).join(', ')})`),
    ),
    el(
      'table',
      { class: 'bp-table' },
      el('thead', {}, el('tr', {}, ['Session', 'Date', 'Pre-dose', `Check (~${limits.checkAtMinutes ?? '-'} min)`, 'Above a stop-rule limit', 'Last reading', 'Outcome'].map((h) => el('th', {}, h)))),
      el(
        'tbody',
        {},
        sessions.map((s) =>
          el(
            'tr',
            { 'data-session': s.visit },
            el('td', {}, sessionLabel(s)),
            el('td', { class: 'time' }, s.date),
            el('td', { class: 'reading' }, reading(s.preDose), s.overridden ? ' ' : '', s.overridden ? el('span', { class: 'badge alert' }, 'override') : ''),
            el('td', { class: 'reading' }, reading(s.check, s.check ? minutes(s.check) : '')),
            el('td', { class: 'reading above-stop' }, s.aboveStopLimit.length === 0 ? '—' : s.aboveStopLimit.map((r) => `${r.systolic}/${r.diastolic}${minutes(r)}`).join(', ')),
            el('td', { class: 'reading last' }, s.last === null ? '—' : `${reading(s.last)}${minutes(s.last)}, ${lastWords[s.last.role]}`),
            el('td', {}, s.outcome, s.dosed ? '' : ' (not dosed)', s.stopped ? join(' ', el('span', { class: 'badge alert' }, s.stopped)) : ''),
          ),
        ),
      ),
    ),
  );
}

function alertsSection(d: ReportData): Markup {
  const alerts =
    d.alerts.length === 0
      ? el('p', { class: 'empty' }, 'No alerts.')
      : el(
          'table',
          { class: 'alerts' },
          el('thead', {}, el('tr', {}, ['Local time', 'Alert', 'Kind', 'Session', 'Reason'].map((h) => el('th', {}, h)))),
          el(
            'tbody',
            {},
            d.alerts.map((a) =>
              el(
                'tr',
                { class: 'alert' },
                el('td', { class: 'time' }, a.at ? at(a.at) : '—'),
                el('td', {}, el('span', { class: 'badge alert' }, a.type)),
                el('td', { class: 'reading' }, a.kind),
                el('td', {}, a.sessionNumber === null ? '' : `#${a.sessionNumber}`),
                el('td', {}, a.reason ?? ''),
              ),
            ),
          ),
        );
  const holds =
    d.holds.length === 0
      ? el('p', { class: 'empty' }, 'No holds.')
      : el(
          'table',
          { class: 'holds' },
          el('thead', {}, el('tr', {}, ['On hold from', 'By', 'Signals', 'Ended'].map((h) => el('th', {}, h)))),
          el(
            'tbody',
            {},
            d.holds.map((h) =>
              el(
                'tr',
                { class: 'hold' },
                el('td', { class: 'time' }, at(h.placed)),
                el('td', {}, `${h.placedBy} (${h.placedByEvent})`),
                el('td', {}, h.signals.map((s) => join(el('span', { class: 'badge hold' }, s), ' '))),
                el('td', {}, h.review ? `${h.review.decision} by ${h.review.by} at ${at(h.review.at)}: ${h.review.reason}` : 'awaiting a clinician’s review'),
              ),
            ),
          ),
        );
  const other = Object.entries(d.effectCounts).filter(([type]) => !type.endsWith('.alert'));
  return join(
    el('h3', {}, 'Alerts'),
    alerts,
    el('h3', {}, 'Holds'),
    holds,
    other.length === 0 ? '' : el('p', { class: 'note' }, `Other effects delivered: ${other.map(([type, n]) => `${type} ×${n}`).join(', ')}.`),
  );
}

/**
 * The report page. Self-contained: no script, no external style, image or font.
 *
 * @example
 * ```ts
 * writeFileSync('reports/flagship.html', reportHtml(reportData(await reportJourneys.flagship.load())));
 * ```
 */
export function reportHtml(d: ReportData): string {
  const page = el(
    'html',
    { lang: 'en' },
    el(
      'head',
      {},
      el('meta', { charset: 'utf-8' }),
      // Nothing may be fetched: styles are inline, charts are inline SVG, there is no script.
      el('meta', { 'http-equiv': 'Content-Security-Policy', content: "default-src 'none'; style-src 'unsafe-inline'; img-src data:" }),
      el('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
      el('title', {}, `Journey report: ${d.title}`),
      el('style', {}, raw(STYLE)),
    ),
    el(
      'body',
      {},
      el('h1', {}, d.title),
      el(
        'p',
        { class: 'note' },
        'A journey report drawn from the journal and the current view. carejourney records and enforces a clinic’s protocol; it gives no medical advice.',
      ),
      summary(d),
      el('section', { id: 'scores' }, el('h2', {}, 'Assessments over time'), scoresSection(d)),
      el('section', { id: 'blood-pressure' }, el('h2', {}, 'Blood pressure per session'), bpSection(d)),
      el('section', { id: 'alerts' }, el('h2', {}, 'Alerts and holds'), alertsSection(d)),
      el('section', { id: 'state-path' }, el('h2', {}, 'State path'), statePathList(d)),
      el('section', { id: 'timeline' }, el('h2', {}, 'Timeline'), timelineTable(d)),
      el('footer', {}, `Generated by pnpm report from journal entries 1-${d.timeline.length}. Times are local to ${d.timeZone}.`),
    ),
  );
  return `<!doctype html>\n${page.html}\n`;
}
