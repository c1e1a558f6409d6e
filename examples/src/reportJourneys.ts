// The journeys `pnpm report <name>` can draw. An example registers its journey here with a
// function that runs it and reads it back through the engine's public API.
import type { EffectNotice, JournalEntry, JourneyView, KetamineJourneyContext } from '@carejourney/core';
import { runFlagship } from './flagship.js';

/** What a report is drawn from: the journey as `engine.get` and `engine.history` return it, and the effects it emitted. */
export interface ReportSource {
  /** A heading for the page, e.g. the example's one-line description. */
  readonly title: string;
  readonly view: JourneyView<KetamineJourneyContext>;
  readonly journal: readonly JournalEntry[];
  /** Effects delivered on the engine's bus (`engine.on('effect', ...)`): alerts, reminders, proposals. */
  readonly effects: readonly EffectNotice[];
}

/** A journey the report can run by name. */
export interface ReportJourney {
  /** One line for `pnpm report --list`. */
  readonly description: string;
  load(): Promise<ReportSource>;
}

/** The engine methods a report reads: any engine running the ketamine journey has them. */
export interface ReportableEngine {
  get(journeyId: string): Promise<JourneyView<KetamineJourneyContext>>;
  history(journeyId: string): Promise<JournalEntry[]>;
}

/**
 * Reads a journey back for a report. Collect `effects` with `engine.on('effect', (n) => effects.push(n))`
 * before the journey starts; the journal does not hold them.
 *
 * @example
 * ```ts
 * const effects: EffectNotice[] = [];
 * engine.on('effect', (notice) => effects.push(notice));
 * // ... run the journey ...
 * const source = await readJourneyForReport(engine, journeyId, { title: 'At-home sublingual course', effects });
 * ```
 */
export async function readJourneyForReport(
  engine: ReportableEngine,
  journeyId: string,
  options: { readonly title: string; readonly effects?: readonly EffectNotice[] },
): Promise<ReportSource> {
  const [view, journal] = await Promise.all([engine.get(journeyId), engine.history(journeyId)]);
  return { title: options.title, view, journal, effects: options.effects ?? [] };
}

/** The name `pnpm report` uses when none is given. */
export const DEFAULT_REPORT_JOURNEY = 'flagship';

/** Journeys by name. Add an example's journey here to make `pnpm report <name>` draw it. */
export const reportJourneys: Readonly<Record<string, ReportJourney>> = {
  flagship: {
    description: 'IV ketamine for generalized anxiety: referral, screening, six infusions, response review, maintenance',
    async load() {
      const { view, journal, effects } = await runFlagship();
      return { title: 'IV ketamine for generalized anxiety (flagship example)', view, journal, effects };
    },
  },
  esketamine: {
    description: 'Esketamine nasal spray: REMS enrolment, twice then once weekly, the REMS monitoring forms',
    async load() {
      const { runEsketamine } = await import('./esketamine.js');
      const { title, view, journal, effects } = await runEsketamine();
      return { title, view, journal, effects };
    },
  },
  'at-home': {
    description: 'Sublingual ketamine at home with a trusted adult: sessions the patient records',
    async load() {
      const { runAtHome } = await import('./atHome.js');
      const { title, view, journal, effects } = await runAtHome();
      return { title, view, journal, effects };
    },
  },
  ineligible: {
    description: 'History of psychosis: the screening plugin proposes ineligible, the physician decides',
    async load() {
      const { runIneligible } = await import('./ineligible.js');
      const { title, view, journal, effects } = await runIneligible();
      return { title, view, journal, effects };
    },
  },
  'bp-hold': {
    description: 'BP above the limit, a stop rule, a serious adverse event, a transfer, a hold and a resume',
    async load() {
      const { runBpHold } = await import('./bpHold.js');
      const { title, view, journal, effects } = await runBpHold();
      return { title, view, journal, effects };
    },
  },
  'rems-plugin': {
    description: 'Host plugins: REMS filing with durable retries, an out-of-pocket estimate',
    async load() {
      const { runRemsPlugin } = await import('./remsPlugin.js');
      const { title, view, journal, effects } = await runRemsPlugin();
      return { title, view, journal, effects };
    },
  },
  sqlite: {
    description: 'SQLite: an engine process killed mid-course, a second one completes it (two processes)',
    async load() {
      const { runSqliteRestart } = await import('./sqliteRestart.js');
      const { title, view, journal, effects } = await runSqliteRestart();
      return { title, view, journal, effects };
    },
  },
  postgres: {
    description: 'PostgreSQL: the first patient of a morning run by a clinic app and two workers (needs the local server)',
    async load() {
      const { runPostgresWorkers } = await import('./postgresWorkers.js');
      const { title, views, journals, effects, workerEffects } = await runPostgresWorkers();
      const [view, journal] = [views[0], journals[0]];
      if (!view || !journal) throw new Error('the postgres example ran no journey');
      return { title, view, journal, effects: [...effects, ...workerEffects].filter((e) => e.journeyId === view.id) };
    },
  },
};
