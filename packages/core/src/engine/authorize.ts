import { CareJourneyError } from '../errors.js';
import type { Actor } from '../store/records.js';
import type { EngineCore } from './EngineCore.js';

/**
 * The authorize step: is the actor's role a role of the journey, and may it do `action`
 * (start the journey, or send an event type) under the definition's policy?
 */
export function authorize(core: EngineCore, actor: Actor, action: string, allowed: readonly string[], journeyId?: string): CareJourneyError | undefined {
  const { definition } = core;
  const known = definition.roles.includes(actor.role);
  // An unknown role is not repeated in the message or details: it is whatever the caller sent.
  const base = { allowedRoles: allowed, eventType: action, ...(known ? { role: actor.role } : {}), ...(journeyId === undefined ? {} : { journeyId }) };
  if (!known) {
    return new CareJourneyError('CJ_ERR_FORBIDDEN', `The actor's role is not a role of journey "${definition.id}" (roles: ${definition.roles.join(', ')}).`, base);
  }
  if (!allowed.includes(actor.role)) {
    return new CareJourneyError('CJ_ERR_FORBIDDEN', `A ${actor.role} may not send "${action}": it is for ${allowed.length > 0 ? allowed.join(' or ') : 'no role'}.`, base);
  }
  return undefined;
}

/** The roles the policy allows to send an event type. */
export function rolesFor(core: EngineCore, type: string): readonly string[] {
  return (core.definition.policy.events as Record<string, readonly string[]>)[type] ?? [];
}
