import type { Coding, Extension } from '@medplum/fhirtypes';
import type { AnswerOption, InstrumentDefinition, InstrumentItem } from '../instrumentDefinition.js';
import { answerSystem, LOINC, ORDINAL_VALUE } from './fhirExportOptions.js';

/** Coded items (LOINC answer codes or shipped wording) answer with a Coding; others with an integer. */
export function isCoded(item: InstrumentItem): boolean {
  return item.type === 'choice' && item.answers.some((a) => a.loinc !== undefined || a.display !== undefined);
}

/**
 * The Coding of an answer option: its LOINC answer code, else its value as a code of the
 * instrument's own answer system (`<base>/CodeSystem/<id>-answers`): never a code without a
 * system. The Questionnaire's answerOption, its enableWhen and the QuestionnaireResponse all use it.
 */
export function answerCoding(definition: InstrumentDefinition, base: string, option: AnswerOption): Coding {
  return {
    system: option.loinc === undefined ? answerSystem(definition, base) : LOINC,
    code: option.loinc ?? String(option.value),
    ...(option.display === undefined ? {} : { display: option.display }),
  };
}

/** The ordinal value (the score) of an answer option, as FHIR R4's ordinalValue extension. */
export function ordinalValue(value: number): Extension {
  return { url: ORDINAL_VALUE, valueDecimal: value };
}
