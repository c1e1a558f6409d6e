import { ketamineJourneyEvents, type KetamineEventPayload } from '@carejourney/core';
import { fieldIssues, refusal } from './fieldIssues.js';
import type { InstrumentDefinition } from './instrumentDefinition.js';
import type { Score } from './scoreResponse.js';

/**
 * The journey event a scored response becomes: `assessment.recorded`,
 * `monitoring.sedationRecorded` or `monitoring.dissociationRecorded`, with its payload.
 *
 * @example
 * ```ts
 * const event: ScreeningJourneyEvent | null = journeyEventFor(MOAAS, scoreResponse(MOAAS, { level: 4 }), 'qr-1');
 * // { type: 'monitoring.sedationRecorded', moaas: 4 }
 * if (event) await engine.send(id, event, { actor: nurse });
 * ```
 */
export type ScreeningJourneyEvent =
  | ({ readonly type: 'assessment.recorded' } & KetamineEventPayload<'assessment.recorded'>)
  | ({ readonly type: 'monitoring.sedationRecorded' } & KetamineEventPayload<'monitoring.sedationRecorded'>)
  | ({ readonly type: 'monitoring.dissociationRecorded' } & KetamineEventPayload<'monitoring.dissociationRecorded'>);

/**
 * The ketamine journey event a score feeds, validated against the journey's own payload schema:
 * `assessment.recorded` with the total (or the C-SSRS risk), PHQ-9 item 9, the instrument version
 * and the response reference; `monitoring.sedationRecorded` (MOAA/S) or
 * `monitoring.dissociationRecorded` (CADSS, CADSS-6). Null for instruments that feed no event
 * (the GAD-2 and PHQ-2 pre-screens). Throws `CJ_ERR_INVALID_INPUT` when the journey would refuse
 * the payload (e.g. a host instrument mapped to GAD-7 with a larger total).
 *
 * @example
 * ```ts
 * journeyEventFor(PHQ9, scoreResponse(PHQ9, answers), 'qr-7f3a');
 * // { type: 'assessment.recorded', instrument: 'PHQ-9', total: 12, item9: 1, instrumentVersion: '1.0.0', responseRef: 'qr-7f3a' }
 * ```
 */
export function journeyEventFor(definition: InstrumentDefinition, score: Score, responseRef: string): ScreeningJourneyEvent | null {
  const feed = definition.journey;
  if (feed === null) return null;
  let payload: Record<string, unknown>;
  if (feed.event === 'assessment.recorded') {
    const item9 = feed.item9 === undefined ? undefined : score.answers[feed.item9];
    payload = {
      instrument: feed.instrument,
      ...(score.total === null ? {} : { total: score.total }),
      ...(typeof item9 === 'number' ? { item9 } : {}),
      ...(score.risk === null ? {} : { risk: score.risk }),
      instrumentVersion: definition.version,
      responseRef,
    };
  } else if (feed.event === 'monitoring.sedationRecorded') {
    payload = { moaas: score.total };
  } else {
    payload = { score: score.total, form: feed.form };
  }
  const parsed = ketamineJourneyEvents[feed.event].safeParse(payload);
  if (!parsed.success) {
    throw refusal('CJ_ERR_INVALID_INPUT', `The ${definition.id} result does not fit the journey's ${feed.event} event:`, fieldIssues(parsed.error, 'event'));
  }
  return { type: feed.event, ...parsed.data } as ScreeningJourneyEvent;
}
