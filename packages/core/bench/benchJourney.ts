// The journey both sides of the benchmark run: a monitored session loop with an `after` timer,
// guards and context updates, close to what a clinic's per-session traffic looks like.
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { defineJourney, guardRule, guardsFrom, type JourneyStartInput, type StampedEvent } from '../src/index.js';

interface Ctx {
  sessions: number;
  readings: number;
  last: { systolic: number; diastolic: number; spo2: number } | null;
  maxSystolic: number;
}
type Ev = StampedEvent & Record<string, any>;

const rules = {
  sessionOpen: guardRule<Ctx>({ description: 'A session is open', scope: 'context', check: ({ context }) => context.sessions > 0 || 'No session is open.' }),
  readingPlausible: guardRule<Ctx, Ev>({
    description: 'Systolic above diastolic',
    scope: 'event',
    check: ({ event }) => event.systolic > event.diastolic || 'Systolic must be above diastolic.',
  }),
};

export const benchMachine = setup({
  types: {} as { context: Ctx; events: Ev; input: JourneyStartInput },
  guards: guardsFrom(rules),
}).createMachine({
  id: 'bench',
  context: { sessions: 0, readings: 0, last: null, maxSystolic: 0 },
  initial: 'idle',
  states: {
    idle: { on: { 'session.started': { target: 'monitoring', actions: assign({ sessions: ({ context }) => context.sessions + 1 }) } } },
    monitoring: {
      after: { 7_200_000: 'idle' },
      on: {
        'vitals.recorded': {
          guard: 'readingPlausible',
          actions: assign({
            readings: ({ context }) => context.readings + 1,
            last: ({ event }) => ({ systolic: event.systolic, diastolic: event.diastolic, spo2: event.spo2 }),
            maxSystolic: ({ context, event }) => Math.max(context.maxSystolic, event.systolic),
          }),
        },
        'session.ended': { target: 'idle', guard: 'sessionOpen' },
      },
    },
  },
});

export const benchJourney = defineJourney({
  id: 'bench',
  version: 1,
  machine: benchMachine,
  events: {
    'session.started': z.strictObject({}),
    'vitals.recorded': z.strictObject({ systolic: z.number().int().min(40).max(300), diastolic: z.number().int().min(20).max(200), spo2: z.number().min(50).max(100) }),
    'session.ended': z.strictObject({}),
  },
  input: z.strictObject({}),
  roles: ['nurse'],
  guards: rules,
  policy: { start: ['nurse'], events: { 'session.started': ['nurse'], 'vitals.recorded': ['nurse'], 'session.ended': ['nurse'] } },
});

/** The event stream: a session of eight readings, over and over. */
export function benchEvents(n: number): ({ type: string } & Record<string, unknown>)[] {
  const out: ({ type: string } & Record<string, unknown>)[] = [];
  for (let i = 0; out.length < n; i++) {
    out.push({ type: 'session.started' });
    for (let r = 0; r < 8 && out.length < n; r++) out.push({ type: 'vitals.recorded', systolic: 110 + ((i + r) % 40), diastolic: 70 + (r % 15), spo2: 97 });
    if (out.length < n) out.push({ type: 'session.ended' });
  }
  return out.slice(0, n);
}
