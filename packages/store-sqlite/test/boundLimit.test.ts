// Row limits are bound as an expression (`LIMIT CAST(? AS INTEGER)`), never as a bare `LIMIT ?`:
// SQLite built with STAT4, as better-sqlite3 is, plans with a bare limit parameter's value, so
// each binding expired the statement and every call prepared it again. These tests keep every
// statement the store prepares free of the bare form, and check that the limits still mean what
// they meant: at most that many rows, none for 0, all for the engine's "no limit" (-1).
import { describe, expect, it } from 'vitest';
import { createEngine, ManualClock } from '@carejourney/core';
import { actors, visitJourney } from '../../core/test/fixtures/visitJourney.js';
import { journeyQuerySql } from '../src/journeyQuerySql.js';
import { STORE_SQL } from '../src/storeSql.js';
import { openedFiles } from './helpers/openedFiles.js';
import { tempDbPath } from './helpers/tempDb.js';

const { openStore } = openedFiles({ synchronous: 'normal' });

/** A statement's `LIMIT` clauses, each to the end of the statement (each read has one, last). */
const limitsOf = (sql: string) => sql.split(/(?=\bLIMIT\b)/i).slice(1).map((clause) => clause.trim());

describe('SqliteStore row limits', () => {
  it('binds every row limit as an expression, in the fixed statements and in every journey query', () => {
    const queries = [
      journeyQuerySql({}),
      journeyQuerySql({ phase: 'referral', limit: 5 }),
      journeyQuerySql({ patientRef: 'pt-1', status: 'active', state: 'booked', definitionId: 'visit', after: 'j-1', limit: 0 }),
    ].map((q) => q.sql);
    const statements = [...Object.values(STORE_SQL), ...queries];
    const limited = statements.filter((sql) => /\bLIMIT\b/i.test(sql));
    // The fixed reads with a limit: the journal, due timers and the two outbox reads; and every query.
    expect(limited.length).toBe(4 + queries.length);
    for (const sql of limited) expect(limitsOf(sql), sql).toEqual(['LIMIT CAST(? AS INTEGER)']);
  });

  it('returns at most the limit, none for 0, and everything for -1, on each limited read', async () => {
    const store = openStore(tempDbPath());
    const clock = new ManualClock('2026-01-05T09:00:00Z');
    const engine = createEngine({ definition: visitJourney, store, clock });
    const ids: string[] = [];
    for (let i = 1; i <= 3; i++) {
      const { id } = await engine.start({ journeyId: `j-${i}`, patientRef: `pt-${i}`, input: {}, actor: actors.coordinator });
      await engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician });
      // A slot a day ahead: the no-show timer waits past it.
      await engine.send(id, { type: 'visit.book', slot: '2026-01-06T09:00:00Z' }, { actor: actors.coordinator });
      ids.push(id);
    }
    const later = Date.parse('2026-02-01T00:00:00Z');
    expect((await store.dueTimers(later, 10)).length).toBe(3);
    expect((await store.dueTimers(later, 2)).map((t) => t.journeyId)).toEqual(['j-1', 'j-2']);
    expect(await store.dueTimers(later, 0)).toEqual([]);

    expect((await store.readJournal('j-1')).map((e) => e.seq)).toEqual([1, 2, 3]);
    expect((await store.readJournal('j-1', { limit: 2 })).map((e) => e.seq)).toEqual([1, 2]);
    expect((await store.readJournal('j-1', { fromSeq: 2, limit: 1 })).map((e) => e.seq)).toEqual([2]);
    expect(await store.readJournal('j-1', { limit: 0 })).toEqual([]);

    // The outbox as the store reports it (delivered marks may still be queued): the first of it, then none.
    const pending = await store.pendingOutbox(100);
    expect((await store.pendingOutbox(1)).map((o) => o.id)).toEqual(pending.slice(0, 1).map((o) => o.id));
    expect(await store.pendingOutbox(0)).toEqual([]);
    expect(await store.pendingOutbox(0, 'j-1')).toEqual([]);

    expect((await store.query({})).map((j) => j.id)).toEqual(ids);
    expect((await store.query({ limit: 2 })).map((j) => j.id)).toEqual(['j-1', 'j-2']);
    expect((await store.query({ after: 'j-1', limit: 1 })).map((j) => j.id)).toEqual(['j-2']);
    expect(await store.query({ limit: 0 })).toEqual([]);
  });
});
