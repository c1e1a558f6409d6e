import type { AnyMachineSnapshot } from 'xstate';
import type { AnyJourneyDefinition } from './defineJourney.js';
import { evaluateRule } from './guardRule.js';
import type { StampedEvent } from './guardRule.js';

/** An event that the current state has a transition for, but a clinical rule blocks now. */
export interface BlockedEvent {
  readonly type: string;
  readonly guard: string;
  readonly reason: string;
}

interface TransitionLike {
  readonly guard?: unknown;
}

interface NodeLike {
  readonly transitions: Map<string, TransitionLike[]>;
}

/** The transitions the active state nodes have for an event type (innermost first). */
export function candidateTransitions(snapshot: AnyMachineSnapshot, eventType: string): TransitionLike[] {
  const nodes = (snapshot as unknown as { _nodes: NodeLike[] })._nodes;
  const out: TransitionLike[] = [];
  for (const node of nodes) {
    const own = node.transitions.get(eventType);
    if (own) out.push(...own);
  }
  return out;
}

/**
 * Splits the definition's event types into those allowed now and those blocked by a
 * context-scoped rule. Rules that depend on the payload count as allowed (checked on send).
 */
export function explainEvents(
  definition: AnyJourneyDefinition,
  snapshot: AnyMachineSnapshot,
  probe: StampedEvent,
): { allowed: string[]; blocked: BlockedEvent[] } {
  const allowed: string[] = [];
  const blocked: BlockedEvent[] = [];
  if (snapshot.status !== 'active') return { allowed, blocked };
  for (const type of Object.keys(definition.events)) {
    const candidates = candidateTransitions(snapshot, type);
    if (candidates.length === 0) continue;
    let firstBlock: BlockedEvent | undefined;
    let open = false;
    for (const t of candidates) {
      const guard = t.guard;
      if (guard === undefined) {
        open = true;
        break;
      }
      const name = typeof guard === 'string' ? guard : (guard as { type?: unknown }).type;
      const rule = typeof name === 'string' ? definition.guards[name] : undefined;
      if (!rule || rule.scope !== 'context' || typeof name !== 'string') {
        open = true;
        break;
      }
      const outcome = evaluateRule(name, rule, { context: snapshot.context, event: { ...probe, type } });
      if (outcome === true) {
        open = true;
        break;
      }
      firstBlock ??= { type, guard: name, reason: outcome };
    }
    if (open) allowed.push(type);
    else if (firstBlock) blocked.push(firstBlock);
  }
  return { allowed, blocked };
}
