import { defineInstrument } from '../defineInstrument.js';
import { valuesOnly } from './valuesOnly.js';

/**
 * SPIN, Social Phobia Inventory (Connor 2000): 17 self-report items 0-4, total 0-68; 19 or more
 * suggests social anxiety. Licensed: scored by item id only, the host supplies the item text.
 *
 * @example
 * ```ts
 * const answers = Object.fromEntries(SPIN.items.map((item) => [item.linkId, 1]));
 * scoreResponse(SPIN, answers).total; // 17, below the cut-off of 19
 * SPIN.items[0]?.text; // undefined: the host supplies the wording
 * ```
 */
export const SPIN = defineInstrument({
  id: 'SPIN',
  version: '1.0.0',
  title: 'Social Phobia Inventory (SPIN)',
  administeredBy: 'patient',
  recallPeriod: 'past week',
  licence: {
    kind: 'licensed',
    notice: 'The SPIN is copyrighted (Connor, Davidson et al.). Item text is not included: use the wording you are licensed to use, keyed by item number 1-17.',
  },
  citation:
    'Connor KM, Davidson JRT, Churchill LE, Sherwood A, Foa E, Weisler RH. Psychometric properties of the Social Phobia Inventory (SPIN): new self-rating scale. Br J Psychiatry. 2000;176:379-386.',
  items: Array.from({ length: 17 }, (_, i) => ({ linkId: String(i + 1), prefix: String(i + 1), type: 'choice' as const, answers: valuesOnly(4) })),
  scoring: { kind: 'sum', min: 0, max: 68 },
  flags: [{ code: 'social-anxiety', label: 'Social anxiety likely (19 or more)', atLeast: 19 }],
  journey: { event: 'assessment.recorded', instrument: 'SPIN' },
});
