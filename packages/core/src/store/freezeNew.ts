/** Deeper than this, a value is frozen but not proven JSON (a cycle ends up here). */
const MAX_DEPTH = 256;

/**
 * Objects frozen all through and proven to be exactly what `JSON.parse(JSON.stringify(value))`
 * gives: plain objects and arrays of own enumerable data properties, holding strings, booleans,
 * finite numbers (not -0), null and such objects, nothing else. Frozen, they stay so.
 */
const exactJson = new WeakSet<object>();
/** Objects frozen all through and found not to be exact JSON: also final, not walked again. */
const notExactJson = new WeakSet<object>();

/**
 * True when `value` is JSON that a JSON round trip gives back unchanged, and cannot change: a
 * primitive JSON writes as it is, or an object the engine froze all through and proved so (every
 * snapshot, journal entry and outbox item of a commit the engine makes, unless it holds something
 * JSON would change). A store may keep such a value as its own copy, and hand it out, without
 * copying it.
 *
 * @example
 * ```ts
 * const kept = isFrozenJson(commit.journey.snapshot) ? commit.journey.snapshot : copies.copy(commit.journey.snapshot);
 * ```
 */
export function isFrozenJson(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object':
      return value === null || exactJson.has(value);
    default:
      return false;
  }
}

/**
 * Deep-freezes a value and returns it. A context a transition made shares its unchanged parts
 * with the one before, which are known already: this costs what changed. Contexts are immutable
 * by XState's contract; freezing them makes the contract hold for the snapshots an engine keeps
 * and hands out (`view.context`), for shared protocols, and for what a store holds. On the way it
 * records which parts are exact JSON ({@link isFrozenJson}), so stores need not copy them.
 *
 * @example
 * ```ts
 * const context = freezeNew({ sessions: [{ n: 1 }] });
 * isFrozenJson(context.sessions); // true
 * ```
 */
export function freezeNew<T>(value: T): T {
  visit(value, 0);
  return value;
}

/**
 * Freezes an object built of exact JSON parts, with own enumerable data properties only (a copy
 * made by {@link FrozenCopies}), and records it as exact JSON without walking it again.
 */
export function freezeExactJson<T extends object>(built: T): T {
  Object.freeze(built);
  exactJson.add(built);
  return built;
}

/**
 * Freezes an object or array the engine itself built with literal, spread or `map` syntax (own
 * enumerable data properties only, no holes), and proves its values as {@link freezeNew} does,
 * without asking for each of its own properties' descriptors: that is what freezing costs most,
 * and a commit is mostly such objects. Returns it.
 *
 * @example
 * ```ts
 * freezeBuilt({ id: 'j1', version: 2, snapshot }); // `snapshot` is proven as freezeNew proves it
 * ```
 */
export function freezeBuilt<T extends object>(built: T): T {
  if (exactJson.has(built) || notExactJson.has(built)) return built;
  Object.freeze(built);
  let exact: boolean;
  if (Array.isArray(built)) {
    exact = Object.getPrototypeOf(built) === Array.prototype;
    for (let i = 0; i < built.length; i++) if (!visit(built[i], 1)) exact = false;
  } else {
    exact = Object.getPrototypeOf(built) === Object.prototype;
    for (const key of Object.keys(built)) if (!visit((built as Record<string, unknown>)[key], 1)) exact = false;
  }
  (exact ? exactJson : notExactJson).add(built);
  return built;
}

/** The objects of the walk under way: reaching one again is a cycle (not JSON). */
const walking = new Set<object>();

/** Freezes `value` all through; true when it is exact JSON. */
function visit(value: unknown, depth: number): boolean {
  if (value === null || typeof value !== 'object') return isFrozenJson(value);
  if (exactJson.has(value)) return true;
  if (notExactJson.has(value) || walking.has(value)) return false;
  if (depth > MAX_DEPTH) {
    deepFreeze(value);
    return false;
  }
  walking.add(value);
  try {
    return walkObject(value, depth);
  } finally {
    walking.delete(value);
  }
}

function walkObject(value: object, depth: number): boolean {
  Object.freeze(value);
  let exact = true;
  const proto: unknown = Object.getPrototypeOf(value);
  if (Array.isArray(value)) {
    if (proto !== Array.prototype) exact = false;
    const keys = Reflect.ownKeys(value);
    // The indices and `length`, nothing else (no holes, no extra or symbol keys).
    if (keys.length !== value.length + 1) exact = false;
    for (let i = 0; i < value.length; i++) {
      const d = Object.getOwnPropertyDescriptor(value, i);
      if (d === undefined || !('value' in d)) {
        exact = false;
        continue;
      }
      if (!visit(d.value, depth + 1)) exact = false;
    }
  } else {
    if ((proto !== Object.prototype && proto !== null) || typeof (value as { toJSON?: unknown }).toJSON === 'function') exact = false;
    for (const key of Reflect.ownKeys(value)) {
      const d = Object.getOwnPropertyDescriptor(value, key)!;
      if (typeof key === 'symbol' || !d.enumerable || !('value' in d)) {
        exact = false;
        if ('value' in d) visit(d.value, depth + 1);
        continue;
      }
      if (!visit(d.value, depth + 1)) exact = false;
    }
  }
  (exact ? exactJson : notExactJson).add(value);
  return exact;
}

/** Freezes what a too-deep (or cyclic) value holds, without proving anything. */
function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const key of Reflect.ownKeys(value)) {
    const d = Object.getOwnPropertyDescriptor(value, key)!;
    if ('value' in d) deepFreeze(d.value);
  }
}
