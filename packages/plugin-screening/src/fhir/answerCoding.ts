import type { Coding, Extension } from '@medplum/fhirtypes';
import type { AnswerOption, InstrumentItem } from '../instrumentDefinition.js';
import { LOINC, ORDINAL_VALUE } from './fhirExportOptions.js';

/** Coded items (LOINC answer codes or shipped wording) answer with a Coding; others with an integer. */
export function isCoded(item: InstrumentItem): boolean {
  return item.type === 'choice' && item.answers.some((a) => a.loinc !== undefined || a.display !== undefined);
}

/** The Coding of an answer option: its LOINC answer code, else its value as the code. */
export function answerCoding(option: AnswerOption): Coding {
  return {
    ...(option.loinc === undefined ? {} : { system: LOINC }),
    code: option.loinc ?? String(option.value),
    ...(option.display === undefined ? {} : { display: option.display }),
  };
}

/** The ordinal value (the score) of an answer option, as FHIR R4's ordinalValue extension. */
export function ordinalValue(value: number): Extension {
  return { url: ORDINAL_VALUE, valueDecimal: value };
}
