// Every ```ts block of README.md type-checks and runs, standalone, importing the packages by name.
//
// The type-check is one TypeScript program whose only roots are the blocks (and a canary block with
// known errors), with the package's strict options, skipLibCheck, and @carejourney/* resolved to the
// sources through the workspace's paths. Only the blocks are checked: the packages they import are
// type-checked by `pnpm typecheck`. Most of its cost is inferring the journey definition's type from
// core's sources, which the quickstart needs (a block referring to `ketamineAnxietyJourney` costs
// that much on its own); nothing else of the workspace is checked.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const workspaceDir = join(packageDir, '../..');
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

// A block with one deliberate error a line (numbered from 1), each caught only with the settings
// the blocks must meet: if the check stops reporting any of them, it checks nothing.
const CANARY = [
  "import { createEngine, ketamineAnxietyJourney, MemoryStore } from '@carejourney/core';",
  "import { GAD7, scoreResponse, type ResponseSubmission } from '@carejourney/plugin-screening';",
  'const item: { linkId: string } = GAD7.items[0];',
  'const total: number = scoreResponse(GAD7, {}).total;',
  "const submission: ResponseSubmission = { instrument: 'GAD-7', answers: {}, responseRef: undefined };",
  "await createEngine({ definition: ketamineAnxietyJourney, store: new MemoryStore() }).send('j-1', { type: 'referral.acceptd' }, { actor: { id: 'c-1', role: 'coordinator' } });",
  'console.log(item, total, submission);',
  'export {};',
].join('\n');
/** The canary's error lines and what each one proves. */
const CANARY_ERRORS: Record<number, RegExp> = {
  3: /undefined/, // noUncheckedIndexedAccess
  4: /null/, // strict (strictNullChecks)
  5: /exactOptionalPropertyTypes/, // exactOptionalPropertyTypes
  6: /referral\.acceptd/, // the journey's events, typed from core's sources
};
const canary = join(dir, 'canary.ts');
writeFileSync(canary, CANARY);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Checked {
  readonly program: ts.Program;
  readonly options: ts.CompilerOptions;
  /** Every diagnostic of a root file: its line and message. */
  readonly diagnostics: ReadonlyMap<string, { line: number; text: string }[]>;
}

/** One program over the blocks and the canary; diagnostics of those files only. */
function typeCheck(): Checked {
  const config = ts.readConfigFile(join(packageDir, 'tsconfig.json'), ts.sys.readFile.bind(ts.sys));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, packageDir);
  const options: ts.CompilerOptions = { ...parsed.options, noEmit: true, skipLibCheck: true };
  const program = ts.createProgram([...files, canary], options);
  const diagnostics = new Map<string, { line: number; text: string }[]>();
  for (const file of [...files, canary]) {
    const source = program.getSourceFile(file);
    if (!source) throw new Error(`${file} is not in the program`);
    diagnostics.set(
      file,
      [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) => ({
        line: d.start === undefined ? 0 : source.getLineAndCharacterOfPosition(d.start).line + 1,
        text: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
      })),
    );
  }
  return { program, options, diagnostics };
}

let checked: Checked;

describe('README.md', () => {
  it('has code blocks', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
  });

  describe('type-check', () => {
    // One program for every test below. It is CPU-bound; the timeout leaves room for a machine
    // whose cores are shared with other test files (as the workspace's own README test does).
    beforeAll(() => {
      checked = typeCheck();
    }, 120_000);

    it('the code blocks type-check', () => {
      const text = files.flatMap((f) => (checked.diagnostics.get(f) ?? []).map((d) => `${f.split(sep).pop() ?? ''}:${d.line}: ${d.text}`));
      expect(text).toEqual([]);
    });

    it('with the strict settings, skipLibCheck, and the blocks alone as roots', () => {
      expect(checked.options).toMatchObject({ strict: true, noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true, noImplicitOverride: true, skipLibCheck: true, noEmit: true });
      // Nothing of the workspace is a root: its sources come in only as the blocks import them.
      expect(checked.program.getRootFileNames()).toEqual([...files, canary]);
      expect(checked.program.getSourceFiles().filter((f) => f.fileName.includes('/plugin-screening/test/'))).toEqual([]);
    });

    it('resolving @carejourney/* to the sources, not to built output', () => {
      const names = checked.program.getSourceFiles().map((f) => f.fileName);
      expect(names).toContain(join(packageDir, 'src/index.ts').split(sep).join('/'));
      expect(names).toContain(join(workspaceDir, 'packages/core/src/index.ts').split(sep).join('/'));
      expect(names.filter((n) => n.includes('/packages/') && n.includes('/dist/'))).toEqual([]);
    });

    it('fails on a type error in a block: the canary reports each of its errors', () => {
      const found = checked.diagnostics.get(canary) ?? [];
      expect(found.map((d) => d.line).sort((a, b) => a - b)).toEqual(Object.keys(CANARY_ERRORS).map(Number));
      for (const d of found) expect(d.text, `canary line ${d.line}`).toMatch(CANARY_ERRORS[d.line] ?? /^$/);
    });
  });

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
