import { defineInstrument } from '../defineInstrument.js';
import { FREQUENCY_ANSWERS, PFIZER_NOTICE } from './pfizerScales.js';

/** The GAD-7 items with their LOINC codes (DOMAIN.md, "Instruments"). */
export const GAD7_ITEMS = [
  { linkId: '1', loinc: '69725-0', text: 'Feeling nervous, anxious, or on edge' },
  { linkId: '2', loinc: '68509-9', text: 'Not being able to stop or control worrying' },
  { linkId: '3', loinc: '69733-4', text: 'Worrying too much about different things' },
  { linkId: '4', loinc: '69734-2', text: 'Trouble relaxing' },
  { linkId: '5', loinc: '69735-9', text: 'Being so restless that it is hard to sit still' },
  { linkId: '6', loinc: '69689-8', text: 'Becoming easily annoyed or irritable' },
  { linkId: '7', loinc: '69736-7', text: 'Feeling afraid, as if something awful might happen' },
].map((item) => ({ ...item, prefix: item.linkId, type: 'choice' as const, answers: FREQUENCY_ANSWERS }));

export const GAD7_INSTRUCTIONS = 'Over the last 2 weeks, how often have you been bothered by the following problems?';

/**
 * GAD-7, Generalized Anxiety Disorder 7-item scale (Spitzer 2006): 7 self-report items 0-3,
 * total 0-21; 0-4 minimal, 5-9 mild, 10-14 moderate, 15-21 severe; a positive screen at 10 or
 * more; a change of 4 points is the minimal important difference. Shipped with its text.
 *
 * @example
 * ```ts
 * const score = scoreResponse(GAD7, { '1': 3, '2': 2, '3': 2, '4': 3, '5': 2, '6': 2, '7': 3 });
 * score.total; // 17
 * score.band?.code; // 'severe'
 * score.flags.map((f) => f.code); // ['positive-screen']
 * ```
 */
export const GAD7 = defineInstrument({
  id: 'GAD-7',
  version: '1.0.0',
  title: 'Generalized Anxiety Disorder 7-item scale (GAD-7)',
  administeredBy: 'patient',
  recallPeriod: 'last 2 weeks',
  licence: { kind: 'free-to-reproduce', notice: PFIZER_NOTICE },
  citation: 'Spitzer RL, Kroenke K, Williams JBW, Löwe B. A brief measure for assessing generalized anxiety disorder: the GAD-7. Arch Intern Med. 2006;166(10):1092-1097.',
  instructions: GAD7_INSTRUCTIONS,
  loinc: { panel: '69737-5', total: '70274-6' },
  items: GAD7_ITEMS,
  scoring: { kind: 'sum', min: 0, max: 21 },
  bands: [
    { code: 'minimal', label: 'Minimal anxiety', min: 0, max: 4 },
    { code: 'mild', label: 'Mild anxiety', min: 5, max: 9 },
    { code: 'moderate', label: 'Moderate anxiety', min: 10, max: 14 },
    { code: 'severe', label: 'Severe anxiety', min: 15, max: 21 },
  ],
  flags: [{ code: 'positive-screen', label: 'Positive screen for an anxiety disorder (total 10 or more)', atLeast: 10 }],
  minimalImportantDifference: 4,
  journey: { event: 'assessment.recorded', instrument: 'GAD-7' },
});
