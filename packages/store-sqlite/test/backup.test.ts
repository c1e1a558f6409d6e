import { existsSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, ManualClock } from '@carejourney/core';
import { actors, visitJourney } from '../../core/test/fixtures/visitJourney.js';
import { SqliteStore } from '../src/index.js';
import { removeTempDbs, tempDbPath } from './helpers/tempDb.js';

afterAll(removeTempDbs);

describe('SqliteStore.backup', () => {
  it('copies the database online: the copy opens as a store with every journey, and the original keeps working', async () => {
    const store = new SqliteStore({ path: tempDbPath() });
    const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock('2026-01-05T09:00:00Z') });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await engine.start({ patientRef: `pt-${i}`, input: {}, actor: actors.coordinator })).id);
    const copyPath = tempDbPath();
    expect(await store.backup(copyPath)).toBeGreaterThan(0);
    // The store goes on after the copy; the copy holds what was committed before it.
    await engine.start({ patientRef: 'pt-after', input: {}, actor: actors.coordinator });
    const copy = new SqliteStore({ path: copyPath });
    const restored = createEngine({ definition: visitJourney, store: copy, clock: new ManualClock('2026-01-05T09:00:00Z') });
    for (const id of ids) expect((await restored.history(id)).length).toBe(1);
    expect((await copy.query({})).map((s) => s.patientRef).sort()).toEqual(['pt-0', 'pt-1', 'pt-2', 'pt-3', 'pt-4']);
    await copy.close();
    await store.close();
  });

  it('never overwrites a file and refuses a bad path, changing nothing', async () => {
    const store = new SqliteStore({ path: tempDbPath() });
    const existing = tempDbPath();
    writeFileSync(existing, 'not a database');
    await expect(store.backup(existing)).rejects.toMatchObject({ code: 'CJ_ERR_INVALID_INPUT', message: expect.stringContaining('never overwrites') });
    for (const bad of ['', 'a\u0000b', 42 as never]) await expect(store.backup(bad)).rejects.toMatchObject({ code: 'CJ_ERR_INVALID_INPUT' });
    const missingDir = `${tempDbPath()}/nested/copy.db`;
    await expect(store.backup(missingDir)).rejects.toMatchObject({ code: 'CJ_ERR_STORE' });
    expect(existsSync(missingDir)).toBe(false);
    await store.close();
  });
});
