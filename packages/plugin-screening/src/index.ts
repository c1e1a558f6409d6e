/**
 * Screening for the ketamine-for-anxiety journey: instruments as versioned data (GAD-7, PHQ-9,
 * C-SSRS, HAM-A, LSAS, MOAA/S, CADSS and more), scoring, an eligibility proposal from the
 * contraindication checklist and co-medications (a physician decides), outcome series, and FHIR R4
 * export. The plugin feeds scored results to the journey, so its own alerts and holds apply.
 *
 * @example
 * ```ts
 * import { createEngine, ketamineAnxietyJourney, MemoryStore } from '@carejourney/core';
 * import { createScreening, scoreResponse, GAD7 } from '@carejourney/plugin-screening';
 *
 * scoreResponse(GAD7, { '1': 2, '2': 2, '3': 1, '4': 2, '5': 1, '6': 1, '7': 2 }).total; // 11
 *
 * const screening = createScreening({ requireScoredResponses: ['GAD-7'] });
 * const engine = createEngine({
 *   definition: ketamineAnxietyJourney,
 *   store: new MemoryStore(),
 *   protocol: { timeZone: 'Europe/Berlin', acceptUnconfirmedDefaults: true },
 *   plugins: [screening.plugin],
 * });
 * const result = await screening.submit(journeyId, { instrument: 'GAD-7', answers });
 * if (!result.ok) console.log(result.error.code, result.error.message);
 * ```
 *
 * @module @carejourney/plugin-screening
 */
// The public contract of @carejourney/plugin-screening: named exports only.

// Instruments as data
export {
  answerOptionSchema,
  bandSchema,
  enableWhenSchema,
  flagSchema,
  instrumentDefinitionSchema,
  instrumentItemSchema,
  journeyFeedSchema,
  licenceSchema,
  scoringSchema,
  subscaleSchema,
} from './instrumentDefinition.js';
export type {
  AnswerOption,
  Band,
  EnableWhen,
  Flag,
  InstrumentDefinition,
  InstrumentDefinitionInput,
  InstrumentItem,
  JourneyFeed,
  Licence,
  Scoring,
  Subscale,
} from './instrumentDefinition.js';
export { defineInstrument } from './defineInstrument.js';
export { GAD7 } from './instruments/gad7.js';
export { GAD2 } from './instruments/gad2.js';
export { PHQ9 } from './instruments/phq9.js';
export { PHQ2 } from './instruments/phq2.js';
export { HAMA } from './instruments/hamA.js';
export { SPIN } from './instruments/spin.js';
export { YBOCS } from './instruments/ybocs.js';
export { LSAS } from './instruments/lsas.js';
export { CSSRS } from './instruments/cssrs.js';
export { CADSS, CADSS6 } from './instruments/cadss.js';
export { MOAAS } from './instruments/moaas.js';
export { SHIPPED_INSTRUMENTS } from './instruments/shippedInstruments.js';

// Scoring
export { askableItems } from './askableItems.js';
export type { AnswerValue, Answers } from './askableItems.js';
export { scoreResponse } from './scoreResponse.js';
export type { Score } from './scoreResponse.js';
export type { ScoredResponse } from './ScoredResponse.js';
export { journeyEventFor } from './journeyEventFor.js';
export type { ScreeningJourneyEvent } from './journeyEventFor.js';

// Eligibility
export { medicalHistorySchema, screeningRecords } from './medicalHistory.js';
export type { MedicalHistory, ScreeningRecords } from './medicalHistory.js';
export { DEFAULT_MEDICATION_CONCERNS } from './medicationConcerns.js';
export type { MedicationConcern } from './medicationConcerns.js';
export { proposeEligibility, proposalFromContext } from './proposeEligibility.js';
export type { EligibilityProposal, ProposalInput, ProposalOutcome } from './proposeEligibility.js';

// Outcomes
export { outcomeSeries, firstDoseAt } from './outcomeSeries.js';
export type { FollowUpMeasure, InstrumentOutcome, OutcomeOptions, OutcomePoint, OutcomeReport } from './outcomeSeries.js';

// FHIR R4
export type { FhirExportOptions } from './fhir/fhirExportOptions.js';
export { toQuestionnaire } from './fhir/toQuestionnaire.js';
export { toQuestionnaireResponse } from './fhir/toQuestionnaireResponse.js';
export { toObservations } from './fhir/toObservations.js';
export { toFhirBundle } from './fhir/toFhirBundle.js';
export type { ScreeningResource } from './fhir/toFhirBundle.js';

// The plugin
export { createScreening, SCREENING_PLUGIN_NAME } from './createScreening.js';
export type {
  FollowUpNotice,
  MedicalHistoryResult,
  ProposalNotice,
  ResponseSubmission,
  Screening,
  ScreeningOptions,
  SubmitOptions,
  SubmitResult,
} from './createScreening.js';
