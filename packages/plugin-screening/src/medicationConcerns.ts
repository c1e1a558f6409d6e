import type { MedicationClass } from '@carejourney/core';

/**
 * Why a co-medication class is flagged for review alongside ketamine or esketamine.
 *
 * @example
 * ```ts
 * const concern: MedicationConcern | null = DEFAULT_MEDICATION_CONCERNS.stimulant; // 'blood-pressure'
 * ```
 */
export type MedicationConcern = 'sedation' | 'blood-pressure';

/**
 * Default review flags by co-medication class (DOMAIN.md): benzodiazepines, opioids and other CNS
 * depressants add to sedation; stimulants and MAOIs raise blood pressure. Classes mapped to null
 * are recorded without a flag. A clinic overrides any entry through the plugin's options.
 *
 * @example
 * ```ts
 * DEFAULT_MEDICATION_CONCERNS.benzodiazepine; // 'sedation'
 * createScreening({ medicationConcerns: { antipsychotic: 'sedation' } }); // a clinic's own flag
 * ```
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
