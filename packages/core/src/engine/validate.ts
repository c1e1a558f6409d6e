import { z } from 'zod';
import { CareJourneyError, type FieldIssue } from '../errors.js';
import { actorSchema, type Actor } from '../store/records.js';
import { checkJsonSafe } from '../validation/checkJsonSafe.js';
import { describeIssues, zodIssues } from '../validation/zodIssues.js';
import { authorize, rolesFor } from './authorize.js';
import type { EngineCore } from './EngineCore.js';

export type Refusal = { refusal: CareJourneyError };

export const idSchema = z.string().min(1).max(200);
const sendOptionsSchema = z.strictObject({ actor: actorSchema, idempotencyKey: idSchema.optional() });
const startOptionsSchema = z.strictObject({
  patientRef: idSchema,
  input: z.unknown(),
  actor: actorSchema,
  journeyId: idSchema.optional(),
});

/** An event that passed the validate and authorize steps. */
export interface ValidEvent {
  readonly journeyId: string;
  readonly type: string;
  readonly payload: Record<string, unknown>;
  readonly actor: Actor;
  readonly idempotencyKey: string | undefined;
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

/** The validate step of `send`: the envelope, the payload against its schema, then the role. */
export function validateSend(core: EngineCore, journeyId: unknown, event: unknown, options: unknown): ValidEvent | Refusal {
  const id = idSchema.safeParse(journeyId);
  if (!id.success) return { refusal: invalid('CJ_ERR_INVALID_EVENT', 'The journey id', zodIssues(id.error, 'journeyId')) };
  const opts = sendOptionsSchema.safeParse(options);
  if (!opts.success) return { refusal: invalid('CJ_ERR_INVALID_EVENT', 'The send options', zodIssues(opts.error, 'options'), id.data) };
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    return { refusal: invalid('CJ_ERR_INVALID_EVENT', 'The event', [{ path: 'event', rule: 'invalid_type', message: 'expected an object { type, ...payload }' }], id.data) };
  }
  const jsonIssues = checkJsonSafe(event, 'event', core.limits);
  if (jsonIssues.length > 0) return { refusal: invalid('CJ_ERR_INVALID_EVENT', 'The event', jsonIssues, id.data) };
  const { type, ...rest } = event as Record<string, unknown>;
  if (typeof type !== 'string' || !Object.hasOwn(core.definition.events, type)) {
    const known = Object.keys(core.definition.events).join(', ');
    return {
      refusal: invalid(
        'CJ_ERR_INVALID_EVENT',
        'The event',
        [{ path: 'type', rule: 'unknown_event', message: `${typeof type === 'string' ? `"${type.slice(0, 100)}"` : String(typeof type)} is not an event of "${core.definition.id}"; known events: ${known}` }],
        id.data,
      ),
    };
  }
  const payload = validatePayload(core, id.data, type, rest, false);
  if ('refusal' in payload) return payload;
  const forbidden = authorize(core, opts.data.actor, type, rolesFor(core, type), id.data);
  if (forbidden) return { refusal: forbidden };
  return { journeyId: id.data, type, payload: payload.payload, actor: opts.data.actor, idempotencyKey: opts.data.idempotencyKey };
}

/** Checks a payload against its event type's schema (again after a plugin enriched it). */
export function validatePayload(core: EngineCore, journeyId: string, type: string, raw: Record<string, unknown>, checkJson = true): { payload: Record<string, unknown> } | Refusal {
  const jsonIssues = checkJson ? checkJsonSafe(raw, 'event', core.limits) : [];
  if (jsonIssues.length > 0) return { refusal: invalid('CJ_ERR_INVALID_EVENT', `Event "${type}"`, jsonIssues, journeyId, type) };
  const schema = core.eventSchemas.get(type) as z.ZodObject;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { refusal: invalid('CJ_ERR_INVALID_EVENT', `Event "${type}"`, zodIssues(parsed.error, 'event'), journeyId, type) };
  return { payload: parsed.data as Record<string, unknown> };
}

/** The validate step of `start`: the options, the input against the definition's schema. Throws. */
export function validateStart(core: EngineCore, options: unknown): ValidStart {
  const parsed = startOptionsSchema.safeParse(options);
  if (!parsed.success) throw invalid('CJ_ERR_INVALID_INPUT', 'The start request', zodIssues(parsed.error, ''));
  const jsonIssues = checkJsonSafe(parsed.data.input, 'input', core.limits);
  if (jsonIssues.length > 0) throw invalid('CJ_ERR_INVALID_INPUT', 'The start input', jsonIssues);
  const input = core.definition.input.safeParse(parsed.data.input);
  if (!input.success) throw invalid('CJ_ERR_INVALID_INPUT', 'The start input', zodIssues(input.error, 'input'));
  return { patientRef: parsed.data.patientRef, input: input.data, actor: parsed.data.actor, journeyId: parsed.data.journeyId };
}
