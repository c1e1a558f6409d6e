import type { MedicationClass } from '@carejourney/core';

/** Why a co-medication class is flagged for review alongside ketamine or esketamine. */
export type MedicationConcern = 'sedation' | 'blood-pressure';

/**
 * Default review flags by co-medication class (DOMAIN.md): benzodiazepines, opioids and other CNS
 * depressants add to sedation; stimulants and MAOIs raise blood pressure. Classes mapped to null
 * are recorded without a flag. A clinic overrides any entry through the plugin's options.
 */
export const DEFAULT_MEDICATION_CONCERNS: Readonly<Record<MedicationClass, MedicationConcern | null>> = Object.freeze({
  benzodiazepine: 'sedation',
  opioid: 'sedation',
  'other-cns-depressant': 'sedation',
  stimulant: 'blood-pressure',
  maoi: 'blood-pressure',
  antidepressant: null,
  antipsychotic: null,
  other: null,
});
