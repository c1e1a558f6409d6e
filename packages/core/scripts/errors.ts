// Writes docs/errors.md (every error code: when it happens, how it reaches the caller, what to
// do) from ERROR_CATALOGUE. Run with `pnpm docs:errors`; a test fails when the page is out of date.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorsMarkdown } from './errorsMarkdown.js';

const target = fileURLToPath(new URL('../../../docs/errors.md', import.meta.url));
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, errorsMarkdown());
console.log(`wrote ${target}`);
