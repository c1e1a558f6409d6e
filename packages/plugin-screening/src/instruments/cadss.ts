import { defineInstrument } from '../defineInstrument.js';
import { valuesOnly } from './valuesOnly.js';

const LICENCE = {
  kind: 'licensed' as const,
  notice: 'The CADSS is copyrighted (Bremner et al.). Item text is not included: use the wording you are licensed to use, keyed by CADSS item number.',
};
const CITATION =
  'Bremner JD, Krystal JH, Putnam FW, et al. Measurement of dissociative states with the Clinician-Administered Dissociative States Scale (CADSS). J Trauma Stress. 1998;11(1):125-136.';
const item = (n: number) => ({ linkId: String(n), prefix: String(n), type: 'choice' as const, answers: valuesOnly(4) });

/**
 * CADSS, Clinician-Administered Dissociative States Scale (Bremner 1998), as DOMAIN.md counts it:
 * 23 items 0-4, total 0-92. Recorded per session as a trend (no cut-off), feeding
 * `monitoring.dissociationRecorded` with form `CADSS`. Licensed: scored by item id only.
 *
 * @example
 * ```ts
 * const answers = Object.fromEntries(CADSS.items.map((item) => [item.linkId, 1]));
 * journeyEventFor(CADSS, scoreResponse(CADSS, answers), 'qr-2'); // { type: 'monitoring.dissociationRecorded', score: 23, form: 'CADSS' }
 * ```
 */
export const CADSS = defineInstrument({
  id: 'CADSS',
  version: '1.0.0',
  title: 'Clinician-Administered Dissociative States Scale (CADSS)',
  administeredBy: 'clinician',
  recallPeriod: null,
  licence: LICENCE,
  citation: CITATION,
  items: Array.from({ length: 23 }, (_, i) => item(i + 1)),
  scoring: { kind: 'sum', min: 0, max: 92 },
  journey: { event: 'monitoring.dissociationRecorded', form: 'CADSS' },
});

/**
 * CADSS-6, the six-item short form: CADSS items 1, 2, 6, 7, 15 and 22 (UNCONFIRMED: the item
 * selection follows DOMAIN.md, which marks it unconfirmed), 0-4 each, total 0-24. Feeds
 * `monitoring.dissociationRecorded` with form `CADSS-6`. Licensed: scored by item id only.
 *
 * @example
 * ```ts
 * CADSS6.items.map((item) => item.linkId); // the CADSS item ids it keeps
 * await screening.submit(journeyId, { instrument: 'CADSS-6', answers: Object.fromEntries(CADSS6.items.map((i) => [i.linkId, 0])) }, { actor: nurse });
 * ```
 */
export const CADSS6 = defineInstrument({
  id: 'CADSS-6',
  version: '1.0.0',
  title: 'Clinician-Administered Dissociative States Scale, 6-item form (CADSS-6)',
  administeredBy: 'clinician',
  recallPeriod: null,
  licence: LICENCE,
  citation: CITATION,
  items: [1, 2, 6, 7, 15, 22].map(item),
  scoring: { kind: 'sum', min: 0, max: 24 },
  journey: { event: 'monitoring.dissociationRecorded', form: 'CADSS-6' },
});
