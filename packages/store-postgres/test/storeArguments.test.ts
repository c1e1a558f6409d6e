// A host may call PostgresStore's JourneyStore methods directly. As on MemoryStore and
// SqliteStore (the same cases, packages/core/test/fixtures/storeArgumentCases.ts), a bad argument
// is refused with CJ_ERR_INVALID_INPUT naming the store, the method, the argument and its rule
// (never a raw TypeError, a driver error or a database error, whatever the value), before
// anything is sent, and the refusal changes nothing.
import { afterAll, afterEach, describe, it } from 'vitest';
import type { JourneyStore } from '@carejourney/core';
import { BAD_CALLS, acceptedCalls, expectRefusedChangingNothing, seeded } from '../../core/test/fixtures/storeArgumentCases.js';
import { dropTestSchemas, openTestStore } from './helpers/testDb.js';

const open: JourneyStore[] = [];
afterEach(async () => {
  for (const store of open.splice(0).reverse()) await store.close?.();
});
afterAll(dropTestSchemas);

const seededStore = () => seeded(() => openTestStore(), (opened) => open.push(opened));

describe('PostgresStore refuses bad arguments of its JourneyStore methods', () => {
  it.each(BAD_CALLS)('%s: CJ_ERR_INVALID_INPUT naming the argument and its rule, changing nothing', async (label, call, path) => {
    await expectRefusedChangingNothing('PostgresStore', await seededStore(), label, call, path);
  });

  it('accepts the calls the engine and hosts make', async () => {
    await acceptedCalls(await seededStore());
  });
});
