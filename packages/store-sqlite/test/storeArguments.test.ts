// A host may call a store's JourneyStore methods directly. On both stores a bad argument is
// refused with CJ_ERR_INVALID_INPUT naming the store, the method, the argument and its rule
// (never a raw TypeError or RangeError, whatever the value), and the refusal changes nothing.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { isCareJourneyError, MemoryStore, type CareJourneyError, type JourneyStore } from '@carejourney/core';
import { BAD_CALLS, acceptedCalls, dump, expectRefusedChangingNothing, ID, revoked, seeded, T0, throwingProxy, trap } from '../../core/test/fixtures/storeArgumentCases.js';
import { SqliteStore } from '../src/index.js';
import { removeTempDbs, tempDbPath } from './helpers/tempDb.js';

afterAll(removeTempDbs);
const open: JourneyStore[] = [];
afterEach(async () => {
  for (const store of open.splice(0).reverse()) await store.close?.();
});

const STORES = [
  ['MemoryStore', () => new MemoryStore()],
  ['SqliteStore', () => new SqliteStore({ path: tempDbPath() })],
] as const;

describe.each(STORES)('%s refuses bad arguments of its JourneyStore methods', (name, makeStore) => {
  it.each(BAD_CALLS)('%s: CJ_ERR_INVALID_INPUT naming the argument and its rule, changing nothing', async (label, call, path) => {
    await expectRefusedChangingNothing(name, await seeded(makeStore, (opened) => open.push(opened)), label, call, path);
  });

  it('accepts the calls the engine and hosts make', async () => {
    const store = await seeded(makeStore, (opened) => open.push(opened));
    await acceptedCalls(store);
  });
});

describe('SqliteStore.pruneDelivered and backup refuse bad arguments with CJ_ERR_INVALID_INPUT', () => {
  it.each([
    ['undefined', undefined, '(root)'],
    ['null', null, '(root)'],
    ['a Date', new Date(T0), 'deliveredBefore'],
    ['no deliveredBefore', {}, 'deliveredBefore'],
    ['an invalid Date', { deliveredBefore: new Date(Number.NaN) }, 'deliveredBefore'],
    ['a number', { deliveredBefore: T0 }, 'deliveredBefore'],
    ['a BigInt', { deliveredBefore: 10n }, 'deliveredBefore'],
    ['a Symbol', { deliveredBefore: Symbol('t') }, 'deliveredBefore'],
    ['words', { deliveredBefore: 'last tuesday' }, 'deliveredBefore'],
    ['a local time without an offset', { deliveredBefore: '2026-01-05T09:00:00' }, 'deliveredBefore'],
    ['a lone surrogate', { deliveredBefore: '2026-01-05T09:00:00Z\uD800' }, 'deliveredBefore'],
    ['an unknown option', { deliveredBefore: new Date(T0), all: true }, '(root)'],
    ['a revoked proxy', revoked.proxy, '(root)'],
    ['a proxy whose traps throw', throwingProxy, '(root)'],
    ['a getter that throws', { get deliveredBefore() { return trap(); } }, '(root)'],
    ['a Date whose getTime throws', { deliveredBefore: Object.assign(new Date(T0), { getTime: trap }) }, '(root)'],
  ])('pruneDelivered(%s)', async (_label, options, path) => {
    const store = await seeded(STORES[1][1], (opened) => open.push(opened));
    await store.markDelivered([`${ID}:x`]);
    const before = await dump(store);
    const error = await (store as SqliteStore).pruneDelivered(options as never).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isCareJourneyError(error, 'CJ_ERR_INVALID_INPUT'), String(error)).toBe(true);
    expect((error as CareJourneyError).message).toMatch(/^SqliteStore\.pruneDelivered refused its options: /);
    expect((error as CareJourneyError).details.issues?.[0]?.path).toBe(path);
    expect(await dump(store)).toEqual(before);
    // A valid instant, as a Date or ISO text with an offset, still prunes.
    expect(await (store as SqliteStore).pruneDelivered({ deliveredBefore: '2999-01-01T00:00:00+01:00' })).toBeGreaterThan(0);
  });

  it.each([
    ['undefined', undefined],
    ['an empty path', ''],
    ['a NUL', 'a\u0000b'],
    ['a lone surrogate', `${tempDbPath()}\uD800`],
    ['a number', 42],
    ['a Symbol', Symbol('p')],
    ['a String object', Object('copy.db')],
    ['a revoked proxy', revoked.proxy],
    ['a path of 5000 characters', 'x'.repeat(5000)],
  ])('backup(%s)', async (_label, path) => {
    const store = (await seeded(STORES[1][1], (opened) => open.push(opened))) as SqliteStore;
    const error = await store.backup(path as never).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isCareJourneyError(error, 'CJ_ERR_INVALID_INPUT'), String(error)).toBe(true);
    expect((error as CareJourneyError).message).toMatch(/^SqliteStore\.backup refused its path: path: /);
    expect((error as CareJourneyError).details.issues?.[0]?.path).toBe('path');
  });
});
