// The engine keeps nothing per journey: the heap stays flat while the database grows tenfold.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnChild } from './helpers/spawnChild.js';
import { removeTempDbs, tempDbPath } from './helpers/tempDb.js';

afterAll(removeTempDbs);

describe('SqliteStore memory', () => {
  it('keeps the heap flat from 2,000 to 20,000 journeys while an engine works on them', { timeout: 40_000 }, async () => {
    // A child process with --expose-gc, so the figures are after full collections and belong to
    // the store and the engine alone.
    const child = spawnChild('memoryProbe.ts', { dbPath: tempDbPath(), checkpoints: [2_000, 20_000] }, ['--expose-gc']);
    let out = '';
    child.process.stdout!.on('data', (d: string) => {
      out += d;
    });
    const { code } = await child.exited;
    expect(code, child.stderr()).toBe(0);
    const { heap } = JSON.parse(out.trim().split('\n').pop()!) as { heap: { journeys: number; heapUsed: number }[] };
    expect(heap.map((h) => h.journeys)).toEqual([2_000, 20_000]);
    const growth = heap[1]!.heapUsed - heap[0]!.heapUsed;
    // Keeping even 100 bytes per journey would add 1.8 MB over the 18,000 new journeys; keeping
    // records would add tens of MB.
    expect(growth).toBeLessThan(1.5 * 1024 * 1024);
  });
});
