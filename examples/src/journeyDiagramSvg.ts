// Renders the journey's state diagram (the Mermaid source core generates with `toMermaid`) to
// docs/journey.svg with mermaid's own browser bundle in Debian's Chromium: mermaid's CLI would
// download a browser of its own, which this project does not.
//
//   pnpm diagram            writes docs/journey.md and docs/journey.svg
//
// Labels are SVG text (no HTML in foreignObject), so the file shows in any SVG viewer.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { ketamineAnxietyJourney, toMermaid } from '@carejourney/core';
import { launchChromium } from './reportBrowser.js';

/** Where the diagram goes. */
export const JOURNEY_SVG_PATH = fileURLToPath(new URL('../../docs/journey.svg', import.meta.url));

const MERMAID_BUNDLE = createRequire(import.meta.url).resolve('mermaid/dist/mermaid.min.js');

// `strict`: labels are text, never markup or links. `deterministicIds`: ids come from a seed, so
// most of the file stays the same from one render to the next.
const MERMAID_CONFIG = { startOnLoad: false, securityLevel: 'strict', htmlLabels: false, theme: 'default', deterministicIds: true } as const;

/** A blank page with mermaid loaded; nothing is fetched (the bundle is injected from disk). */
async function mermaidPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.setContent('<!doctype html><html><head><meta charset="utf-8"></head><body></body></html>');
  await page.addScriptTag({ path: MERMAID_BUNDLE });
  await page.evaluate((config) => {
    (globalThis as unknown as { mermaid: { initialize(c: unknown): void } }).mermaid.initialize(config);
  }, MERMAID_CONFIG);
  return page;
}

/**
 * Mermaid names the groups of parallel regions with a random token even with `deterministicIds`;
 * numbering them in order of appearance keeps a re-render from changing the file needlessly.
 */
function stableRegionIds(svg: string): string {
  const tokens = new Map<string, string>();
  return svg.replace(/(id="journey-state-id-)([a-z0-9]+)(-)/g, (_, before: string, token: string, after: string) => {
    if (!tokens.has(token)) tokens.set(token, `region${tokens.size + 1}`);
    return `${before}${tokens.get(token)}${after}`;
  });
}

/**
 * Renders Mermaid source to an SVG document string in the given browser.
 *
 * @example
 * ```ts
 * const browser = await launchChromium();
 * const svg = await renderMermaidSvg(browser.context, 'stateDiagram-v2\n  [*] --> referral');
 * ```
 */
export async function renderMermaidSvg(context: BrowserContext, source: string): Promise<string> {
  const page = await mermaidPage(context);
  try {
    const svg = await page.evaluate(async (text) => {
      const mermaid = (globalThis as unknown as { mermaid: { render(id: string, text: string): Promise<{ svg: string }> } }).mermaid;
      return (await mermaid.render('journey', text)).svg;
    }, source);
    return `<?xml version="1.0" encoding="UTF-8"?>\n${stableRegionIds(svg)}\n`;
  } finally {
    await page.close();
  }
}

/** The ketamine journey's diagram as SVG. */
export async function renderJourneyDiagramSvg(context: BrowserContext): Promise<string> {
  return renderMermaidSvg(context, toMermaid(ketamineAnxietyJourney.machine));
}

async function main(): Promise<void> {
  const browser = await launchChromium();
  try {
    writeFileSync(JOURNEY_SVG_PATH, await renderJourneyDiagramSvg(browser.context));
  } finally {
    await browser.close();
  }
  console.log(`wrote ${JOURNEY_SVG_PATH}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
