// The journey's state diagram in parts a reader can take in: an overview (the top-level states,
// the parallel regions, the course's stages as boxes) and one part per stage with every state and
// transition inside it. Drawn whole, the statechart is about 4,900 × 6,200 px: shrunk to a page it
// cannot be read. Each part names the states outside it that its transitions lead to or come
// from, drawn dashed, so a part reads on its own.
import type { AnyStateMachine } from 'xstate';
import { describeGuard } from '@carejourney/core';

// A structural view of XState state nodes: only what the diagram reads (as core's toMermaid).
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

/** One diagram of the set: Mermaid source and a heading. */
export interface DiagramPart {
  /** Unique among the parts; also the SVG id prefix of its render. */
  readonly id: string;
  readonly title: string;
  readonly source: string;
}

/** A part: the subtree drawn, and the states drawn as boxes without their inside. */
interface PartSpec {
  readonly id: string;
  readonly title: string;
  /** The subtree the part draws, as a state path ([] for the whole machine). */
  readonly root: readonly string[];
  /** States drawn without their children (each has its own part). */
  readonly collapsed: readonly (readonly string[])[];
  /** Edge labels: each transition with its guard, or only the events between two states, merged (the overview). */
  readonly guards: boolean;
  /** Layout direction: `LR` for parts whose states line up in a chain. */
  readonly direction: 'TB' | 'LR';
}

const COURSE = ['care', 'clinical', 'treatment', 'course'];
const STAGES = [
  { key: 'induction', title: 'Induction: sessions on the route’s schedule, each from pre-dose checks to discharge or transfer' },
  { key: 'responseReview', title: 'Response review: the primary instrument against baseline, then a physician’s decision' },
  { key: 'maintenance', title: 'Maintenance: boosters on the decided cadence, until maintenance ends' },
] as const;
const INTAKE = ['care', 'clinical', 'intake'];

const THERAPY = ['care', 'therapy'];

/** The parts of the ketamine journey's diagram: the overview, the course, intake, each stage of the course, concurrent therapy. */
export const JOURNEY_DIAGRAM_PARTS: readonly PartSpec[] = [
  {
    id: 'overview',
    title: 'Overview: referral, intake, treatment (the course, on hold) alongside concurrent therapy, the endings',
    root: [],
    collapsed: [INTAKE, COURSE, THERAPY],
    guards: false,
    direction: 'TB',
  },
  {
    id: 'course',
    title: 'The course: induction, response review, maintenance; a resumed hold returns to where it left (H)',
    root: COURSE,
    collapsed: STAGES.map((s) => [...COURSE, s.key]),
    guards: false,
    direction: 'TB',
  },
  { id: 'intake', title: 'Intake: consultations and screening, the eligibility decision, the plan', root: INTAKE, collapsed: [], guards: true, direction: 'TB' },
  ...STAGES.map((s) => ({ id: s.key, title: s.title, root: [...COURSE, s.key], collapsed: [], guards: true, direction: 'TB' as const })),
  { id: 'therapy', title: 'Concurrent therapy, alongside the clinical course from intake on', root: THERAPY, collapsed: [], guards: true, direction: 'TB' },
];

const idOf = (path: readonly string[]): string => (path.length === 0 ? 'root' : path.join('_').replace(/[^A-Za-z0-9_]/g, '_'));
const startsWith = (path: readonly string[], prefix: readonly string[]) => prefix.every((p, i) => path[i] === p);

function find(root: NodeLike, path: readonly string[]): NodeLike {
  let node = root;
  for (const key of path) {
    const next = node.states[key];
    if (!next) throw new Error(`The machine has no state ${path.join('.')}`);
    node = next;
  }
  return node;
}

/** Mermaid wraps an edge label at 200 px and cuts a longer word anywhere; about this many characters fit. */
const LABEL_CHARACTERS = 24;

/**
 * Breaks the words of a label longer than {@link LABEL_CHARACTERS} where a reader expects it:
 * after a dot (`predose.` / `contraindicationsChecked`), else before a capital of a camelCase name.
 */
export function breakLongWords(text: string): string {
  return text
    .split(' ')
    .map((word) => {
      const lines: string[] = [];
      let rest = word;
      while (rest.length > LABEL_CHARACTERS) {
        const head = rest.slice(0, LABEL_CHARACTERS + 1);
        const dot = head.lastIndexOf('.');
        const capital = Math.max(...[...head.matchAll(/[A-Z]/g)].map((m) => m.index).filter((i) => i >= 8));
        const at = dot >= 0 && dot < LABEL_CHARACTERS ? dot + 1 : capital > 0 ? capital : -1;
        if (at <= 0) break;
        lines.push(rest.slice(0, at));
        rest = rest.slice(at);
      }
      return [...lines, rest].join('<br/>');
    })
    .join(' ');
}

function label(t: TransitionLike, eventType: string, guards: boolean): string {
  // Mermaid ends a label at ';' and treats '#' and ':' specially.
  const clean = (text: string) => breakLongWords(text.replace(/[;#:]/g, ' '));
  const guard = guards ? describeGuard(t.guard) : null;
  // The guard on a line of its own keeps the label, and so the diagram, narrow.
  if (guard) return `${clean(eventType)}<br/>[${clean(guard).replace(/, /g, ',<br/>')}]`;
  // Without guards, an eventless transition is taken as soon as its guard holds: "automatic".
  return eventType === 'always' ? 'automatic' : clean(eventType);
}

/** A state outside the part, named by as much of its path as tells it apart. */
function externalName(path: readonly string[]): string {
  const shown = startsWith(path, COURSE) ? path.slice(COURSE.length) : startsWith(path, ['care', 'clinical']) ? path.slice(2) : path;
  return shown.join('.');
}

function partSource(machineRoot: NodeLike, spec: PartSpec): string {
  const root = find(machineRoot, spec.root);
  const lines: string[] = ['stateDiagram-v2', `  direction ${spec.direction}`];
  const inside = (path: readonly string[]) => startsWith(path, spec.root);
  const isCollapsed = (path: readonly string[]) => spec.collapsed.some((c) => c.length === path.length && startsWith(path, c));
  // The state a path is drawn as in this part: itself, or the collapsed state it lies in.
  const shownAs = (path: readonly string[]): readonly string[] => {
    const c = spec.collapsed.find((p) => startsWith(path, p));
    return c ?? path;
  };
  const externals = new Map<string, string>();
  const external = (path: readonly string[]) => {
    const id = `ext_${idOf(path)}`;
    externals.set(id, externalName(path));
    return id;
  };

  const declare = (node: NodeLike, indent: string): void => {
    const id = idOf(node.path);
    const name = node.type === 'history' ? 'H' : node.key;
    lines.push(`${indent}state "${name}" as ${id}`);
    const children = Object.values(node.states);
    if (children.length === 0 || isCollapsed(node.path)) return;
    lines.push(`${indent}state ${id} {`);
    const inner = `${indent}  `;
    if (node.type === 'parallel') {
      children.forEach((child, i) => {
        if (i > 0) lines.push(`${inner}--`);
        declare(child, inner);
      });
    } else {
      const initial = node.initial?.target[0];
      if (initial) lines.push(`${inner}[*] --> ${idOf(initial.path)}`);
      for (const child of children) declare(child, inner);
    }
    lines.push(`${indent}}`);
  };

  // Every transition of the machine with a target, from its source to each target.
  const all: { from: readonly string[]; to: readonly string[]; text: string }[] = [];
  const own = (node: NodeLike, sources: readonly NodeLike[]) => {
    const add = (t: TransitionLike, eventType: string) => {
      for (const target of t.target ?? []) for (const s of sources) all.push({ from: s.path, to: target.path, text: label(t, eventType, spec.guards) });
    };
    for (const [eventType, transitions] of node.transitions) for (const t of transitions) add(t, eventType);
    for (const t of node.always ?? []) add(t, 'always');
  };
  const collect = (node: NodeLike) => {
    own(node, [node]);
    for (const child of Object.values(node.states)) collect(child);
  };
  // Transitions on the root apply to every top-level state (as in core's toMermaid).
  const top = Object.values(machineRoot.states);
  own(machineRoot, top.filter((n) => n.type !== 'final'));
  for (const child of top) collect(child);

  // Edges by their ends: with guards each transition is its own edge; without (the overview) the
  // events between two states share one.
  const edges = new Map<string, string[]>();
  for (const t of all) {
    const fromIn = inside(t.from);
    const toIn = inside(t.to);
    if (!fromIn && !toIn) continue;
    // Transitions declared on the part's own root or above it are drawn in the part that shows that state.
    if (fromIn && t.from.length <= spec.root.length && spec.root.length > 0) continue;
    const from = fromIn ? idOf(shownAs(t.from)) : external(t.from);
    // Entering the part's root enters its initial state.
    const entered = t.to.length === spec.root.length && spec.root.length > 0 ? (root.initial?.target[0]?.path ?? t.to) : t.to;
    const to = toIn ? idOf(shownAs(entered)) : external(t.to);
    // Inside a collapsed state, its own transitions are its part's business.
    if (fromIn && toIn && from === to && shownAs(t.from) !== t.from) continue;
    const key = spec.guards ? `${from} --> ${to} : ${t.text}` : `${from} --> ${to}`;
    const texts = edges.get(key) ?? [];
    if (!texts.includes(t.text)) texts.push(t.text);
    edges.set(key, texts);
  }
  const edgeLines = [...edges].map(([key, texts]) => (spec.guards ? `  ${key}` : `  ${key} : ${texts.join(',<br/>')}`));

  if (spec.root.length === 0) {
    const initial = root.initial?.target[0];
    if (initial) lines.push(`  [*] --> ${idOf(initial.path)}`);
    for (const child of top) declare(child, '  ');
    for (const child of top) if (child.type === 'final') edgeLines.push(`  ${idOf(child.path)} --> [*]`);
  } else {
    const initial = root.initial?.target[0];
    if (initial) lines.push(`  [*] --> ${idOf(initial.path)}`);
    for (const child of Object.values(root.states)) declare(child, '  ');
  }
  for (const [id, name] of externals) lines.push(`  state "${name}" as ${id}`);
  lines.push(...edgeLines);
  if (externals.size > 0) {
    lines.push('  classDef external fill:#f7f7f7,stroke:#9aa5b1,stroke-dasharray:4 3,color:#52606d');
    lines.push(`  class ${[...externals.keys()].join(',')} external`);
  }
  return lines.join('\n');
}

/**
 * The diagram's parts for a machine, as Mermaid `stateDiagram-v2` sources: the overview first,
 * then intake and each stage of the course in full.
 *
 * @example
 * ```ts
 * for (const part of journeyDiagramParts(ketamineAnxietyJourney.machine)) console.log(part.title, part.source.split('\n').length);
 * ```
 */
export function journeyDiagramParts(machine: AnyStateMachine): DiagramPart[] {
  const root = machine.root as unknown as NodeLike;
  return JOURNEY_DIAGRAM_PARTS.map((spec) => ({ id: spec.id, title: spec.title, source: partSource(root, spec) }));
}
