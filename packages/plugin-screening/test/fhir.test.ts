import type { Bundle, Coding, Observation, Questionnaire, QuestionnaireResponse } from '@medplum/fhirtypes';
import { CareJourneyError } from '@carejourney/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CSSRS,
  defineInstrument,
  GAD7,
  HAMA,
  LSAS,
  PHQ9,
  scoreResponse,
  SHIPPED_INSTRUMENTS,
  toFhirBundle,
  toObservations,
  toQuestionnaire,
  toQuestionnaireResponse,
  YBOCS,
  type AnswerOption,
  type InstrumentDefinition,
  type ScoredResponse,
} from '../src/index.js';
import { answersFor } from './answers.js';
import { fhirSchemaErrors } from './fhirSchema.js';

const canonicalBase = 'https://fhir.clinic.example/fhir';
const PATIENT_REF = 'pt-0001';
// The host's mapping: the export carries what it returns and nothing else about the patient.
const subject = (patientRef: string) => ({ reference: `Patient/${patientRef === PATIENT_REF ? 'f001' : 'unknown'}` });
const options = { canonicalBase, subject };

function respond(def: InstrumentDefinition, answers: Record<string, number | boolean>, ref = 'qr-1a2b3c'): ScoredResponse {
  return { ...scoreResponse(def, answers), responseRef: ref, patientRef: PATIENT_REF, authored: '2026-03-02T09:15:00.000Z' };
}

/** A representative response for every shipped instrument. */
const samples: [string, InstrumentDefinition, Record<string, number | boolean>][] = SHIPPED_INSTRUMENTS.map((def) => [
  def.id,
  def,
  def.scoring.kind === 'sum' ? answersFor(def, Math.floor(def.scoring.max / 2)) : { '1': true, '2': true, '3': false, '4': true, '5': false, '6': true, '6-recent': false },
]);

const schemaValid = (resource: { resourceType: string }) => expect(fhirSchemaErrors(resource), `${resource.resourceType} ${JSON.stringify(fhirSchemaErrors(resource).slice(0, 3))}`).toEqual([]);

describe('FHIR R4 export', () => {
  // Compiling the R4 schema's validators is a one-off cost of seconds (more on a loaded machine):
  // paid here, not inside the first test's timeout.
  beforeAll(() => {
    for (const resourceType of ['Questionnaire', 'QuestionnaireResponse', 'Observation', 'Bundle']) fhirSchemaErrors({ resourceType });
  }, 120_000);

  it.each(samples)('%s: the Questionnaire, QuestionnaireResponse, Observations and Bundle validate against the R4 schema', (_id, def, answers) => {
    const response = respond(def, answers);
    const questionnaire = toQuestionnaire(def, options);
    schemaValid(questionnaire);
    schemaValid(toQuestionnaireResponse(def, response, options));
    const observations = toObservations(def, response, options);
    for (const o of observations) schemaValid(o);
    const bundle = toFhirBundle(def, response, { ...options, includeQuestionnaire: true });
    schemaValid(bundle);
    expect(bundle.entry).toHaveLength(2 + observations.length);
  });

  it('the schema check is real: a malformed resource fails it', () => {
    const bad = { ...toQuestionnaire(GAD7, options), status: 'published' };
    expect(fhirSchemaErrors(bad).length).toBeGreaterThan(0);
    const [total] = toObservations(GAD7, respond(GAD7, answersFor(GAD7, 11)), options);
    expect(fhirSchemaErrors({ ...total, valueInteger: '3' } as unknown as Observation).length).toBeGreaterThan(0);
    expect(fhirSchemaErrors({ ...total, valueScore: 3 } as unknown as Observation).length).toBeGreaterThan(0);
    expect(fhirSchemaErrors({ ...total, derivedFrom: 'QuestionnaireResponse/x' } as unknown as Observation).length).toBeGreaterThan(0);
  });

  it('Questionnaire: canonical URL and version, LOINC panel and item codes, coded answers with ordinal values, the notice', () => {
    const q: Questionnaire = toQuestionnaire(GAD7, { canonicalBase: `${canonicalBase}/` });
    expect(q).toMatchObject({ url: `${canonicalBase}/Questionnaire/gad-7`, version: '1.0.0', status: 'active', code: [{ system: 'http://loinc.org', code: '69737-5' }] });
    expect(q.copyright).toContain('No permission required');
    expect(q.item?.[0]).toEqual({ linkId: 'instructions', type: 'display', text: 'Over the last 2 weeks, how often have you been bothered by the following problems?' });
    const item1 = q.item?.[1];
    expect(item1).toMatchObject({ linkId: '1', text: 'Feeling nervous, anxious, or on edge', type: 'choice', required: true, code: [{ system: 'http://loinc.org', code: '69725-0' }] });
    expect(item1?.answerOption?.[3]).toEqual({
      valueCoding: { system: 'http://loinc.org', code: 'LA6571-9', display: 'Nearly every day' },
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/ordinalValue', valueDecimal: 3 }],
    });
  });

  it('Questionnaire of a licensed instrument: no item text, integer answers, the licence notice, skip logic', () => {
    const q = toQuestionnaire(CSSRS, options);
    expect(q.copyright).toBe(CSSRS.licence.notice);
    expect(q.item?.every((i) => i.text === undefined)).toBe(true);
    expect(q.item?.find((i) => i.linkId === '4')?.enableWhen).toEqual([{ question: '2', operator: '=', answerBoolean: true }]);
    expect(q.item?.find((i) => i.linkId === '6-recent')?.enableWhen).toEqual([{ question: '6', operator: '=', answerBoolean: true }]);
    const y = toQuestionnaire(YBOCS, options);
    expect(y.item?.[0]).toEqual({ linkId: '1', prefix: '1', type: 'choice', required: true, answerOption: [0, 1, 2, 3, 4].map((valueInteger) => ({ valueInteger })) });
    expect(y.code).toBeUndefined();
    expect(toQuestionnaire({ ...LSAS, url: 'https://instruments.example/lsas' }, options).url).toBe('https://instruments.example/lsas');
  });

  it('QuestionnaireResponse: the response reference as id, the versioned questionnaire, the mapped subject, the asked items only', () => {
    const qr: QuestionnaireResponse = toQuestionnaireResponse(CSSRS, respond(CSSRS, { '1': true, '2': false, '6': false }), options);
    expect(qr).toMatchObject({ id: 'qr-1a2b3c', questionnaire: `${canonicalBase}/Questionnaire/c-ssrs|1.0.0`, status: 'completed', subject: { reference: 'Patient/f001' }, authored: '2026-03-02T09:15:00.000Z' });
    expect(qr.item?.map((i) => [i.linkId, i.answer?.[0]])).toEqual([
      ['1', { valueBoolean: true }],
      ['2', { valueBoolean: false }],
      ['6', { valueBoolean: false }],
    ]);
    const gad = toQuestionnaireResponse(GAD7, respond(GAD7, answersFor(GAD7, 2)), options);
    expect(gad.item?.[0]?.answer).toEqual([{ valueCoding: { system: 'http://loinc.org', code: 'LA6570-1', display: 'More than half the days' } }]);
    const ham = toQuestionnaireResponse(HAMA, respond(HAMA, answersFor(HAMA, 4)), options);
    // HAM-A's levels have no LOINC answer codes: they are codes of the instrument's own answer system.
    expect(ham.item?.[0]?.answer).toEqual([{ valueCoding: { system: `${canonicalBase}/CodeSystem/ham-a-answers`, code: '4', display: 'Very severe' } }]);
    expect(toQuestionnaire(HAMA, options).item?.[0]?.answerOption?.[4]).toEqual({
      valueCoding: { system: `${canonicalBase}/CodeSystem/ham-a-answers`, code: '4', display: 'Very severe' },
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/ordinalValue', valueDecimal: 4 }],
    });
  });

  it('PHQ-9: total with its LOINC code, band and derivedFrom; the item-9 Observation; the panel with hasMember', () => {
    const response = respond(PHQ9, { ...answersFor(PHQ9, 11), '9': 1 });
    const [total, item9, panel, ...rest] = toObservations(PHQ9, response, options);
    expect(rest).toEqual([]);
    expect(total).toMatchObject({
      id: 'qr-1a2b3c-total',
      status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] }],
      code: { coding: [{ system: 'http://loinc.org', code: '44261-6' }] },
      subject: { reference: 'Patient/f001' },
      effectiveDateTime: '2026-03-02T09:15:00.000Z',
      valueInteger: response.total,
      interpretation: [{ coding: [{ system: `${canonicalBase}/CodeSystem/phq-9-interpretation`, code: 'moderate' }], text: 'Moderate depression' }],
      derivedFrom: [{ reference: 'QuestionnaireResponse/qr-1a2b3c' }],
    });
    expect(item9).toMatchObject({
      id: 'qr-1a2b3c-item9',
      code: { coding: [{ system: 'http://loinc.org', code: '44260-8' }] },
      valueCodeableConcept: { coding: [{ system: 'http://loinc.org', code: 'LA6569-3' }] },
      interpretation: [{ coding: [{ code: 'item9-positive' }] }],
    });
    expect(panel).toMatchObject({
      id: 'qr-1a2b3c-panel',
      code: { coding: [{ system: 'http://loinc.org', code: '44249-1' }] },
      hasMember: [{ reference: 'Observation/qr-1a2b3c-total' }, { reference: 'Observation/qr-1a2b3c-item9' }],
    });
    expect(panel).not.toHaveProperty('valueInteger');
  });

  it('instruments without LOINC codes get text-only codes; subtotals and the C-SSRS risk are Observations', () => {
    const ybocs = toObservations(YBOCS, respond(YBOCS, answersFor(YBOCS, 20)), options);
    expect(ybocs.map((o) => o.id)).toEqual(['qr-1a2b3c-total', 'qr-1a2b3c-obsessions', 'qr-1a2b3c-compulsions', 'qr-1a2b3c-panel']);
    expect(ybocs.every((o) => o.code.coding === undefined)).toBe(true);
    expect(ybocs.map((o) => o.valueInteger)).toEqual([20, 20, 0, undefined]);
    const cssrs = toObservations(CSSRS, respond(CSSRS, { '1': true, '2': true, '3': false, '4': true, '5': false, '6': false }), options);
    expect(cssrs[0]).toMatchObject({ id: 'qr-1a2b3c-risk', valueCodeableConcept: { coding: [{ code: 'risk-high' }], text: 'High risk' } });
    expect(cssrs.some((o) => o.valueInteger !== undefined)).toBe(false);
  });

  it('carries no identity beyond the host mapping, and refuses a mismatched definition or missing mapping', () => {
    const bundle: Bundle = toFhirBundle(PHQ9, respond(PHQ9, answersFor(PHQ9, 5)), options);
    expect(JSON.stringify(bundle)).not.toContain(PATIENT_REF);
    expect(bundle.entry?.map((e) => e.request)).toContainEqual({ method: 'PUT', url: 'QuestionnaireResponse/qr-1a2b3c' });
    expect(() => toObservations(GAD7, respond(PHQ9, answersFor(PHQ9, 5)), options)).toThrow(CareJourneyError);
    expect(() => toQuestionnaireResponse(GAD7, respond(GAD7, answersFor(GAD7, 5)), { canonicalBase })).toThrow(/options\.subject/);
    expect(() => toQuestionnaire(GAD7, { canonicalBase: 'fhir.clinic.example' })).toThrow(/options\.canonicalBase/);
  });
});

/** Every Coding in a resource (any object under `coding`, `valueCoding` or `answerCoding`), with where it is. */
function codings(value: unknown, at = ''): { at: string; coding: Coding }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => codings(v, `${at}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) => {
    const here = `${at}.${key}`;
    if (key === 'valueCoding' || key === 'answerCoding') return [{ at: here, coding: v as Coding }, ...codings(v, here)];
    if (key === 'coding' && Array.isArray(v)) return [...v.map((c: Coding, i) => ({ at: `${here}[${i}]`, coding: c })), ...codings(v, here)];
    return codings(v, here);
  });
}

/** Responses that between them give every answer option of every item: the k-th response answers each item with its k-th option. */
function everyOption(def: InstrumentDefinition): Record<string, number | boolean>[] {
  if (def.scoring.kind === 'triage') {
    return [
      { '1': true, '2': true, '3': true, '4': true, '5': true, '6': true, '6-recent': true },
      { '1': false, '2': false, '6': false },
      { '1': true, '2': false, '6': true, '6-recent': false },
    ];
  }
  const most = Math.max(...def.items.map((i) => i.answers.length));
  return Array.from({ length: most }, (_, k) => Object.fromEntries(def.items.map((i) => [i.linkId, (i.answers[Math.min(k, i.answers.length - 1)] as AnswerOption).value])));
}

describe('FHIR R4 answer codes', () => {
  const key = (c: Coding) => `${c.system ?? '(no system)'}|${c.code ?? ''}`;

  it.each(SHIPPED_INSTRUMENTS.map((def) => [def.id, def] as const))('%s: every answer coding of its QuestionnaireResponse is one of its Questionnaire item answerOptions', (_id, def) => {
    const questionnaire = toQuestionnaire(def, options);
    const items = new Map((questionnaire.item ?? []).map((i) => [i.linkId, i]));
    const offered = (linkId: string) => new Set((items.get(linkId)?.answerOption ?? []).flatMap((o) => (o.valueCoding ? [key(o.valueCoding)] : [])));
    const offeredIntegers = (linkId: string) => new Set((items.get(linkId)?.answerOption ?? []).flatMap((o) => (o.valueInteger === undefined ? [] : [o.valueInteger])));
    const seen = new Set<string>();
    for (const answers of everyOption(def)) {
      const response = respond(def, answers);
      const qr = toQuestionnaireResponse(def, response, options);
      expect(qr.item?.length, 'every asked item is answered').toBe(Object.keys(response.answers).length);
      for (const item of qr.item ?? []) {
        const answer = item.answer?.[0] ?? {};
        const question = items.get(item.linkId);
        expect(question, `item ${item.linkId}`).toBeDefined();
        if (answer.valueCoding) {
          expect(offered(item.linkId), `item ${item.linkId}`).toContain(key(answer.valueCoding));
          seen.add(`${item.linkId} ${key(answer.valueCoding)}`);
        } else if (answer.valueInteger !== undefined) {
          expect(question?.answerOption?.every((o) => o.valueCoding === undefined), `item ${item.linkId} mixes codings and integers`).toBe(true);
          expect(offeredIntegers(item.linkId), `item ${item.linkId}`).toContain(answer.valueInteger);
          seen.add(`${item.linkId} ${answer.valueInteger}`);
        } else {
          expect(question?.type, `item ${item.linkId}`).toBe('boolean');
          expect(typeof answer.valueBoolean).toBe('boolean');
        }
      }
      // Observed items (PHQ-9 item 9) carry the same coding as the response.
      for (const observation of toObservations(def, response, options)) {
        const id = /-item(\d+)$/.exec(observation.id ?? '')?.[1];
        if (id === undefined) continue;
        const linkId = def.items[Number(id) - 1]?.linkId ?? '';
        for (const coding of observation.valueCodeableConcept?.coding ?? []) expect(offered(linkId), `observation of item ${linkId}`).toContain(key(coding));
      }
    }
    // Every option of every choice item was exported and found.
    const options_ = def.items.filter((i) => i.type === 'choice').reduce((n, i) => n + i.answers.length, 0);
    expect(seen.size).toBe(options_);
  });

  it.each(SHIPPED_INSTRUMENTS.map((def) => [def.id, def] as const))('%s: no Coding of any exported resource lacks a system', (_id, def) => {
    const resources = [toQuestionnaire(def, options), ...everyOption(def).flatMap((a) => toFhirBundle(def, respond(def, a), options).entry?.map((e) => e.resource) ?? [])];
    const missing = resources.flatMap((r) => codings(r).filter((c) => !c.coding.system).map((c) => `${r?.resourceType}${c.at}`));
    expect(missing).toEqual([]);
    // And every enableWhen coding is one of the answerOptions of the item it reads.
    const q = toQuestionnaire(def, options);
    for (const item of q.item ?? []) {
      for (const condition of item.enableWhen ?? []) {
        if (!condition.answerCoding) continue;
        const source = q.item?.find((i) => i.linkId === condition.question);
        expect(source?.answerOption?.map((o) => (o.valueCoding ? key(o.valueCoding) : ''))).toContain(key(condition.answerCoding));
      }
    }
  });

  it('the answer-option check is real: a coding without a system, or with another code, is not an option', () => {
    const q = toQuestionnaire(HAMA, options);
    const offered = new Set(q.item?.[0]?.answerOption?.map((o) => key(o.valueCoding ?? {})));
    expect(offered).toContain(`${canonicalBase}/CodeSystem/ham-a-answers|4`);
    expect(offered).not.toContain('(no system)|4');
    expect(codings({ item: [{ answer: [{ valueCoding: { code: '4' } }] }] }).filter((c) => !c.coding.system)).toHaveLength(1);
  });
});

describe('FHIR R4 export of a stored score', () => {
  /** The paths a refused export names; fails when the export is not refused. */
  const refusedAt = (def: InstrumentDefinition, response: ScoredResponse): string[] => {
    const paths: string[][] = [];
    for (const exportIt of [
      () => toObservations(def, response, options),
      () => toQuestionnaireResponse(def, response, options),
      () => toFhirBundle(def, response, options),
    ]) {
      try {
        exportIt();
        paths.push(['(exported)']);
      } catch (error) {
        expect(error).toBeInstanceOf(CareJourneyError);
        expect((error as CareJourneyError).code).toBe('CJ_ERR_INVALID_INPUT');
        paths.push(((error as CareJourneyError).details.issues ?? []).map((i) => `${i.path} ${i.rule}`));
      }
    }
    // Every export refuses it the same way.
    expect(paths[1]).toEqual(paths[0]);
    expect(paths[2]).toEqual(paths[0]);
    return paths[0] ?? [];
  };
  const zeros = (def: InstrumentDefinition) => Object.fromEntries(def.items.map((i) => [i.linkId, 0]));

  it('refuses a total its answers do not score, naming the field and never the value', () => {
    const stored: ScoredResponse = { ...respond(GAD7, zeros(GAD7)), total: 21 };
    expect(refusedAt(GAD7, stored)).toEqual(['response.total score_mismatch']);
    expect(() => toObservations(GAD7, stored, options)).toThrow(/response\.total: is not the total that response\.answers score/);
    try {
      toObservations(GAD7, stored, options);
    } catch (error) {
      expect((error as Error).message).not.toMatch(/21/);
    }
  });

  it('exports the same answers with the total they score (the safe twin)', () => {
    const scored = respond(GAD7, zeros(GAD7));
    expect(scored.total).toBe(0);
    const [total] = toObservations(GAD7, scored, options);
    expect(total).toMatchObject({ id: 'qr-1a2b3c-total', valueInteger: 0, interpretation: [{ coding: [{ code: 'minimal' }] }] });
    expect(toQuestionnaireResponse(GAD7, scored, options).item).toHaveLength(7);
    expect(toFhirBundle(GAD7, scored, options).entry?.length).toBeGreaterThan(2);
  });

  it('refuses a band, flags, risk, subscale or prorating its answers do not give', () => {
    const phq9 = respond(PHQ9, { ...answersFor(PHQ9, 11), '9': 1 });
    expect(phq9.flags.map((f) => f.code)).toEqual(['item9-positive']);
    expect(refusedAt(PHQ9, { ...phq9, flags: [] })).toEqual(['response.flags score_mismatch']);
    expect(refusedAt(PHQ9, { ...phq9, band: { code: 'minimal', label: 'Minimal depression' } })).toEqual(['response.band score_mismatch']);
    expect(refusedAt(PHQ9, { ...phq9, band: null })).toEqual(['response.band score_mismatch']);
    expect(refusedAt(PHQ9, { ...phq9, prorated: true })).toEqual(['response.prorated score_mismatch']);
    // The flags in another order are the same flags.
    const gad = respond(GAD7, answersFor(GAD7, 12));
    expect(refusedAt(GAD7, { ...gad, flags: [...gad.flags].reverse() })).toEqual(['(exported)']);

    const high = respond(CSSRS, { '1': true, '2': true, '3': false, '4': true, '5': false, '6': false });
    expect(high.risk).toBe('high');
    expect(refusedAt(CSSRS, { ...high, risk: 'none' })).toEqual(['response.risk score_mismatch']);

    const ybocs = respond(YBOCS, answersFor(YBOCS, 20));
    expect(refusedAt(YBOCS, { ...ybocs, subscales: { ...ybocs.subscales, obsessions: 0 } })).toEqual(['response.subscales.obsessions score_mismatch']);
    expect(refusedAt(YBOCS, { ...ybocs, subscales: { ...ybocs.subscales, checking: 3 } })).toEqual(['response.subscales.checking unknown_subscale']);
    expect(refusedAt(HAMA, { ...respond(HAMA, answersFor(HAMA, 30)), total: 31, band: { code: 'severe', label: 'Severe anxiety' } })).toEqual([
      'response.total score_mismatch',
      'response.band score_mismatch',
    ]);
  });

  it('refuses answers that are not a valid response, naming the item', () => {
    const stored = respond(GAD7, answersFor(GAD7, 5));
    expect(refusedAt(GAD7, { ...stored, answers: { ...stored.answers, '3': 7 } })).toEqual(['response.answers.3 not_an_option']);
    const { '7': _dropped, ...six } = stored.answers;
    expect(refusedAt(GAD7, { ...stored, answers: six })).toEqual(['response.answers.7 required']);
  });

  it('exports a prorated response whose total its answers score', () => {
    const prorating = defineInstrument({
      id: 'WB-4',
      version: '1.0.0',
      title: 'Clinic well-being check (4 items)',
      administeredBy: 'patient',
      recallPeriod: 'last week',
      licence: { kind: 'public-domain', notice: 'Written by the clinic, no restrictions.' },
      citation: 'Clinic protocol QA-12, 2026.',
      items: ['1', '2', '3', '4'].map((linkId) => ({ linkId, type: 'choice' as const, answers: [0, 1, 2, 3].map((value) => ({ value })) })),
      scoring: { kind: 'sum', min: 0, max: 12, prorate: { maxMissing: 1 } },
    });
    const response = respond(prorating, { '1': 2, '2': 2, '3': 1 });
    expect(response).toMatchObject({ total: 7, prorated: true });
    expect(toObservations(prorating, response, options)[0]).toMatchObject({ valueInteger: 7 });
    expect(refusedAt(prorating, { ...response, total: 5 })).toEqual(['response.total score_mismatch']);
  });
});
