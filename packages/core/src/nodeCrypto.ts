import { createRequire } from 'node:module';
import type * as Crypto from 'node:crypto';

// Loading node:crypto costs about 9 ms of CPU in a fresh Node 20 process, about half of what
// importing this package adds to importing xstate and zod; the engine needs it only to hash a
// protocol and to make a journey id. So it is loaded on first use, once per process.
let loaded: typeof Crypto | undefined;

/**
 * Node's `node:crypto`, loaded on first call (then the same module): `process.getBuiltinModule`
 * where Node has it (20.16 and later), else `require` (for a built-in module, the base path given
 * to `createRequire` is never read). Internal to the package.
 *
 * @example
 * ```ts
 * const id = nodeCrypto().randomUUID();
 * ```
 */
export function nodeCrypto(): typeof Crypto {
  loaded ??= (process.getBuiltinModule as typeof process.getBuiltinModule | undefined)?.('node:crypto') ?? (createRequire(`${process.cwd()}/`)('node:crypto') as typeof Crypto);
  return loaded;
}
