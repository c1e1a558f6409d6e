import { defineInstrument } from '../defineInstrument.js';
import { valuesOnly } from './valuesOnly.js';

/**
 * MOAA/S, Modified Observer's Assessment of Alertness/Sedation (Chernik 1990): one observed level
 * 0-5 (5 responds readily to name in a normal tone, 0 no response to a painful stimulus; 0 is loss
 * of consciousness). Scale levels only; feeds `monitoring.sedationRecorded`.
 *
 * @example
 * ```ts
 * scoreResponse(MOAAS, { level: 0 }).flags.map((f) => f.code); // ['loss-of-consciousness']
 * await screening.submit(journeyId, { instrument: 'MOAA/S', answers: { level: 4 } }, { actor: nurse });
 * ```
 */
export const MOAAS = defineInstrument({
  id: 'MOAA/S',
  version: '1.0.0',
  title: "Modified Observer's Assessment of Alertness/Sedation (MOAA/S)",
  administeredBy: 'clinician',
  recallPeriod: null,
  licence: {
    kind: 'licensed',
    notice: 'MOAA/S level descriptions are not included: use the wording of your sedation protocol, keyed by level 0-5.',
  },
  citation:
    "Chernik DA, Gillings D, Laine H, et al. Validity and reliability of the Observer's Assessment of Alertness/Sedation Scale: study with intravenous midazolam. J Clin Psychopharmacol. 1990;10(4):244-251.",
  items: [{ linkId: 'level', type: 'choice', answers: valuesOnly(5) }],
  scoring: { kind: 'sum', min: 0, max: 5 },
  flags: [{ code: 'loss-of-consciousness', label: 'Loss of consciousness (MOAA/S 0)', atMost: 0 }],
  journey: { event: 'monitoring.sedationRecorded' },
});
