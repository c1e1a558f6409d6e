import { afterAll } from 'vitest';
import { describeJourneyStore } from '@carejourney/core/testing';
import { SqliteStore } from '../src/index.js';
import { removeTempDbs, tempDbPath } from './helpers/tempDb.js';

afterAll(removeTempDbs);

describeJourneyStore('SqliteStore', {
  create: () => new SqliteStore({ path: tempDbPath() }),
  reopen: async (store) => {
    const { path } = store as SqliteStore;
    await store.close?.();
    return new SqliteStore({ path });
  },
});

describeJourneyStore('SqliteStore (synchronous=normal)', {
  create: () => new SqliteStore({ path: tempDbPath(), synchronous: 'normal' }),
});
