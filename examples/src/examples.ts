// The example journeys `pnpm example <name>` runs. Each module is loaded only when its example
// runs, so the flagship starts without loading the SQLite or PostgreSQL drivers.
import type { TimelineRow } from './timeline.js';

/** What an example prints: a heading, its timeline in the clinic's zone, and a few closing lines. */
export interface ExampleOutput {
  readonly title: string;
  readonly timeZone: string;
  readonly rows: readonly TimelineRow[];
  readonly summary: readonly string[];
}

export interface ExampleEntry {
  /** One line for `pnpm example --list`. */
  readonly description: string;
  run(): Promise<ExampleOutput>;
}

/** The name `pnpm example` runs when none is given. */
export const DEFAULT_EXAMPLE = 'flagship';

export const examples: Readonly<Record<string, ExampleEntry>> = {
  flagship: {
    description: 'IV ketamine for GAD: referral, screening plugin, six infusions, response review, maintenance, reminders',
    run: async () => (await import('./flagship.js')).runFlagship(),
  },
  esketamine: {
    description: 'Esketamine nasal spray: REMS enrolment, twice then once weekly, the REMS monitoring forms',
    run: async () => (await import('./esketamine.js')).runEsketamine(),
  },
  'at-home': {
    description: 'Sublingual ketamine at home with a trusted adult: sessions the patient records',
    run: async () => (await import('./atHome.js')).runAtHome(),
  },
  ineligible: {
    description: 'History of psychosis: the screening plugin proposes ineligible, the physician decides',
    run: async () => (await import('./ineligible.js')).runIneligible(),
  },
  'bp-hold': {
    description: 'BP too high (override), a serious adverse event, transfer to the ED, a hold, a resume with re-planned sessions',
    run: async () => (await import('./bpHold.js')).runBpHold(),
  },
  'rems-plugin': {
    description: 'A host plugin written with definePlugin: files the REMS monitoring form and estimates out-of-pocket cost',
    run: async () => (await import('./remsPlugin.js')).runRemsPlugin(),
  },
  sqlite: {
    description: 'SQLite: one engine process is killed mid-course, a second one over the same file completes it',
    run: async () => (await import('./sqliteRestart.js')).runSqliteRestart(),
  },
  postgres: {
    description: 'PostgreSQL: two worker processes share one database and fire every timer once',
    run: async () => (await import('./postgresWorkers.js')).runPostgresWorkers(),
  },
};
