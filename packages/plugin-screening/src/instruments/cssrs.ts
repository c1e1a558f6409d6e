import { defineInstrument } from '../defineInstrument.js';

const yesNo = (linkId: string, prefix: string, enableWhen?: { linkId: string; equals: boolean }) => ({
  linkId,
  prefix,
  type: 'boolean' as const,
  ...(enableWhen ? { enableWhen: [enableWhen] } : {}),
});

/**
 * C-SSRS screener (Posner 2011): six yes/no questions; questions 3-5 are asked only after a yes to
 * question 2, and a yes to question 6 (suicidal behaviour, lifetime) asks whether it was in the
 * past 3 months (`6-recent`). Triage: high after a yes to 4 or 5 or behaviour in the past 3 months
 * (immediate evaluation); moderate after a yes to 3 or lifetime behaviour; low after a yes to 1 or
 * 2; none otherwise. The journey receives the risk level and applies its own alerts and holds.
 * Licensed: triage by item id only, the host supplies the item text.
 *
 * @example
 * ```ts
 * // Questions 3-5 are asked only after a yes to question 2; 6-recent only after a yes to 6.
 * scoreResponse(CSSRS, { '1': true, '2': false, '6': false }).risk; // 'low'
 * scoreResponse(CSSRS, { '1': true, '2': true, '3': true, '4': false, '5': false, '6': false }).risk; // 'moderate'
 * ```
 */
export const CSSRS = defineInstrument({
  id: 'C-SSRS',
  version: '1.0.0',
  title: 'Columbia-Suicide Severity Rating Scale, screener (C-SSRS)',
  administeredBy: 'clinician',
  recallPeriod: 'past month (questions 1-5); lifetime and past 3 months (question 6)',
  licence: {
    kind: 'licensed',
    notice: 'The C-SSRS is copyrighted by The Research Foundation for Mental Hygiene. Item text is not included: use the screener wording you are permitted to use, keyed by item id 1-6 and 6-recent.',
  },
  citation:
    'Posner K, Brown GK, Stanley B, et al. The Columbia-Suicide Severity Rating Scale: initial validity and internal consistency findings from three multisite studies with adolescents and adults. Am J Psychiatry. 2011;168(12):1266-1277.',
  items: [
    yesNo('1', '1'),
    yesNo('2', '2'),
    yesNo('3', '3', { linkId: '2', equals: true }),
    yesNo('4', '4', { linkId: '2', equals: true }),
    yesNo('5', '5', { linkId: '2', equals: true }),
    yesNo('6', '6'),
    yesNo('6-recent', '6b', { linkId: '6', equals: true }),
  ],
  scoring: {
    kind: 'triage',
    levels: [
      { level: 'high', anyYes: ['4', '5', '6-recent'] },
      { level: 'moderate', anyYes: ['3', '6'] },
      { level: 'low', anyYes: ['1', '2'] },
    ],
  },
  journey: { event: 'assessment.recorded', instrument: 'C-SSRS' },
});
