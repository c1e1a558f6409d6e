import { z } from 'zod';
import type { AnyJourneyDefinition } from '../engine/defineJourney.js';
import { describeGuard } from './toMermaid.js';

/**
 * One payload field of an event.
 *
 * @example
 * ```ts
 * eventCatalogue(ketamineAnxietyJourney).find((e) => e.type === 'dose.recorded')?.fields.map((f) => `${f.name}: ${f.type}`);
 * ```
 */
export interface CatalogueField {
  readonly name: string;
  readonly required: boolean;
  /** A short type summary, e.g. `"iv" | "im"`, `integer 1..12`, `ISO date-time`. */
  readonly type: string;
}

/**
 * Where an event has a transition, and the guard that must pass there.
 *
 * @example
 * ```ts
 * const where = eventCatalogue(ketamineAnxietyJourney).find((e) => e.type === 'session.discharged')?.transitions;
 * where?.map((t) => `${t.state} [${t.guard ?? 'no guard'}] → ${t.target ?? '(records only)'}`);
 * ```
 */
export interface CatalogueTransition {
  /** The state's path, dotted (`*` for every state before the journey ends). */
  readonly state: string;
  readonly guard: string | null;
  /** The target state, or null when the event only records (no state change). */
  readonly target: string | null;
}

/**
 * One event of a journey's catalogue: what it does, who may send it, its payload fields and where it has a transition.
 *
 * @example
 * ```ts
 * for (const entry of eventCatalogue(ketamineAnxietyJourney, { timerEvents: KETAMINE_TIMER_EVENTS })) {
 *   console.log(entry.type, entry.roles.join('/'), entry.description);
 * }
 * ```
 */
export interface CatalogueEntry {
  readonly type: string;
  readonly description: string;
  /** Roles the policy lets send it; `system` for timer events. */
  readonly roles: readonly string[];
  readonly fields: readonly CatalogueField[];
  readonly transitions: readonly CatalogueTransition[];
  /** True for events fired by the engine from durable timers. */
  readonly timer: boolean;
}

interface NodeLike {
  readonly path: readonly string[];
  readonly states: Readonly<Record<string, NodeLike>>;
  readonly transitions: ReadonlyMap<string, readonly { readonly guard?: unknown; readonly target?: readonly NodeLike[] | undefined }[]>;
}

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  propertyNames?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  anyOf?: JsonSchema[];
};

const bounded = (n: number | undefined): number | undefined => (n === undefined || Math.abs(n) >= Number.MAX_SAFE_INTEGER ? undefined : n);
const range = (lo: number | undefined, hi: number | undefined): string => {
  const min = bounded(lo);
  const max = bounded(hi);
  return min !== undefined && max !== undefined ? ` ${min}..${max}` : min !== undefined ? ` >= ${min}` : max !== undefined ? ` <= ${max}` : '';
};

/** A one-line summary of a JSON schema. */
function summarize(schema: JsonSchema): string {
  if (schema.anyOf) return schema.anyOf.map(summarize).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : schema.type;
  switch (type) {
    case 'string':
      if (schema.format === 'date-time') return 'ISO date-time';
      return `string${schema.maxLength !== undefined ? ` (${schema.minLength ?? 0}-${schema.maxLength} chars)` : ''}`;
    case 'integer':
    case 'number':
      if (schema.exclusiveMinimum !== undefined && schema.minimum === undefined) {
        return `${type} > ${schema.exclusiveMinimum}${schema.maximum !== undefined ? `, <= ${schema.maximum}` : ''}`;
      }
      return `${type}${range(schema.minimum, schema.maximum)}`;
    case 'boolean':
      return 'boolean';
    case 'array':
      return `array of ${schema.items ? summarize(schema.items) : 'values'}${schema.maxItems !== undefined ? ` (at most ${schema.maxItems})` : ''}`;
    case 'object':
      if (schema.properties) {
        const req = new Set(schema.required ?? []);
        return `{ ${Object.entries(schema.properties)
          .map(([k, v]) => `${k}${req.has(k) ? '' : '?'}: ${summarize(v)}`)
          .join(', ')} }`;
      }
      if (schema.propertyNames?.enum && typeof schema.additionalProperties === 'object') {
        return `each of ${schema.propertyNames.enum.length} items → ${summarize(schema.additionalProperties)}`;
      }
      return 'object';
    default:
      return type ?? 'value';
  }
}

function fieldsOf(schema: z.ZodType): CatalogueField[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({ name, required: required.has(name), type: summarize(s) }));
}

function nodes(root: NodeLike): NodeLike[] {
  const out: NodeLike[] = [];
  const walk = (n: NodeLike) => {
    out.push(n);
    for (const child of Object.values(n.states)) walk(child);
  };
  walk(root);
  return out;
}

/**
 * The catalogue of a definition's events, derived from the definition itself: each event's
 * description, the roles its policy allows, its payload fields (from the zod schema), and every
 * state that has a transition for it with the guard that must pass. Events the machine handles
 * that hosts cannot send (fired by durable timers) are listed with `timer: true`.
 *
 * @example
 * ```ts
 * for (const e of eventCatalogue(ketamineAnxietyJourney)) console.log(e.type, e.roles.join(', '));
 * ```
 */
export function eventCatalogue(definition: AnyJourneyDefinition, options: { timerEvents?: Readonly<Record<string, string>> } = {}): CatalogueEntry[] {
  const all = nodes(definition.machine.root as unknown as NodeLike);
  const transitionsFor = (type: string): CatalogueTransition[] => {
    const out: CatalogueTransition[] = [];
    for (const node of all) {
      for (const t of node.transitions.get(type) ?? []) {
        const target = t.target?.[0];
        out.push({
          state: node.path.length === 0 ? '*' : node.path.join('.'),
          guard: describeGuard(t.guard),
          target: target ? target.path.join('.') : null,
        });
      }
    }
    return out;
  };
  const describe = (definition.describe ?? {}) as Record<string, string | undefined>;
  const policy = definition.policy.events as Record<string, readonly string[]>;
  const entries: CatalogueEntry[] = Object.entries(definition.events).map(([type, schema]) => ({
    type,
    description: describe[type] ?? '',
    roles: policy[type] ?? [],
    fields: fieldsOf(schema),
    transitions: transitionsFor(type),
    timer: false,
  }));
  const known = new Set(Object.keys(definition.events));
  const timerTypes = new Set<string>();
  for (const node of all) for (const type of node.transitions.keys()) if (!known.has(type) && !type.startsWith('xstate.')) timerTypes.add(type);
  for (const type of [...timerTypes].sort()) {
    entries.push({ type, description: options.timerEvents?.[type] ?? '', roles: ['system'], fields: [], transitions: transitionsFor(type), timer: true });
  }
  return entries;
}
