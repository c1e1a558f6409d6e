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

type Verdict = { readonly kind: 'pass' } | { readonly kind: 'fail'; readonly guard: string; readonly reason: string } | { readonly kind: 'unknown' };

const PASS: Verdict = { kind: 'pass' };
const UNKNOWN: Verdict = { kind: 'unknown' };

interface Combinator {
  (...args: never[]): unknown;
  readonly guards: readonly unknown[];
}

/**
 * Evaluates a transition's guard against the definition's named rules, through XState's
 * `and`, `or` and `not`. With `scope: 'context'` only context rules are evaluated and the rest
 * are `unknown`; with `scope: 'all'` every named rule is. Inline functions are `unknown`.
 */
export function judgeGuard(definition: AnyJourneyDefinition, guard: unknown, context: unknown, event: StampedEvent, scope: 'context' | 'all'): Verdict {
  if (guard === undefined) return PASS;
  if (typeof guard === 'function' && Array.isArray((guard as Partial<Combinator>).guards)) {
    const parts = (guard as Combinator).guards.map((g) => judgeGuard(definition, g, context, event, scope));
    switch (guard.name) {
      case 'and':
        return parts.find((p) => p.kind === 'fail') ?? (parts.some((p) => p.kind === 'unknown') ? UNKNOWN : PASS);
      case 'or':
        return parts.some((p) => p.kind === 'pass') ? PASS : parts.some((p) => p.kind === 'unknown') ? UNKNOWN : (parts[0] ?? UNKNOWN);
      case 'not': {
        const [inner] = parts;
        if (!inner || inner.kind === 'unknown') return UNKNOWN;
        if (inner.kind === 'fail') return PASS;
        const name = describeGuard((guard as Combinator).guards[0]);
        const rule = definition.guards[name];
        return { kind: 'fail', guard: `not(${name})`, reason: rule ? `This must not be the case: ${rule.description}.` : `Condition "${name}" must not hold.` };
      }
      default:
        return UNKNOWN;
    }
  }
  const name = describeGuard(guard);
  const rule = definition.guards[name];
  if (!rule || (scope === 'context' && rule.scope !== 'context')) return UNKNOWN;
  const outcome = evaluateRule(name, rule, { context, event });
  return outcome === true ? PASS : { kind: 'fail', guard: name, reason: outcome };
}

function describeGuard(guard: unknown): string {
  if (typeof guard === 'string') return guard;
  if (guard && typeof guard === 'object' && typeof (guard as { type?: unknown }).type === 'string') return (guard as { type: string }).type;
  return 'condition';
}

/** Why no transition for `event` was enabled: the first rule that failed, in candidate order. */
export function explainRefusal(definition: AnyJourneyDefinition, snapshot: AnyMachineSnapshot, event: StampedEvent): { guard: string; reason: string } {
  for (const t of candidateTransitions(snapshot, event.type)) {
    const verdict = judgeGuard(definition, t.guard, snapshot.context, event, 'all');
    if (verdict.kind === 'fail') return { guard: verdict.guard, reason: verdict.reason };
  }
  return { guard: 'condition', reason: 'a condition of the journey was not met' };
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
      const verdict = judgeGuard(definition, t.guard, snapshot.context, { ...probe, type }, 'context');
      if (verdict.kind !== 'fail') {
        open = true;
        break;
      }
      firstBlock ??= { type, guard: verdict.guard, reason: verdict.reason };
    }
    if (open) allowed.push(type);
    else if (firstBlock) blocked.push(firstBlock);
  }
  return { allowed, blocked };
}
