// Every ```ts block of README.md type-checks and runs, standalone, importing the packages by name.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it, vi } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
// Inside the package, so the workspace's tsconfig paths and the test runner's aliases apply.
const dir = join(packageDir, '.readme-blocks');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const files = blocks.map((code, i) => {
  const file = join(dir, `block-${i + 1}.ts`);
  writeFileSync(file, code);
  return file;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('README.md', () => {
  it('has code blocks', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
  });

  it('code blocks type-check', () => {
    const config = ts.readConfigFile(join(packageDir, 'tsconfig.json'), ts.sys.readFile.bind(ts.sys));
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, packageDir);
    const program = ts.createProgram(files, { ...parsed.options, noEmit: true });
    // Only the blocks are checked: the packages they import are type-checked by `pnpm typecheck`.
    const diagnostics = files.flatMap((f) => {
      const source = program.getSourceFile(f);
      return source ? [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)] : [];
    });
    const text = diagnostics.map((d) => `${d.file?.fileName.split('/').pop() ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(text).toEqual([]);
  }, 60_000);

  it.each(files.map((f, i) => [i + 1, f] as const))('code block %i runs', async (_n, file) => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await import(pathToFileURL(file).href);
      expect(log).toHaveBeenCalled();
    } finally {
      log.mockRestore();
    }
  });
});
