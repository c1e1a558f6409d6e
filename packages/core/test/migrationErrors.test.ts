// A migration that fails names the journey, the versions and the kind of error; neither the
// error nor its cause quotes the stored snapshot (clinical data), and nothing changes.
import { inspect } from 'node:util';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createEngine, defineJourney, isCareJourneyError, ManualClock, MemoryStore, type CareJourneyError, type JournalEntry, type JourneyRecord, type PersistedSnapshot } from '../src/index.js';
import { actors, visitJourneyConfig, visitRoles } from './fixtures/visitJourney.js';
import { dump, T0 } from './helpers.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/visit-v1.json', import.meta.url), 'utf8')) as { record: JourneyRecord; journal: JournalEntry[] };
const MARKER = 'MARKER-8842';

/** A version-1 journey whose context holds the marker, as a clinic's data would. */
async function storeWithMarkedV1(): Promise<MemoryStore> {
  const store = new MemoryStore();
  const snapshot = fixture.record.snapshot as PersistedSnapshot;
  const record: JourneyRecord = { ...fixture.record, snapshot: { ...snapshot, context: { ...snapshot.context, [MARKER]: MARKER, notesRef: MARKER } } };
  await store.commit({ journey: { ...record, version: 1 }, expectedVersion: 0, entry: fixture.journal[0]!, timersToSet: [], timersToCancel: [], outbox: [] });
  return store;
}

const trap = () => {
  throw new Error(`trap ${MARKER}`);
};

const failingMigrations: [string, (snapshot: PersistedSnapshot) => PersistedSnapshot, RegExp][] = [
  [
    'a TypeError quoting the context',
    (snapshot) => {
      throw new TypeError(`cannot migrate ${JSON.stringify(snapshot.context)}`);
    },
    /threw a TypeError;/,
  ],
  [
    'a ZodError listing what it found',
    (snapshot) => {
      z.strictObject({ consentGiven: z.literal(MARKER), notesRef: z.number() }).parse(snapshot.context);
      return snapshot;
    },
    /threw a ZodError: (\w+|\*) \(\w+\)/,
  ],
  [
    'a thrown string',
    (snapshot) => {
      throw `bad context ${JSON.stringify(snapshot.context)}`;
    },
    /threw a string;/,
  ],
  [
    'a thrown proxy whose traps throw',
    () => {
      throw new Proxy({}, { get: trap, ownKeys: trap, getPrototypeOf: trap, has: trap, getOwnPropertyDescriptor: trap });
    },
    /threw an? \w+;/,
  ],
  [
    'an error with a name taken from the data and a cause that quotes it',
    (snapshot) => {
      const error = new Error(`no ${MARKER}`, { cause: new Error(JSON.stringify(snapshot)) });
      error.name = `${MARKER} failure`;
      error.stack = `Error: ${MARKER}\n    at ${MARKER}\n    at migrate (file:///app/migrations.js:12:7)`;
      throw error;
    },
    /threw an Error;/,
  ],
];

describe('a migration that fails', () => {
  it.each(failingMigrations)('with %s: CJ_ERR_MIGRATION whose message, cause and stack never quote the snapshot, changing nothing', async (_label, migrate, causeMessage) => {
    const store = await storeWithMarkedV1();
    const before = await dump(store, fixture.record.id);
    const definition = defineJourney({ ...visitJourneyConfig, migrations: { 1: migrate }, policy: visitJourneyConfig.policy, roles: visitRoles });
    const engine = createEngine({ definition, store, clock: new ManualClock(T0) });

    const thrown = await engine.get(fixture.record.id).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isCareJourneyError(thrown, 'CJ_ERR_MIGRATION'), String(thrown)).toBe(true);
    const error = thrown as CareJourneyError;
    expect(error.message).toContain(`Journey "${fixture.record.id}": the migration from version 1 to 2 of "clinic-visit" failed`);
    // The cause is kept for operators, reduced to what can be printed.
    expect(error.cause).toBeInstanceOf(Error);
    const cause = error.cause as Error;
    expect(cause.message).toMatch(causeMessage);
    expect(cause.message).toContain('the migration from version 1 to 2 of "clinic-visit"');
    expect((cause as { cause?: unknown }).cause).toBeUndefined();
    const printed = [error.message, String(error.stack), JSON.stringify(error), inspect(error, { depth: 10 }), cause.message, String(cause.stack), inspect(cause, { depth: 10 })].join('\n');
    expect(printed).not.toContain(MARKER);

    const sent = await engine.send(fixture.record.id, { type: 'visit.book', slot: '2026-01-06T10:00:00Z' }, { actor: actors.coordinator });
    expect(!sent.ok && sent.error.code).toBe('CJ_ERR_MIGRATION');
    expect(!sent.ok && inspect(sent.error, { depth: 10 })).not.toContain(MARKER);
    expect(await dump(store, fixture.record.id)).toEqual(before);
  });

  it('keeps the stack frames of the migration (code locations), not the message line', async () => {
    const store = await storeWithMarkedV1();
    const definition = defineJourney({
      ...visitJourneyConfig,
      migrations: {
        1: function renamesConsent(snapshot: PersistedSnapshot): PersistedSnapshot {
          throw new RangeError(`out of range: ${JSON.stringify(snapshot.context)}`);
        },
      },
      policy: visitJourneyConfig.policy,
      roles: visitRoles,
    });
    const engine = createEngine({ definition, store, clock: new ManualClock(T0) });
    const error = (await engine.get(fixture.record.id).catch((e: unknown) => e)) as CareJourneyError;
    const stack = String((error.cause as Error).stack);
    expect(stack.split('\n')[0]).toMatch(/^RangeError: the migration from version 1 to 2 of "clinic-visit" threw a RangeError;/);
    expect(stack).toMatch(/\n {4}at renamesConsent \(.*migrationErrors\.test\.ts:\d+:\d+\)/);
    expect(stack).not.toContain(MARKER);
  });
});
