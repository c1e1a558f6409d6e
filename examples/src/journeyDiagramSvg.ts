// Renders the journey's state diagram to docs/journey.svg with mermaid's own browser bundle in
// Debian's Chromium: mermaid's CLI would download a browser of its own, which this project does not.
//
//   pnpm diagram            writes docs/journey.md and docs/journey.svg
//
// The whole statechart in one Mermaid diagram (core's `toMermaid`, kept as source in
// docs/journey.md) renders about 4,900 px wide: shrunk to a page, its text is a pixel high. The SVG
// is the same machine in parts (journeyDiagramParts.ts): the overview, then intake and each stage
// of the course, stacked in one file no wider than a page, each at a scale its text reads at.
// Labels are SVG text (no HTML in foreignObject), so the file shows in any SVG viewer.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { ketamineAnxietyJourney } from '@carejourney/core';
import { journeyDiagramParts } from './journeyDiagramParts.js';
import { escapeText } from './reportMarkup.js';
import { launchChromium } from './reportBrowser.js';

/** Where the diagram goes. */
export const JOURNEY_SVG_PATH = fileURLToPath(new URL('../../docs/journey.svg', import.meta.url));

const MERMAID_BUNDLE = createRequire(import.meta.url).resolve('mermaid/dist/mermaid.min.js');

// `strict`: labels are text, never markup or links. `deterministicIds`: ids come from a seed, so
// most of the file stays the same from one render to the next.
// `state.wrappingWidth`: wide enough that a state's name (camelCase, no spaces) stays on one line.
const MERMAID_CONFIG = {
  startOnLoad: false,
  securityLevel: 'strict',
  htmlLabels: false,
  theme: 'default',
  deterministicIds: true,
  state: { wrappingWidth: 280 },
  flowchart: { wrappingWidth: 280 },
} as const;

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
function stableRegionIds(svg: string, id: string): string {
  const tokens = new Map<string, string>();
  const pattern = new RegExp(`(id="${id}-state-id-)([a-z0-9]+)(-)`, 'g');
  return svg.replace(pattern, (_, before: string, token: string, after: string) => {
    if (!tokens.has(token)) tokens.set(token, `region${tokens.size + 1}`);
    return `${before}${tokens.get(token)}${after}`;
  });
}

/**
 * Renders Mermaid source to an SVG document string in the given browser. `id` names the diagram's
 * root element and prefixes its ids and styles, so several diagrams can share a document.
 *
 * @example
 * ```ts
 * const browser = await launchChromium();
 * const svg = await renderMermaidSvg(browser.context, 'stateDiagram-v2\n  [*] --> referral');
 * ```
 */
export async function renderMermaidSvg(context: BrowserContext, source: string, id = 'journey'): Promise<string> {
  const [svg] = await renderMermaidSvgs(context, [{ id, source }]);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${svg ?? ''}\n`;
}

/** Renders several diagrams in one page (mermaid is loaded once), each as an `<svg>` element string. */
async function renderMermaidSvgs(context: BrowserContext, diagrams: readonly { readonly id: string; readonly source: string }[]): Promise<string[]> {
  const page = await mermaidPage(context);
  try {
    const svgs = await page.evaluate(async (list) => {
      const mermaid = (globalThis as unknown as { mermaid: { render(id: string, text: string): Promise<{ svg: string }> } }).mermaid;
      const out: string[] = [];
      for (const d of list) out.push((await mermaid.render(d.id, d.source)).svg);
      return out;
    }, diagrams);
    return svgs.map((svg, i) => stableRegionIds(svg, diagrams[i]?.id ?? ''));
  } finally {
    await page.close();
  }
}

/** The widest the composed diagram gets, in px: a page, at one SVG unit a pixel. */
export const DIAGRAM_MAX_WIDTH = 1200;
const TITLE_HEIGHT = 44;
const PART_GAP = 28;

/** One rendered part: its heading and the SVG mermaid drew for it. */
export interface RenderedPart {
  readonly id: string;
  readonly title: string;
  readonly svg: string;
}

/**
 * Stacks rendered diagrams in one SVG document, each under its heading, each scaled down only as
 * far as the page's width needs (`DIAGRAM_MAX_WIDTH`), never up.
 *
 * @example
 * ```ts
 * const svg = composeDiagramParts([{ id: 'overview', title: 'Overview', svg: await renderMermaidSvg(context, source, 'journey-overview') }]);
 * ```
 */
export function composeDiagramParts(parts: readonly RenderedPart[]): string {
  const sized = parts.map((part) => {
    const root = /<svg\b[^>]*>/.exec(part.svg)?.[0] ?? '';
    const box = /viewBox="([-\d.]+) ([-\d.]+) ([\d.]+) ([\d.]+)"/.exec(root);
    if (!box) throw new Error(`The ${part.id} diagram has no viewBox`);
    const [vbWidth, vbHeight] = [Number(box[3]), Number(box[4])];
    const scale = Math.min(1, DIAGRAM_MAX_WIDTH / vbWidth);
    return { part, root, width: Math.round(vbWidth * scale), height: Math.round(vbHeight * scale), scale };
  });
  const width = Math.max(...sized.map((p) => p.width), 640);
  let y = 0;
  const body = sized.map(({ part, root, width: w, height: h, scale }) => {
    const top = y;
    y += TITLE_HEIGHT + h + PART_GAP;
    // The part's own root element, placed and sized in the stack (mermaid draws it 100% wide).
    const placed = root
      .replace(/\swidth="[^"]*"/, '')
      .replace(/\sstyle="[^"]*"/, '')
      .replace(/^<svg\b/, `<svg x="0" y="${top + TITLE_HEIGHT}" width="${w}" height="${h}" data-scale="${scale.toFixed(3)}"`);
    const inner = part.svg.slice(part.svg.indexOf(root) + root.length, part.svg.lastIndexOf('</svg>'));
    return (
      `<g class="diagram-part" id="part-${part.id}" data-part="${part.id}">` +
      `<text class="part-title" x="0" y="${top + 26}">${escapeText(part.title)}</text>` +
      `${placed}${inner}</svg></g>`
    );
  });
  const height = y - PART_GAP;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<svg xmlns="http://www.w3.org/2000/svg" id="journey" class="journey-diagram" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="The ketamine-for-anxiety journey, in parts">` +
    `<style>#journey .part-title{font-family:"trebuchet ms",verdana,arial,sans-serif;font-size:20px;font-weight:bold;fill:#1f2933;}</style>` +
    `<rect width="${width}" height="${height}" fill="#ffffff"/>` +
    `${body.join('\n')}</svg>\n`
  );
}

/** The ketamine journey's diagram as SVG: the overview, intake and each stage of the course. */
export async function renderJourneyDiagramSvg(context: BrowserContext): Promise<string> {
  const parts = journeyDiagramParts(ketamineAnxietyJourney.machine);
  const svgs = await renderMermaidSvgs(
    context,
    parts.map((part) => ({ id: `journey-${part.id}`, source: part.source })),
  );
  return composeDiagramParts(parts.map((part, i) => ({ id: part.id, title: part.title, svg: svgs[i] ?? '' })));
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
