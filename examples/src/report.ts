// Writes a self-contained HTML report of one journey: timeline, state path, assessments with the
// protocol's response and remission marks, blood pressure per session with its limits, alerts
// and holds.
//
//   pnpm report              the flagship example's journey
//   pnpm report <name>       a journey registered in reportJourneys.ts
//   pnpm report --list       the names
//
// The page goes to reports/<name>.html at the repository root.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { reportData } from './reportData.js';
import { reportHtml } from './reportHtml.js';
import { DEFAULT_REPORT_JOURNEY, reportJourneys } from './reportJourneys.js';

/** Where `pnpm report` writes its pages. */
export const REPORTS_DIR = fileURLToPath(new URL('../../reports/', import.meta.url));

/**
 * Runs the named journey and writes its report page. Returns the page's path.
 *
 * @example
 * ```ts
 * const path = await writeReport('flagship'); // .../reports/flagship.html
 * ```
 */
export async function writeReport(name: string = DEFAULT_REPORT_JOURNEY, dir: string = REPORTS_DIR): Promise<string> {
  const journey = Object.hasOwn(reportJourneys, name) ? reportJourneys[name] : undefined;
  if (!journey) {
    throw new Error(`No journey named "${name}" to report. Known: ${Object.keys(reportJourneys).join(', ')} (add one in examples/src/reportJourneys.ts).`);
  }
  const html = reportHtml(reportData(await journey.load()));
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.html`);
  writeFileSync(path, html);
  return path;
}

async function main(args: readonly string[]): Promise<void> {
  if (args.includes('--list')) {
    for (const [name, journey] of Object.entries(reportJourneys)) console.log(`${name.padEnd(16)} ${journey.description}`);
    return;
  }
  const names = args.filter((a) => !a.startsWith('-'));
  if (names.length > 1) throw new Error('Give one journey name (or none for the flagship): pnpm report [<journey>]');
  console.log(await writeReport(names[0] ?? DEFAULT_REPORT_JOURNEY));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
