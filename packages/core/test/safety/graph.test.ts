// The statechart's structure, with xstate/graph: from a dosed session no event leads out of
// `session.dosed` except a discharge or a recorded transfer (S1), whatever else comes first; holds
// and endings raised while dosed take effect when the session ends; no final state is reachable
// from a dosed state without passing a discharge or a transfer.
import { describe, expect, it } from 'vitest';
import { transition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import { getShortestPaths, getSimplePaths, getStateNodes } from 'xstate/graph';
import { flattenState, ketamineAnxietyMachine, type KetamineJourneyContext, type KetamineRoute } from '../../src/index.js';
import { dosed, newClinic, toInduction } from './clinic.js';
import { DOSED, ENDED, ON_HOLD } from './journal.js';
import { MIN, ms, ROUTE_MODEL } from './model.js';

const machine = ketamineAnxietyMachine as unknown as AnyStateMachine;
type Snap = AnyMachineSnapshot & { context: KetamineJourneyContext };
type Ev = { type: string; at: number; actor: { id: string; role: string }; [key: string]: unknown };

const ENDERS = new Set(['session.discharged', 'session.escalated']);
const label = (s: AnyMachineSnapshot) => flattenState(s.value);
const isDosed = (s: AnyMachineSnapshot) => DOSED.test(label(s));

interface NodeLike {
  readonly path: readonly string[];
  readonly type: string;
  readonly parent?: NodeLike;
  readonly transitions: Map<string, readonly { readonly target?: readonly NodeLike[]; readonly guard?: unknown }[]>;
  readonly always?: readonly { readonly target?: readonly NodeLike[]; readonly guard?: unknown }[];
}

const inDosed = (n: NodeLike) => n.path.join('.').includes('session.dosed');
const pathOf = (n: NodeLike) => n.path.join('.');

describe('the statechart around a dose (S1), structurally', () => {
  it('no unconditional transition leads out of session.dosed except a discharge or a transfer', () => {
    const nodes = getStateNodes(machine.root) as unknown as NodeLike[];
    const leaves = nodes.filter((n) => inDosed(n) && n.type === 'atomic');
    expect(leaves.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const leaf of leaves) {
      const chain: NodeLike[] = [];
      for (let n: NodeLike | undefined = leaf; n; n = n.parent) chain.push(n);
      const events = new Set(chain.flatMap((n) => [...n.transitions.keys()]));
      for (const type of events) {
        if (ENDERS.has(type)) continue;
        for (const node of chain) {
          const candidates = node.transitions.get(type) ?? [];
          for (const t of candidates) {
            const out = (t.target ?? []).filter((target) => !inDosed(target));
            // Guarded exits are left to the traversals below, which evaluate the guards.
            if (out.length > 0 && t.guard === undefined) problems.push(`${pathOf(leaf)} --${type}--> ${out.map(pathOf).join(', ')} (on ${pathOf(node) || 'root'})`);
          }
          // An unconditional transition of an inner state wins: outer ones never apply.
          if (candidates.some((t) => t.guard === undefined)) break;
        }
      }
      for (const node of chain) {
        for (const t of node.always ?? []) {
          const out = (t.target ?? []).filter((target) => !inDosed(target));
          if (out.length > 0) problems.push(`${pathOf(leaf)} --(always)--> ${out.map(pathOf).join(', ')} (on ${pathOf(node)})`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('a discharge and a transfer each lead out of every dosed state', () => {
    const nodes = getStateNodes(machine.root) as unknown as NodeLike[];
    for (const leaf of nodes.filter((n) => inDosed(n) && n.type === 'atomic')) {
      const chain: NodeLike[] = [];
      for (let n: NodeLike | undefined = leaf; n; n = n.parent) chain.push(n);
      for (const type of ENDERS) {
        const exits = chain.flatMap((n) => n.transitions.get(type) ?? []).filter((t) => (t.target ?? []).some((target) => !inDosed(target)));
        expect(exits.length, `${pathOf(leaf)} has a way out by ${type}`).toBeGreaterThan(0);
      }
    }
  });
});

/** A dosed snapshot of a real journey (through the public engine), restored as a machine snapshot. */
async function dosedSnapshot(route: KetamineRoute): Promise<Snap> {
  const w = await newClinic({ route });
  await toInduction(w, { route });
  await dosed(w);
  const view = w.view;
  return machine.resolveState({ value: view.state, context: view.context as never }) as Snap;
}

function samples(s: Snap): Ev[] {
  const c = s.context;
  const session = c.session;
  if (!session?.dose) return [];
  const m = ROUTE_MODEL[session.route as KetamineRoute];
  const home = m.setting === 'home';
  const staff = home ? { id: 'pt-self', role: 'patient' } : { id: 'nurse-1', role: 'nurse' };
  const physician = { id: 'md-1', role: 'physician' };
  const system = { id: 'carejourney', role: 'system' };
  const d = ms(session.dose.at);
  const obs = session.observationMinutes;
  const ev = (type: string, minutes: number, actor: Ev['actor'], payload: Record<string, unknown> = {}): Ev => ({ type, ...payload, at: d + minutes * MIN, actor });
  const vitals = (minutes: number, systolic: number, diastolic: number) =>
    ev('monitoring.vitalsRecorded', minutes, staff, { systolic, diastolic, heartRate: 76, spo2: 97, takenAt: new Date(d + minutes * MIN).toISOString() });
  return [
    vitals(40, 128, 82),
    vitals(obs + 1, 124, 78),
    vitals(20, 210, 125),
    ev('monitoring.sedationRecorded', obs + 1, staff, { moaas: 5 }),
    ...(m.discharge.requiresDissociationAssessment ? [ev('monitoring.dissociationRecorded', 30, staff, { score: 0, form: 'CADSS-6' })] : []),
    ev('monitoring.adverseEventRecorded', 20, staff, { term: 'nausea', severity: 'mild', serious: false }),
    ev('monitoring.adverseEventRecorded', 20, staff, { term: 'respiratory-depression', severity: 'severe', serious: true }),
    ev('safety.signalReported', 20, { id: 'ther-1', role: 'therapist' }, { signal: 'psychotic-symptoms' }),
    ev('assessment.recorded', 20, { id: 'pt-self', role: 'patient' }, { instrument: 'PHQ-9', total: 14, item9: 2 }),
    ev('session.aborted', 20, physician, { reason: 'Patient asked to stop' }),
    ev('treatment.discontinued', 20, physician, { reason: 'Patient moves away' }),
    ev('journey.withdrawn', 20, { id: 'pt-self', role: 'patient' }, {}),
    ev('session.cancelled', 20, physician, { reason: 'Cancel a dosed session' }),
    ev('dose.recorded', 20, staff, { medication: m.medication, amountMg: 35, lot: 'L', administration: home ? 'self-administered-at-home' : 'staff-administered' }),
    ev('hold.reviewed', 25, physician, { decision: 'resume', reason: 'Reviewed', nextSessionAt: new Date(d + 3 * 86_400_000).toISOString() }),
    ev('session.observationElapsed', obs, system, { sessionNumber: session.number }),
    ev('monitoring.bpCheckDue', 40, system, { sessionNumber: session.number, minute: 40 }),
    ev('monitoring.vitalsOverdue', 20, system, { sessionNumber: session.number }),
    ev('session.noShow', 25, system, { sessionNumber: session.number + 1 }),
    ev('session.discharged', obs + 2, staff, { releasedTo: home ? 'trusted-adult-at-home' : 'responsible-adult', alertAndOriented: true, noDrivingAdviceGiven: true }),
    ev('session.escalated', 30, physician, { destination: 'emergency-department', reference: 'ED-2027-0042', reason: 'Not settling' }),
  ];
}

/**
 * Bounds the traversal: the state and what the rules around the dose depend on (which sample
 * readings were taken, whether sedation and dissociation were assessed, a hold, an ending, a stop,
 * the observation, an overdue reading), so that different histories are not merged into one state.
 */
function serialize(s: AnyMachineSnapshot): string {
  const c = (s as Snap).context;
  const session = c.session as (KetamineJourneyContext['session'] & { stopped?: unknown; vitalsOverdueSince?: unknown }) | null;
  const d = session?.dose ? ms(session.dose.at) : 0;
  const readings = [...new Set((session?.vitals ?? []).map((v) => Math.round((ms(v.takenAt) - d) / MIN)))].sort((a, b) => a - b);
  return JSON.stringify([
    label(s),
    s.status,
    readings,
    (session?.sedation.length ?? 0) > 0,
    (session?.dissociation.length ?? 0) > 0,
    c.hold !== null,
    Boolean((c as { pendingEnding?: unknown }).pendingEnding),
    Boolean(session?.stopped),
    Boolean(session?.observationElapsedAt),
    Boolean(session?.vitalsOverdueSince),
    c.outcome?.kind ?? null,
    // How the session ended: a discharge and a transfer reach the same state.
    c.sessions.at(-1)?.outcome ?? null,
  ]);
}

/** Events that only add noise to the shortest-path traversal (each is covered by the one-step test). */
const NOISE = new Set(['hold.reviewed', 'monitoring.bpCheckDue', 'session.noShow', 'assessment.recorded']);

const HOLD_TRIGGERS = (e: Ev) =>
  e.type === 'safety.signalReported' || (e.type === 'monitoring.adverseEventRecorded' && e['serious'] === true) || (e.type === 'assessment.recorded' && (e['item9'] as number) >= 1);
const ENDINGS = (e: Ev) => e.type === 'treatment.discontinued' || e.type === 'journey.withdrawn';

function checkPaths(from: Snap, paths: { steps: { event: Ev; state: AnyMachineSnapshot }[] }[]): string[] {
  const problems: string[] = [];
  for (const path of paths) {
    let prev: AnyMachineSnapshot = from;
    const seen: Ev[] = [];
    for (const step of path.steps) {
      if (step.event.type === 'xstate.init') continue;
      const names = [...seen.map((e) => e.type), step.event.type].join(' → ');
      if (isDosed(prev) && !isDosed(step.state)) {
        if (!ENDERS.has(step.event.type)) problems.push(`${names}: left the dosed session for ${label(step.state)}`);
        else if (seen.some(ENDINGS) && !ENDED.test(label(step.state))) problems.push(`${names}: the pending ending did not take effect (${label(step.state)})`);
        else if (!seen.some(ENDINGS) && seen.some(HOLD_TRIGGERS) && !ON_HOLD.test(label(step.state))) problems.push(`${names}: the pending hold did not take effect (${label(step.state)})`);
      }
      if (step.state.status === 'done' && !seen.concat(step.event).some((e) => ENDERS.has(e.type))) problems.push(`${names}: a final state without a discharge or a transfer`);
      seen.push(step.event);
      prev = step.state;
    }
  }
  return [...new Set(problems)];
}

describe('the statechart around a dose (S1), by traversal', () => {
  for (const route of ['iv', 'esketamine-nasal', 'sublingual-home'] as const) {
    it(`${route}: every shortest path out of a dosed session passes a discharge or a transfer`, async () => {
      const from = await dosedSnapshot(route);
      expect(isDosed(from)).toBe(true);
      const paths = getShortestPaths(machine, {
        fromState: from,
        events: (s: AnyMachineSnapshot) => samples(s as Snap).filter((e) => !NOISE.has(e.type) && !(e.type === 'monitoring.adverseEventRecorded' && e['serious'] !== true)),
        serializeState: serialize as never,
        stopWhen: (s: AnyMachineSnapshot) => !isDosed(s),
        limit: 20_000,
      } as never) as unknown as { steps: { event: Ev; state: AnyMachineSnapshot }[] }[];
      expect(paths.length).toBeGreaterThan(20);
      expect(checkPaths(from, paths)).toEqual([]);
      // The traversal did leave by a discharge (and by a transfer once it exists).
      const exits = new Set(paths.flatMap((p) => p.steps.filter((st) => !isDosed(st.state)).map((st) => st.event.type)));
      expect(exits.has('session.discharged')).toBe(true);
      expect(exits.has('session.escalated')).toBe(true);
    });
  }

  it('iv: every simple path through a small event set keeps the patient observed', async () => {
    // Simple paths grow factorially: a handful of events and a coarse state abstraction.
    const from = await dosedSnapshot('iv');
    const keep = new Set(['safety.signalReported', 'journey.withdrawn', 'session.aborted', 'session.observationElapsed', 'session.discharged', 'session.escalated']);
    const coarse = (s: AnyMachineSnapshot) => {
      const c = (s as Snap).context;
      const session = c.session as (KetamineJourneyContext['session'] & { stopped?: unknown }) | null;
      return JSON.stringify([label(s), s.status, c.hold !== null, Boolean((c as { pendingEnding?: unknown }).pendingEnding), Boolean(session?.stopped), Boolean(session?.observationElapsedAt), c.sessions.at(-1)?.outcome ?? null]);
    };
    const paths = getSimplePaths(machine, {
      fromState: from,
      events: (s: AnyMachineSnapshot) => samples(s as Snap).filter((e) => keep.has(e.type)),
      serializeState: coarse as never,
      stopWhen: (s: AnyMachineSnapshot) => !isDosed(s),
      limit: 5_000,
    } as never) as unknown as { steps: { event: Ev; state: AnyMachineSnapshot }[] }[];
    expect(paths.length).toBeGreaterThan(20);
    expect(checkPaths(from, paths)).toEqual([]);
  });

  it('the pure transition agrees: a dosed snapshot never reaches a final state in one event', async () => {
    const from = await dosedSnapshot('iv');
    for (const e of samples(from)) {
      const [next] = transition(machine, from as never, e as never);
      if (!ENDERS.has(e.type)) expect(isDosed(next), `${e.type} keeps the session dosed (${label(next)})`).toBe(true);
      expect(next.status, e.type).toBe('active');
    }
  });
});
