// A process killed before its last delivered marks are written: those items are delivered again
// by recover(), with the same ids; none is lost, and what was marked is not delivered twice.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, ManualClock } from '@carejourney/core';
import { visitJourney } from '../../core/test/fixtures/visitJourney.js';
import { SqliteStore } from '../src/index.js';
import { parseChildLog } from './children/childLog.js';
import { spawnChild } from './helpers/spawnChild.js';
import { removeTempDbs, tempDbPath } from './helpers/tempDb.js';

afterAll(removeTempDbs);

const T0 = Date.parse('2026-01-05T09:00:00Z');

describe('SqliteStore delivered marks under SIGKILL', () => {
  it('redelivers, with the same ids, exactly the items whose marks were still queued', { timeout: 30_000 }, async () => {
    const dbPath = tempDbPath();
    const logPath = join(dirname(dbPath), 'deliver.jsonl');
    const child = spawnChild('deliverThenKill.ts', { dbPath, logPath, journeyId: 'j-1', sends: 5, startAt: T0 });
    const { signal } = await child.exited;
    expect(signal, child.stderr()).toBe('SIGKILL');
    const lines = parseChildLog(readFileSync(logPath, 'utf8'));
    expect(lines.filter((l) => l.t === 'acked')).toHaveLength(5);
    const deliveredBefore = lines.filter((l) => l.t === 'delivered').map((l) => l.id as string);
    expect(deliveredBefore).toEqual(['j-1:1:0', 'j-1:2:0', 'j-1:3:0', 'j-1:4:0', 'j-1:5:0', 'j-1:6:0']);

    const store = new SqliteStore({ path: dbPath });
    try {
      // Every mark but the last send's was written inside the commit that followed it.
      expect((await store.pendingOutbox(10)).map((i) => i.id)).toEqual(['j-1:6:0']);
      const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0) });
      const redelivered: string[] = [];
      engine.on('transition', (n) => void redelivered.push(n.deliveryId));
      expect(await engine.recover()).toBe(1);
      expect(redelivered).toEqual(['j-1:6:0']);
      expect(await engine.recover()).toBe(0);
      expect(await store.pendingOutbox(10)).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
