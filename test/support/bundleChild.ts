import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, resolve } from 'node:path';

/** The part of esbuild's API used here (esbuild comes with tsup; this package does not depend on it). */
interface Esbuild {
  readonly version: string;
  buildSync(options: Record<string, unknown>): { outputFiles: { text: string }[]; metafile: { inputs: Record<string, unknown> } };
}

const bundled = new Map<string, string>();

let esbuild: Esbuild | undefined;
const loadEsbuild = (): Esbuild => {
  const require = createRequire(import.meta.url);
  esbuild ??= createRequire(require.resolve('tsup'))('esbuild') as Esbuild;
  return esbuild;
};

/**
 * A script of a package's `test/children` bundled into one ES module (with the workspace sources
 * it imports, XState, zod, `pg`), so a child process starts with plain `node` instead of
 * compiling TypeScript through tsx at every start. Native modules (better-sqlite3) stay outside
 * the bundle: bundles are written under the package's `node_modules/.cache`, from where Node
 * finds them in the package's own `node_modules`. Bundles are cached under the hash of every file
 * that went into them: a change to any of those files builds a new one, an unchanged tree reuses it.
 */
export function bundleChild(packageDir: string, script: string): string {
  const entry = join(packageDir, 'test/children', script);
  const known = bundled.get(entry);
  if (known !== undefined) return known;
  const cacheDir = join(packageDir, 'node_modules/.cache/carejourney-test-children');
  const name = basename(script).replace(/\.ts$/, '');
  const manifest = join(cacheDir, `${name}.inputs.json`);
  mkdirSync(cacheDir, { recursive: true });
  // The inputs of the last build: if none changed, its bundle is still right.
  if (existsSync(manifest)) {
    const inputs = JSON.parse(readFileSync(manifest, 'utf8')) as string[];
    const hash = hashInputs(entry, inputs);
    const path = hash === undefined ? undefined : join(cacheDir, `${name}-${hash}.mjs`);
    if (path !== undefined && existsSync(path)) {
      bundled.set(entry, path);
      return path;
    }
  }
  const result = loadEsbuild().buildSync({
    absWorkingDir: packageDir,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // The package's tsconfig maps @carejourney/core to core's sources.
    tsconfig: join(packageDir, 'tsconfig.json'),
    // Native modules load their compiled addon from their own directory; pg's optional native
    // binding is loaded only on demand (pg.native), never by these scripts.
    external: ['better-sqlite3', 'pg-native'],
    // CommonJS dependencies (pg) call require, which an ES module does not have.
    banner: { js: "import { createRequire as cjCreateRequire } from 'node:module'; const require = cjCreateRequire(import.meta.url);" },
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs).map((input) => resolve(packageDir, input));
  const hash = hashInputs(entry, inputs)!;
  const path = join(cacheDir, `${name}-${hash}.mjs`);
  // Written aside and renamed: test files bundling at once never see half a file.
  const part = `${path}.${process.pid}.part`;
  writeFileSync(part, result.outputFiles[0]!.text);
  renameSync(part, path);
  writeFileSync(`${manifest}.${process.pid}.part`, JSON.stringify(inputs));
  renameSync(`${manifest}.${process.pid}.part`, manifest);
  // Bundles of older sources go once nobody can still be starting them.
  for (const file of readdirSync(cacheDir)) {
    const old = join(cacheDir, file);
    if (!file.startsWith(`${name}-`) || !file.endsWith('.mjs') || old === path) continue;
    const stat = statSync(old, { throwIfNoEntry: false });
    if (stat !== undefined && Date.now() - stat.mtimeMs > 3_600_000) rmSync(old, { force: true });
  }
  bundled.set(entry, path);
  return path;
}

/** The hash of the entry, esbuild's version and every input's path and contents; undefined when one is gone. */
function hashInputs(entry: string, inputs: readonly string[]): string | undefined {
  const hash = createHash('sha256').update(`${loadEsbuild().version}\0${entry}\0`);
  for (const input of inputs) {
    if (!existsSync(input)) return undefined;
    hash.update(`${input}\0`).update(readFileSync(input)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}
