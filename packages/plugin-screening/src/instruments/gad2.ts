import { defineInstrument } from '../defineInstrument.js';
import { GAD7_INSTRUCTIONS, GAD7_ITEMS } from './gad7.js';
import { PFIZER_NOTICE } from './pfizerScales.js';

/**
 * GAD-2 (Kroenke 2007): the first two GAD-7 items, total 0-6; 3 or more is positive and the full
 * GAD-7 should follow. Its items are the GAD-7's items 1 and 2, the same questions with the same
 * LOINC question codes; no GAD-2 panel or total code is given, so none is set. A pre-screen: it
 * feeds no journey event (the journey records the full GAD-7).
 *
 * @example
 * ```ts
 * const positive = scoreResponse(GAD2, { '1': 2, '2': 1 }).flags.length > 0; // true: give the full GAD-7
 * GAD2.journey; // null
 * ```
 */
export const GAD2 = defineInstrument({
  id: 'GAD-2',
  version: '1.0.0',
  title: 'Generalized Anxiety Disorder 2-item scale (GAD-2)',
  administeredBy: 'patient',
  recallPeriod: 'last 2 weeks',
  licence: { kind: 'free-to-reproduce', notice: PFIZER_NOTICE },
  citation:
    'Kroenke K, Spitzer RL, Williams JBW, Monahan PO, Löwe B. Anxiety disorders in primary care: prevalence, impairment, comorbidity, and detection. Ann Intern Med. 2007;146(5):317-325.',
  instructions: GAD7_INSTRUCTIONS,
  items: GAD7_ITEMS.slice(0, 2),
  scoring: { kind: 'sum', min: 0, max: 6 },
  flags: [{ code: 'positive-screen', label: 'Positive pre-screen (3 or more): give the full GAD-7', atLeast: 3 }],
  journey: null,
});
