import { checkJsonSafe } from '@carejourney/core';
import { fieldIssues, refusal } from './fieldIssues.js';
import { instrumentDefinitionSchema, type InstrumentDefinition, type InstrumentDefinitionInput } from './instrumentDefinition.js';

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Validates an instrument definition and freezes it. The shipped instruments are made with it,
 * and so are a host's own. A bad definition throws `CJ_ERR_INVALID_CONFIG` naming each field and
 * the rule it breaks (a band outside the scale, a subscale naming an unknown item, item text in a
 * licensed instrument, skip logic pointing forward, ...).
 *
 * @example
 * ```ts
 * const wellbeing = defineInstrument({
 *   id: 'WB-3', version: '1.0.0', title: 'Clinic well-being check (3 items)',
 *   administeredBy: 'patient', recallPeriod: 'last week',
 *   licence: { kind: 'public-domain', notice: 'Written by the clinic; no restrictions.' },
 *   citation: 'Clinic protocol QA-12, 2026.',
 *   items: ['1', '2', '3'].map((linkId) => ({
 *     linkId, type: 'choice' as const, answers: [0, 1, 2].map((value) => ({ value })),
 *   })),
 *   scoring: { kind: 'sum', min: 0, max: 6 },
 * });
 * ```
 */
export function defineInstrument(definition: InstrumentDefinitionInput): InstrumentDefinition {
  const json = checkJsonSafe(definition, 'definition');
  if (json.length > 0) throw refusal('CJ_ERR_INVALID_CONFIG', 'The instrument definition is invalid:', json);
  const parsed = instrumentDefinitionSchema.safeParse(definition);
  if (!parsed.success) {
    const id = typeof (definition as { id?: unknown } | null)?.id === 'string' ? ` "${(definition as { id: string }).id.slice(0, 30)}"` : '';
    throw refusal('CJ_ERR_INVALID_CONFIG', `The instrument definition${id} is invalid:`, fieldIssues(parsed.error, 'definition'));
  }
  return deepFreeze(parsed.data);
}
