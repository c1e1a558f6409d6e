import type { AnyMachineSnapshot } from 'xstate';
import type { AnyJourneyDefinition } from './defineJourney.js';
import { evaluateRule } from './guardRule.js';
import type { StampedEvent } from './guardRule.js';

/**
 * An event that the current state has a transition for, but a clinical rule blocks now: what
 * `engine.get` lists in `view.blockedEvents`. Only rules that read the context are judged ahead;
 * rules on the event's payload are judged on `send`.
 *
 * @example
 * ```ts
 * const view = await engine.get(id);
 * for (const { type, guard, reason } of view.blockedEvents) console.log(`${type} blocked by ${guard}: ${reason}`);
 * ```
 */
export interface BlockedEvent<TEventType extends string = string> {
  readonly type: TEventType;
  /** The name of the rule that blocks it. */
  readonly guard: string;
  /** The rule's reason, in words a clinician understands. */
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
 * `pass`: the guard holds. `fail`: a clinical rule refused, with its reason. `false`: a plain
 * (non-rule) guard does not hold, e.g. a routing condition; the transition does not apply and
 * nobody is blamed. `unknown`: not evaluated here (payload rules in `get`, inline functions).
 */
type Verdict =
  | { readonly kind: 'pass' }
  | { readonly kind: 'fail'; readonly guard: string; readonly reason: string }
  | { readonly kind: 'false' }
  | { readonly kind: 'unknown' };

const PASS: Verdict = { kind: 'pass' };
const FALSE: Verdict = { kind: 'false' };
const UNKNOWN: Verdict = { kind: 'unknown' };

interface Combinator {
  (...args: never[]): unknown;
  readonly guards: readonly unknown[];
}

/**
 * Evaluates a transition's guard against the definition's named rules, through XState's
 * `and`, `or` and `not`, in XState's order (short-circuit). With `scope: 'context'` only context
 * rules are evaluated and the rest are `unknown`; with `scope: 'all'` every named guard is,
 * plain ones through the machine's own implementations. Inline functions are `unknown`.
 */
export function judgeGuard(definition: AnyJourneyDefinition, guard: unknown, context: unknown, event: StampedEvent, scope: 'context' | 'all'): Verdict {
  if (guard === undefined) return PASS;
  if (typeof guard === 'function' && Array.isArray((guard as Partial<Combinator>).guards)) {
    const parts = (guard as Combinator).guards;
    const judge = (g: unknown) => judgeGuard(definition, g, context, event, scope);
    switch (guard.name) {
      case 'and': {
        let unknown = false;
        for (const part of parts) {
          const v = judge(part);
          if (v.kind === 'fail' || v.kind === 'false') return v;
          if (v.kind === 'unknown') unknown = true;
        }
        return unknown ? UNKNOWN : PASS;
      }
      case 'or': {
        const verdicts = parts.map(judge);
        if (verdicts.some((v) => v.kind === 'pass')) return PASS;
        if (verdicts.some((v) => v.kind === 'unknown')) return UNKNOWN;
        return verdicts.find((v) => v.kind === 'fail') ?? FALSE;
      }
      case 'not': {
        const inner = judge(parts[0]);
        if (inner.kind === 'unknown') return UNKNOWN;
        if (inner.kind !== 'pass') return PASS;
        const name = describeGuard(parts[0]);
        const rule = definition.guards[name];
        return rule ? { kind: 'fail', guard: `not(${name})`, reason: `This must not be the case: ${rule.description}.` } : FALSE;
      }
      default:
        return UNKNOWN;
    }
  }
  const name = describeGuard(guard);
  const rule = definition.guards[name];
  if (!rule) {
    if (scope === 'context' || typeof guard === 'function') return UNKNOWN;
    const plain = (definition.machine.implementations.guards as Record<string, unknown>)[name];
    if (typeof plain !== 'function' || 'check' in plain) return UNKNOWN;
    const params = guard && typeof guard === 'object' && 'params' in guard ? (guard as { params: unknown }).params : undefined;
    try {
      return (plain as (args: unknown, params: unknown) => unknown)({ context, event }, typeof params === 'function' ? undefined : params) ? PASS : FALSE;
    } catch {
      return UNKNOWN;
    }
  }
  if (scope === 'context' && rule.scope !== 'context') return UNKNOWN;
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
      if (verdict.kind === 'pass' || verdict.kind === 'unknown') {
        open = true;
        break;
      }
      if (verdict.kind === 'fail') firstBlock ??= { type, guard: verdict.guard, reason: verdict.reason };
    }
    if (open) allowed.push(type);
    else if (firstBlock) blocked.push(firstBlock);
  }
  return { allowed, blocked };
}
