import { defineInstrument } from '../defineInstrument.js';

const SEVERITY_ANSWERS = [
  { value: 0, display: 'Not present' },
  { value: 1, display: 'Mild' },
  { value: 2, display: 'Moderate' },
  { value: 3, display: 'Severe' },
  { value: 4, display: 'Very severe' },
];

const ITEMS = [
  'Anxious mood: worries, anticipation of the worst, fearful anticipation, irritability',
  'Tension: feelings of tension, fatigability, startle response, moved to tears easily, trembling, feelings of restlessness, inability to relax',
  'Fears: of dark, of strangers, of being left alone, of animals, of traffic, of crowds',
  'Insomnia: difficulty in falling asleep, broken sleep, unsatisfying sleep and fatigue on waking, dreams, nightmares, night terrors',
  'Intellectual: difficulty in concentration, poor memory',
  'Depressed mood: loss of interest, lack of pleasure in hobbies, depression, early waking, diurnal swing',
  'Somatic (muscular): pains and aches, twitching, stiffness, myoclonic jerks, grinding of teeth, unsteady voice, increased muscular tone',
  'Somatic (sensory): tinnitus, blurring of vision, hot and cold flushes, feelings of weakness, pricking sensation',
  'Cardiovascular symptoms: tachycardia, palpitations, pain in chest, throbbing of vessels, fainting feelings, missing beat',
  'Respiratory symptoms: pressure or constriction in chest, choking feelings, sighing, dyspnea',
  'Gastrointestinal symptoms: difficulty in swallowing, wind, abdominal pain, burning sensations, abdominal fullness, nausea, vomiting, borborygmi, looseness of bowels, loss of weight, constipation',
  'Genitourinary symptoms: frequency of micturition, urgency of micturition, amenorrhea, menorrhagia, development of frigidity, premature ejaculation, loss of libido, impotence',
  'Autonomic symptoms: dry mouth, flushing, pallor, tendency to sweat, giddiness, tension headache, raising of hair',
  'Behavior at interview: fidgeting, restlessness or pacing, tremor of hands, furrowed brow, strained face, sighing or rapid respiration, facial pallor, swallowing',
];

/**
 * HAM-A, Hamilton Anxiety Rating Scale (Hamilton 1959): 14 clinician-rated items 0-4, total 0-56;
 * 17 or less mild, 18-24 mild to moderate, 25-30 moderate to severe, above 30 severe; psychic
 * (items 1-6 and 14) and somatic (items 7-13) subscales. Remission (7 or less by default) comes from
 * the clinic's protocol through core's `evaluateResponse`. Public domain: shipped with its text.
 *
 * @example
 * ```ts
 * const answers = Object.fromEntries(HAMA.items.map((item) => [item.linkId, 2]));
 * const score = scoreResponse(HAMA, answers);
 * score.total; // 28
 * score.subscales; // { psychic: 14, somatic: 14 }
 * ```
 */
export const HAMA = defineInstrument({
  id: 'HAM-A',
  version: '1.0.0',
  title: 'Hamilton Anxiety Rating Scale (HAM-A)',
  administeredBy: 'clinician',
  recallPeriod: null,
  licence: { kind: 'public-domain', notice: 'Hamilton M. The assessment of anxiety states by rating (1959). The scale is in the public domain.' },
  citation: 'Hamilton M. The assessment of anxiety states by rating. Br J Med Psychol. 1959;32(1):50-55.',
  items: ITEMS.map((text, i) => ({ linkId: String(i + 1), prefix: String(i + 1), text, type: 'choice' as const, answers: SEVERITY_ANSWERS })),
  scoring: {
    kind: 'sum',
    min: 0,
    max: 56,
    subscales: [
      { code: 'psychic', label: 'Psychic anxiety (items 1-6, 14)', items: ['1', '2', '3', '4', '5', '6', '14'] },
      { code: 'somatic', label: 'Somatic anxiety (items 7-13)', items: ['7', '8', '9', '10', '11', '12', '13'] },
    ],
  },
  bands: [
    { code: 'mild', label: 'Mild anxiety', min: 0, max: 17 },
    { code: 'mild-to-moderate', label: 'Mild to moderate anxiety', min: 18, max: 24 },
    { code: 'moderate-to-severe', label: 'Moderate to severe anxiety', min: 25, max: 30 },
    { code: 'severe', label: 'Severe anxiety', min: 31, max: 56 },
  ],
  journey: { event: 'assessment.recorded', instrument: 'HAM-A' },
});
