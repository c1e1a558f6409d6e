import { CareJourneyError, type FieldIssue } from '@carejourney/core';
import type { Patient, Reference } from '@medplum/fhirtypes';
import { z } from 'zod';
import { fieldIssues, refusal } from '../fieldIssues.js';
import type { InstrumentDefinition } from '../instrumentDefinition.js';
import type { ScoredResponse } from '../ScoredResponse.js';
import { scoreResponse, type Score } from '../scoreResponse.js';

export const LOINC = 'http://loinc.org';
export const ORDINAL_VALUE = 'http://hl7.org/fhir/StructureDefinition/ordinalValue';
export const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';

/**
 * Where the exported resources live and who they are about.
 *
 * @example
 * ```ts
 * const options: FhirExportOptions = {
 *   canonicalBase: 'https://fhir.clinic.example/fhir',
 *   subject: (patientRef) => ({ reference: `Patient/${patientRef}` }),
 * };
 * toQuestionnaireResponse(GAD7, response, options);
 * ```
 */
export interface FhirExportOptions {
  /**
   * The base of the host's canonical URLs, e.g. `https://fhir.clinic.example/fhir`. Questionnaires
   * are `<base>/Questionnaire/<id>` unless the definition sets its own `url`; band and flag codes
   * are in `<base>/CodeSystem/<id>-interpretation`, and answer codes LOINC does not give in
   * `<base>/CodeSystem/<id>-answers`.
   */
  readonly canonicalBase: string;
  /**
   * Maps the journey's opaque patientRef to the FHIR subject, e.g.
   * `(ref) => ({ reference: `Patient/${lookup(ref)}` })`. Exports carry no identity beyond what it returns.
   */
  readonly subject?: (patientRef: string) => Reference<Patient>;
}

const optionsSchema = z.strictObject({
  canonicalBase: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://fhir.clinic.example/fhir' })
    .refine((u) => !/[?#]/.test(u), { message: 'must not carry a query or fragment' }),
  subject: z.custom<(patientRef: string) => Reference<Patient>>((v) => typeof v === 'function', 'must be a function mapping patientRef to a Reference').optional(),
});

/** Checks the options; the returned base has no trailing slash. */
export function parseExportOptions(options: FhirExportOptions, needsSubject: boolean): { base: string; subject: (patientRef: string) => Reference<Patient> } {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) throw refusal('CJ_ERR_INVALID_CONFIG', 'The FHIR export options are invalid:', fieldIssues(parsed.error, 'options'));
  const { subject } = parsed.data;
  if (needsSubject && subject === undefined) {
    throw new CareJourneyError('CJ_ERR_INVALID_CONFIG', 'The FHIR export options are invalid: options.subject: needed to map the patientRef of a response to its FHIR subject', {
      issues: [{ path: 'options.subject', rule: 'required', message: 'needed to map the patientRef of a response to its FHIR subject' }],
    });
  }
  return { base: parsed.data.canonicalBase.replace(/\/+$/, ''), subject: subject ?? (() => ({})) };
}

/** The FHIR id of an instrument: its id in lower case, `/` as `-` (`MOAA/S` → `moaa-s`). */
export function instrumentSlug(definition: InstrumentDefinition): string {
  return definition.id.toLowerCase().replace(/[^a-z0-9.-]/g, '-');
}

export function questionnaireUrl(definition: InstrumentDefinition, base: string): string {
  return definition.url ?? `${base}/Questionnaire/${instrumentSlug(definition)}`;
}

export function interpretationSystem(definition: InstrumentDefinition, base: string): string {
  return `${base}/CodeSystem/${instrumentSlug(definition)}-interpretation`;
}

/** The code system of answer codes that LOINC does not give (HAM-A's severity levels, ...). */
export function answerSystem(definition: InstrumentDefinition, base: string): string {
  return `${base}/CodeSystem/${instrumentSlug(definition)}-answers`;
}

/** A subscale code as it may appear in an error path (a stored response may carry any key). */
const subscaleKey = (key: string) => key.slice(0, 20).replace(/[^a-z0-9-]/g, '?');

/**
 * Refuses a response scored with another definition or version, or whose stored results are not
 * what its answers score: the export re-scores `response.answers` with the definition and
 * refuses (`CJ_ERR_INVALID_INPUT`) any difference in the total, prorating, band, flags, risk or
 * subscales, so a ScoredResponse edited or assembled by hand never reaches a FHIR server as a
 * score its answers do not give. Messages name the fields, never the values.
 */
export function checkResponseMatches(definition: InstrumentDefinition, response: ScoredResponse): void {
  if (response.instrument !== definition.id || response.version !== definition.version) {
    throw new CareJourneyError(
      'CJ_ERR_INVALID_INPUT',
      `The response was not scored with ${definition.id} ${definition.version}: export it with the definition and version it was scored with.`,
      { issues: [{ path: 'response.instrument', rule: 'definition_mismatch', message: 'scored with another instrument definition or version' }] },
    );
  }
  let rescored: Score;
  try {
    rescored = scoreResponse(definition, response.answers);
  } catch (error) {
    if (!(error instanceof CareJourneyError)) throw error;
    const issues = (error.details.issues ?? []).map((i) => ({ ...i, path: `response.${i.path}` }));
    throw refusal('CJ_ERR_INVALID_INPUT', `The response's answers are not a valid ${definition.id} ${definition.version} response:`, issues);
  }
  const issues: FieldIssue[] = [];
  const mismatch = (path: string, what: string) => issues.push({ path, rule: 'score_mismatch', message: `is not the ${what} that response.answers score` });
  if (response.total !== rescored.total) mismatch('response.total', 'total');
  if (response.prorated !== rescored.prorated) mismatch('response.prorated', 'prorating');
  if (response.risk !== rescored.risk) mismatch('response.risk', 'risk level');
  const band = (b: Score['band'] | undefined) => (b === null || b === undefined ? null : `${b.code}\u0000${b.label}`);
  if (band(response.band) !== band(rescored.band)) mismatch('response.band', 'band');
  const flags = (list: Score['flags']) => list.map((f) => `${f.code}\u0000${f.label}`).sort().join('\u0001');
  if (!Array.isArray(response.flags) || flags(response.flags) !== flags(rescored.flags)) mismatch('response.flags', 'flags');
  const subscales = response.subscales ?? {};
  for (const code of new Set([...Object.keys(rescored.subscales), ...Object.keys(subscales)])) {
    if (!Object.hasOwn(rescored.subscales, code)) issues.push({ path: `response.subscales.${subscaleKey(code)}`, rule: 'unknown_subscale', message: `not a subscale of ${definition.id}` });
    else if (subscales[code] !== rescored.subscales[code]) mismatch(`response.subscales.${code}`, 'subtotal');
  }
  if (issues.length > 0) {
    throw refusal(
      'CJ_ERR_INVALID_INPUT',
      `The response does not match its answers scored with ${definition.id} ${definition.version} (export the ScoredResponse the plugin returned, unchanged):`,
      issues,
    );
  }
}
