/**
 * Turns `key` of `target` into an enumerable property computed on its first read: the first read
 * calls `compute` and replaces the accessor with a plain data property holding the value, so
 * later reads, `JSON.stringify`, spreads and `structuredClone` see an ordinary object. Assigning
 * before the first read stores the assigned value, as it would for a data property. The property
 * keeps its place in the key order when `target` already has it. On an object frozen before the
 * first read the value is still computed only once, and assignments leave it unchanged.
 *
 * @example
 * ```ts
 * const view = { id: 'j-1', allowedEvents: [] as string[] };
 * defineLazy(view, 'allowedEvents', () => explain().allowed); // explain() runs when first read
 * ```
 */
export function defineLazy<T extends object, K extends keyof T>(target: T, key: K, compute: () => T[K]): void {
  let computed: { readonly value: T[K] } | undefined;
  // Reflect.defineProperty reports a frozen target by returning false instead of throwing.
  const replace = (value: T[K]): boolean => Reflect.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get(): T[K] {
      if (computed === undefined) {
        computed = { value: compute() };
        replace(computed.value);
      }
      return computed.value;
    },
    set(value: T[K]): void {
      replace(value);
    },
  });
}
