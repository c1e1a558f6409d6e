// Shared parts of the Pfizer-funded PHQ and GAD scales (Spitzer, Kroenke, Williams and
// colleagues): the copyright notice that must travel with the text, and the four frequency
// answers with their LOINC answer codes, which the GAD-7, GAD-2, PHQ-9 and PHQ-2 share.

export const PFIZER_NOTICE =
  'Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, with an educational grant from Pfizer Inc. No permission required to reproduce, translate, display or distribute.';

/** "Over the last 2 weeks": not at all (0) to nearly every day (3). */
export const FREQUENCY_ANSWERS = [
  { value: 0, display: 'Not at all', loinc: 'LA6568-5' },
  { value: 1, display: 'Several days', loinc: 'LA6569-3' },
  { value: 2, display: 'More than half the days', loinc: 'LA6570-1' },
  { value: 3, display: 'Nearly every day', loinc: 'LA6571-9' },
];

