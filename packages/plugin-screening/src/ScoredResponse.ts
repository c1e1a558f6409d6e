import type { Score } from './scoreResponse.js';

/** A score with what identifies the response: its reference, the journey's patient and when it was given. */
export interface ScoredResponse extends Score {
  /** The response's opaque reference: the journey's `responseRef` and the QuestionnaireResponse id. */
  readonly responseRef: string;
  /** The journey's opaque patient reference (never a name); FHIR exports map it through the host. */
  readonly patientRef: string;
  /** When the answers were given, ISO 8601. */
  readonly authored: string;
}
