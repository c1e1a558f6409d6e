// Writes the generated pages of docs/: journey.md (state diagram, event catalogue, rules,
// defaults) from the journey definition and errors.md from the error catalogue. Run with
// `pnpm docs:generate`; tests fail when a committed page is out of date.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ketamineJourneyDocs } from '../src/index.js';
import { errorsMarkdown } from './errorsMarkdown.js';

const docs = fileURLToPath(new URL('../../../docs/', import.meta.url));
mkdirSync(docs, { recursive: true });
for (const [name, text] of [
  ['journey.md', ketamineJourneyDocs()],
  ['errors.md', errorsMarkdown()],
] as const) {
  writeFileSync(`${docs}${name}`, text);
  console.log(`wrote docs/${name}`);
}
