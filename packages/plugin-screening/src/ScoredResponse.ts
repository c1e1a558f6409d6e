import type { Score } from './scoreResponse.js';

/**
 * A score with what identifies the response: its reference, the journey's patient and when it was
 * given. What `screening.submit` returns and the FHIR exports take.
 *
 * @example
 * ```ts
 * const r = await screening.submit(journeyId, { instrument: 'GAD-7', answers });
 * if (r.ok) {
 *   const response: ScoredResponse = r.response;
 *   toFhirBundle(GAD7, response, { canonicalBase: 'https://fhir.clinic.example/fhir', subject: (ref) => ({ reference: `Patient/${ref}` }) });
 * }
 * ```
 */
export interface ScoredResponse extends Score {
  /** The response's opaque reference: the journey's `responseRef` and the QuestionnaireResponse id. */
  readonly responseRef: string;
  /** The journey's opaque patient reference (never a name); FHIR exports map it through the host. */
  readonly patientRef: string;
  /** When the answers were given, ISO 8601. */
  readonly authored: string;
}
