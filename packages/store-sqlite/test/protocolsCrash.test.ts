// A process killed with SIGKILL while it commits journeys that bring protocols: after every
// restart each acknowledged commit's protocols are there as committed, a protocol is stored only
// with the journey of its commit (never alone, never without it), and a stored one is never
// overwritten by a later commit that brings the same ref.
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/index.js';
import { parseChildLog } from './children/childLog.js';
import { journeyIdOf, ownProtocol, sharedProtocol, SHARED_REF } from './children/protocolCommits.js';
import { seededRandom } from './children/visitActions.js';
import { untilAcked } from '../../../test/support/untilAcked.js';
import { sleep, spawnChild } from './helpers/spawnChild.js';
import { removeTempDbs, tempDbPath } from './helpers/tempDb.js';

afterAll(removeTempDbs);

const RUNS = 8;

describe('SqliteStore protocols under SIGKILL', () => {
  it(`keeps the protocols of every acknowledged commit, and none without its journey, across ${RUNS} kills`, { timeout: 60_000 }, async () => {
    const dbPath = tempDbPath();
    const random = seededRandom(20260107);
    const acked: { run: number; n: number }[] = [];

    for (let run = 0; run < RUNS; run++) {
      const logPath = join(dirname(dbPath), `protocols-${run}.jsonl`);
      const child = spawnChild('protocolWorker.ts', { dbPath, logPath, run });
      await child.ready;
      // Killed once it acknowledged a random number of commits, a random moment into the next ones.
      await untilAcked(child, logPath, 3 + Math.floor(random() * 30));
      await sleep(Math.floor(random() * 5));
      child.process.kill('SIGKILL');
      const { signal } = await child.exited;
      expect(signal, child.stderr()).toBe('SIGKILL');
      const lines = existsSync(logPath) ? parseChildLog(readFileSync(logPath, 'utf8')) : [];
      const runAcked = lines.filter((l) => l.t === 'acked').map((l) => ({ run, n: l.n as number }));
      expect(runAcked.map((a) => a.n)).toEqual(runAcked.map((_, i) => i));
      acked.push(...runAcked);

      const store = new SqliteStore({ path: dbPath });
      const db = new Database(dbPath, { readonly: true });
      try {
        // Every acknowledged commit's protocol is there, as committed.
        for (const a of acked) expect(await store.loadProtocol(ownProtocol(a.run, a.n).ref), `protocol of ${journeyIdOf(a.run, a.n)}`).toEqual(ownProtocol(a.run, a.n));
        // The shared ref holds what the first run brought: later commits never overwrote it.
        expect(await store.loadProtocol(SHARED_REF)).toEqual(sharedProtocol(0));
        // A commit is all or nothing: each journey has its protocol and each protocol its journey.
        const journeys = new Set((db.prepare('SELECT id FROM journeys').all() as { id: string }[]).map((r) => r.id));
        const refs = new Set((db.prepare('SELECT ref FROM protocols WHERE ref <> ?').all(SHARED_REF) as { ref: string }[]).map((r) => r.ref));
        expect(refs.size).toBe(journeys.size);
        for (const id of journeys) {
          const [, r, n] = id.split('-').map(Number);
          expect(refs.has(ownProtocol(r!, n!).ref), `protocol of ${id}`).toBe(true);
        }
        // At most the one commit in flight at the kill was written without being acknowledged.
        const ofRun = [...journeys].filter((id) => id.startsWith(`j-${run}-`)).length;
        expect(ofRun - runAcked.length).toBeGreaterThanOrEqual(0);
        expect(ofRun - runAcked.length).toBeLessThanOrEqual(1);
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      } finally {
        db.close();
        await store.close();
      }
    }
    expect(acked.length).toBeGreaterThanOrEqual(RUNS * 3);
  });
});
