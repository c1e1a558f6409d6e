import { freezeNew } from './store/freezeNew.js';

/**
 * What a code means: when it happens, whether it is thrown or returned, and what the caller does.
 *
 * @example
 * ```ts
 * const info: ErrorCodeInfo = ERROR_CATALOGUE.CJ_ERR_GUARD;
 * ```
 */
export interface ErrorCodeInfo {
  /** When the error happens. */
  readonly when: string;
  /** `returned` as `{ ok: false, error }` by `send`, `thrown` by the other calls, or both. */
  readonly how: string;
  /** What the caller does about it. */
  readonly action: string;
}

/**
 * Every error code with its meaning. `docs/errors.md` is generated from it.
 *
 * @example
 * ```ts
 * if (!result.ok) showHelp(ERROR_CATALOGUE[result.error.code].action);
 * ```
 */
export const ERROR_CATALOGUE = freezeNew({
  CJ_ERR_INVALID_EVENT: {
    when: 'An argument of `send` fails validation: the journey id, the options (actor, idempotency key, expected version) or the event (unknown type, payload against its schema, a value that is not JSON, a string with a lone surrogate, a size limit).',
    how: 'returned by `send`',
    action: 'Fix the fields named in `details.issues` (each with its path and rule). Sending the same event again gives the same refusal.',
  },
  CJ_ERR_INVALID_INPUT: {
    when: 'An argument of any other call fails validation: `start` (options or input), `get`, `history`, `query`, `runDue`, `recover`, `on`/`off`, `replayJournal`, `ManualClock`; the `JourneyStore` methods of `MemoryStore` and `SqliteStore` called directly (`load`, `commit`, `readJournal`, `dueTimers`, `markDelivered`, `query`, ...), `SqliteStore.pruneDelivered` and `SqliteStore.backup`.',
    how: 'thrown',
    action: 'Fix the argument named in `details.issues`. Nothing was changed.',
  },
  CJ_ERR_INVALID_CONFIG: {
    when: 'Configuration is invalid: `createEngine` options (definition, store, clock, plugins, protocol, limits, maxRetries, generateId), a journey definition (`defineJourney`), plugin options, `SqliteStore` options; or the injected clock returned a time that is not a finite number, or `generateId` threw or returned something that is not a valid id.',
    how: 'thrown, at creation (or by the call that read the broken clock, before it changed anything)',
    action: 'Fix the configuration; the message names the option and the rule.',
  },
  CJ_ERR_NOT_ALLOWED: {
    when: 'The journey is in a state that does not accept the event, or it has ended.',
    how: 'returned by `send`',
    action: 'Offer what `details.allowedEvents` lists (the state is in `details.state`); the event may become allowed after other events.',
  },
  CJ_ERR_GUARD: {
    when: 'A clinical rule of the journey refused the event.',
    how: 'returned by `send`',
    action: 'Show `details.reason` (in a clinician\'s words) and `details.guard` (the rule); record what the rule needs, then send again.',
  },
  CJ_ERR_FORBIDDEN: {
    when: 'The actor\'s role is not a role of the journey, or the policy does not let that role start the journey or send the event.',
    how: 'returned by `send`, thrown by `start`',
    action: 'Send as an actor whose role is in `details.allowedRoles`.',
  },
  CJ_ERR_VETOED: {
    when: 'A plugin\'s `beforeEvent` hook refused the event.',
    how: 'returned by `send`',
    action: 'Show `details.reason`; `details.plugin` names the plugin.',
  },
  CJ_ERR_CONFLICT: {
    when: 'The journey is not at the version the caller expected: `expectedVersion` is out of date, other writers kept committing first (after the retries), or `start` was given a journey id in use. Stores throw it when a commit clashes.',
    how: 'returned by `send`, thrown by `start` and by stores',
    action: 'Reload the journey (`get`), show the caller what changed, and send again if it still applies. Nothing was applied.',
  },
  CJ_ERR_IDEMPOTENCY_MISMATCH: {
    when: 'The idempotency key was already used on this journey for a different event: another type, payload or actor.',
    how: 'returned by `send`',
    action: 'Use a new key for a new event. A retry of the first event (same type, payload and actor) gets the first result with `duplicate: true`. Nothing was applied.',
  },
  CJ_ERR_NOT_FOUND: {
    when: 'No journey has that id in the store.',
    how: 'returned by `send`, thrown by `get` and `history`',
    action: 'Check the id; `query` lists journeys.',
  },
  CJ_ERR_PLUGIN: {
    when: 'A plugin is invalid at registration (not made with `definePlugin`, a bad name, a duplicate, a missing dependency, a failing `setup`), a `beforeEvent` hook threw, or a plugin asked for an invalid timer.',
    how: 'thrown by `createEngine` and by the plugin API; returned by `send` when a veto hook threw',
    action: 'Fix the plugin named in `details.plugin`.',
  },
  CJ_ERR_MIGRATION: {
    when: 'A stored journey cannot be brought to this definition: it was written by a newer version, a migration is missing or failed (the `cause` names the kind of error and its paths and rules, never its message), or it belongs to another definition.',
    how: 'returned by `send`, thrown by `get`, reported by `runDue`',
    action: 'Deploy the software that knows the journey\'s version, or add the missing migration. The stored journey is left untouched.',
  },
  CJ_ERR_CORRUPT_SNAPSHOT: {
    when: 'A stored row cannot be read back: its JSON does not parse or its values break the record\'s schema, or a timer row is not one the engine can have written (a machine timer whose event is not one of the definition\'s timer events, an owner that is neither the machine nor a registered plugin). The message names the journey, the column and the rule, never the content.',
    how: 'returned by `send`, thrown by `get` and `history`; damaged timer and outbox rows are skipped and reported',
    action: 'Restore the row from a backup or repair it. Other journeys are not affected; the row is never reset or deleted.',
  },
  CJ_ERR_STORE: {
    when: 'The store failed: I/O, a lock held by another process past the busy timeout, a database written by a newer release.',
    how: 'thrown by calls before their commit (nothing applied); after a commit `send`, `start` and `runDue` never throw it: the failure is reported on the bus as `delivery.failed` and `recover` finishes the work',
    action: 'Retry later; check the store. When `send` throws it, the event was not applied.',
  },
} as const satisfies Record<string, ErrorCodeInfo>);

/**
 * Stable error codes. Hosts branch on `code`, never on message text.
 *
 * @example
 * ```ts
 * const known = (code: string): code is CareJourneyErrorCode => (ERROR_CODES as readonly string[]).includes(code);
 * ```
 */
export const ERROR_CODES = freezeNew(Object.keys(ERROR_CATALOGUE) as readonly (keyof typeof ERROR_CATALOGUE)[]);

/**
 * One of the stable error codes (see {@link ERROR_CATALOGUE}).
 *
 * @example
 * ```ts
 * if (!r.ok && r.error.code === 'CJ_ERR_GUARD') showRule(r.error.details.guard);
 * ```
 */
export type CareJourneyErrorCode = keyof typeof ERROR_CATALOGUE;

/**
 * One problem with one field of an input, as a path and the rule it broke.
 *
 * @example
 * ```ts
 * for (const issue of error.details.issues ?? []) form.markInvalid(issue.path, issue.message);
 * ```
 */
export interface FieldIssue {
  /** Where the problem is, e.g. `payload.systolic` or `actor.role`. */
  readonly path: string;
  /** The rule that was broken, in words. */
  readonly message: string;
  /** Machine-readable rule name (zod issue code or `json`, `size`, ...). */
  readonly rule: string;
}

/**
 * What an error is about, beyond its code: the journey, the event, the fields, the rule, the role.
 *
 * @example
 * ```ts
 * if (error.code === 'CJ_ERR_FORBIDDEN') console.log(error.details.role, 'may not; allowed:', error.details.allowedRoles);
 * ```
 */
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
  /** For `CJ_ERR_CONFLICT`: the version the caller expected, and the version found when known. */
  readonly expectedVersion?: number;
  readonly actualVersion?: number;
  /** A human-readable reason, e.g. a guard's explanation. */
  readonly reason?: string;
}

/**
 * The one error class of carejourney. Expected refusals (bad input, guard, policy) are returned
 * as values (`{ ok: false, error }`); unexpected failures are thrown. Both carry a stable `code`,
 * and the message ends with it, e.g. `... [CJ_ERR_NOT_FOUND]`.
 *
 * @example
 * ```ts
 * const r = await engine.send(id, event, { actor });
 * if (!r.ok && r.error.code === 'CJ_ERR_GUARD') console.log(r.error.details.reason);
 * ```
 */
export class CareJourneyError extends Error {
  /**
   * Always `'CareJourneyError'`, also after serialization (`toJSON`) where `instanceof` no longer
   * works. {@link isCareJourneyError} checks an error in the same process.
   *
   * @example
   * ```ts
   * const body = await response.json();
   * if (body.error?.name === 'CareJourneyError') showRefusal(body.error.code, body.error.message);
   * ```
   */
  override readonly name = 'CareJourneyError';
  /**
   * The stable code (see {@link ERROR_CATALOGUE}): what happened and what the caller does about
   * it. Branch on it, never on the message text.
   *
   * @example
   * ```ts
   * if (!r.ok && r.error.code === 'CJ_ERR_CONFLICT') await engine.get(journeyId); // reload, then decide again
   * ```
   */
  readonly code: CareJourneyErrorCode;
  /**
   * What the error is about beyond its code: the journey, the event, the fields and rules that
   * failed, the state, the guard, the roles. `{}` when there is nothing to add; never payload values.
   *
   * @example
   * ```ts
   * if (!r.ok && r.error.code === 'CJ_ERR_NOT_ALLOWED') console.log(r.error.details.state, r.error.details.allowedEvents);
   * ```
   */
  readonly details: CareJourneyErrorDetails;

  /**
   * Creates an error with a code, a message and its details; the message gets the code appended
   * (`... [CJ_ERR_CONFLICT]`) unless it already ends with it. `cause` keeps the underlying error.
   * Plugins and custom stores throw it so hosts can branch on `code`.
   *
   * @example
   * ```ts
   * // In a custom JourneyStore's commit, when another writer committed first:
   * throw new CareJourneyError('CJ_ERR_CONFLICT', `Journey "${journeyId}" is not at version ${expectedVersion}.`, { journeyId, expectedVersion, actualVersion });
   * ```
   */
  constructor(code: CareJourneyErrorCode, message: string, details: CareJourneyErrorDetails = {}, options?: { cause?: unknown }) {
    const suffix = `[${code}]`;
    super(message.endsWith(suffix) ? message : `${message} ${suffix}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = details;
  }

  /**
   * A plain, JSON-safe description (no payload values), for logs and API responses: `name`,
   * `code`, `message` and `details`, without the stack or the `cause`. `JSON.stringify` calls it.
   *
   * @example
   * ```ts
   * const r = await engine.send(journeyId, event, { actor });
   * if (!r.ok) logger.warn({ journeyId, error: r.error.toJSON() }, 'event refused');
   * ```
   */
  toJSON(): { name: string; code: CareJourneyErrorCode; message: string; details: CareJourneyErrorDetails } {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

/**
 * True when `value` is a `CareJourneyError`, optionally with the given code.
 *
 * @example
 * ```ts
 * try { await engine.get(id); } catch (e) { if (isCareJourneyError(e, 'CJ_ERR_NOT_FOUND')) return notFound(); throw e; }
 * ```
 */
export function isCareJourneyError(value: unknown, code?: CareJourneyErrorCode): value is CareJourneyError {
  return value instanceof CareJourneyError && (code === undefined || value.code === code);
}
