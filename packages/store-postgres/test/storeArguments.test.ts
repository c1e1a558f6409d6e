// A host may call PostgresStore's JourneyStore methods directly. As on MemoryStore and
// SqliteStore (the same cases, packages/core/test/fixtures/storeArgumentCases.ts), a bad argument
// is refused with CJ_ERR_INVALID_INPUT naming the store, the method, the argument and its rule
// (never a raw TypeError, a driver error or a database error, whatever the value), before
// anything is sent, and the refusal changes nothing.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { isCareJourneyError, type CareJourneyError, type JourneyStore } from '@carejourney/core';
import { BAD_CALLS, acceptedCalls, dump, ID, nextCommit, seeded } from '../../core/test/fixtures/storeArgumentCases.js';
import { dropTestSchemas, openTestStore } from './helpers/testDb.js';

const open: JourneyStore[] = [];
afterEach(async () => {
  for (const store of open.splice(0).reverse()) await store.close?.();
});
afterAll(dropTestSchemas);

const seededStore = () => seeded(() => openTestStore(), (opened) => open.push(opened));

describe('PostgresStore refuses bad arguments of its JourneyStore methods', () => {
  it.each(BAD_CALLS)('%s: CJ_ERR_INVALID_INPUT naming the argument and its rule, changing nothing', async (label, call, path) => {
    const store = await seededStore();
    const commit = await nextCommit(store);
    const before = await dump(store);
    let thrown: unknown;
    try {
      await call(store, commit);
    } catch (error) {
      thrown = error;
    }
    expect(isCareJourneyError(thrown, 'CJ_ERR_INVALID_INPUT'), `${label} threw ${String(thrown)}`).toBe(true);
    const error = thrown as CareJourneyError;
    expect(error.message).toMatch(/^PostgresStore\.\w+ refused its arguments: /);
    expect(error.message).toMatch(/\[CJ_ERR_INVALID_INPUT\]$/);
    expect(error.details.issues?.[0]?.path).toBe(path);
    expect(await dump(store)).toEqual(before);
    // The valid commit still applies afterwards: nothing was half-written.
    await store.commit(commit);
    expect((await store.load(ID))?.version).toBe(commit.journey.version);
  });

  it('accepts the calls the engine and hosts make', async () => {
    await acceptedCalls(await seededStore());
  });
});
