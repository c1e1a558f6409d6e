// The report's data and page without a browser: early journeys, escaping, the CLI's refusals.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine, ketamineAnxietyJourney, ManualClock, MemoryStore, type EffectNotice } from '@carejourney/core';
import { writeReport } from '../src/report.js';
import { reportData } from '../src/reportData.js';
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
});
