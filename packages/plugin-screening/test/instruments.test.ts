import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CareJourneyError, defaultKetamineProtocol } from '@carejourney/core';
import { describe, expect, it } from 'vitest';
import {
  CADSS,
  CADSS6,
  CSSRS,
  defineInstrument,
  GAD2,
  GAD7,
  HAMA,
  LSAS,
  MOAAS,
  PHQ2,
  PHQ9,
  scoreResponse,
  SHIPPED_INSTRUMENTS,
  SPIN,
  YBOCS,
  type InstrumentDefinition,
  type InstrumentDefinitionInput,
} from '../src/index.js';
import { answersFor } from './answers.js';

// Expected values are transcribed from DOMAIN.md's "Instruments" table (and, for the LSAS, from
// INSTRUMENTS.md, which gives its sources). They are written out here, not read from the
// definitions, so a wrong definition fails.

/** Each band edge: [total, band code or null]. */
const BAND_EDGES: Record<string, [number, string | null][]> = {
  'GAD-7': [[0, 'minimal'], [4, 'minimal'], [5, 'mild'], [9, 'mild'], [10, 'moderate'], [14, 'moderate'], [15, 'severe'], [21, 'severe']],
  'PHQ-9': [[0, 'minimal'], [4, 'minimal'], [5, 'mild'], [9, 'mild'], [10, 'moderate'], [14, 'moderate'], [15, 'moderately-severe'], [19, 'moderately-severe'], [20, 'severe'], [27, 'severe']],
  'HAM-A': [[0, 'mild'], [17, 'mild'], [18, 'mild-to-moderate'], [24, 'mild-to-moderate'], [25, 'moderate-to-severe'], [30, 'moderate-to-severe'], [31, 'severe'], [56, 'severe']],
  'Y-BOCS': [[0, 'subclinical'], [7, 'subclinical'], [8, 'mild'], [15, 'mild'], [16, 'moderate'], [23, 'moderate'], [24, 'severe'], [31, 'severe'], [32, 'extreme'], [40, 'extreme']],
  LSAS: [[0, null], [54, null], [55, 'moderate'], [64, 'moderate'], [65, 'marked'], [79, 'marked'], [80, 'severe'], [95, 'severe'], [96, 'very-severe'], [144, 'very-severe']],
  // Instruments without bands in DOMAIN.md.
  'GAD-2': [[0, null], [6, null]],
  'PHQ-2': [[0, null], [6, null]],
  SPIN: [[0, null], [68, null]],
  CADSS: [[0, null], [92, null]],
  'CADSS-6': [[0, null], [24, null]],
  'MOAA/S': [[0, null], [5, null]],
};

/** Each flag edge of a total: [total, flags raised]. */
const FLAG_EDGES: Record<string, [number, string[]][]> = {
  'GAD-7': [[9, []], [10, ['positive-screen']]],
  'GAD-2': [[2, []], [3, ['positive-screen']]],
  'PHQ-2': [[2, []], [3, ['positive-screen']]],
  SPIN: [[18, []], [19, ['social-anxiety']]],
  LSAS: [[29, []], [30, ['social-anxiety']], [59, ['social-anxiety']], [60, ['social-anxiety', 'generalized']]],
  'MOAA/S': [[0, ['loss-of-consciousness']], [1, []]],
};

const SCALES: Record<string, { items: number; itemMax: number; totalMax: number }> = {
  'GAD-7': { items: 7, itemMax: 3, totalMax: 21 },
  'PHQ-9': { items: 9, itemMax: 3, totalMax: 27 },
  'GAD-2': { items: 2, itemMax: 3, totalMax: 6 },
  'PHQ-2': { items: 2, itemMax: 3, totalMax: 6 },
  'HAM-A': { items: 14, itemMax: 4, totalMax: 56 },
  SPIN: { items: 17, itemMax: 4, totalMax: 68 },
  'Y-BOCS': { items: 10, itemMax: 4, totalMax: 40 },
  LSAS: { items: 48, itemMax: 3, totalMax: 144 },
  CADSS: { items: 23, itemMax: 4, totalMax: 92 },
  'CADSS-6': { items: 6, itemMax: 4, totalMax: 24 },
  'MOAA/S': { items: 1, itemMax: 5, totalMax: 5 },
};

/** DOMAIN.md's LOINC codes, by instrument and element. */
const DOMAIN_LOINC: Record<string, Record<string, string>> = {
  'GAD-7': {
    panel: '69737-5',
    total: '70274-6',
    'item 1': '69725-0',
    'item 2': '68509-9',
    'item 3': '69733-4',
    'item 4': '69734-2',
    'item 5': '69735-9',
    'item 6': '69689-8',
    'item 7': '69736-7',
  },
  'PHQ-9': { panel: '44249-1', total: '44261-6', 'item 9': '44260-8' },
  // "GAD-2 / PHQ-2: first 2 items": the GAD-2 asks GAD-7 items 1 and 2; PHQ-9 items 1-2 have no code.
  'GAD-2': { 'item 1': '69725-0', 'item 2': '68509-9' },
  'PHQ-2': { total: '55758-7' },
};

/** Every LOINC code a definition carries, as element → code. */
function loincCodes(def: InstrumentDefinition): Record<string, string> {
  const codes: Record<string, string> = {};
  if (def.loinc.panel) codes['panel'] = def.loinc.panel;
  if (def.loinc.total) codes['total'] = def.loinc.total;
  for (const item of def.items) {
    if (item.loinc) codes[`item ${item.linkId}`] = item.loinc;
    for (const a of item.answers) if (a.loinc) codes[`answer ${a.value}`] = a.loinc;
  }
  return codes;
}
const withoutAnswers = (codes: Record<string, string>) => Object.fromEntries(Object.entries(codes).filter(([k]) => !k.startsWith('answer')));

describe('shipped instruments', () => {
  it('ship every instrument of DOMAIN.md, each valid under the definition schema', () => {
    expect(SHIPPED_INSTRUMENTS.map((d) => d.id)).toEqual(['GAD-7', 'PHQ-9', 'GAD-2', 'PHQ-2', 'HAM-A', 'SPIN', 'Y-BOCS', 'LSAS', 'C-SSRS', 'CADSS', 'CADSS-6', 'MOAA/S']);
    for (const def of SHIPPED_INSTRUMENTS) {
      expect(defineInstrument(structuredClone(def) as InstrumentDefinitionInput)).toEqual(def);
      expect(Object.isFrozen(def.items[0]), def.id).toBe(true);
    }
  });

  it.each(Object.entries(SCALES))('%s has the items and ranges of DOMAIN.md', (id, scale) => {
    const def = SHIPPED_INSTRUMENTS.find((d) => d.id === id) as InstrumentDefinition;
    expect(def.items).toHaveLength(scale.items);
    for (const item of def.items) expect(item.answers.map((a) => a.value)).toEqual(Array.from({ length: scale.itemMax + 1 }, (_, v) => v));
    expect(def.scoring).toMatchObject({ kind: 'sum', min: 0, max: scale.totalMax });
    expect(scoreResponse(def, answersFor(def, 0)).total).toBe(0);
    expect(scoreResponse(def, answersFor(def, scale.totalMax)).total).toBe(scale.totalMax);
  });

  it.each(Object.entries(BAND_EDGES))('%s: every band edge falls in the band DOMAIN.md gives', (id, edges) => {
    const def = SHIPPED_INSTRUMENTS.find((d) => d.id === id) as InstrumentDefinition;
    for (const [total, band] of edges) expect(scoreResponse(def, answersFor(def, total)).band?.code ?? null, `${id} total ${total}`).toBe(band);
    // No band edge is left untested.
    for (const band of def.bands) {
      expect(edges.some(([t, b]) => t === band.min && b === band.code), `${id} ${band.code} lower edge`).toBe(true);
      expect(edges.some(([t, b]) => t === band.max && b === band.code), `${id} ${band.code} upper edge`).toBe(true);
    }
  });

  it.each(Object.entries(FLAG_EDGES))('%s: flags switch at the cut-offs', (id, edges) => {
    const def = SHIPPED_INSTRUMENTS.find((d) => d.id === id) as InstrumentDefinition;
    for (const [total, flags] of edges) expect(scoreResponse(def, answersFor(def, total)).flags.map((f) => f.code), `${id} total ${total}`).toEqual(flags);
  });

  it('PHQ-9 flags item 9 above 0 whatever the total, and not at 0', () => {
    const low = { ...answersFor(PHQ9, 0), '9': 1 };
    expect(scoreResponse(PHQ9, low)).toMatchObject({ total: 1, band: { code: 'minimal' }, flags: [{ code: 'item9-positive' }] });
    const high = { ...answersFor(PHQ9, 24), '9': 0 };
    expect(scoreResponse(PHQ9, high).flags).toEqual([]);
  });

  it('Y-BOCS has obsession and compulsion subtotals; HAM-A psychic and somatic; LSAS fear and avoidance', () => {
    const ybocs = scoreResponse(YBOCS, { '1': 4, '2': 3, '3': 2, '4': 1, '5': 0, '6': 1, '7': 1, '8': 1, '9': 1, '10': 4 });
    expect(ybocs).toMatchObject({ total: 18, subscales: { obsessions: 10, compulsions: 8 }, band: { code: 'moderate' } });
    const hama = scoreResponse(HAMA, { ...answersFor(HAMA, 0), '1': 4, '6': 3, '14': 2, '7': 1, '13': 4 });
    expect(hama).toMatchObject({ total: 14, subscales: { psychic: 9, somatic: 5 } });
    const lsas: Record<string, number> = {};
    for (let n = 1; n <= 24; n++) {
      lsas[`${n}-fear`] = n % 4;
      lsas[`${n}-avoidance`] = n <= 12 ? 3 : 0;
    }
    expect(scoreResponse(LSAS, lsas)).toMatchObject({ total: 72, subscales: { fear: 36, avoidance: 36 }, band: { code: 'marked' }, flags: [{ code: 'social-anxiety' }, { code: 'generalized' }] });
  });

  it('carries exactly the LOINC codes of DOMAIN.md, borrowing none', () => {
    for (const def of SHIPPED_INSTRUMENTS) {
      expect(withoutAnswers(loincCodes(def)), def.id).toEqual(DOMAIN_LOINC[def.id] ?? {});
    }
    // No total or panel code is shared between instruments.
    const results = SHIPPED_INSTRUMENTS.flatMap((d) => [d.loinc.panel, d.loinc.total]).filter((c) => c !== undefined);
    expect(new Set(results).size).toBe(results.length);
    expect(GAD2.loinc).toEqual({});
    expect(PHQ2.items.every((i) => i.loinc === undefined)).toBe(true);
  });

  it('match the LOINC table of INSTRUMENTS.md both ways, answer codes included', () => {
    const doc = readFileSync(fileURLToPath(new URL('../INSTRUMENTS.md', import.meta.url)), 'utf8');
    const section = doc.slice(doc.indexOf('## LOINC codes'), doc.indexOf('## Per instrument'));
    const documented = new Set<string>();
    for (const line of section.split('\n')) {
      const cells = line.split('|').map((c) => c.trim());
      const [, instruments, element, code] = cells;
      if (!code || !/^(LA)?\d+-\d$/.test(code) || !instruments || !element) continue;
      for (const id of instruments.split(',').map((s) => s.trim())) documented.add(`${id} ${element.replace(/ \(.*\)$/, '')} ${code}`);
    }
    const shipped = new Set(SHIPPED_INSTRUMENTS.flatMap((d) => Object.entries(loincCodes(d)).map(([element, code]) => `${d.id} ${element} ${code}`)));
    expect([...shipped].sort()).toEqual([...documented].sort());
    expect(documented.size).toBeGreaterThan(30);
  });

  it('ships item text only for GAD-7, GAD-2, PHQ-9, PHQ-2 and HAM-A, with their notices', () => {
    const withText = SHIPPED_INSTRUMENTS.filter((d) => d.items.some((i) => i.text !== undefined)).map((d) => d.id);
    expect(withText).toEqual(['GAD-7', 'PHQ-9', 'GAD-2', 'PHQ-2', 'HAM-A']);
    for (const def of [GAD7, PHQ9, GAD2, PHQ2, HAMA]) expect(def.items.every((i) => i.text !== undefined)).toBe(true);
    for (const def of [GAD7, PHQ9, GAD2, PHQ2]) expect(def.licence).toMatchObject({ kind: 'free-to-reproduce', notice: expect.stringContaining('No permission required') });
    expect(HAMA.licence.kind).toBe('public-domain');
    for (const def of [SPIN, YBOCS, LSAS, CSSRS, CADSS, CADSS6, MOAAS]) {
      expect(def.licence.kind, def.id).toBe('licensed');
      expect(def.instructions).toBeUndefined();
      expect(def.items.every((i) => i.text === undefined && i.answers.every((a) => a.display === undefined)), def.id).toBe(true);
    }
  });

  it('CADSS-6 uses CADSS items 1, 2, 6, 7, 15 and 22', () => {
    expect(CADSS6.items.map((i) => i.linkId)).toEqual(['1', '2', '6', '7', '15', '22']);
    expect(CADSS6.journey).toEqual({ event: 'monitoring.dissociationRecorded', form: 'CADSS-6' });
    expect(CADSS.journey).toEqual({ event: 'monitoring.dissociationRecorded', form: 'CADSS' });
    expect(MOAAS.journey).toEqual({ event: 'monitoring.sedationRecorded' });
  });

  it('feed the journey instruments core knows, and LSAS is the default primary instrument for social anxiety', () => {
    const fed = SHIPPED_INSTRUMENTS.flatMap((d) => (d.journey?.event === 'assessment.recorded' ? [d.journey.instrument] : []));
    expect(fed.sort()).toEqual(['C-SSRS', 'GAD-7', 'HAM-A', 'LSAS', 'PHQ-9', 'SPIN', 'Y-BOCS']);
    expect(defaultKetamineProtocol().response.primaryInstrument['social-anxiety']).toBe('LSAS');
    expect(GAD2.journey).toBeNull();
    expect(PHQ2.journey).toBeNull();
  });

  it('GAD-7 carries the 4-point minimal important difference', () => {
    expect(GAD7.minimalImportantDifference).toBe(4);
  });
});

describe('defineInstrument', () => {
  const base = (): InstrumentDefinitionInput => ({
    id: 'WB-3',
    version: '1.0.0',
    title: 'Clinic well-being check',
    administeredBy: 'patient',
    recallPeriod: 'last week',
    licence: { kind: 'public-domain', notice: 'Written by the clinic, no restrictions.' },
    citation: 'Clinic protocol QA-12, 2026.',
    items: ['1', '2', '3'].map((linkId) => ({ linkId, type: 'choice' as const, answers: [0, 1, 2].map((value) => ({ value })) })),
    scoring: { kind: 'sum', min: 0, max: 6 },
  });
  const refusedAt = (def: unknown): string[] => {
    try {
      defineInstrument(def as InstrumentDefinitionInput);
    } catch (error) {
      expect(error).toBeInstanceOf(CareJourneyError);
      expect((error as CareJourneyError).code).toBe('CJ_ERR_INVALID_CONFIG');
      return ((error as CareJourneyError).details.issues ?? []).map((i) => i.path);
    }
    throw new Error('not refused');
  };

  it('accepts a host instrument and scores it like a shipped one', () => {
    const def = defineInstrument({ ...base(), bands: [{ code: 'low', label: 'Low', min: 0, max: 2 }, { code: 'high', label: 'High', min: 3, max: 6 }] });
    expect(scoreResponse(def, { '1': 2, '2': 1, '3': 0 })).toMatchObject({ total: 3, band: { code: 'high' } });
  });

  it('refuses data errors, naming the field', () => {
    expect(refusedAt({ ...base(), scoring: { kind: 'sum', min: 0, max: 9 } })).toEqual(['definition.scoring']);
    expect(refusedAt({ ...base(), bands: [{ code: 'a', label: 'A', min: 0, max: 3 }, { code: 'b', label: 'B', min: 3, max: 6 }] })).toEqual(['definition.bands[1]']);
    expect(refusedAt({ ...base(), bands: [{ code: 'a', label: 'A', min: 0, max: 7 }] })).toEqual(['definition.bands[0]']);
    expect(refusedAt({ ...base(), licence: { kind: 'licensed', notice: 'Licensed by its authors.' }, items: [{ ...base().items[0], text: 'How are you?' }, ...base().items.slice(1)] })).toEqual([
      'definition.items[0].text',
    ]);
    expect(refusedAt({ ...base(), scoring: { kind: 'sum', min: 0, max: 6, subscales: [{ code: 's', label: 'S', items: ['1', '9'] }] } })).toEqual([
      'definition.scoring.subscales[0].items[1]',
    ]);
    expect(refusedAt({ ...base(), flags: [{ code: 'f', label: 'F', item: 'x', atLeast: 1 }] })).toEqual(['definition.flags[0].item']);
    expect(refusedAt({ ...base(), items: [...base().items, base().items[0]], scoring: { kind: 'sum', min: 0, max: 8 } })).toEqual(['definition.items[3].linkId']);
    expect(refusedAt({ ...base(), loinc: { total: '70274' } })).toEqual(['definition.loinc.total']);
    expect(refusedAt({ ...base(), journey: { event: 'assessment.recorded', instrument: 'C-SSRS' } })).toEqual(['definition.journey']);
    expect(refusedAt(null)).toEqual(['definition']);
  });

  it('refuses skip logic that points forward or to a yes/no answer a choice item cannot give', () => {
    const triage = (items: unknown[]) => ({
      ...base(),
      items,
      scoring: { kind: 'triage', levels: [{ level: 'low', anyYes: ['a'] }] },
    });
    expect(refusedAt(triage([{ linkId: 'a', type: 'boolean', enableWhen: [{ linkId: 'b', equals: true }] }, { linkId: 'b', type: 'boolean' }]))).toEqual([
      'definition.items[0].enableWhen[0].linkId',
    ]);
    expect(refusedAt(triage([{ linkId: 'a', type: 'boolean' }, { linkId: 'b', type: 'boolean', enableWhen: [{ linkId: 'a', equals: 1 }] }]))).toEqual([
      'definition.items[1].enableWhen[0].equals',
    ]);
    // Summed instruments ask every item.
    expect(refusedAt({ ...base(), items: [base().items[0], { ...base().items[1], enableWhen: [{ linkId: '1', equals: 1 }] }, base().items[2]] })).toEqual([
      'definition.items[1].enableWhen',
    ]);
  });

  it('prorates only where the instrument defines it', () => {
    const strict = defineInstrument(base());
    expect(() => scoreResponse(strict, { '1': 2, '2': 1 })).toThrow(/answers\.3: item 3 is unanswered/);
    const lenient = defineInstrument({ ...base(), scoring: { kind: 'sum', min: 0, max: 6, prorate: { maxMissing: 1 } } });
    expect(scoreResponse(lenient, { '1': 2, '2': 1 })).toMatchObject({ total: 5, prorated: true });
    expect(scoreResponse(lenient, { '1': 2, '2': 1, '3': 1 })).toMatchObject({ total: 4, prorated: false });
    expect(() => scoreResponse(lenient, { '1': 2 })).toThrow(/answers\.2: .*at most 1 item/);
  });

  // Items of different ranges: a 0-10 item and a 0-1 item make a 0-11 scale. Imputing the mean
  // of the first for a missing second would score 10 x 2 / 1 = 20.
  const uneven = (): InstrumentDefinitionInput => ({
    ...base(),
    items: [
      { linkId: '1', type: 'choice', answers: Array.from({ length: 11 }, (_, value) => ({ value })) },
      { linkId: '2', type: 'choice', answers: [{ value: 0 }, { value: 1 }] },
    ],
    scoring: { kind: 'sum', min: 0, max: 11, prorate: { maxMissing: 1 } },
  });

  it('refuses prorating unless every item scores the same range', () => {
    expect(refusedAt(uneven())).toEqual(['definition.scoring.prorate']);
    expect(() => defineInstrument(uneven())).toThrow(/definition\.scoring\.prorate: prorating needs every item to score the same range: item "2" scores 0-1, item "1" 0-10/);
    // The same items without prorating are a valid instrument that refuses incomplete responses.
    const strict = defineInstrument({ ...uneven(), scoring: { kind: 'sum', min: 0, max: 11 } });
    expect(() => scoreResponse(strict, { '1': 10 })).toThrow(/answers\.2: item 2 is unanswered/);
  });

  it('never scores a prorated total outside the scale, even for a definition that skipped defineInstrument', () => {
    // Built by hand, as a host could, bypassing the definition's checks.
    const unchecked = { ...defineInstrument({ ...uneven(), scoring: { kind: 'sum', min: 0, max: 11 } }), scoring: { kind: 'sum', min: 0, max: 11, subscales: [], prorate: { maxMissing: 1, rounding: 'nearest' } } } as InstrumentDefinition;
    expect(scoreResponse(unchecked, { '1': 10 })).toMatchObject({ total: 11, prorated: true });
    expect(scoreResponse(unchecked, { '2': 1 })).toMatchObject({ total: 2, prorated: true });
  });

  it('rounds a prorated total as the definition says: nearest (halves up, the default), up or down', () => {
    const withRounding = (rounding?: 'nearest' | 'up' | 'down') =>
      defineInstrument({ ...base(), scoring: { kind: 'sum', min: 0, max: 6, prorate: { maxMissing: 1, ...(rounding ? { rounding } : {}) } } });
    // 1 point over 2 of 3 items: 1.5. 3 points: 4.5. 2 points: exactly 3.
    const scores = (def: InstrumentDefinition) => [{ '1': 1, '2': 0 }, { '1': 2, '2': 1 }, { '1': 1, '2': 1 }].map((a) => scoreResponse(def, a).total);
    expect(withRounding().scoring).toMatchObject({ prorate: { rounding: 'nearest' } });
    expect(scores(withRounding())).toEqual([2, 5, 3]);
    expect(scores(withRounding('nearest'))).toEqual([2, 5, 3]);
    expect(scores(withRounding('up'))).toEqual([2, 5, 3]);
    expect(scores(withRounding('down'))).toEqual([1, 4, 3]);
    // 4 items of 0-3, 3 answered: 4 points x 4 / 3 = 5.33, 5 points = 6.67.
    const four = (rounding: 'nearest' | 'up' | 'down') =>
      defineInstrument({
        ...base(),
        items: ['1', '2', '3', '4'].map((linkId) => ({ linkId, type: 'choice' as const, answers: [0, 1, 2, 3].map((value) => ({ value })) })),
        scoring: { kind: 'sum', min: 0, max: 12, prorate: { maxMissing: 1, rounding } },
      });
    const totals = (def: InstrumentDefinition) => [{ '1': 2, '2': 1, '3': 1 }, { '1': 2, '2': 2, '3': 1 }].map((a) => scoreResponse(def, a).total);
    expect(totals(four('nearest'))).toEqual([5, 7]);
    expect(totals(four('up'))).toEqual([6, 7]);
    expect(totals(four('down'))).toEqual([5, 6]);
    expect(refusedAt({ ...base(), scoring: { kind: 'sum', min: 0, max: 6, prorate: { maxMissing: 1, rounding: 'half-even' } } })).toEqual(['definition.scoring.prorate.rounding']);
  });
});
