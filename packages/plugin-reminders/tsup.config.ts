import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', sqlite: 'src/sqlite.ts' },
  format: ['esm', 'cjs'],
  // tsconfig.build.json drops the workspace `paths`, so the declarations import
  // '@carejourney/core' instead of inlining its types.
  tsconfig: 'tsconfig.build.json',
  dts: { compilerOptions: { ignoreDeprecations: '6.0' } },
  sourcemap: true,
  clean: true,
  target: 'node20',
  external: ['@carejourney/core', 'better-sqlite3', 'zod', 'eventemitter3'],
});
