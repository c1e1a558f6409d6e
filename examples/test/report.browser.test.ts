/// <reference lib="dom" />
// The journey report and the journey diagram, opened in a real browser: Debian's Chromium driven
// by playwright-core, launched once for every check in this file. Chromium is required: without it
// the tests fail with the install command (see reportBrowser.ts), they do not skip.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ketamineAnxietyJourney, type JournalEntry, type KetamineJourneyContext } from '@carejourney/core';
import { JOURNEY_DIAGRAM_PARTS } from '../src/journeyDiagramParts.js';
import { DIAGRAM_MAX_WIDTH, JOURNEY_SVG_PATH, renderJourneyDiagramSvg } from '../src/journeyDiagramSvg.js';
import { launchChromium, type ChromiumSession } from '../src/reportBrowser.js';
import { reportData } from '../src/reportData.js';
import { reportHtml } from '../src/reportHtml.js';
import { reportJourneys, type ReportSource } from '../src/reportJourneys.js';
import { runEventfulCourse, runLongCourse } from './reportScenario.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

// One launch for the whole file. A launch that fails (Chromium missing) fails every test with the
// launch's message, rather than leaving them skipped behind a failed hook.
let launched: Promise<ChromiumSession>;

beforeAll(() => {
  launched = launchChromium();
  launched.catch(() => undefined);
});

afterAll(async () => {
  await launched.then((b) => b.close()).catch(() => undefined);
});

const chromium = async (): Promise<ChromiumSession> => launched;

interface OpenedPage {
  readonly page: Page;
  /** Console errors and warnings, uncaught page errors, failed requests. */
  readonly problems: string[];
  /** Every URL the page requested. */
  readonly requests: string[];
  readonly url: string;
}

/** Writes the report to test-artifacts/ and opens it from disk, recording anything that goes wrong. */
async function openReport(source: ReportSource, name: string): Promise<OpenedPage> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = `${ARTIFACTS}${name}.html`;
  writeFileSync(file, reportHtml(reportData(source)));
  const page = await (await chromium()).context.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('request', (r) => requests.push(r.url()));
  const url = pathToFileURL(file).href;
  await page.goto(url, { waitUntil: 'load' });
  return { page, problems, requests, url };
}

const entriesOf = (journal: readonly JournalEntry[], type: string) => journal.filter((e) => e.type === type);

/** The instrument's totals in the order the journal recorded them. */
function journalTotals(journal: readonly JournalEntry[], instrument: string): number[] {
  return entriesOf(journal, 'assessment.recorded')
    .filter((e) => e.payload['instrument'] === instrument)
    .map((e) => e.payload['total'] as number);
}

/**
 * The blood-pressure points the chart should hold, worked out from the journal and the route's
 * protocol alone: per session (from its check-in), in the order taken, the last pre-dose reading,
 * every post-dose reading above a stop-rule limit, the post-dose reading nearest the route's check
 * within its window, and the last post-dose reading (before discharge, at a transfer, or the latest
 * while the session goes on). Each reading once, as `roles systolic/diastolic`.
 */
function journalBpPoints(journal: readonly JournalEntry[], context: KetamineJourneyContext): string[][] {
  const route = context.protocol.routes[context.plan?.route ?? 'iv'];
  const { bpCheckAtMinutes: check, checkToleranceMinutes: tolerance } = route.monitoring;
  const { repeatedBp, singleBp } = route.stopRules;
  interface Post { readonly bp: string; readonly systolic: number; readonly diastolic: number; readonly minutes: number }
  const sessions: { pre: string | null; doseAt: number | null; post: Post[]; end: string | null }[] = [];
  const bp = (e: JournalEntry) => `${String(e.payload['systolic'])}/${String(e.payload['diastolic'])}`;
  for (const e of journal) {
    const current = sessions[sessions.length - 1];
    if (e.type === 'session.checkedIn') sessions.push({ pre: null, doseAt: null, post: [], end: null });
    else if (!current || current.end !== null) continue;
    else if (e.type === 'predose.vitalsRecorded') current.pre = bp(e);
    else if (e.type === 'dose.recorded') current.doseAt = Date.parse(e.at);
    else if (e.type === 'monitoring.vitalsRecorded' && current.doseAt !== null) {
      const takenAt = typeof e.payload['takenAt'] === 'string' ? Date.parse(e.payload['takenAt']) : Date.parse(e.at);
      current.post.push({ bp: bp(e), systolic: e.payload['systolic'] as number, diastolic: e.payload['diastolic'] as number, minutes: Math.round((takenAt - current.doseAt) / 60_000) });
    }
    const last = sessions[sessions.length - 1];
    if (last && last.end === null && e.type !== 'session.checkedIn' && !e.to.includes('.session')) last.end = e.type;
  }
  return sessions.map((s) => {
    const roles = new Map<Post, string[]>();
    const mark = (p: Post | undefined, role: string) => p && roles.set(p, [...(roles.get(p) ?? []), role]);
    const above = (p: Post) => [repeatedBp, singleBp].some((l) => p.systolic > l.systolic || p.diastolic > l.diastolic);
    for (const p of s.post.filter(above)) mark(p, 'stop-rule');
    if (check !== null) {
      const inWindow = s.post.filter((p) => p.minutes >= check - tolerance && p.minutes <= check + 3 * tolerance);
      mark([...inWindow].sort((a, b) => Math.abs(a.minutes - check) - Math.abs(b.minutes - check))[0], 'check');
    }
    mark(s.post[s.post.length - 1], s.end === null ? 'latest' : s.end === 'session.escalated' ? 'at-transfer' : 'pre-discharge');
    const post = [...s.post].sort((a, b) => a.minutes - b.minutes).filter((p) => roles.has(p));
    return [...(s.pre === null ? [] : [`pre-dose ${s.pre}`]), ...post.map((p) => `${roles.get(p)!.join(' ')} ${p.bp}`)];
  });
}

/** What the page's charts and tables hold, read from the DOM. */
async function readPage(page: Page) {
  return page.evaluate(() => {
    const num = (el: Element, attr: string) => Number(el.getAttribute(attr));
    const scoreCharts = [...document.querySelectorAll('svg.score-chart')].map((svg) => {
      const y = (cls: string) => {
        const line = svg.querySelector(`.rule.${cls} line`);
        return line ? num(line, 'y1') : null;
      };
      return {
        instrument: svg.getAttribute('data-instrument'),
        totals: [...svg.querySelectorAll('circle.score-point')].map((c) => num(c, 'data-total')),
        points: [...svg.querySelectorAll('circle.score-point')].map((c) => ({ cy: num(c, 'cy'), responded: c.classList.contains('responded'), phase: c.getAttribute('data-phase') })),
        responseY: y('response'),
        remissionY: y('remission'),
        responseLabel: svg.querySelector('.rule.response text')?.textContent ?? null,
        remissionLabel: svg.querySelector('.rule.remission text')?.textContent ?? null,
      };
    });
    const bpSessions = [...document.querySelectorAll('svg.bp-chart .bp-session')].map((g) => num(g, 'data-session'));
    const bpPoints = [...document.querySelectorAll('svg.bp-chart g.bp-point')].map((g) => ({
      session: num(g, 'data-session'),
      bp: `${g.getAttribute('data-roles')} ${g.getAttribute('data-systolic')}/${g.getAttribute('data-diastolic')}`,
    }));
    const bpChart = document.querySelector('svg.bp-chart');
    const limitLabels = [...document.querySelectorAll('svg.bp-chart .rule text')].map((t) => t.textContent ?? '');
    // Each limit line, where it is drawn, and the y axis's ticks (value and where drawn), in SVG units.
    const limitLines = [...document.querySelectorAll('svg.bp-chart g.rule')].map((g) => ({
      measure: g.getAttribute('data-measure'),
      value: num(g, 'data-value'),
      y: num(g.querySelector('line')!, 'y1'),
      label: g.querySelector('text')?.textContent ?? '',
    }));
    const bpTicks = [...document.querySelectorAll('svg.bp-chart .axis.y > g')].map((g) => ({
      value: Number(g.querySelector('text')?.textContent),
      y: num(g.querySelector('line')!, 'y1'),
    }));
    const bpPlot = bpChart?.querySelector('.bp-session rect.band');
    const plotTop = bpPlot ? num(bpPlot, 'y') : null;
    const plotBottom = bpPlot ? num(bpPlot, 'y') + num(bpPlot, 'height') : null;
    const timelineRows = document.querySelectorAll('table.timeline tbody tr').length;
    const timeline = [...document.querySelectorAll('table.timeline tbody tr')].map((tr) => ({
      event: tr.querySelector('td.event')?.textContent ?? '',
      facts: tr.querySelector('td.facts')?.textContent ?? '',
    }));
    const bpTable = [...document.querySelectorAll('table.bp-table tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''));
    const alerts = [...document.querySelectorAll('table.alerts tbody tr')].map((tr) => tr.textContent ?? '');
    const holds = [...document.querySelectorAll('table.holds tbody tr')].map((tr) => tr.textContent ?? '');
    const chartsRendered = [...document.querySelectorAll('svg.chart')].every((svg) => svg.getBoundingClientRect().width > 100);
    return { scoreCharts, bpSessions, bpPoints, limitLabels, limitLines, bpTicks, plotTop, plotBottom, timelineRows, timeline, bpTable, alerts, holds, chartsRendered };
  });
}

/** Groups the chart's points by session, in session order. */
function pointsBySession(points: readonly { session: number; bp: string }[]): string[][] {
  const sessions = [...new Set(points.map((p) => p.session))].sort((a, b) => a - b);
  return sessions.map((n) => points.filter((p) => p.session === n).map((p) => p.bp));
}

type PageRead = Awaited<ReturnType<typeof readPage>>;

/**
 * Every blood-pressure limit of the route's protocol is drawn, systolic and diastolic (pre-dose,
 * discharge, the repeated and the single-reading stop rules), inside the plot, where the y axis's
 * ticks put its value.
 */
function expectEveryLimitDrawn(dom: PageRead, route: KetamineJourneyContext['protocol']['routes']['iv']): void {
  const limits = [route.preDoseBpLimit, route.discharge.bpLimit, route.stopRules.repeatedBp, route.stopRules.singleBp];
  const ticks = [...dom.bpTicks].sort((a, b) => a.value - b.value);
  const [t0, t1] = [ticks[0]!, ticks[ticks.length - 1]!];
  const yOf = (v: number) => t0.y + ((v - t0.value) * (t1.y - t0.y)) / (t1.value - t0.value);
  for (const measure of ['systolic', 'diastolic'] as const) {
    for (const value of new Set(limits.map((l) => l[measure]))) {
      const line = dom.limitLines.find((l) => l.measure === measure && l.value === value);
      expect(line, `${value} ${measure} drawn`).toBeDefined();
      expect(line!.label.startsWith(`${value} ${measure}:`)).toBe(true);
      expect(line!.y).toBeGreaterThanOrEqual(dom.plotTop!);
      expect(line!.y).toBeLessThanOrEqual(dom.plotBottom!);
      expect(Math.abs(line!.y - yOf(value))).toBeLessThan(0.5);
    }
  }
  // The axis reaches above the highest limit (the single-reading stop rule).
  expect(t1.value).toBeGreaterThanOrEqual(route.stopRules.singleBp.systolic);
}

describe('journey report in Chromium', () => {
  it('renders the flagship journey offline, without console errors, one chart point per recorded total and reading', async () => {
    const source = await reportJourneys['flagship']!.load();
    const { page, problems, requests, url } = await openReport(source, 'report');
    try {
      expect(problems).toEqual([]);
      // The page itself and nothing else: no script, style, font or image is fetched.
      expect(requests).toEqual([url]);
      const dom = await readPage(page);
      expect(dom.chartsRendered).toBe(true);
      const { journal, view } = source;
      const context = view.context;

      // GAD-7 is the flagship's primary instrument: one chart, a point per recorded total.
      expect(dom.scoreCharts.map((c) => c.instrument)).toEqual(['GAD-7']);
      const gad7 = dom.scoreCharts[0]!;
      expect(gad7.totals).toEqual(journalTotals(journal, 'GAD-7'));
      // A trend: the baseline, mid-induction, end of induction and maintenance.
      expect(gad7.totals.length).toBeGreaterThanOrEqual(4);
      expect(gad7.points.map((p) => p.phase)).toEqual(['baseline', 'follow-up', 'follow-up', 'follow-up']);
      expect(gad7.responseY).not.toBeNull();
      expect(gad7.remissionY).not.toBeNull();
      // The marks come from the journey's protocol; a responding total lies on or below the response line.
      const drop = context.protocol.response.responseDropPercent['GAD-7'];
      const baseline = journalTotals(journal, 'GAD-7')[0]!;
      expect(gad7.responseLabel).toBe(`response: ≤ ${baseline * (1 - drop / 100)} (${drop}% drop)`);
      expect(gad7.remissionLabel).toBe(`remission: ≤ ${context.protocol.response.remissionAtMost['GAD-7']}`);
      for (const p of gad7.points.filter((q) => q.phase === 'follow-up')) {
        expect(p.responded ? p.cy >= gad7.responseY! : p.cy < gad7.responseY!).toBe(true);
      }
      expect(gad7.points.some((p) => p.responded)).toBe(true);
      // The last total is at or below the remission line; the ones before it above.
      const remissionY = gad7.remissionY!;
      expect(gad7.points.map((p) => p.cy >= remissionY)).toEqual([false, false, false, true]);

      // Blood pressure: a band per checked-in session, the points the journal's readings give.
      expect(dom.bpSessions).toHaveLength(entriesOf(journal, 'session.checkedIn').length);
      expect(pointsBySession(dom.bpPoints)).toEqual(journalBpPoints(journal, context));
      expect(dom.bpPoints).toHaveLength(3 * entriesOf(journal, 'dose.recorded').length);
      expectEveryLimitDrawn(dom, context.protocol.routes.iv);
      // A calm course: no reading above a stop-rule limit; every last reading came before a discharge.
      expect(dom.bpPoints.filter((p) => p.bp.includes('stop-rule'))).toEqual([]);
      expect(dom.bpTable.map((cells) => cells[5])).toEqual(dom.bpTable.map(() => expect.stringContaining('before discharge')));

      expect(dom.timelineRows).toBe(journal.length);
      expect(dom.alerts).toEqual([]);
      expect(dom.holds).toEqual([]);

      await page.screenshot({ path: `${ARTIFACTS}report.png`, fullPage: true });
      expect(readFileSync(`${ARTIFACTS}report.png`).subarray(1, 4).toString()).toBe('PNG');
    } finally {
      await page.close();
    }
  }, 60_000);

  it('draws the primary instrument beside GAD-7, the override, the stop rule, the alerts and the hold', async () => {
    const source = await runEventfulCourse();
    const { page, problems, requests, url } = await openReport(source, 'report-eventful');
    try {
      expect(problems).toEqual([]);
      expect(requests).toEqual([url]);
      const dom = await readPage(page);
      const { journal, view } = source;

      // Social anxiety: LSAS is the primary instrument, drawn with its own 35% response mark and
      // no remission line (the protocol sets none for LSAS).
      expect(dom.scoreCharts.map((c) => c.instrument)).toEqual(['GAD-7', 'LSAS']);
      expect(dom.scoreCharts[0]!.totals).toEqual(journalTotals(journal, 'GAD-7'));
      const lsas = dom.scoreCharts[1]!;
      expect(lsas.totals).toEqual(journalTotals(journal, 'LSAS'));
      expect(lsas.responseLabel).toContain(`(${view.context.protocol.response.responseDropPercent.LSAS}% drop)`);
      expect(lsas.remissionY).toBeNull();

      expect(pointsBySession(dom.bpPoints)).toEqual(journalBpPoints(journal, view.context));
      // The two readings above 180/110 that hit the stop rule are drawn, between the pre-dose reading and the check.
      expect(dom.bpPoints.map((p) => p.bp)).toEqual(['pre-dose 150/94', 'stop-rule 184/108', 'stop-rule 186/112', 'check 150/92', 'pre-discharge 136/84']);
      expectEveryLimitDrawn(dom, view.context.protocol.routes.iv);
      const row = await page.locator('table.bp-table tr[data-session="1"]').textContent();
      expect(row).toContain('override');
      expect(row).toContain('stop-rule');

      // Alerts come from the delivered effects, holds from the journey's context.
      expect(dom.alerts).toHaveLength(source.effects.filter((e) => e.type === 'safety.alert').length);
      expect(dom.alerts.join('\n')).toMatch(/stop-rule[\s\S]*hold/);
      expect(dom.holds).toHaveLength(1);
      expect(dom.holds[0]).toContain('serious-adverse-event');
      expect(dom.holds[0]).toContain('resume by physician');
      // Local times in the clinic's zone (New York, UTC-4 on that day).
      expect(dom.alerts[0]).toContain('2026-10-26 09:21');
      expect(dom.timelineRows).toBe(journal.length);
    } finally {
      await page.close();
    }
  }, 60_000);

  it('draws every session of a course longer than the view keeps, from the journal', async () => {
    const source = await runLongCourse();
    const { view, journal } = source;
    // The view keeps the recent sessions only; the journal has all sixteen.
    expect(view.context.sessions.length).toBeLessThan(16);
    expect(entriesOf(journal, 'session.checkedIn')).toHaveLength(16);
    const { page, problems, requests, url } = await openReport(source, 'report-long');
    try {
      expect(problems).toEqual([]);
      expect(requests).toEqual([url]);
      const dom = await readPage(page);
      expect(dom.bpSessions).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
      expect(pointsBySession(dom.bpPoints)).toEqual(journalBpPoints(journal, view.context));
      expect(dom.bpPoints).toHaveLength(48);
      // Every GAD-7 total, though the view keeps only the latest baseline and follow-up.
      expect(dom.scoreCharts[0]!.totals).toEqual(journalTotals(journal, 'GAD-7'));
      expect(dom.scoreCharts[0]!.totals.length).toBeGreaterThan(view.context.assessments.filter((a) => a.instrument === 'GAD-7').length);
      // Sessions the view still names carry their schedule number; older ones their visit.
      const labels = await page.locator('table.bp-table tbody tr td:first-child').allTextContents();
      expect(labels[0]).toBe('visit 1');
      expect(labels[15]).toBe(`#${view.context.sessions.at(-1)!.number}`);
    } finally {
      await page.close();
    }
  }, 60_000);

  it('renders the bp-hold example: the stop-rule readings, every limit, the alerts, the hold and the transfer, with a screenshot', async () => {
    const source = await reportJourneys['bp-hold']!.load();
    const { page, problems, requests, url } = await openReport(source, 'report-bp-hold');
    try {
      expect(problems).toEqual([]);
      expect(requests).toEqual([url]);
      const dom = await readPage(page);
      const { journal, view, effects } = source;
      expect(dom.chartsRendered).toBe(true);

      // Session 1: 146/92 judged before the dose (with the override), 184/112 and 186/114 above
      // 180/110 (the stop rule), 178/106 at 45 min: the check and the last reading before the transfer.
      // Session 2 was cancelled before the dose; 3 stopped early and observed to discharge; 4 calm.
      expect(pointsBySession(dom.bpPoints)).toEqual([
        ['pre-dose 146/92', 'stop-rule 184/112', 'stop-rule 186/114', 'check at-transfer 178/106'],
        ['pre-dose 158/98'],
        ['pre-dose 132/84', 'check 130/82', 'pre-discharge 126/82'],
        ['pre-dose 124/80', 'check 138/87', 'pre-discharge 133/85'],
      ]);
      expect(pointsBySession(dom.bpPoints)).toEqual(journalBpPoints(journal, view.context));
      expect(dom.bpPoints).toHaveLength(11);
      // The table labels the last reading by how the session ended, never "pre-discharge" for a transfer.
      expect(dom.bpTable.map((cells) => [cells[0], cells[4], cells[5]])).toEqual([
        ['#1', '184/112 at 24 min, 186/114 at 30 min', '178/106 at 45 min, at the transfer'],
        ['#2', '—', '—'],
        ['#3', '—', '126/82 at 55 min, before discharge'],
        ['#4', '—', '133/85 at 55 min, before discharge'],
      ]);
      expect(await page.locator('svg.bp-chart .bp-session[data-session="1"] text.ending').textContent()).toBe('transferred');

      // The clinic's stop rules (set in the example) and every other limit, on an axis that holds them.
      expectEveryLimitDrawn(dom, view.context.protocol.routes.iv);
      expect(dom.limitLabels).toEqual(expect.arrayContaining(['200 systolic: stop if once', '120 diastolic: stop if once', '180 systolic: stop if twice 5 min apart']));

      // Alerts (stop rule, hold, transfer, aborted session), the hold and its review.
      expect(dom.alerts).toHaveLength(effects.filter((e) => e.type === 'safety.alert').length);
      expect(dom.alerts.map((a) => a.match(/stop-rule|hold|transfer|session-aborted/)?.[0])).toEqual(['stop-rule', 'hold', 'transfer', 'session-aborted']);
      expect(dom.holds).toHaveLength(1);
      expect(dom.holds[0]).toContain('serious-adverse-event');
      expect(dom.holds[0]).toContain('transfer-of-care');
      expect(dom.holds[0]).toMatch(/resume by physician at 2026-01-26 10:00: ED discharge letter reviewed/);

      // The timeline's details: readings, decisions and reasons; no outside references.
      expect(dom.timelineRows).toBe(journal.length);
      const facts = (event: string) => dom.timeline.filter((r) => r.event.endsWith(event)).map((r) => r.facts);
      expect(facts('monitoring.vitalsRecorded')).toContain('184/112 · HR 104 · SpO2 96%');
      expect(facts('predose.bpOverridden')).toEqual(['reason: White-coat pattern, home readings 130s/80s; benefit outweighs risk today']);
      expect(facts('session.escalated')).toEqual(['emergency-department · reason: BP not settling after stop rule']);
      expect(facts('hold.reviewed')).toEqual(['resume · next session 2026-01-28 10:00 · reason: ED discharge letter reviewed; BP plan with GP']);
      expect(facts('journey.start')).toEqual(['referral: professional · generalized-anxiety']);
      const timelineText = dom.timeline.map((r) => r.facts).join('\n');
      expect(timelineText).not.toContain('ED-RLH-20260119-0412');
      expect(timelineText).not.toContain('gp-hackney-2');
      expect(timelineText).not.toContain('KX-25-0102');

      await page.screenshot({ path: `${ARTIFACTS}report-bp-hold.png`, fullPage: true });
      expect(readFileSync(`${ARTIFACTS}report-bp-hold.png`).subarray(1, 4).toString()).toBe('PNG');
    } finally {
      await page.close();
    }
  }, 60_000);

  // Every other example journey that runs in this process (the SQLite and PostgreSQL ones run
  // child processes and are reported with `pnpm report sqlite|postgres`).
  const inProcess = Object.keys(reportJourneys).filter((name) => !['flagship', 'bp-hold', 'sqlite', 'postgres'].includes(name));
  it.each(inProcess)('renders the %s example journey offline, without console errors, with its timeline, sessions and alerts', async (name) => {
    const source = await reportJourneys[name]!.load();
    const { page, problems, requests, url } = await openReport(source, `report-${name}`);
    try {
      expect(problems).toEqual([]);
      expect(requests).toEqual([url]);
      const dom = await readPage(page);
      const { journal, view, effects } = source;
      expect(dom.chartsRendered).toBe(true);
      expect(dom.timelineRows).toBe(journal.length);
      expect(dom.bpSessions).toHaveLength(entriesOf(journal, 'session.checkedIn').length);
      expect(pointsBySession(dom.bpPoints)).toEqual(journalBpPoints(journal, view.context).filter((points) => points.length > 0));
      expect(dom.alerts).toHaveLength(effects.filter((e) => e.type === 'safety.alert' || e.type === 'care.alert').length);
      expect(dom.holds).toHaveLength(view.context.tally.holds + (view.context.hold ? 1 : 0));
    } finally {
      await page.close();
    }
  }, 60_000);

  it('keeps docs/journey.svg current: it parses, names every state, and matches a fresh render of the machine', async () => {
    // A fresh render is compared by structure (labels and edges), not bytes: node positions come
    // from text measured with the fonts the machine has, so they differ between machines.
    const committed = readFileSync(JOURNEY_SVG_PATH, 'utf8');
    const browser = await chromium();
    const fresh = await renderJourneyDiagramSvg(browser.context);
    const page = await browser.context.newPage();
    try {
      const structure = (svg: string) =>
        page.evaluate((text) => {
          const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
          const error = doc.querySelector('parsererror')?.textContent ?? null;
          const norm = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();
          return {
            error,
            root: doc.documentElement.localName,
            namespace: doc.documentElement.namespaceURI,
            foreignObjects: doc.querySelectorAll('foreignObject').length,
            nodes: [...doc.querySelectorAll('g.node')].map((g) => norm(g.textContent)).sort(),
            clusters: [...doc.querySelectorAll('g.statediagram-cluster')].map((g) => norm(g.querySelector('.cluster-label, text')?.textContent ?? '')).sort(),
            edgeLabels: [...doc.querySelectorAll('g.edgeLabel')].map((g) => norm(g.textContent)).sort(),
            edges: doc.querySelectorAll('path.transition, g.edgePaths path').length,
            texts: [...doc.querySelectorAll('text')].map((t) => norm(t.textContent)),
            // Mermaid's ids of drawn states: `journey-<part>-state-<path>-<n>`, the number dropped.
            stateIds: [...doc.querySelectorAll('[id*="-state-"]')].map((e) => e.id.replace(/-\d+$/, '')),
            // Label lines where mermaid cut a word in two (a line ending in a letter, the next
            // going on in lower case): the labels break long names at a dot or a capital instead.
            cutWords: [...doc.querySelectorAll('g.edgeLabel text')].flatMap((t) => {
              const lines = [...t.querySelectorAll('tspan.text-outer-tspan')].map((l) => norm(l.textContent));
              return lines.slice(1).flatMap((next, i) => (/[a-z]$/.test(lines[i]!) && /^[a-z]/.test(next) ? [`${lines[i]}|${next}`] : []));
            }),
          };
        }, svg);
      const saved = await structure(committed);
      expect(saved.error).toBeNull();
      expect(saved.root).toBe('svg');
      expect(saved.namespace).toBe('http://www.w3.org/2000/svg');
      expect(saved.foreignObjects).toBe(0);
      const texts = new Set(saved.texts);
      const missing = stateNames().filter((name) => !texts.has(name));
      expect(missing, 'states missing from docs/journey.svg').toEqual([]);
      // Every state, history states too, is drawn as itself (not as a dashed reference) in some part.
      const drawn = statePaths().filter((path) => !saved.stateIds.some((id) => id.endsWith(`-state-${path}`)));
      expect(drawn, 'states no part draws').toEqual([]);
      expect(saved.edges).toBeGreaterThan(20);

      const { texts: _t, stateIds: _s, cutWords: savedCuts, ...savedShape } = saved;
      const { texts: _f, stateIds: _g, cutWords: freshCuts, ...freshShape } = await structure(fresh);
      expect(savedShape, 'docs/journey.svg is out of date: run `pnpm diagram`').toEqual(freshShape);
      expect(savedCuts, 'labels of docs/journey.svg cut a word').toEqual([]);
      expect(freshCuts, 'labels of a fresh render cut a word').toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);

  it('draws docs/journey.svg legibly: no wider than a page, in parts, every label at least 11 px at its natural size, with a screenshot', async () => {
    const page = await (await chromium()).context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    try {
      await page.goto(pathToFileURL(JOURNEY_SVG_PATH).href, { waitUntil: 'load' });
      const layout = await page.evaluate(() => {
        const root = document.documentElement;
        const parts = [...document.querySelectorAll('g.diagram-part')].map((g) => {
          // Each label's font size as drawn: its computed size times the scale its part is drawn at.
          const sizes = [...g.querySelectorAll('text')]
            .filter((t) => (t.textContent ?? '').trim() !== '')
            .map((t) => parseFloat(getComputedStyle(t).fontSize) * ((t as SVGTextElement).getScreenCTM()?.a ?? 1));
          return { id: g.getAttribute('data-part'), title: g.querySelector('text.part-title')?.textContent ?? '', labels: sizes.length, smallest: Math.min(...sizes) };
        });
        return { width: Number(root.getAttribute('width')), height: Number(root.getAttribute('height')), parts };
      });
      expect(problems).toEqual([]);
      // One file, no wider than a page: the whole statechart in one diagram was about 4,900 px wide.
      expect(layout.width).toBeLessThanOrEqual(DIAGRAM_MAX_WIDTH);
      expect(layout.parts.map((p) => p.id)).toEqual(JOURNEY_DIAGRAM_PARTS.map((p) => p.id));
      expect(layout.parts.map((p) => p.id)).toEqual(['overview', 'course', 'intake', 'induction', 'responseReview', 'maintenance', 'therapy']);
      for (const part of layout.parts) {
        expect(part.title.length, `${part.id} has a heading`).toBeGreaterThan(10);
        expect(part.labels, `${part.id} has labels`).toBeGreaterThan(5);
        expect(part.smallest, `the smallest label of ${part.id}, in px`).toBeGreaterThanOrEqual(11);
      }

      // The diagram as a reader's browser shows it, in an image at its natural size.
      mkdirSync(ARTIFACTS, { recursive: true });
      writeFileSync(`${ARTIFACTS}journey-diagram.html`, `<!doctype html><html><body style="margin:0"><img src="${pathToFileURL(JOURNEY_SVG_PATH).href}"></body></html>`);
      await page.goto(pathToFileURL(`${ARTIFACTS}journey-diagram.html`).href, { waitUntil: 'load' });
      const shown = await page.evaluate(() => {
        const img = document.querySelector('img')!;
        return { complete: img.complete, width: img.naturalWidth, height: img.naturalHeight };
      });
      expect(shown).toEqual({ complete: true, width: layout.width, height: layout.height });
      await page.screenshot({ path: `${ARTIFACTS}journey-diagram.png`, fullPage: true, timeout: 60_000 });
      expect(readFileSync(`${ARTIFACTS}journey-diagram.png`).subarray(1, 4).toString()).toBe('PNG');
    } finally {
      await page.close();
    }
  }, 120_000);
});

/** Every state of the journey's machine as the diagram ids it: its path joined with `_`. */
function statePaths(): string[] {
  interface Node {
    readonly path: readonly string[];
    readonly states: Record<string, Node>;
  }
  const paths: string[] = [];
  const walk = (node: Node) => {
    for (const child of Object.values(node.states)) {
      paths.push(child.path.join('_'));
      walk(child);
    }
  };
  walk(ketamineAnxietyJourney.machine.root as unknown as Node);
  return paths;
}

/** Every state name of the journey's machine (history pseudo-states aside). */
function stateNames(): string[] {
  interface Node {
    readonly key: string;
    readonly type: string;
    readonly states: Record<string, Node>;
  }
  const names: string[] = [];
  const walk = (node: Node) => {
    for (const child of Object.values(node.states)) {
      if (child.type !== 'history') names.push(child.key);
      walk(child);
    }
  };
  walk(ketamineAnxietyJourney.machine.root as unknown as Node);
  return [...new Set(names)];
}
