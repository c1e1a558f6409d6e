import { CareJourneyError } from '../errors.js';
import type { Actor } from '../store/records.js';
import type { EngineCore } from './EngineCore.js';

/**
 * The authorize step: is the actor's role a role of the journey, and may it do `action`
 * (start the journey, or send an event type) under the definition's policy?
 */
export function authorize(core: EngineCore, actor: Actor, action: string, allowed: readonly string[], journeyId?: string): CareJourneyError | undefined {
  const { definition } = core;
  const base = { role: actor.role, allowedRoles: allowed, eventType: action, ...(journeyId === undefined ? {} : { journeyId }) };
  if (!definition.roles.includes(actor.role)) {
    return new CareJourneyError(
      'CJ_ERR_FORBIDDEN',
      `Role "${actor.role.slice(0, 100)}" is not a role of journey "${definition.id}" (roles: ${definition.roles.join(', ')}).`,
      base,
    );
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
