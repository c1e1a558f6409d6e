import type { QuestionnaireResponse, QuestionnaireResponseItemAnswer } from '@medplum/fhirtypes';
import type { InstrumentDefinition, InstrumentItem } from '../instrumentDefinition.js';
import type { ScoredResponse } from '../ScoredResponse.js';
import { answerCoding, isCoded } from './answerCoding.js';
import { checkResponseMatches, parseExportOptions, questionnaireUrl, type FhirExportOptions } from './fhirExportOptions.js';

/** The FHIR answer of one item: the same Coding as the Questionnaire's answerOption. */
function itemAnswer(definition: InstrumentDefinition, base: string, item: InstrumentItem, value: number | boolean): QuestionnaireResponseItemAnswer {
  if (typeof value === 'boolean') return { valueBoolean: value };
  const option = item.answers.find((a) => a.value === value);
  return option && isCoded(item) ? { valueCoding: answerCoding(definition, base, option) } : { valueInteger: value };
}

/**
 * The FHIR R4 QuestionnaireResponse of a scored response: its id is the response's reference,
 * it points at the versioned canonical Questionnaire, and it holds the answers of the items asked
 * (skipped items are absent). The subject comes from the host's `subject` mapping of patientRef.
 * A response whose stored score is not what its answers score is refused (`CJ_ERR_INVALID_INPUT`),
 * as by {@link toObservations}.
 *
 * @example
 * ```ts
 * toQuestionnaireResponse(GAD7, response, { canonicalBase, subject: (ref) => ({ reference: `Patient/${ref}` }) });
 * ```
 */
export function toQuestionnaireResponse(definition: InstrumentDefinition, response: ScoredResponse, options: FhirExportOptions): QuestionnaireResponse {
  const { base, subject } = parseExportOptions(options, true);
  checkResponseMatches(definition, response);
  return {
    resourceType: 'QuestionnaireResponse',
    id: response.responseRef,
    questionnaire: `${questionnaireUrl(definition, base)}|${definition.version}`,
    status: 'completed',
    subject: subject(response.patientRef),
    authored: response.authored,
    item: definition.items
      .filter((item) => Object.hasOwn(response.answers, item.linkId))
      .map((item) => ({
        linkId: item.linkId,
        ...(item.text === undefined ? {} : { text: item.text }),
        answer: [itemAnswer(definition, base, item, response.answers[item.linkId] as number | boolean)],
      })),
  };
}
