// The commits of the protocol crash test, rebuilt the same from (run, n) by the child that writes
// them and by the parent that checks what a kill left: each creates journey `j-<run>-<n>` and
// brings its own protocol, plus the one protocol every run brings (with content of its own run,
// so a later run that overwrote it would show).
import type { JourneyCommit, ProtocolRecord } from '@carejourney/core';

const T0 = Date.parse('2026-01-05T09:00:00Z');

/** The ref every commit of every run brings. */
export const SHARED_REF = `sha256:${'5'.repeat(64)}`;

const ref = (run: number, n: number) => `sha256:${(run * 1_000_000 + n).toString(16).padStart(64, '0')}`;

/** A protocol of a few KB, about the size of the ketamine journey's, so a commit spans pages. */
function protocolOf(run: number, n: number): Record<string, unknown> {
  return { run, n, routes: Array.from({ length: 40 }, (_, i) => ({ route: `route-${i}`, observationMinutes: 60 + i, limits: [140, 90], note: 'ünïcødé ✓'.repeat(8) })) };
}

export function journeyIdOf(run: number, n: number): string {
  return `j-${run}-${n}`;
}

/** The protocol a commit brings of its own. */
export function ownProtocol(run: number, n: number): ProtocolRecord {
  return { ref: ref(run, n), definitionId: 'clinic-visit', protocol: protocolOf(run, n), createdAt: new Date(T0 + n).toISOString() };
}

/** The shared protocol as run `run` brings it: the first run's stays, whatever the later ones bring. */
export function sharedProtocol(run: number): ProtocolRecord {
  return { ref: SHARED_REF, definitionId: 'clinic-visit', protocol: { shared: true, run }, createdAt: new Date(T0 + run).toISOString() };
}

/** Commit `n` of run `run`: a new journey with its own protocol and the shared one. */
export function protocolCommit(run: number, n: number): JourneyCommit {
  const id = journeyIdOf(run, n);
  const at = new Date(T0 + n).toISOString();
  return {
    journey: { id, definitionId: 'clinic-visit', definitionVersion: 2, patientRef: `pt-${run}-${n}`, version: 1, lastSeq: 0, snapshot: { value: 'a', context: { protocol: { $protocolRef: ref(run, n) } } }, state: 'a', phase: 'a', status: 'active', createdAt: at, updatedAt: at },
    expectedVersion: 0,
    timersToSet: [],
    timersToCancel: [],
    outbox: [],
    protocols: [ownProtocol(run, n), sharedProtocol(run)],
  };
}
