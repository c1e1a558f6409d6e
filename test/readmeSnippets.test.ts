// Documentation is code: every TypeScript block of the root README and of every package README
// (packages/*/README.md, whoever adds the package) is type-checked against the sources and run.
// A block marked ```ts no-run is type-checked only; keep those rare. A package whose blocks need
// a service of their own (a database) may run them in its own `test/readme.test.ts` instead;
// this test then checks that the file exists and reads its README.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../', import.meta.url));
const packagesDir = join(root, 'packages');
const SNIPPETS = '.readme-snippets';

interface Block {
  readonly readme: string;
  readonly line: number;
  readonly code: string;
  readonly noRun: boolean;
  file: string;
}

/** Every package of the workspace: its name and its directory. */
const workspacePackages = readdirSync(packagesDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(packagesDir, d.name, 'package.json')))
  .map((d) => ({ dir: join(packagesDir, d.name), name: (JSON.parse(readFileSync(join(packagesDir, d.name, 'package.json'), 'utf8')) as { name: string }).name }));

/** `@carejourney/x` and its subpath exports (`/testing`, `/sqlite`) resolve to the sources, as in the tests. */
const paths: Record<string, string[]> = {};
for (const pkg of workspacePackages) {
  paths[pkg.name] = [join(pkg.dir, 'src/index.ts')];
  const exported = (JSON.parse(readFileSync(join(pkg.dir, 'package.json'), 'utf8')) as { exports?: Record<string, unknown> }).exports ?? {};
  for (const subpath of Object.keys(exported)) {
    const source = join(pkg.dir, 'src', `${subpath.replace(/^\.\//, '')}.ts`);
    if (subpath.startsWith('./') && subpath !== './package.json' && existsSync(source)) paths[`${pkg.name}/${subpath.slice(2)}`] = [source];
  }
}

/** The ```ts blocks of a README, with their line numbers. */
function blocksOf(readme: string): Block[] {
  const lines = readFileSync(readme, 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(ts|typescript)(\s+.*)?$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i]!);
    blocks.push({ readme, line: start + 1, code: body.join('\n'), noRun: /\bno-run\b/.test(open[2] ?? ''), file: '' });
  }
  return blocks;
}

const readmes = [join(root, 'README.md'), ...workspacePackages.map((p) => join(p.dir, 'README.md')).filter(existsSync)];
/** Packages whose README blocks need a service and run in the package's own test. */
const ownRunner = (readme: string) => readme !== join(root, 'README.md') && existsSync(join(readme, '../test/readme.test.ts'));

// Each README's blocks go next to its package, so their imports resolve as the package's own do.
const written: string[] = [];
const all: Block[] = [];
for (const readme of readmes) {
  // The root README's blocks use the core package's dependencies (zod, xstate).
  const isRoot = readme === join(root, 'README.md');
  const dir = join(isRoot ? join(packagesDir, 'core') : join(readme, '..'), SNIPPETS, isRoot ? 'root' : 'package');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // The blocks' tsconfig sits in the blocks' directory (relative paths below are from there).
  written.push(dir);
  blocksOf(readme).forEach((block, n) => {
    block.file = join(dir, `block-${n + 1}-line-${block.line}.ts`);
    // A block without imports is a script; `export {}` makes it a module (top-level await).
    writeFileSync(block.file, `${block.code}\nexport {};\n`);
    all.push(block);
  });
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: relative(dir, join(root, 'tsconfig.base.json')), compilerOptions: { paths }, include: ['./*.ts'] }));
}

afterAll(() => {
  for (const dir of written) rmSync(join(dir, '..'), { recursive: true, force: true });
});

/** tsx's loader, by path: the blocks run in a temporary directory that has no node_modules. */
const tsxLoader = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;

describe('README code blocks', () => {
  it('there are blocks to check in the root README and in every package README', () => {
    for (const readme of readmes) {
      if (readme === join(root, 'README.md') || readme.includes('/packages/core/') || readme.includes('/packages/store-sqlite/')) {
        expect(all.filter((b) => b.readme === readme).length, relative(root, readme)).toBeGreaterThan(0);
      }
    }
  });

  it('type-check against the sources (tsc, the repository settings)', { timeout: 120_000 }, () => {
    const config = ts.readConfigFile(join(root, 'tsconfig.base.json'), (f) => ts.sys.readFile(f));
    const { options } = ts.parseJsonConfigFileContent({ ...config.config, compilerOptions: { ...config.config.compilerOptions, paths } }, ts.sys, root);
    const program = ts.createProgram(
      all.map((b) => b.file),
      { ...options, noEmit: true },
    );
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file === undefined || all.some((b) => b.file === d.file!.fileName))
      .map((d) => {
        const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
        if (!d.file || d.start === undefined) return message;
        const block = all.find((b) => b.file === d.file!.fileName)!;
        const { line } = d.file.getLineAndCharacterOfPosition(d.start);
        return `${relative(root, block.readme)}:${block.line + 1 + line}: ${message}`;
      });
    expect(problems).toEqual([]);
  });

  for (const readme of readmes) {
    const name = relative(root, readme);
    if (ownRunner(readme)) {
      it(`${name}: its package's own test runs its blocks`, () => {
        expect(readFileSync(join(readme, '../test/readme.test.ts'), 'utf8')).toContain('README.md');
      });
      continue;
    }
    it(`${name}: every block runs`, { timeout: 120_000 }, async () => {
      const blocks = all.filter((b) => b.readme === readme && !b.noRun);
      // In a directory of its own: blocks that create files (a SQLite database) leave nothing behind.
      const cwd = mkdtempSync(join(tmpdir(), 'carejourney-readme-'));
      try {
        const runner = join(cwd, 'run.mjs');
        writeFileSync(
          runner,
          [
            "import { pathToFileURL } from 'node:url';",
            'for (const file of process.argv.slice(2)) {',
            '  try { await import(pathToFileURL(file).href); }',
            "  catch (error) { console.error(`FAILED ${file}\\n${error?.stack ?? error}`); process.exit(1); }",
            '}',
          ].join('\n'),
        );
        const tsconfig = join(blocks[0]?.file ?? '', '../tsconfig.json');
        const result = await run(process.execPath, ['--import', tsxLoader, runner, ...blocks.map((b) => b.file)], {
          cwd,
          env: { ...process.env, TSX_TSCONFIG_PATH: tsconfig, NODE_NO_WARNINGS: '1' },
          timeout: 100_000,
        }).then(
          () => '',
          (error: { stderr?: string }) => error.stderr ?? String(error),
        );
        const failed = /FAILED (.*)/.exec(result)?.[1];
        const block = blocks.find((b) => b.file === failed);
        expect(result, block ? `${name}:${block.line} failed` : name).toBe('');
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    });
  }
});
