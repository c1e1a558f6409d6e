import type { Bundle, BundleEntry, Observation, Questionnaire, QuestionnaireResponse } from '@medplum/fhirtypes';
import type { InstrumentDefinition } from '../instrumentDefinition.js';
import type { ScoredResponse } from '../ScoredResponse.js';
import type { FhirExportOptions } from './fhirExportOptions.js';
import { toObservations } from './toObservations.js';
import { toQuestionnaire } from './toQuestionnaire.js';
import { toQuestionnaireResponse } from './toQuestionnaireResponse.js';

/**
 * A FHIR R4 resource of a screening export: the instrument's Questionnaire, the patient's
 * QuestionnaireResponse, or an Observation of a total, subscale or item.
 *
 * @example
 * ```ts
 * const bundle = toFhirBundle(GAD7, response, options);
 * const resources: ScreeningResource[] = bundle.entry?.flatMap((e) => (e.resource ? [e.resource] : [])) ?? [];
 * resources.map((r) => r.resourceType); // ['QuestionnaireResponse', 'Observation', ...]
 * ```
 */
export type ScreeningResource = Questionnaire | QuestionnaireResponse | Observation;

/**
 * A FHIR R4 transaction Bundle of a scored response: its QuestionnaireResponse and Observations
 * (and its Questionnaire when `includeQuestionnaire` is set), each as a `PUT` to its own id, so
 * sending the same export twice changes nothing.
 *
 * @example
 * ```ts
 * await fetch(`${fhirBase}`, { method: 'POST', body: JSON.stringify(toFhirBundle(GAD7, response, { canonicalBase, subject })) });
 * ```
 */
export function toFhirBundle(
  definition: InstrumentDefinition,
  response: ScoredResponse,
  options: FhirExportOptions & { readonly includeQuestionnaire?: boolean },
): Bundle<ScreeningResource> {
  const { includeQuestionnaire, ...exportOptions } = options;
  const resources: ScreeningResource[] = [
    ...(includeQuestionnaire === true ? [toQuestionnaire(definition, exportOptions)] : []),
    toQuestionnaireResponse(definition, response, exportOptions),
    ...toObservations(definition, response, exportOptions),
  ];
  const entry: BundleEntry<ScreeningResource>[] = resources.map((resource) => ({
    resource,
    request: { method: 'PUT', url: `${resource.resourceType}/${resource.id ?? ''}` },
  }));
  return { resourceType: 'Bundle', type: 'transaction', entry };
}
