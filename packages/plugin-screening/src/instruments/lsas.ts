import { defineInstrument } from '../defineInstrument.js';
import { valuesOnly } from './valuesOnly.js';

const SITUATIONS = Array.from({ length: 24 }, (_, i) => String(i + 1));

/**
 * LSAS, Liebowitz Social Anxiety Scale (Liebowitz 1987): 24 situations, each rated for fear or
 * anxiety (0-3) and avoidance (0-3); total 0-144 with fear and avoidance subtotals of 0-72. 30 or
 * more: social anxiety likely; 60 or more: generalized subtype likely (Mennin 2002). Severity bands
 * (UNCONFIRMED, widely quoted rather than from the validation studies): 55-64 moderate, 65-79
 * marked, 80-95 severe, 96 or more very severe; no band below 55. The journey's default primary
 * instrument for social anxiety. Licensed: scored by item id only (`<n>-fear`, `<n>-avoidance`).
 * Sources and the edge convention: INSTRUMENTS.md.
 *
 * @example
 * ```ts
 * const answers = Object.fromEntries(LSAS.items.map((item) => [item.linkId, item.linkId.endsWith('-fear') ? 2 : 1]));
 * const score = scoreResponse(LSAS, answers); // items '1-fear', '1-avoidance', ... '24-avoidance'
 * score.total; // 72
 * score.subscales; // { fear: 48, avoidance: 24 }
 * ```
 */
export const LSAS = defineInstrument({
  id: 'LSAS',
  version: '1.0.0',
  title: 'Liebowitz Social Anxiety Scale (LSAS)',
  administeredBy: 'clinician',
  recallPeriod: 'past week',
  licence: {
    kind: 'licensed',
    notice: 'The LSAS is copyrighted (Liebowitz). Item text is not included: use the wording you are licensed to use, keyed by situation number 1-24 and -fear / -avoidance.',
  },
  citation:
    'Liebowitz MR. Social phobia. Mod Probl Pharmacopsychiatry. 1987;22:141-173. Mennin DS, Fresco DM, Heimberg RG, et al. Screening for social anxiety disorder in the clinical setting: using the Liebowitz Social Anxiety Scale. J Anxiety Disord. 2002;16(6):661-673.',
  items: SITUATIONS.flatMap((n) => [
    { linkId: `${n}-fear`, prefix: `${n}F`, type: 'choice' as const, answers: valuesOnly(3) },
    { linkId: `${n}-avoidance`, prefix: `${n}A`, type: 'choice' as const, answers: valuesOnly(3) },
  ]),
  scoring: {
    kind: 'sum',
    min: 0,
    max: 144,
    subscales: [
      { code: 'fear', label: 'Fear or anxiety subtotal', items: SITUATIONS.map((n) => `${n}-fear`) },
      { code: 'avoidance', label: 'Avoidance subtotal', items: SITUATIONS.map((n) => `${n}-avoidance`) },
    ],
  },
  bands: [
    { code: 'moderate', label: 'Moderate social anxiety', min: 55, max: 64 },
    { code: 'marked', label: 'Marked social anxiety', min: 65, max: 79 },
    { code: 'severe', label: 'Severe social anxiety', min: 80, max: 95 },
    { code: 'very-severe', label: 'Very severe social anxiety', min: 96, max: 144 },
  ],
  flags: [
    { code: 'social-anxiety', label: 'Social anxiety likely (30 or more)', atLeast: 30 },
    { code: 'generalized', label: 'Generalized social anxiety likely (60 or more)', atLeast: 60 },
  ],
  journey: { event: 'assessment.recorded', instrument: 'LSAS' },
});
