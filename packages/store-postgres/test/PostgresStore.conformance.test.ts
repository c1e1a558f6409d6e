import { afterAll } from 'vitest';
import { describeJourneyStore } from '@carejourney/core/testing';
import { PostgresStore } from '../src/index.js';
import { dropTestSchemas, openTestStore, TEST_DATABASE_URL } from './helpers/testDb.js';

afterAll(dropTestSchemas);

describeJourneyStore('PostgresStore', {
  create: () => openTestStore(),
  reopen: async (store) => {
    const { schema } = store as PostgresStore;
    await store.close?.();
    return PostgresStore.open({ connectionString: TEST_DATABASE_URL, schema, poolSize: 4 });
  },
});
