/**
 * Stable error codes. Hosts branch on `code`, never on message text.
 */
export const ERROR_CODES = [
  'CJ_ERR_INVALID_EVENT',
  'CJ_ERR_INVALID_INPUT',
  'CJ_ERR_INVALID_CONFIG',
  'CJ_ERR_NOT_ALLOWED',
  'CJ_ERR_GUARD',
  'CJ_ERR_FORBIDDEN',
  'CJ_ERR_VETOED',
  'CJ_ERR_CONFLICT',
  'CJ_ERR_NOT_FOUND',
  'CJ_ERR_PLUGIN',
  'CJ_ERR_MIGRATION',
  'CJ_ERR_CORRUPT_SNAPSHOT',
  'CJ_ERR_STORE',
] as const;

export type CareJourneyErrorCode = (typeof ERROR_CODES)[number];

/** One problem with one field of an input, as a path and the rule it broke. */
export interface FieldIssue {
  /** Where the problem is, e.g. `payload.systolic` or `actor.role`. */
  readonly path: string;
  /** The rule that was broken, in words. */
  readonly message: string;
  /** Machine-readable rule name (zod issue code or `json`, `size`, ...). */
  readonly rule: string;
}

export interface CareJourneyErrorDetails {
  readonly journeyId?: string;
  readonly eventType?: string;
  readonly issues?: readonly FieldIssue[];
  /** For `CJ_ERR_NOT_ALLOWED`: the current state and what is allowed there. */
  readonly state?: string;
  readonly allowedEvents?: readonly string[];
  /** For `CJ_ERR_GUARD`: the guard (clinical rule) that refused the event. */
  readonly guard?: string;
  /** For `CJ_ERR_FORBIDDEN`: the actor's role and the roles that may send the event. */
  readonly role?: string;
  readonly allowedRoles?: readonly string[];
  /** For `CJ_ERR_VETOED` and `CJ_ERR_PLUGIN`: the plugin involved. */
  readonly plugin?: string;
  /** For `CJ_ERR_CONFLICT`: the version the caller expected. */
  readonly expectedVersion?: number;
  /** A human-readable reason, e.g. a guard's explanation. */
  readonly reason?: string;
}

/**
 * The one error class of carejourney. Expected refusals (bad input, guard, policy) are returned
 * as values (`{ ok: false, error }`); unexpected failures are thrown. Both carry a stable `code`.
 *
 * @example
 * ```ts
 * const r = await engine.send(id, event, { actor });
 * if (!r.ok && r.error.code === 'CJ_ERR_GUARD') console.log(r.error.details.reason);
 * ```
 */
export class CareJourneyError extends Error {
  override readonly name = 'CareJourneyError';
  readonly code: CareJourneyErrorCode;
  readonly details: CareJourneyErrorDetails;

  constructor(
    code: CareJourneyErrorCode,
    message: string,
    details: CareJourneyErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = details;
  }

  /** A plain, JSON-safe description (no payload values), for logs and API responses. */
  toJSON(): { name: string; code: CareJourneyErrorCode; message: string; details: CareJourneyErrorDetails } {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

/** True when `value` is a `CareJourneyError`, optionally with the given code. */
export function isCareJourneyError(
  value: unknown,
  code?: CareJourneyErrorCode,
): value is CareJourneyError {
  return value instanceof CareJourneyError && (code === undefined || value.code === code);
}
