import { nodeCrypto } from '../nodeCrypto.js';

/** Deeper than this a protocol is not JSON a clinic wrote; refusing it keeps the walk bounded. */
const MAX_DEPTH = 64;

/** JSON text of a value with every object's keys sorted, so equal content gives equal text. */
function canonical(value: unknown, depth: number): string {
  if (depth > MAX_DEPTH) throw new TypeError('protocol nests too deeply');
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError('protocol holds a value JSON cannot write');
    return text;
  }
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonical(item, depth + 1))).join(',')}]`;
  const keys = Object.keys(value)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key], depth + 1)}`).join(',')}}`;
}

/**
 * The reference of a protocol: `sha256:` and the SHA-256 of its canonical JSON (keys sorted).
 * Equal content, in whatever key order, has the same reference; any change gives another. The
 * engine stores each protocol once under it ({@link ProtocolRecord}) and checks a protocol read
 * back from a store against it.
 *
 * @example
 * ```ts
 * const ref = protocolRefOf(engine.protocol); // e.g. 'sha256:3f1c…'
 * (await store.loadProtocol(ref))?.protocol; // the same protocol, as stored
 * ```
 */
export function protocolRefOf(protocol: unknown): string {
  return `sha256:${nodeCrypto().createHash('sha256').update(canonical(protocol, 0)).digest('hex')}`;
}
