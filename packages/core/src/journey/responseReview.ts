import type { KetamineProtocol } from './protocol.js';
import type { Instrument } from './vocabulary.js';

/**
 * A scored instrument that response can be judged on.
 *
 * @example
 * ```ts
 * const primary: ResponseInstrument = protocol.response.primaryInstrument['social-anxiety']; // 'LSAS'
 * ```
 */
export type ResponseInstrument = Exclude<Instrument, 'C-SSRS'>;

/**
 * The outcome of comparing a follow-up score with the baseline.
 *
 * @example
 * ```ts
 * const result: ResponseResult = evaluateResponse({ instrument: 'GAD-7', baseline: 17, current: 7 }, protocol.response);
 * result.dropPercent; // 58.8
 * result.responded; // true (at least 50% by default)
 * ```
 */
export interface ResponseResult {
  readonly instrument: ResponseInstrument;
  readonly baseline: number;
  readonly current: number;
  /** Percent drop from baseline (negative when the score rose); null when the baseline is 0. */
  readonly dropPercent: number | null;
  /** The drop that counts as response for this instrument. */
  readonly thresholdPercent: number;
  readonly responded: boolean;
  /** Null when the protocol sets no remission threshold for the instrument. */
  readonly remission: boolean | null;
}

/**
 * Compares a follow-up total with the baseline on the protocol's thresholds: response is a drop
 * of at least the instrument's percentage (50% by default; 35% for LSAS and Y-BOCS), remission a
 * total at or below the instrument's remission mark. It records the clinic's criteria; the
 * decision stays with the clinician.
 *
 * @example
 * ```ts
 * evaluateResponse({ instrument: 'GAD-7', baseline: 16, current: 6 }, protocol.response);
 * // { dropPercent: 62.5, responded: true, remission: false, ... }
 * ```
 */
export function evaluateResponse(
  scores: { readonly instrument: ResponseInstrument; readonly baseline: number; readonly current: number },
  criteria: KetamineProtocol['response'],
): ResponseResult {
  const { instrument, baseline, current } = scores;
  const thresholdPercent = criteria.responseDropPercent[instrument];
  const drop = baseline > 0 ? ((baseline - current) / baseline) * 100 : null;
  const remissionMark = criteria.remissionAtMost[instrument];
  return {
    instrument,
    baseline,
    current,
    dropPercent: drop === null ? null : Math.round(drop * 10) / 10,
    thresholdPercent,
    responded: drop !== null && drop >= thresholdPercent,
    remission: remissionMark === null ? null : current <= remissionMark,
  };
}
