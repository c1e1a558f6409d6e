// The report's data and page without a browser: early journeys, escaping, the CLI's refusals.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine, ketamineAnxietyJourney, ManualClock, MemoryStore, type EffectNotice } from '@carejourney/core';
import { eventFacts } from '../src/eventFacts.js';
import { writeReport } from '../src/report.js';
import { bpChart, bpLimitLines } from '../src/reportCharts.js';
import { reportData, type BpLimits, type BpSession } from '../src/reportData.js';
import { reportHtml } from '../src/reportHtml.js';
import { readJourneyForReport } from '../src/reportJourneys.js';

async function intakeOnly() {
  const clock = new ManualClock('2026-06-01T07:00:00Z');
  const engine = createEngine({
    definition: ketamineAnxietyJourney,
    store: new MemoryStore(),
    clock,
    protocol: { timeZone: 'Asia/Tokyo', acceptUnconfirmedDefaults: true },
  });
  const effects: EffectNotice[] = [];
  engine.on('effect', (n) => effects.push(n));
  const coordinator = { id: 'coord-1', role: 'coordinator' } as const;
  const { id } = await engine.start({ patientRef: 'pt-early', actor: coordinator, input: { referral: { source: 'self', indication: 'ocd' } } });
  await engine.send(id, { type: 'referral.accepted' }, { actor: coordinator });
  await engine.send(id, { type: 'assessment.recorded', instrument: 'Y-BOCS', total: 26 }, { actor: { id: 'pt-1', role: 'patient' } });
  return readJourneyForReport(engine, id, { title: 'Intake <script>alert(1)</script> & more', effects });
}

describe('journey report data and page', () => {
  it('reports a journey still in intake: no plan, no sessions, the indication’s primary instrument from the protocol', async () => {
    const source = await intakeOnly();
    const data = reportData(source);
    expect(data.route).toBeNull();
    expect(data.bloodPressure).toEqual({ limits: null, sessions: [] });
    // OCD: Y-BOCS is the protocol's primary instrument; GAD-7 is shown first, with no totals yet.
    expect(data.scores.map((s) => [s.instrument, s.primary, s.points.length])).toEqual([
      ['GAD-7', false, 0],
      ['Y-BOCS', true, 1],
    ]);
    const ybocs = data.scores[1]!;
    const protocol = source.view.context.protocol;
    expect(ybocs.baseline).toBe(26);
    expect(ybocs.responseDropPercent).toBe(protocol.response.responseDropPercent['Y-BOCS']);
    expect(ybocs.responseAtMost).toBeCloseTo(26 * (1 - protocol.response.responseDropPercent['Y-BOCS'] / 100));
    expect(ybocs.remissionAtMost).toBe(protocol.response.remissionAtMost['Y-BOCS']);
    // Local times in the clinic's zone: 07:00 UTC is 16:00 in Tokyo.
    expect(data.timeline[0]).toMatchObject({ seq: 1, event: 'journey.start', actorRole: 'coordinator', at: { date: '2026-06-01', time: '16:00' } });
    expect(data.statePath.map((s) => s.state)).toEqual(['referral', 'intake › screening']);

    const html = reportHtml(data);
    expect(html).toContain('No sessions yet.');
    expect(html).toContain('No GAD-7 totals recorded.');
    expect(html.match(/class="score-point /g)).toHaveLength(1);
  });

  it('escapes every value from the journey, so none can add markup or script to the page', async () => {
    const html = reportHtml(reportData(await intakeOnly()));
    expect(html).not.toContain('<script>');
    expect(html).toContain('Intake &lt;script&gt;alert(1)&lt;/script&gt; &amp; more');
    // The only tags are the page's own: no script element, no external resource.
    expect(html).not.toMatch(/<script|<link|<img|src=|href=/i);
    expect(html).toContain('Content-Security-Policy" content="default-src &#39;none&#39;;');
  });

  it('writes reports/<name>.html for a registered journey and refuses an unknown name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'carejourney-report-'));
    try {
      const path = await writeReport('flagship', dir);
      expect(path).toBe(join(dir, 'flagship.html'));
      expect(readFileSync(path, 'utf8')).toContain('IV ketamine for generalized anxiety');
      await expect(writeReport('toString', dir)).rejects.toThrow('No journey named "toString" to report. Known: flagship, esketamine, at-home, ineligible, bp-hold, rems-plugin, sqlite, postgres');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('draws the limits the protocol sets, whatever they are, on an axis that holds the highest', () => {
    const limits: BpLimits = {
      route: 'iv',
      preDose: { systolic: 150, diastolic: 95 },
      discharge: { systolic: 145, diastolic: 95 },
      stopRepeated: { systolic: 190, diastolic: 115, minutesApart: 10 },
      stopSingle: { systolic: 230, diastolic: 130 },
      checkAtMinutes: 40,
    };
    expect(bpLimitLines(limits).map((l) => `${l.kind} ${l.label}`)).toEqual([
      'limit 150 systolic: pre-dose limit',
      'limit 145 systolic: discharge limit',
      'stop 190 systolic: stop if twice 10 min apart',
      'stop 230 systolic: stop if once',
      'limit 95 diastolic: pre-dose, discharge limit',
      'stop 115 diastolic: stop if twice 10 min apart',
      'stop 130 diastolic: stop if once',
    ]);
    const at = { iso: '2026-01-19T10:00:00.000Z', date: '2026-01-19', time: '10:00' };
    const session: BpSession = {
      visit: 1, number: 1, date: at.date, dosed: true, outcome: 'completed', stopped: null, overridden: false,
      preDose: { systolic: 128, diastolic: 80, at }, check: null, aboveStopLimit: [], last: null,
      points: [{ systolic: 128, diastolic: 80, at, minutesAfterDose: null, roles: ['pre-dose'] }],
    };
    const svg = bpChart([session], limits).html;
    const drawn = [...svg.matchAll(/class="rule (limit|stop) (systolic|diastolic)" data-value="(\d+)"/g)].map((m) => `${m[3]} ${m[2]}`);
    expect(drawn.sort()).toEqual(['115 diastolic', '130 diastolic', '145 systolic', '150 systolic', '190 systolic', '230 systolic', '95 diastolic']);
    // Nothing of the shipped defaults (140/90, 180/110, 200/120) is drawn.
    expect(svg).not.toMatch(/data-value="(140|90|180|110|200|120)"/);
    const ticks = [...svg.matchAll(/<g><line class="grid"[^>]*><\/line><text[^>]*>(\d+)<\/text><\/g>/g)].map((m) => Number(m[1]));
    expect(Math.max(...ticks)).toBeGreaterThanOrEqual(230);
  });

  it('shows the readings, decisions and reasons of an event, never its notes or outside references', () => {
    const zone = 'Europe/London';
    expect(eventFacts('monitoring.vitalsRecorded', { systolic: 184, diastolic: 112, heartRate: 104, spo2: 96 }, zone)).toEqual(['184/112', 'HR 104', 'SpO2 96%']);
    expect(eventFacts('hold.reviewed', { decision: 'resume', reason: 'ED letter reviewed', nextSessionAt: '2026-01-28T10:00:00Z' }, zone)).toEqual([
      'resume',
      'next session 2026-01-28 10:00',
      'reason: ED letter reviewed',
    ]);
    // Notes, the ED's case reference, the therapist's ref, the response id: none shown.
    expect(eventFacts('referral.accepted', { note: 'Spoke to the patient’s daughter' }, zone)).toEqual([]);
    expect(eventFacts('consultation.recorded', { kind: 'initial', mode: 'video', note: 'Lives alone' }, zone)).toEqual(['initial, video']);
    expect(eventFacts('session.escalated', { destination: 'ems', reference: 'EMS-4471', reason: 'Not settling' }, zone)).toEqual(['ems', 'reason: Not settling']);
    expect(eventFacts('therapy.linked', { therapistRef: 'therapist-204', modality: 'cbt' }, zone)).toEqual(['cbt']);
    expect(eventFacts('assessment.recorded', { instrument: 'GAD-7', total: 11, responseRef: 'qr-991' }, zone)).toEqual(['GAD-7 11']);
    expect(eventFacts('journey.start', { patientRef: 'pt-1', input: { referral: { source: 'self', indication: 'panic', referrerRef: 'gp-9' } } }, zone)).toEqual(['referral: self', 'panic']);
  });
});
