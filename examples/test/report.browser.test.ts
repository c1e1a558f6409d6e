/// <reference lib="dom" />
// The journey report and the journey diagram, opened in a real browser: Debian's Chromium driven
// by playwright-core, launched once for every check in this file. Chromium is required: without it
// the tests fail with the install command (see reportBrowser.ts), they do not skip.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ketamineAnxietyJourney, type JournalEntry, type KetamineJourneyContext } from '@carejourney/core';
import { JOURNEY_SVG_PATH, renderJourneyDiagramSvg } from '../src/journeyDiagramSvg.js';
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
 * The blood-pressure points the chart should hold, worked out from the journal alone: per session
 * (from its check-in), the last pre-dose reading, the post-dose reading nearest the route's check
 * within its window, and the last post-dose reading. As `systolic/diastolic` strings, in order.
 */
function journalBpPoints(journal: readonly JournalEntry[], context: KetamineJourneyContext): string[][] {
  const route = context.protocol.routes[context.plan?.route ?? 'iv'];
  const { bpCheckAtMinutes: check, checkToleranceMinutes: tolerance } = route.monitoring;
  const sessions: { pre: string | null; doseAt: number | null; post: { bp: string; minutes: number }[] }[] = [];
  const bp = (e: JournalEntry) => `${String(e.payload['systolic'])}/${String(e.payload['diastolic'])}`;
  for (const e of journal) {
    const current = sessions[sessions.length - 1];
    if (e.type === 'session.checkedIn') sessions.push({ pre: null, doseAt: null, post: [] });
    else if (!current) continue;
    else if (e.type === 'predose.vitalsRecorded') current.pre = bp(e);
    else if (e.type === 'dose.recorded') current.doseAt = Date.parse(e.at);
    else if (e.type === 'monitoring.vitalsRecorded' && current.doseAt !== null) {
      const takenAt = typeof e.payload['takenAt'] === 'string' ? Date.parse(e.payload['takenAt']) : Date.parse(e.at);
      current.post.push({ bp: bp(e), minutes: Math.round((takenAt - current.doseAt) / 60_000) });
    }
  }
  return sessions.map((s) => {
    const points: string[] = [];
    if (s.pre !== null) points.push(s.pre);
    if (check !== null) {
      const inWindow = s.post.filter((p) => p.minutes >= check - tolerance && p.minutes <= check + 3 * tolerance);
      const nearest = inWindow.sort((a, b) => Math.abs(a.minutes - check) - Math.abs(b.minutes - check))[0];
      if (nearest) points.push(nearest.bp);
    }
    const last = s.post[s.post.length - 1];
    if (last) points.push(last.bp);
    return points;
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
      bp: `${g.getAttribute('data-systolic')}/${g.getAttribute('data-diastolic')}`,
      slot: g.getAttribute('data-slot'),
    }));
    const limitLabels = [...document.querySelectorAll('svg.bp-chart .rule text')].map((t) => t.textContent ?? '');
    const timelineRows = document.querySelectorAll('table.timeline tbody tr').length;
    const alerts = [...document.querySelectorAll('table.alerts tbody tr')].map((tr) => tr.textContent ?? '');
    const holds = [...document.querySelectorAll('table.holds tbody tr')].map((tr) => tr.textContent ?? '');
    const chartsRendered = [...document.querySelectorAll('svg.chart')].every((svg) => svg.getBoundingClientRect().width > 100);
    return { scoreCharts, bpSessions, bpPoints, limitLabels, timelineRows, alerts, holds, chartsRendered };
  });
}

/** Groups the chart's points by session, in session order. */
function pointsBySession(points: readonly { session: number; bp: string }[]): string[][] {
  const sessions = [...new Set(points.map((p) => p.session))].sort((a, b) => a - b);
  return sessions.map((n) => points.filter((p) => p.session === n).map((p) => p.bp));
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
      expect(gad7.totals.length).toBeGreaterThanOrEqual(2);
      // The marks come from the journey's protocol; a responding total lies on or below the response line.
      const drop = context.protocol.response.responseDropPercent['GAD-7'];
      const baseline = journalTotals(journal, 'GAD-7')[0]!;
      expect(gad7.responseLabel).toBe(`response: ≤ ${baseline * (1 - drop / 100)} (${drop}% drop)`);
      expect(gad7.remissionLabel).toBe(`remission: ≤ ${context.protocol.response.remissionAtMost['GAD-7']}`);
      for (const p of gad7.points.filter((q) => q.phase === 'follow-up')) {
        expect(p.responded ? p.cy >= gad7.responseY! : p.cy < gad7.responseY!).toBe(true);
      }
      expect(gad7.points.some((p) => p.responded)).toBe(true);

      // Blood pressure: a band per checked-in session, the points the journal's readings give.
      expect(dom.bpSessions).toHaveLength(entriesOf(journal, 'session.checkedIn').length);
      expect(pointsBySession(dom.bpPoints)).toEqual(journalBpPoints(journal, context));
      expect(dom.bpPoints).toHaveLength(3 * entriesOf(journal, 'dose.recorded').length);
      const iv = context.protocol.routes.iv;
      expect(dom.limitLabels).toEqual(
        expect.arrayContaining([`pre-dose limit ${iv.preDoseBpLimit.systolic} systolic`, `stop: ${iv.stopRules.repeatedBp.systolic} systolic twice`]),
      );

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
      expect(dom.bpPoints.map((p) => `${p.slot} ${p.bp}`)).toEqual(['pre-dose 150/94', 'check 150/92', 'pre-discharge 136/84']);
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

  // Every example journey that runs in this process (the SQLite and PostgreSQL ones run child
  // processes and are reported with `pnpm report sqlite|postgres`).
  const inProcess = Object.keys(reportJourneys).filter((name) => !['flagship', 'sqlite', 'postgres'].includes(name));
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
      expect(saved.edges).toBeGreaterThan(20);

      const { texts: _t, ...savedShape } = saved;
      const { texts: _f, ...freshShape } = await structure(fresh);
      expect(savedShape, 'docs/journey.svg is out of date: run `pnpm diagram`').toEqual(freshShape);
    } finally {
      await page.close();
    }
  }, 90_000);
});

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
