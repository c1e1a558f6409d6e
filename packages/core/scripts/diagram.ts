// Writes docs/journey.md (state diagram, event catalogue, rules, defaults) from the journey
// definition. Run with `pnpm diagram`; a test fails when the committed page is out of date.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ketamineJourneyDocs } from '../src/index.js';

const target = fileURLToPath(new URL('../../../docs/journey.md', import.meta.url));
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, ketamineJourneyDocs());
console.log(`wrote ${target}`);
