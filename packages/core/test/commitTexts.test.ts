import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commitTexts, isCareJourneyError, isFrozenJson, type JourneyCommit } from '../src/index.js';
import { freezeNew } from '../src/store/freezeNew.js';
import { frozenJsonText } from '../src/store/frozenJsonText.js';

const AT = '2026-01-05T09:00:00.000Z';

/** A commit of one journey whose JSON values are the ones given. */
function commitOf(parts: { snapshot?: unknown; payload?: unknown; timerEvent?: unknown; outboxPayload?: unknown; protocol?: unknown }): JourneyCommit {
  return {
    journey: { id: 'j-1', definitionId: 'd', definitionVersion: 1, patientRef: 'pt-1', version: 2, lastSeq: 2, state: 's', phase: 'p', status: 'active', createdAt: AT, updatedAt: AT, snapshot: parts.snapshot },
    expectedVersion: 1,
    entry: { journeyId: 'j-1', seq: 2, kind: 'event', type: 'e', payload: (parts.payload ?? {}) as Record<string, unknown>, actor: { id: 'u-1', role: 'nurse' }, at: AT, recordedAt: AT, from: 's', to: 's', definitionVersion: 1 },
    timersToSet: [{ journeyId: 'j-1', key: 'k', owner: 'machine', dueAt: 0, ...(parts.timerEvent === undefined ? {} : { event: parts.timerEvent as Record<string, unknown> }) }],
    timersToCancel: [],
    outbox: [{ id: 'o-1', journeyId: 'j-1', kind: 'effect', type: 't', payload: parts.outboxPayload, createdAt: AT }],
    ...(parts.protocol === undefined ? {} : { protocols: [{ ref: `sha256:${'ab'.repeat(32)}`, definitionId: 'd', protocol: parts.protocol as Record<string, unknown>, createdAt: AT }] }),
  } as JourneyCommit;
}

/** A snapshot-like value: a context holding `parts`, as the engine's snapshots hold their context. */
const snapshotOf = (parts: Record<string, unknown>) => ({ status: 'active', value: { treatment: 'x' }, context: parts, children: {} });

const bigPart = (n: number) => Array.from({ length: 12 }, (_, i) => ({ session: n + i, readings: [{ at: AT, systolic: 120 + i, note: null }], ended: true }));

describe('commitTexts writes what JSON.stringify writes', () => {
  it('each JSON value of a commit, field by field, with null for an absent one', () => {
    const c = commitOf({ snapshot: { a: [1, 'x', null, true] }, payload: { dose: 0.5 }, timerEvent: { type: 'xstate.after.t' }, outboxPayload: { n: 1 }, protocol: { observationMinutes: 45 } });
    expect(commitTexts(c, 'MyStore')).toStrictEqual({
      snapshot: '{"a":[1,"x",null,true]}',
      entry: { payload: '{"dose":0.5}', actor: '{"id":"u-1","role":"nurse"}' },
      timers: [{ event: '{"type":"xstate.after.t"}', payload: null }],
      outbox: ['{"n":1}'],
      protocols: ['{"observationMinutes":45}'],
    });
    const bare = { ...commitOf({}), entry: undefined, journey: { ...commitOf({}).journey, snapshot: undefined } } as unknown as JourneyCommit;
    expect(commitTexts(bare, 'MyStore')).toMatchObject({ snapshot: null, entry: undefined, outbox: [null], protocols: [] });
  });

  // What a JSON round trip gives back unchanged (fast-check's JSON values include -0, which it does not).
  const exactJson = fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);

  it('a frozen snapshot, written again and again as its parts change, is JSON.stringify character for character', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('sessions', 'schedule', 'session', 'tally'), exactJson), { minLength: 1, maxLength: 12 }), (changes) => {
        let context: Record<string, unknown> = freezeNew({ sessions: bigPart(1), schedule: bigPart(50), session: null, tally: { doses: 0 } });
        let snapshot = freezeNew(snapshotOf(context));
        for (const [key, value] of changes) {
          // A transition shares what it did not change, as XState's assign does.
          context = freezeNew({ ...context, [key]: value });
          snapshot = freezeNew({ ...snapshot, context });
          expect(isFrozenJson(snapshot)).toBe(true);
          // Twice: the second writing reuses the texts of the parts the first one wrote.
          expect(frozenJsonText(snapshot)).toBe(JSON.stringify(snapshot));
          expect(frozenJsonText(snapshot)).toBe(JSON.stringify(snapshot));
          expect(commitTexts(commitOf({ snapshot }), 'MyStore').snapshot).toBe(JSON.stringify(snapshot));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('keys with quotes, escapes, lone surrogates and integer-like keys come out in JSON.stringify order and form', () => {
    const part = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k"${i}\n\u2028`, `v\\${i}\ud800`]));
    const snapshot = freezeNew({ '2': 'two', z: { '10': 1, b: part, '1': [part, part] }, a: part, '0': null });
    for (let i = 0; i < 3; i++) expect(frozenJsonText(snapshot)).toBe(JSON.stringify(snapshot));
  });

  it('a value not frozen and proven goes to JSON.stringify as it is: toJSON, undefined and functions keep their meaning', () => {
    const values: unknown[] = [{ at: new Date(0), f: () => 1, u: undefined, list: [undefined, () => 1] }, { toJSON: () => 'replaced' }, [Number.NaN, -0], 'text', 7, null];
    for (const value of values) expect(frozenJsonText(value)).toBe(JSON.stringify(value));
    // Frozen, but not exact JSON (-0 reads back as 0): written by JSON.stringify whole.
    const negativeZero = freezeNew(snapshotOf({ sessions: bigPart(1), n: -0 }));
    expect(isFrozenJson(negativeZero)).toBe(false);
    for (let i = 0; i < 3; i++) expect(frozenJsonText(negativeZero)).toBe(JSON.stringify(negativeZero));
    const mutable = { a: bigPart(1) };
    expect(frozenJsonText(mutable)).toBe(JSON.stringify(mutable));
    mutable.a = bigPart(2);
    expect(frozenJsonText(mutable)).toBe(JSON.stringify(mutable));
  });
});

describe('commitTexts refuses a value that is not JSON, naming the store and the field', () => {
  const cyclic: Record<string, unknown> = {};
  cyclic['self'] = cyclic;
  const throwing = { get boom() {
    throw new Error('the secret key name');
  } };
  const cases: [string, JourneyCommit, string][] = [
    ['a BigInt in the snapshot', commitOf({ snapshot: { n: 1n } }), 'commit.journey.snapshot'],
    ['a cycle in the entry payload', commitOf({ payload: cyclic }), 'commit.entry.payload'],
    ['a throwing getter in a timer event', commitOf({ timerEvent: throwing }), 'commit.timersToSet[0].event'],
    ['a BigInt in an outbox payload', commitOf({ outboxPayload: [2n] }), 'commit.outbox[0].payload'],
    ['a cycle in a protocol', commitOf({ protocol: cyclic }), 'commit.protocols[0].protocol'],
  ];
  it.each(cases)('%s', (_label, commit, path) => {
    let thrown: unknown;
    try {
      commitTexts(commit, 'MyStore');
    } catch (error) {
      thrown = error;
    }
    expect(isCareJourneyError(thrown, 'CJ_ERR_INVALID_INPUT')).toBe(true);
    const error = thrown as Error & { details: Record<string, unknown> };
    expect(error.message).toContain(`MyStore.commit refused its arguments: ${path}: must be JSON`);
    expect(error.message).not.toContain('secret');
    expect(error.details).toMatchObject({ journeyId: 'j-1', issues: [{ path, rule: 'json' }] });
  });

  it('its safe twin: the same commit with JSON values in those fields is written', () => {
    const texts = commitTexts(commitOf({ snapshot: { n: 1 }, payload: { self: {} }, timerEvent: { boom: 1 }, outboxPayload: [2], protocol: { self: {} } }), 'MyStore');
    expect(texts.snapshot).toBe('{"n":1}');
    expect(texts.timers[0]?.event).toBe('{"boom":1}');
  });
});
