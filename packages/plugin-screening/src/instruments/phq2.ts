import { defineInstrument } from '../defineInstrument.js';
import { PFIZER_NOTICE } from './pfizerScales.js';
import { PHQ9_INSTRUCTIONS, PHQ9_ITEMS } from './phq9.js';

/**
 * PHQ-2 (Kroenke 2003): the first two PHQ-9 items, total 0-6 (LOINC total 55758-7); 3 or more is
 * positive and the full PHQ-9 should follow. A pre-screen: it feeds no journey event (the journey
 * records the PHQ-9, whose item 9 the PHQ-2 does not ask).
 *
 * @example
 * ```ts
 * scoreResponse(PHQ2, { '1': 1, '2': 1 }).flags.length; // 0: below 3, a negative pre-screen
 * ```
 */
export const PHQ2 = defineInstrument({
  id: 'PHQ-2',
  version: '1.0.0',
  title: 'Patient Health Questionnaire 2-item depression screen (PHQ-2)',
  administeredBy: 'patient',
  recallPeriod: 'last 2 weeks',
  licence: { kind: 'free-to-reproduce', notice: PFIZER_NOTICE },
  citation: 'Kroenke K, Spitzer RL, Williams JBW. The Patient Health Questionnaire-2: validity of a two-item depression screener. Med Care. 2003;41(11):1284-1292.',
  instructions: PHQ9_INSTRUCTIONS,
  loinc: { total: '55758-7' },
  items: PHQ9_ITEMS.slice(0, 2),
  scoring: { kind: 'sum', min: 0, max: 6 },
  flags: [{ code: 'positive-screen', label: 'Positive pre-screen (3 or more): give the full PHQ-9', atLeast: 3 }],
  journey: null,
});
