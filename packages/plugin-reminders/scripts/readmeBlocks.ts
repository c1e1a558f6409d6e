// The README's ```ts blocks as modules of their own: `pnpm readme:extract` writes them to
// test/readme/, where `pnpm typecheck` type-checks them with the package and a test runs each.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const packageDir = fileURLToPath(new URL('../', import.meta.url));
export const README_BLOCKS_DIR = join(packageDir, 'test/readme');
const HEADER = '// Generated from README.md by `pnpm readme:extract`: edit the README, not this file.\n';

/** Each ```ts block of the README, as the file that holds it. */
export function readmeBlocks(): { file: string; text: string }[] {
  const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m, i) => ({
    file: join(README_BLOCKS_DIR, `block${i + 1}.ts`),
    text: `${HEADER}${m[1] as string}\nexport {};\n`,
  }));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const name of readdirSync(README_BLOCKS_DIR)) if (/^block\d+\.ts$/.test(name)) rmSync(join(README_BLOCKS_DIR, name));
  for (const { file, text } of readmeBlocks()) writeFileSync(file, text);
}
