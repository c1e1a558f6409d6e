import { fileURLToPath } from 'node:url';
import { spawnChild as spawnPackageChild, type Child } from '../../../../test/support/spawnChild.js';

export { sleep, type Child } from '../../../../test/support/spawnChild.js';

const packageDir = fileURLToPath(new URL('../../', import.meta.url));

/** Runs a script of this package's `test/children` in its own Node process (bundled once, run by plain `node`). */
export function spawnChild(script: string, config: unknown, nodeArgs: readonly string[] = []): Child {
  return spawnPackageChild(packageDir, script, config, nodeArgs);
}
