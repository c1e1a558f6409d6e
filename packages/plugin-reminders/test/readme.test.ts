// Documentation is code: every ```ts block of the README is a module in test/readme/ that
// `pnpm typecheck` type-checks with the package, and that this test runs on its own.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_IDS, defaultReminderRules } from '../src/index.js';
import { README_BLOCKS_DIR, readmeBlocks } from '../scripts/readmeBlocks.js';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('../', import.meta.url));
const readme = readFileSync(`${packageDir}README.md`, 'utf8');
const blocks = readmeBlocks();

describe('README', () => {
  it('has its code blocks extracted as they are (pnpm readme:extract)', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    for (const { file, text } of blocks) expect(existsSync(file) ? readFileSync(file, 'utf8') : '(missing)', file).toBe(text);
    expect(readdirSync(README_BLOCKS_DIR).filter((f) => /^block\d+\.ts$/.test(f))).toHaveLength(blocks.length);
  });

  it.each(blocks.map((b, i) => [i + 1, b.file] as const))('runs block %i on its own', { timeout: 60_000 }, async (_n, file) => {
    const { stderr } = await run(process.execPath, ['--import', 'tsx', file], { cwd: packageDir, env: { ...process.env, TSX_TSCONFIG_PATH: `${packageDir}tsconfig.json` } });
    expect(stderr).toBe('');
  });

  it('documents every default rule in its table, with its kind and audience', () => {
    for (const rule of defaultReminderRules()) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${rule.id}\` |`));
      expect(row, rule.id).toBeDefined();
      expect(row).toContain(`\`${rule.kind}\``);
      expect(row).toContain(`| ${rule.audience} |`);
    }
    expect(readme.split('\n').filter((line) => /^\| `[a-z]+\.[A-Za-z]+` \|/.test(line))).toHaveLength(DEFAULT_RULE_IDS.length);
  });
});
