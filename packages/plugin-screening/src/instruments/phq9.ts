import { defineInstrument } from '../defineInstrument.js';
import { FREQUENCY_ANSWERS, PFIZER_NOTICE } from './pfizerScales.js';

// DOMAIN.md gives the LOINC code of item 9 only; items 1-8 carry none rather than a code from
// elsewhere.
export const PHQ9_ITEMS = [
  { linkId: '1', text: 'Little interest or pleasure in doing things' },
  { linkId: '2', text: 'Feeling down, depressed, or hopeless' },
  { linkId: '3', text: 'Trouble falling or staying asleep, or sleeping too much' },
  { linkId: '4', text: 'Feeling tired or having little energy' },
  { linkId: '5', text: 'Poor appetite or overeating' },
  { linkId: '6', text: 'Feeling bad about yourself, or that you are a failure or have let yourself or your family down' },
  { linkId: '7', text: 'Trouble concentrating on things, such as reading the newspaper or watching television' },
  {
    linkId: '8',
    text: 'Moving or speaking so slowly that other people could have noticed? Or the opposite, being so fidgety or restless that you have been moving around a lot more than usual',
  },
  { linkId: '9', loinc: '44260-8', text: 'Thoughts that you would be better off dead or of hurting yourself in some way' },
].map((item) => ({ ...item, prefix: item.linkId, type: 'choice' as const, answers: FREQUENCY_ANSWERS }));

export const PHQ9_INSTRUCTIONS = 'Over the last 2 weeks, how often have you been bothered by any of the following problems?';

/**
 * PHQ-9, Patient Health Questionnaire depression module (Kroenke 2001): 9 self-report items 0-3,
 * total 0-27; 0-4 minimal, 5-9 mild, 10-14 moderate, 15-19 moderately severe, 20-27 severe. Item 9
 * above 0 needs immediate follow-up whatever the total: the journey raises that alert (and, during
 * treatment, the hold) from the `item9` this definition feeds it. Shipped with its text.
 *
 * @example
 * ```ts
 * const score = scoreResponse(PHQ9, { '1': 1, '2': 1, '3': 1, '4': 1, '5': 1, '6': 0, '7': 0, '8': 0, '9': 1 });
 * score.total; // 6
 * journeyEventFor(PHQ9, score, 'qr-1'); // { type: 'assessment.recorded', instrument: 'PHQ-9', total: 6, item9: 1, ... }
 * ```
 */
export const PHQ9 = defineInstrument({
  id: 'PHQ-9',
  version: '1.0.0',
  title: 'Patient Health Questionnaire 9-item depression scale (PHQ-9)',
  administeredBy: 'patient',
  recallPeriod: 'last 2 weeks',
  licence: { kind: 'free-to-reproduce', notice: PFIZER_NOTICE },
  citation: 'Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a brief depression severity measure. J Gen Intern Med. 2001;16(9):606-613.',
  instructions: PHQ9_INSTRUCTIONS,
  loinc: { panel: '44249-1', total: '44261-6' },
  items: PHQ9_ITEMS,
  scoring: { kind: 'sum', min: 0, max: 27 },
  bands: [
    { code: 'minimal', label: 'Minimal depression', min: 0, max: 4 },
    { code: 'mild', label: 'Mild depression', min: 5, max: 9 },
    { code: 'moderate', label: 'Moderate depression', min: 10, max: 14 },
    { code: 'moderately-severe', label: 'Moderately severe depression', min: 15, max: 19 },
    { code: 'severe', label: 'Severe depression', min: 20, max: 27 },
  ],
  flags: [{ code: 'item9-positive', label: 'Thoughts of death or self-harm (item 9 above 0): immediate clinical follow-up', item: '9', atLeast: 1 }],
  observedItems: ['9'],
  journey: { event: 'assessment.recorded', instrument: 'PHQ-9', item9: '9' },
});
