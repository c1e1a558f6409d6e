import type { Questionnaire, QuestionnaireItem, QuestionnaireItemEnableWhen } from '@medplum/fhirtypes';
import type { InstrumentDefinition, InstrumentItem } from '../instrumentDefinition.js';
import { answerCoding, isCoded, ordinalValue } from './answerCoding.js';
import { instrumentSlug, LOINC, parseExportOptions, questionnaireUrl, type FhirExportOptions } from './fhirExportOptions.js';

/** linkId of the display item that carries the instructions (reserved: no item may use it). */
const INSTRUCTIONS_LINK_ID = 'instructions';

function enableWhen(definition: InstrumentDefinition, base: string, item: InstrumentItem): QuestionnaireItemEnableWhen[] {
  return (item.enableWhen ?? []).map((condition) => {
    const source = definition.items.find((i) => i.linkId === condition.linkId);
    const option = source?.answers.find((a) => a.value === condition.equals);
    if (typeof condition.equals === 'boolean') return { question: condition.linkId, operator: '=', answerBoolean: condition.equals };
    if (source && option && isCoded(source)) return { question: condition.linkId, operator: '=', answerCoding: answerCoding(definition, base, option) };
    return { question: condition.linkId, operator: '=', answerInteger: condition.equals };
  });
}

function questionnaireItem(definition: InstrumentDefinition, base: string, item: InstrumentItem): QuestionnaireItem {
  const conditions = enableWhen(definition, base, item);
  return {
    linkId: item.linkId,
    ...(item.prefix === undefined ? {} : { prefix: item.prefix }),
    ...(item.text === undefined ? {} : { text: item.text }),
    ...(item.loinc === undefined ? {} : { code: [{ system: LOINC, code: item.loinc }] }),
    type: item.type,
    // Required when asked: skip logic decides whether it is asked.
    required: true,
    ...(conditions.length === 0 ? {} : { enableWhen: conditions }),
    ...(conditions.length > 1 ? { enableBehavior: item.enableBehavior } : {}),
    ...(item.type === 'choice'
      ? {
          answerOption: item.answers.map((option) =>
            isCoded(item) ? { valueCoding: answerCoding(definition, base, option), extension: [ordinalValue(option.value)] } : { valueInteger: option.value },
          ),
        }
      : {}),
  };
}

/**
 * The FHIR R4 Questionnaire of an instrument: canonical URL and version, the LOINC panel code,
 * LOINC item codes, answer options with their LOINC answer codes (or, where LOINC gives none, their
 * value as a code of `<canonicalBase>/CodeSystem/<id>-answers`) and ordinal values (R4
 * `ordinalValue` extension), skip logic as `enableWhen`, and the licence notice as `copyright`.
 * A licensed instrument has no item text: the host adds its licensed wording.
 *
 * @example
 * ```ts
 * const questionnaire = toQuestionnaire(GAD7, { canonicalBase: 'https://fhir.clinic.example/fhir' });
 * questionnaire.url; // 'https://fhir.clinic.example/fhir/Questionnaire/gad-7'
 * ```
 */
export function toQuestionnaire(definition: InstrumentDefinition, options: FhirExportOptions): Questionnaire {
  const { base } = parseExportOptions(options, false);
  const name = definition.id.replace(/[^A-Za-z0-9]/g, '');
  const items = definition.items.map((item) => questionnaireItem(definition, base, item));
  return {
    resourceType: 'Questionnaire',
    id: instrumentSlug(definition),
    url: questionnaireUrl(definition, base),
    version: definition.version,
    name: /^[A-Z]/.test(name) ? name : `Q${name}`,
    title: definition.title,
    status: 'active',
    subjectType: ['Patient'],
    description: `${definition.citation}${definition.recallPeriod === null ? '' : ` Recall period: ${definition.recallPeriod}.`} Administered by the ${definition.administeredBy}.`,
    copyright: definition.licence.notice,
    ...(definition.loinc.panel === undefined ? {} : { code: [{ system: LOINC, code: definition.loinc.panel }] }),
    item: definition.instructions === undefined ? items : [{ linkId: INSTRUCTIONS_LINK_ID, type: 'display', text: definition.instructions }, ...items],
  };
}
