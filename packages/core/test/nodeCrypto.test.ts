import { createHash as staticCreateHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';

const SHA256_ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

describe('nodeCrypto', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.resetModules();
  });

  it("is Node's node:crypto, the same module on every call", async () => {
    const { nodeCrypto } = await import('../src/nodeCrypto.js');
    const crypto = nodeCrypto();
    expect(nodeCrypto()).toBe(crypto);
    expect(crypto.createHash).toBe(staticCreateHash);
    expect(crypto.createHash('sha256').update('abc').digest('hex')).toBe(SHA256_ABC);
    expect(crypto.randomUUID()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('loads it with require where Node has no process.getBuiltinModule (before 20.16)', async () => {
    const own = Object.getOwnPropertyDescriptor(process, 'getBuiltinModule');
    Object.defineProperty(process, 'getBuiltinModule', { value: undefined, configurable: true, writable: true });
    try {
      const { nodeCrypto } = await import('../src/nodeCrypto.js');
      expect(nodeCrypto().createHash).toBe(staticCreateHash);
      expect(nodeCrypto().createHash('sha256').update('abc').digest('hex')).toBe(SHA256_ABC);
    } finally {
      if (own) Object.defineProperty(process, 'getBuiltinModule', own);
      else delete (process as { getBuiltinModule?: unknown }).getBuiltinModule;
    }
  });
});
