import type { CodeableConcept, Observation, Reference } from '@medplum/fhirtypes';
import type { InstrumentDefinition } from '../instrumentDefinition.js';
import type { ScoredResponse } from '../ScoredResponse.js';
import { answerCoding, isCoded } from './answerCoding.js';
import { checkResponseMatches, interpretationSystem, LOINC, OBSERVATION_CATEGORY, parseExportOptions, type FhirExportOptions } from './fhirExportOptions.js';

const SURVEY: CodeableConcept[] = [{ coding: [{ system: OBSERVATION_CATEGORY, code: 'survey', display: 'Survey' }] }];

/**
 * The FHIR R4 Observations of a scored response, each `derivedFrom` its QuestionnaireResponse:
 * - the total (category survey, the LOINC total code where one is given, `valueInteger`, the band
 *   and total flags as `interpretation`), or the triage level for the C-SSRS screener;
 * - one per subscale (e.g. Y-BOCS obsessions and compulsions);
 * - one per observed item (PHQ-9 item 9, LOINC 44260-8, with its answer and flag);
 * - the panel (the LOINC panel code where one is given) with every other as `hasMember`, last.
 * Instruments without a LOINC code for a result get a text-only code: no code is borrowed.
 * The stored score is not trusted: the answers are scored again with the definition, and a
 * response whose total, band, flags, risk or subtotals differ is refused (`CJ_ERR_INVALID_INPUT`).
 *
 * @example
 * ```ts
 * const [total, item9, panel] = toObservations(PHQ9, response, { canonicalBase, subject });
 * ```
 */
export function toObservations(definition: InstrumentDefinition, response: ScoredResponse, options: FhirExportOptions): Observation[] {
  const { base, subject } = parseExportOptions(options, true);
  checkResponseMatches(definition, response);
  const ref = response.responseRef;
  const system = interpretationSystem(definition, base);
  const common = {
    resourceType: 'Observation' as const,
    status: 'final' as const,
    category: SURVEY,
    subject: subject(response.patientRef),
    effectiveDateTime: response.authored,
    derivedFrom: [{ reference: `QuestionnaireResponse/${ref}` }],
  };
  const interpretation = (entries: { code: string; label: string }[]): { interpretation?: CodeableConcept[] } =>
    entries.length === 0 ? {} : { interpretation: entries.map((e) => ({ coding: [{ system, code: e.code, display: e.label }], text: e.label })) };
  const flagsOf = (item: string | undefined) =>
    definition.flags.filter((f) => f.item === item && response.flags.some((raised) => raised.code === f.code)).map((f) => ({ code: f.code, label: f.label }));

  const members: Observation[] = [];
  if (response.total !== null) {
    members.push({
      ...common,
      id: `${ref}-total`,
      code: {
        ...(definition.loinc.total === undefined ? {} : { coding: [{ system: LOINC, code: definition.loinc.total }] }),
        text: `${definition.title} total score`,
      },
      valueInteger: response.total,
      ...interpretation([...(response.band ? [response.band] : []), ...flagsOf(undefined)]),
    });
  }
  if (response.risk !== null) {
    const label = `${response.risk === 'none' ? 'No' : response.risk[0]?.toUpperCase() + response.risk.slice(1)} risk`;
    members.push({
      ...common,
      id: `${ref}-risk`,
      code: { text: `${definition.title}: risk level` },
      valueCodeableConcept: { coding: [{ system, code: `risk-${response.risk}`, display: label }], text: label },
    });
  }
  if (definition.scoring.kind === 'sum') {
    for (const subscale of definition.scoring.subscales) {
      const value = response.subscales[subscale.code];
      if (value === null || value === undefined) continue;
      members.push({ ...common, id: `${ref}-${subscale.code}`, code: { text: `${definition.title}: ${subscale.label}` }, valueInteger: value });
    }
  }
  for (const linkId of definition.observedItems) {
    const position = definition.items.findIndex((i) => i.linkId === linkId);
    const item = definition.items[position];
    const value = response.answers[linkId];
    if (!item || value === undefined) continue;
    const option = item.answers.find((a) => a.value === value);
    const coded = option && isCoded(item) ? answerCoding(definition, base, option) : undefined;
    members.push({
      ...common,
      // By position, not linkId, so the id stays within FHIR's 64 characters.
      id: `${ref}-item${position + 1}`,
      code: {
        ...(item.loinc === undefined ? {} : { coding: [{ system: LOINC, code: item.loinc }] }),
        text: item.text ?? `${definition.id} item ${item.prefix ?? linkId}`,
      },
      ...(typeof value === 'boolean'
        ? { valueBoolean: value }
        : coded
          ? { valueCodeableConcept: { coding: [coded], ...(coded.display === undefined ? {} : { text: coded.display }) } }
          : { valueInteger: value }),
      ...interpretation(flagsOf(linkId)),
    });
  }
  const hasMember: Reference<Observation>[] = members.map((m) => ({ reference: `Observation/${m.id}` }));
  const panel: Observation = {
    ...common,
    id: `${ref}-panel`,
    code: { ...(definition.loinc.panel === undefined ? {} : { coding: [{ system: LOINC, code: definition.loinc.panel }] }), text: definition.title },
    hasMember,
  };
  return [...members, panel];
}
