import { describe, expect, it } from 'vitest';
import { FrozenCopies, ketamineAnxietyJourney } from '../src/index.js';
import { freezeBuilt, freezeNew, isFrozenJson } from '../src/store/freezeNew.js';
import { internStateValue } from '../src/engine/internStateValue.js';

/** True when every object and array reachable from `value` is frozen. */
function frozenAllThrough(value: unknown, seen = new Set<object>()): boolean {
  if (value === null || typeof value !== 'object' || seen.has(value)) return true;
  seen.add(value);
  return Object.isFrozen(value) && Reflect.ownKeys(value).every((k) => frozenAllThrough(Object.getOwnPropertyDescriptor(value, k)?.value, seen));
}

describe('freezeNew proves exact JSON', () => {
  it('an object of strings, numbers, booleans, null, arrays and plain objects is frozen all through and proven, part by part', () => {
    const value = freezeNew({ a: 'x', n: 1.5, ok: true, none: null, list: [1, { b: [] }], nested: { c: { d: 'e' } }, zero: 0 });
    expect(frozenAllThrough(value)).toBe(true);
    expect(isFrozenJson(value)).toBe(true);
    expect(isFrozenJson(value.list)).toBe(true);
    expect(isFrozenJson(value.nested.c)).toBe(true);
    expect(JSON.parse(JSON.stringify(value))).toStrictEqual(value);
  });

  const notExact: [string, () => unknown][] = [
    ['a property holding undefined', () => ({ a: undefined })],
    ['-0', () => ({ a: -0 })],
    ['NaN', () => ({ a: Number.NaN })],
    ['Infinity', () => [Number.POSITIVE_INFINITY]],
    ['a Date', () => ({ at: new Date(0) })],
    ['a function', () => ({ f: () => 1 })],
    ['a getter', () => ({ get a() { return 1; } })],
    ['a symbol key', () => ({ [Symbol('s')]: 1 })],
    ['a non-enumerable property', () => Object.defineProperty({}, 'hidden', { value: 1, enumerable: false })],
    ['an array with a hole', () => [1, , 3]],
    ['an array with an extra property', () => Object.assign([1], { extra: true })],
    ['a class instance', () => ({ m: new Map() })],
    ['a toJSON method', () => ({ toJSON: () => 'x' })],
    ['a bigint', () => ({ n: 1n })],
  ];
  for (const [name, make] of notExact) {
    it(`${name} is frozen but not proven exact JSON, nor is what holds it`, () => {
      const inner = make();
      const holder = freezeNew({ keep: { fine: 'yes' }, inner });
      expect(Object.isFrozen(holder)).toBe(true);
      if (typeof inner === 'object' && inner !== null) expect(Object.isFrozen(inner)).toBe(true);
      expect(isFrozenJson(holder)).toBe(false);
      expect(isFrozenJson(holder.inner)).toBe(false);
      // Its exact parts are still proven.
      expect(isFrozenJson(holder.keep)).toBe(true);
    });
  }

  it('a cycle (or a value shared twice) ends: frozen, the cycle not proven, the shared value proven', () => {
    const a: Record<string, unknown> = { name: 'a' };
    const b: Record<string, unknown> = { name: 'b', a };
    a['b'] = b;
    a['again'] = b;
    freezeNew(a);
    expect(Object.isFrozen(a) && Object.isFrozen(b)).toBe(true);
    expect(isFrozenJson(a)).toBe(false);
    const shared = { s: 1 };
    const dag = freezeNew({ x: shared, y: shared, z: [shared, shared] });
    expect(isFrozenJson(dag)).toBe(true);
  });

  it('a value frozen by someone else is walked and proven (or not) on its first sight', () => {
    const shallow = Object.freeze({ inner: { n: 1 } });
    freezeNew({ shallow });
    expect(Object.isFrozen(shallow.inner)).toBe(true);
    expect(isFrozenJson(shallow)).toBe(true);
    const withGetter = Object.freeze(Object.defineProperty({}, 'n', { get: () => Math.random(), enumerable: true }));
    freezeNew({ withGetter });
    expect(isFrozenJson(withGetter)).toBe(false);
  });

  it('an object nested deeper than 256 levels is frozen all through, not proven', () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 300; i++) deep = { deep };
    freezeNew(deep);
    expect(frozenAllThrough(deep)).toBe(true);
    expect(isFrozenJson(deep)).toBe(false);
  });
});

describe('freezeBuilt', () => {
  it('freezes an object the engine built and proves what it holds: exact parts make it exact, one inexact part does not', () => {
    const exact = freezeBuilt({ id: 'j1', list: freezeBuilt([1, 2]), payload: { a: 'b' } });
    expect(frozenAllThrough(exact)).toBe(true);
    expect(isFrozenJson(exact)).toBe(true);
    const inexact = freezeBuilt({ id: 'j1', payload: { when: new Date(0) } });
    expect(frozenAllThrough(inexact)).toBe(true);
    expect(isFrozenJson(inexact)).toBe(false);
    expect(isFrozenJson(freezeBuilt([1, undefined]))).toBe(false);
  });
});

describe('FrozenCopies keeps proven values as they are', () => {
  it('a proven value is its own copy; a frozen value that is not exact is copied by JSON rules, and the safe twin of each holds', () => {
    const copies = new FrozenCopies();
    const proven = freezeNew({ a: [1, 2], b: { c: 'd' } });
    expect(copies.copy(proven)).toBe(proven);
    const inexact = freezeNew({ a: [1, 2], gone: undefined, zero: -0 });
    const copy = copies.copy(inexact);
    expect(copy).not.toBe(inexact);
    expect(copy).toStrictEqual({ a: [1, 2], zero: 0 });
    expect(Object.is(copy.zero, 0)).toBe(true);
    // Its exact part is shared.
    expect(copy.a).toBe(inexact.a);
    expect(isFrozenJson(copy)).toBe(true);
    // A Date goes by JSON's own rules.
    const dated = copies.copy(freezeNew({ when: new Date(0) }));
    expect(dated).toStrictEqual({ when: '1970-01-01T00:00:00.000Z' });
    expect(isFrozenJson(dated)).toBe(true);
  });

  it('a frozen value with a getter is read once into the copy: later reads of the getter do not reach it', () => {
    let n = 0;
    const counter = Object.freeze(Object.defineProperty({}, 'n', { get: () => ++n, enumerable: true }));
    const copies = new FrozenCopies();
    const copy = copies.copy({ counter }) as { counter: { n: number } };
    expect(copy.counter.n).toBe(1);
    expect(copy.counter.n).toBe(1);
    expect(Object.getOwnPropertyDescriptor(copy.counter, 'n')).toMatchObject({ value: 1, writable: false });
  });
});

describe('internStateValue', () => {
  it('gives one frozen object for equal state values, and leaves string values as they are', () => {
    const machine = ketamineAnxietyJourney.machine;
    const one = internStateValue(machine, { care: { clinical: 'intake' } });
    const two = internStateValue(machine, { care: { clinical: 'intake' } });
    expect(two).toBe(one);
    expect(isFrozenJson(one)).toBe(true);
    expect(internStateValue(machine, { care: { clinical: 'treatment' } })).not.toBe(one);
    expect(internStateValue(machine, 'referral')).toBe('referral');
  });
});
