import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { runPostgresWorkers } from '../src/postgresWorkers.js';

const DATABASE_URL = process.env['CAREJOURNEY_EXAMPLE_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('postgres example: two worker processes on one database', () => {
  it('fires every timer once, from either worker, while the clinic app records the sessions', async () => {
    const { views, journals, workers, workerEffects, schema } = await runPostgresWorkers();
    expect(views.map((v) => [v.patientRef, v.phase, v.context.schedule[0]?.status])).toEqual([
      ['pt-9001', 'induction', 'completed'],
      ['pt-9002', 'induction', 'completed'],
      ['pt-9003', 'induction', 'completed'],
      ['pt-9004', 'induction', 'missed'],
    ]);

    // Every timer entry in the journals was fired by a worker (the clinic app fires none), once.
    const timerEntries = journals.flat().filter((e) => e.kind === 'timer');
    expect(timerEntries.map((e) => e.type).sort()).toEqual([
      'monitoring.bpCheckDue',
      'monitoring.bpCheckDue',
      'monitoring.bpCheckDue',
      'session.noShow',
      'session.observationElapsed',
      'session.observationElapsed',
      'session.observationElapsed',
    ]);
    expect(workers.map((w) => w.name)).toEqual(['worker A', 'worker B']);
    expect(workers.reduce((n, w) => n + w.summary.fired, 0)).toBe(timerEntries.length);
    expect(workers.every((w) => w.summary.errors === 0)).toBe(true);
    // The effects of the fired timers were delivered by the worker that fired them.
    expect(workerEffects.filter((e) => e.type === 'care.alert').map((e) => [e.payload['kind'], e.payload['patientRef']])).toEqual([['missed-session', 'pt-9004']]);
    expect(workerEffects.filter((e) => e.type === 'monitoring.checkDue')).toHaveLength(3);

    // The example dropped its schema.
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema]);
      expect(rows).toEqual([]);
    } finally {
      await client.end();
    }
  }, 60_000);
});
