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
};
