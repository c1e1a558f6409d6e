import type { AnyStateMachine } from 'xstate';

// A structural view of XState state nodes: only what the diagram reads.
interface TransitionLike {
  readonly eventType: string;
  readonly target?: readonly NodeLike[] | undefined;
  readonly guard?: unknown;
}
interface NodeLike {
  readonly key: string;
  readonly path: readonly string[];
  readonly type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  readonly states: Readonly<Record<string, NodeLike>>;
  readonly transitions: ReadonlyMap<string, readonly TransitionLike[]>;
  readonly always?: readonly TransitionLike[] | undefined;
  readonly initial?: { readonly target: readonly NodeLike[] } | undefined;
}

/**
 * The name of a guard, combinators spelled out: `and(outcomeEligible, eligibleDecisionAllowed)`.
 *
 * @example
 * ```ts
 * describeGuard({ type: 'xstate.and', guards: ['outcomeEligible', 'eligibleDecisionAllowed'] }); // 'and(outcomeEligible, eligibleDecisionAllowed)'
 * describeGuard(undefined); // null
 * ```
 */
export function describeGuard(guard: unknown): string | null {
  if (guard === undefined || guard === null) return null;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function' && Array.isArray((guard as { guards?: unknown }).guards)) {
    const parts = ((guard as unknown as { guards: unknown[] }).guards).map((g) => describeGuard(g) ?? '?');
    return `${guard.name}(${parts.join(', ')})`;
  }
  if (typeof guard === 'object' && typeof (guard as { type?: unknown }).type === 'string') return (guard as { type: string }).type;
  return 'condition';
}

const idOf = (node: NodeLike): string => (node.path.length === 0 ? 'root' : node.path.join('_').replace(/[^A-Za-z0-9_]/g, '_'));

function label(t: TransitionLike, eventType: string): string {
  const guard = describeGuard(t.guard);
  const text = guard ? `${eventType} [${guard}]` : eventType;
  // Mermaid ends a label at ';' and treats '#' specially.
  return text.replace(/[;#]/g, ' ');
}

/**
 * Renders a machine as a Mermaid `stateDiagram-v2`, walked from `machine.root`: compound states
 * become composite states, parallel regions are separated by `--`, history states appear as `H`,
 * and every transition with a target is an edge labelled with its event and guard. Transitions on
 * the root apply to every top-level state and are drawn from each one. Ids are state paths, so
 * equally named states in different parents stay apart.
 *
 * @example
 * ```ts
 * const diagram = toMermaid(ketamineAnxietyJourney.machine);
 * console.log('```mermaid\n' + diagram + '\n```');
 * ```
 */
export function toMermaid(machine: AnyStateMachine): string {
  const root = machine.root as unknown as NodeLike;
  const lines: string[] = ['stateDiagram-v2'];
  const edges: string[] = [];

  const declare = (node: NodeLike, indent: string): void => {
    const id = idOf(node);
    const name = node.type === 'history' ? 'H' : node.key;
    if (name !== id) lines.push(`${indent}state "${name}" as ${id}`);
    const children = Object.values(node.states);
    if (children.length === 0) return;
    lines.push(`${indent}state ${id} {`);
    const inner = `${indent}  `;
    if (node.type === 'parallel') {
      children.forEach((child, i) => {
        if (i > 0) lines.push(`${inner}--`);
        declare(child, inner);
      });
    } else {
      const initial = node.initial?.target[0];
      if (initial) lines.push(`${inner}[*] --> ${idOf(initial)}`);
      for (const child of children) declare(child, inner);
    }
    lines.push(`${indent}}`);
  };

  const own = (node: NodeLike, sources: readonly NodeLike[]): void => {
    for (const [eventType, transitions] of node.transitions) {
      for (const t of transitions) {
        for (const target of t.target ?? []) for (const source of sources) edges.push(`${idOf(source)} --> ${idOf(target)} : ${label(t, eventType)}`);
      }
    }
    for (const t of node.always ?? []) {
      for (const target of t.target ?? []) for (const source of sources) edges.push(`${idOf(source)} --> ${idOf(target)} : ${label(t, 'always')}`);
    }
  };
  const collect = (node: NodeLike): void => {
    own(node, [node]);
    if (node.type === 'final') edges.push(`${idOf(node)} --> [*]`);
    for (const child of Object.values(node.states)) collect(child);
  };

  const top = Object.values(root.states);
  const initial = root.initial?.target[0];
  if (initial) lines.push(`  [*] --> ${idOf(initial)}`);
  for (const child of top) declare(child, '  ');
  own(root, top.filter((n) => n.type !== 'final'));
  for (const child of top) collect(child);
  return [...lines, ...edges.map((e) => `  ${e}`)].join('\n');
}
