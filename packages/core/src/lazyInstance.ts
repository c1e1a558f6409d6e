// The shipped journey's zod schemas and statechart take tens of milliseconds to build, and every
// zod object schema costs at construction; a host that imports the package for a type, a store
// or a clock should not pay for them. Each is built on first use, once per process, behind an
// object that stands for it (the journey, the store records, durations, identifiers).

const built = new WeakMap<object, () => boolean>();

function forceConfigurable(descriptor: PropertyDescriptor | undefined): PropertyDescriptor | undefined {
  // A proxy may not report a property as non-configurable unless its own target has it.
  return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
}

/**
 * An object that stands for `build()`: the first operation on it builds the value (once), and
 * every operation goes to that value. Methods are bound to the value, so its own code never sees
 * the stand-in (a frozen value's own function properties stay as they are). A frozen value is copied onto the stand-in, which is then frozen too
 * (`Object.isFrozen` holds as for the value itself).
 *
 * @example
 * ```ts
 * export const heavySchema = lazyInstance(() => z.strictObject({ ...manyFields }));
 * heavySchema.parse(input); // built here, on first use
 * ```
 */
export function lazyInstance<T extends object>(build: () => T): T {
  let value: T | undefined;
  let frozenCopy = false;
  const target = {} as T;
  const bound = new Map<PropertyKey, { fn: unknown; bound: unknown }>();
  const real = (): T => {
    if (value === undefined) {
      value = build();
      if (Object.isFrozen(value)) {
        Object.defineProperties(target, Object.getOwnPropertyDescriptors(value));
        Object.setPrototypeOf(target, Object.getPrototypeOf(value));
        Object.freeze(target);
        frozenCopy = true;
      }
    }
    return value;
  };
  const proxy = new Proxy(target, {
    get(_, key) {
      const v = real();
      const out: unknown = Reflect.get(v, key, v);
      // The frozen copy's properties are the value's own, unbound (a proxy must report them as they are).
      if (frozenCopy || typeof out !== 'function' || key === 'constructor') return out;
      // One bound function per method, so `stand.method === stand.method` as on the value.
      const hit = bound.get(key);
      if (hit && hit.fn === out) return hit.bound;
      const fn = (out as (...args: unknown[]) => unknown).bind(v);
      bound.set(key, { fn: out, bound: fn });
      return fn;
    },
    set: (_, key, next) => Reflect.set(real(), key, next),
    has: (_, key) => Reflect.has(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor(_, key) {
      const v = real();
      return frozenCopy ? Reflect.getOwnPropertyDescriptor(target, key) : forceConfigurable(Reflect.getOwnPropertyDescriptor(v, key));
    },
    defineProperty: (_, key, descriptor) => (frozenCopy ? false : Reflect.defineProperty(real(), key, descriptor)),
    deleteProperty: (_, key) => (frozenCopy ? false : Reflect.deleteProperty(real(), key)),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
    setPrototypeOf: (_, proto) => (frozenCopy ? false : Reflect.setPrototypeOf(real(), proto)),
    isExtensible: () => {
      real();
      return Reflect.isExtensible(target);
    },
    preventExtensions: () => {
      real();
      return frozenCopy;
    },
  });
  built.set(proxy, () => value !== undefined);
  return proxy;
}

/**
 * Whether a {@link lazyInstance} has been built yet (false for any other value).
 *
 * @example
 * ```ts
 * isBuilt(ketamineProtocolSchema); // false right after import
 * ```
 */
export function isBuilt(value: object): boolean {
  return built.get(value)?.() ?? false;
}

/**
 * A function that computes `build()` on its first call and returns the same value afterwards.
 *
 * @example
 * ```ts
 * const routeSchemas = once(() => ROUTES.map(routeSchema));
 * ```
 */
export function once<T>(build: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = build();
      done = true;
    }
    return value;
  };
}
