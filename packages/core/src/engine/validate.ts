import { z } from 'zod';
import { CareJourneyError, type FieldIssue } from '../errors.js';
import { lazyInstance, once } from '../lazyInstance.js';
import type { Actor } from '../store/records.js';
import { checkJsonSafe } from '../validation/checkJsonSafe.js';
import { identifierSchema } from '../validation/identifierSchema.js';
import { parseArgument, unreadable } from '../validation/parseArgument.js';
import { describeIssues, zodIssues } from '../validation/zodIssues.js';
import { authorize, rolesFor } from './authorize.js';
import type { EngineCore } from './EngineCore.js';

export type Refusal = { refusal: CareJourneyError };

// Built on first use, not at import (`identifierSchema.optional()` would build that one too).
const actorInput = once(() => z.strictObject({ id: identifierSchema, role: identifierSchema }));

/** An actor as a caller gives it: an id and a role, both identifiers. */
export const actorInputSchema = lazyInstance(actorInput);

const sendOptionsSchema = once(() =>
  z.strictObject({
    actor: actorInput(),
    idempotencyKey: identifierSchema.optional(),
    expectedVersion: z.int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  }),
);
const startOptionsSchema = once(() =>
  z.strictObject({
    patientRef: identifierSchema,
    input: z.unknown(),
    actor: actorInput(),
    journeyId: identifierSchema.optional(),
  }),
);

/** An event that passed the validate and authorize steps. */
export interface ValidEvent {
  readonly journeyId: string;
  readonly type: string;
  readonly payload: Record<string, unknown>;
  readonly actor: Actor;
  readonly idempotencyKey: string | undefined;
  readonly expectedVersion: number | undefined;
}

/** A start request that passed validation (not yet authorized). */
export interface ValidStart {
  readonly patientRef: string;
  readonly input: unknown;
  readonly actor: Actor;
  readonly journeyId: string | undefined;
}

export function invalid(code: 'CJ_ERR_INVALID_EVENT' | 'CJ_ERR_INVALID_INPUT', what: string, issues: FieldIssue[], journeyId?: string, eventType?: string): CareJourneyError {
  return new CareJourneyError(code, `${what} is invalid: ${describeIssues(issues)}`, {
    issues,
    ...(journeyId === undefined ? {} : { journeyId }),
    ...(eventType === undefined ? {} : { eventType }),
  });
}

/** zod's verdict on a value that may be hostile: issues, or the parsed data. */
function check<T>(schema: z.ZodType<T>, value: unknown, root: string): { data: T } | { issues: FieldIssue[] } {
  try {
    const parsed = schema.safeParse(value);
    return parsed.success ? { data: parsed.data } : { issues: zodIssues(parsed.error, root) };
  } catch {
    return { issues: [unreadable(root)] };
  }
}

/**
 * The validate step of `send`: the journey id, the options, the event's envelope and JSON
 * safety, its payload against its schema; then the authorize step. Never throws.
 */
export function validateSend(core: EngineCore, journeyId: unknown, event: unknown, options: unknown): ValidEvent | Refusal {
  try {
    return validateUnsafe(core, journeyId, event, options);
  } catch (error) {
    if (error instanceof CareJourneyError) return { refusal: error };
    // Only a hostile argument gets here (a revoked proxy, a trap that throws): name it, not its content.
    return { refusal: invalid('CJ_ERR_INVALID_EVENT', 'The send arguments', [unreadable('(arguments)')]) };
  }
}

function validateUnsafe(core: EngineCore, journeyId: unknown, event: unknown, options: unknown): ValidEvent | Refusal {
  const id = check(identifierSchema, journeyId, 'journeyId');
  if ('issues' in id) return { refusal: invalid('CJ_ERR_INVALID_EVENT', 'The journey id', id.issues) };
  const opts = check(sendOptionsSchema(), options, 'options');
  if ('issues' in opts) return { refusal: invalid('CJ_ERR_INVALID_EVENT', 'The send options', opts.issues, id.data) };
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    return { refusal: invalid('CJ_ERR_INVALID_EVENT', 'The event', [{ path: 'event', rule: 'invalid_type', message: 'expected an object { type, ...payload }' }], id.data) };
  }
  const jsonIssues = checkJsonSafe(event, 'event', core.limits);
  if (jsonIssues.length > 0) return { refusal: invalid('CJ_ERR_INVALID_EVENT', 'The event', jsonIssues, id.data) };
  // Safe to read now: a plain object (or null-prototype one) of JSON values without getters that throw.
  const { type, ...rest } = event as Record<string, unknown>;
  if (typeof type !== 'string' || !Object.hasOwn(core.definition.events, type)) {
    const known = Object.keys(core.definition.events).join(', ');
    const message = typeof type === 'string' ? `is not an event of "${core.definition.id}"; known events: ${known}` : 'is missing: every event has a string type';
    return { refusal: invalid('CJ_ERR_INVALID_EVENT', 'The event', [{ path: 'event.type', rule: 'unknown_event', message }], id.data) };
  }
  const payload = validatePayload(core, id.data, type, rest, false);
  if ('refusal' in payload) return payload;
  const forbidden = authorize(core, opts.data.actor, type, rolesFor(core, type), id.data);
  if (forbidden) return { refusal: forbidden };
  return {
    journeyId: id.data,
    type,
    payload: payload.payload,
    actor: opts.data.actor,
    idempotencyKey: opts.data.idempotencyKey,
    expectedVersion: opts.data.expectedVersion,
  };
}

/** Checks a payload against its event type's schema (again after a plugin enriched it). */
export function validatePayload(core: EngineCore, journeyId: string, type: string, raw: Record<string, unknown>, checkJson = true): { payload: Record<string, unknown> } | Refusal {
  const jsonIssues = checkJson ? checkJsonSafe(raw, 'event', core.limits) : [];
  if (jsonIssues.length > 0) return { refusal: invalid('CJ_ERR_INVALID_EVENT', `Event "${type}"`, jsonIssues, journeyId, type) };
  const parsed = check(core.eventSchemas.get(type) as z.ZodObject, raw, 'event');
  if ('issues' in parsed) return { refusal: invalid('CJ_ERR_INVALID_EVENT', `Event "${type}"`, parsed.issues, journeyId, type) };
  return { payload: parsed.data as Record<string, unknown> };
}

/** The validate step of `start`: the options, the input against the definition's schema. Throws. */
export function validateStart(core: EngineCore, options: unknown): ValidStart {
  const parsed = parseArgument(startOptionsSchema(), options, 'CJ_ERR_INVALID_INPUT', 'The start request', '');
  const jsonIssues = checkJsonSafe(parsed.input, 'input', core.limits);
  if (jsonIssues.length > 0) throw invalid('CJ_ERR_INVALID_INPUT', 'The start input', jsonIssues);
  const input = check(core.definition.input, parsed.input, 'input');
  if ('issues' in input) throw invalid('CJ_ERR_INVALID_INPUT', 'The start input', input.issues);
  return { patientRef: parsed.patientRef, input: input.data, actor: parsed.actor, journeyId: parsed.journeyId };
}
