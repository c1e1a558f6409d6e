// Protocols stored once per ref in their own table: kept with the commit that brings them, read
// back by primary key, never overwritten, pruned or left out of a backup; a damaged row is named
// by its ref and never quoted.
import { describe, expect, it } from 'vitest';
import { createEngine, isCareJourneyError, ManualClock, type CareJourneyError, type JourneyCommit, type ProtocolRecord } from '@carejourney/core';
import { actors, visitJourney } from '../../core/test/fixtures/visitJourney.js';
import { replayStored } from '../../core/test/fixtures/replayStored.js';
import { openedFiles } from './helpers/openedFiles.js';
import { tempDbPath } from './helpers/tempDb.js';

const { openStore, rawDb } = openedFiles({});

const T0 = Date.parse('2026-01-05T09:00:00Z');
const at = new Date(T0).toISOString();
/** Text in the protocol that must never appear in an error: it stands for clinic content. */
const MARKER = 'clinic-note-7f3a';

function protocolRecord(n: number): ProtocolRecord {
  return { ref: `sha256:${n.toString(16).padStart(64, '0')}`, definitionId: 'clinic-visit', protocol: { observationMinutes: 60 + n, note: MARKER }, createdAt: at };
}

function commitOf(id: string, protocols: readonly ProtocolRecord[]): JourneyCommit {
  return {
    journey: { id, definitionId: 'clinic-visit', definitionVersion: 2, patientRef: `pt-${id}`, version: 1, lastSeq: 0, snapshot: { value: 'a', context: {} }, state: 'a', phase: 'a', status: 'active', createdAt: at, updatedAt: at },
    expectedVersion: 0,
    timersToSet: [],
    timersToCancel: [],
    outbox: [{ id: `${id}:1:0`, journeyId: id, kind: 'effect', type: 'visit.missed', payload: {}, createdAt: at }],
    protocols,
  };
}

async function thrownBy(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (e: unknown) => e,
  );
}

/**
 * A file with a journey an engine started and moved on, under a protocol of its own (not the
 * default): its protocol stored once, by ref. An engine with the default protocol knows only its
 * own, so it reads this one from the store.
 */
async function engineFile() {
  const path = tempDbPath();
  const store = openStore(path);
  const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0), protocol: { observationMinutes: 75 } });
  const { id } = await engine.start({ journeyId: 'j-1', patientRef: 'pt-1', input: {}, actor: actors.coordinator });
  await engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician });
  const ref = (await store.readJournal(id))[0]!.payload['protocolRef'] as string;
  return { path, store, engine, id, ref, protocol: engine.protocol as Record<string, unknown> };
}

describe('SqliteStore protocols', () => {
  it('stores the protocol an engine brings once, in its own table, and the journey refers to it by ref', async () => {
    const { path, store, engine, id, ref, protocol } = await engineFile();
    await engine.start({ journeyId: 'j-2', patientRef: 'pt-2', input: {}, actor: actors.coordinator });
    const db = rawDb(path);
    const rows = db.prepare('SELECT ref, definition_id, body, created_at FROM protocols').all() as { ref: string; definition_id: string; body: string; created_at: string }[];
    expect(rows).toEqual([{ ref, definition_id: 'clinic-visit', body: JSON.stringify(protocol), created_at: at }]);
    // Neither the snapshot nor the start entry nor its outbox item holds the protocol itself.
    const snapshot = (db.prepare('SELECT snapshot FROM journeys WHERE id = ?').get(id) as { snapshot: string }).snapshot;
    expect(JSON.parse(snapshot)).toMatchObject({ context: { protocol: { $protocolRef: ref } } });
    for (const { payload } of db.prepare('SELECT payload FROM journal UNION ALL SELECT payload FROM outbox').all() as { payload: string }[]) {
      expect(payload).not.toContain('"observationMinutes"');
    }
    expect(await store.loadProtocol(ref)).toEqual({ ref, definitionId: 'clinic-visit', protocol, createdAt: at });
  });

  it('keeps protocols across a reopen, and a new engine reads them back from the file', async () => {
    const { path, store, id, ref, protocol } = await engineFile();
    await store.close();
    const reopened = openStore(path);
    expect((await reopened.loadProtocol(ref))?.protocol).toEqual(protocol);
    const engine = createEngine({ definition: visitJourney, store: reopened, clock: new ManualClock(T0) });
    expect((await engine.get(id)).context).toMatchObject({ protocol });
    expect(await replayStored(reopened, visitJourney, await reopened.readJournal(id))).toEqual((await reopened.load(id))?.snapshot);
  });

  it('backup copies the protocols, and a journey restored from the copy loads with its protocol', async () => {
    const { store, id, ref, protocol } = await engineFile();
    const copyPath = tempDbPath();
    await store.backup(copyPath);
    const copy = openStore(copyPath);
    expect(await copy.loadProtocol(ref)).toEqual(await store.loadProtocol(ref));
    const restored = createEngine({ definition: visitJourney, store: copy, clock: new ManualClock(T0) });
    expect((await restored.get(id)).context).toMatchObject({ protocol });
  });

  it('pruneDelivered never prunes a protocol, however old', async () => {
    const { path, store, engine, id, ref } = await engineFile();
    await engine.send(id, { type: 'visit.book', slot: '2026-01-05T10:00:00Z' }, { actor: actors.coordinator });
    await store.close(); // writes the queued delivered marks
    const again = openStore(path);
    expect(await again.pruneDelivered({ deliveredBefore: '2999-01-01T00:00:00Z' })).toBeGreaterThan(0);
    expect(rawDb(path).prepare('SELECT COUNT(*) AS n FROM outbox').get()).toEqual({ n: 0 });
    expect(await again.loadProtocol(ref)).toBeDefined();
    const engineAgain = createEngine({ definition: visitJourney, store: again, clock: new ManualClock(T0) });
    expect((await engineAgain.get(id)).stateLabel).toBe('booked');
  });

  it('keeps the first of a ref and never overwrites it, within a commit and across commits', async () => {
    const path = tempDbPath();
    const store = openStore(path);
    const first = protocolRecord(1);
    const impostor = { ...first, definitionId: 'other', protocol: { changed: true }, createdAt: new Date(T0 + 1).toISOString() };
    await store.commit(commitOf('j-1', [first, impostor]));
    await store.commit(commitOf('j-2', [impostor, protocolRecord(2)]));
    expect(await store.loadProtocol(first.ref)).toEqual(first);
    expect(await store.loadProtocol(protocolRecord(2).ref)).toEqual(protocolRecord(2));
    expect(rawDb(path).prepare('SELECT COUNT(*) AS n FROM protocols').get()).toEqual({ n: 2 });
  });

  it('stores no protocol of a commit refused at the version check, or by an outbox id stored already', async () => {
    const path = tempDbPath();
    const store = openStore(path);
    await store.commit(commitOf('j-1', []));
    expect(isCareJourneyError(await thrownBy(store.commit(commitOf('j-1', [protocolRecord(3)]))), 'CJ_ERR_CONFLICT')).toBe(true);
    // A new journey whose outbox id clashes: refused after its protocols would have been written.
    const clash = { ...commitOf('j-2', [protocolRecord(4)]), outbox: commitOf('j-1', []).outbox };
    expect(isCareJourneyError(await thrownBy(store.commit(clash)), 'CJ_ERR_CONFLICT')).toBe(true);
    expect(await store.loadProtocol(protocolRecord(3).ref)).toBeUndefined();
    expect(await store.loadProtocol(protocolRecord(4).ref)).toBeUndefined();
    expect(rawDb(path).prepare('SELECT COUNT(*) AS n FROM protocols').get()).toEqual({ n: 0 });
  });

  it('refuses a protocol whose text SQLite would alter (a lone surrogate), writing nothing', async () => {
    const path = tempDbPath();
    const store = openStore(path);
    for (const bad of [{ definitionId: 'clinic-\uD800' }, { createdAt: `${at}\uDC00` }]) {
      const error = await thrownBy(store.commit(commitOf('j-1', [{ ...protocolRecord(5), ...bad }])));
      expect(isCareJourneyError(error, 'CJ_ERR_INVALID_INPUT'), String(error)).toBe(true);
    }
    expect(await store.load('j-1')).toBeUndefined();
    expect(rawDb(path).prepare('SELECT COUNT(*) AS n FROM protocols').get()).toEqual({ n: 0 });
    // The same protocol in JSON (where JSON.stringify escapes a lone surrogate) is stored as given.
    const escaped = { ...protocolRecord(5), protocol: { note: 'x\uD800' } };
    await store.commit(commitOf('j-1', [escaped]));
    expect(await store.loadProtocol(escaped.ref)).toEqual(escaped);
  });

  it.each([
    ['text that is not JSON', `{"observationMinutes": 61, "note": "${MARKER}`, 'is not valid JSON'],
    ['JSON that is not an object', `["${MARKER}"]`, 'is not a JSON object'],
    ['JSON null', 'null', 'is not a JSON object'],
  ])('a damaged body (%s) gives CJ_ERR_CORRUPT_SNAPSHOT naming the ref, never the content; the row is left as it is', async (_label, body, problem) => {
    const path = tempDbPath();
    const store = openStore(path);
    const [damaged, healthy] = [protocolRecord(6), protocolRecord(7)];
    await store.commit(commitOf('j-1', [damaged, healthy]));
    const db = rawDb(path);
    db.prepare('UPDATE protocols SET body = ? WHERE ref = ?').run(body, damaged.ref);
    const error = (await thrownBy(store.loadProtocol(damaged.ref))) as CareJourneyError;
    expect(isCareJourneyError(error, 'CJ_ERR_CORRUPT_SNAPSHOT'), String(error)).toBe(true);
    expect(error.message).toContain(`Protocol "${damaged.ref}" cannot be read: its stored protocols.body ${problem}`);
    expect(JSON.stringify(error.toJSON())).not.toContain(MARKER);
    expect(error.cause).toBeUndefined();
    // Left untouched, reported again on the next read; the other protocols still read.
    expect(db.prepare('SELECT body FROM protocols WHERE ref = ?').get(damaged.ref)).toEqual({ body });
    expect(isCareJourneyError(await thrownBy(store.loadProtocol(damaged.ref)), 'CJ_ERR_CORRUPT_SNAPSHOT')).toBe(true);
    expect(await store.loadProtocol(healthy.ref)).toEqual(healthy);
  });

  it('a journey whose protocol row is damaged is refused by the engine with CJ_ERR_CORRUPT_SNAPSHOT; other journeys go on', async () => {
    const { path, ref } = await engineFile();
    const db = rawDb(path);
    db.prepare('UPDATE protocols SET body = ? WHERE ref = ?').run(`{"${MARKER}"`, ref);
    // An engine under the default protocol must read the journey's protocol from the store.
    const store = openStore(path);
    const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0) });
    await engine.start({ journeyId: 'j-other', patientRef: 'pt-2', input: {}, actor: actors.coordinator });
    const sent = await engine.send('j-1', { type: 'visit.book', slot: '2026-01-05T10:00:00Z' }, { actor: actors.coordinator });
    expect(sent.ok).toBe(false);
    expect(!sent.ok && sent.error.code).toBe('CJ_ERR_CORRUPT_SNAPSHOT');
    expect(!sent.ok && sent.error.message).toContain(ref);
    expect(!sent.ok && JSON.stringify(sent.error.toJSON())).not.toContain(MARKER);
    const consented = await engine.send('j-other', { type: 'consent.recorded' }, { actor: actors.physician });
    expect(consented.ok).toBe(true);
  });
});
