import { defineInstrument } from '../defineInstrument.js';
import { valuesOnly } from './valuesOnly.js';

/**
 * Y-BOCS, Yale-Brown Obsessive Compulsive Scale (Goodman 1989): 10 clinician-rated items 0-4,
 * total 0-40 with obsession (items 1-5) and compulsion (items 6-10) subtotals of 0-20; 0-7
 * subclinical, 8-15 mild, 16-23 moderate, 24-31 severe, 32-40 extreme. Response (35% drop) and
 * remission come from the clinic's protocol through core's `evaluateResponse`. Licensed: scored by
 * item id only.
 *
 * @example
 * ```ts
 * const answers = Object.fromEntries(YBOCS.items.map((item) => [item.linkId, 2]));
 * const score = scoreResponse(YBOCS, answers);
 * score.total; // 20
 * score.band?.code; // 'moderate'
 * score.subscales; // { obsessions: 10, compulsions: 10 }
 * ```
 */
export const YBOCS = defineInstrument({
  id: 'Y-BOCS',
  version: '1.0.0',
  title: 'Yale-Brown Obsessive Compulsive Scale (Y-BOCS)',
  administeredBy: 'clinician',
  recallPeriod: 'past week',
  licence: {
    kind: 'licensed',
    notice: 'The Y-BOCS is copyrighted (Goodman et al.). Item text is not included: use the wording you are licensed to use, keyed by item number 1-10.',
  },
  citation:
    'Goodman WK, Price LH, Rasmussen SA, et al. The Yale-Brown Obsessive Compulsive Scale. I. Development, use, and reliability. Arch Gen Psychiatry. 1989;46(11):1006-1011.',
  items: Array.from({ length: 10 }, (_, i) => ({ linkId: String(i + 1), prefix: String(i + 1), type: 'choice' as const, answers: valuesOnly(4) })),
  scoring: {
    kind: 'sum',
    min: 0,
    max: 40,
    subscales: [
      { code: 'obsessions', label: 'Obsessions subtotal (items 1-5)', items: ['1', '2', '3', '4', '5'] },
      { code: 'compulsions', label: 'Compulsions subtotal (items 6-10)', items: ['6', '7', '8', '9', '10'] },
    ],
  },
  bands: [
    { code: 'subclinical', label: 'Subclinical', min: 0, max: 7 },
    { code: 'mild', label: 'Mild', min: 8, max: 15 },
    { code: 'moderate', label: 'Moderate', min: 16, max: 23 },
    { code: 'severe', label: 'Severe', min: 24, max: 31 },
    { code: 'extreme', label: 'Extreme', min: 32, max: 40 },
  ],
  journey: { event: 'assessment.recorded', instrument: 'Y-BOCS' },
});
