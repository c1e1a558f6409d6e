import { describe, expect, it } from 'vitest';
import { ketamineAnxietyJourney, replayJournal } from '@carejourney/core';
import { runSqliteRestart } from '../src/sqliteRestart.js';

describe('sqlite example: a restart in the middle of a course', () => {
  it('completes the course in a second process after the first was killed while delivering a commit', async () => {
    const { view, context, journal, firstExit, redelivered, firedOnRestart, rows } = await runSqliteRestart();
    expect(firstExit.signal).toBe('SIGKILL');
    // The commit the first process made before it died is in the file; its delivery was redone.
    expect(redelivered).toBeGreaterThanOrEqual(1);
    expect(rows.filter((r) => r.event.endsWith('(redelivered)')).map((r) => [r.by, r.event])).toEqual([['process 2', 'monitoring.vitalsRecorded 136/86 (redelivered)']]);
    // The 40-minute BP check and an overdue reading fell due while no engine ran: fired on restart, once.
    expect(firedOnRestart).toBe(2);
    const session4 = journal.filter((e) => e.kind === 'timer' && e.payload['sessionNumber'] === 4).map((e) => e.type);
    expect(session4).toEqual(['monitoring.bpCheckDue', 'monitoring.vitalsOverdue', 'session.observationElapsed']);
    // The reading taken during the downtime went in with the time it was taken.
    expect(journal.find((e) => e.type === 'monitoring.vitalsRecorded' && e.payload['takenAt'] !== undefined)?.payload['takenAt']).toBe('2026-02-16T09:45:00.000Z');

    expect(view.status).toBe('done');
    expect(view.stateLabel).toBe('completed');
    expect(context.outcome?.kind).toBe('completed');
    expect(context.sessions.map((s) => [s.number, s.outcome])).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => [n, 'completed']));
    // One journal, written by both processes, without gaps, and it replays to the stored snapshot.
    expect(journal.map((e) => e.seq)).toEqual(journal.map((_, i) => i + 1));
    expect(new Set(rows.map((r) => r.by))).toEqual(new Set(['process 1', 'process 2']));
    expect(replayJournal(ketamineAnxietyJourney, journal, { protocol: context.protocol }).value).toEqual(view.state);
  }, 60_000);
});
