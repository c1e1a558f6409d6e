import { z } from 'zod';
import { lazyInstance } from '../lazyInstance.js';

/**
 * What a protocol reference looks like: `sha256:` and the 64 hex digits of its content's hash.
 *
 * @example
 * ```ts
 * PROTOCOL_REF_PATTERN.test(protocolRefOf(engine.protocol)); // true
 * ```
 */
export const PROTOCOL_REF_PATTERN = /^sha256:[0-9a-f]{64}$/;

/**
 * Schema of a {@link ProtocolRecord}: one version of a clinic's protocol as a store holds it,
 * keyed by `ref`, the hash of its content ({@link protocolRefOf}).
 *
 * @example
 * ```ts
 * const stored = await store.loadProtocol(ref);
 * const checked = protocolRecordSchema.parse(stored); // throws on a damaged row
 * ```
 */
export const protocolRecordSchema = lazyInstance(() =>
  z.strictObject({
    /** `sha256:<hex>` of the protocol's canonical JSON: the same content always has the same ref. */
    ref: z.string().regex(PROTOCOL_REF_PATTERN, 'must be "sha256:" and 64 lowercase hex digits'),
    /** The definition whose protocol schema it passed. */
    definitionId: z.string().min(1),
    /** The validated protocol, every default filled in (a JSON object). */
    protocol: z.record(z.string(), z.unknown()),
    /** When a store first stored it (ISO 8601). */
    createdAt: z.string(),
  }),
);

/**
 * One version of a clinic's protocol, stored once and referred to by every journey that started
 * under it (or was migrated to it): snapshots and start entries hold its `ref`, not a copy.
 * Stores keep it with the first commit that brings it and never change or delete it.
 *
 * @example
 * ```ts
 * const start = (await engine.history(id))[0]!;
 * const record: ProtocolRecord | undefined = await store.loadProtocol(start.payload['protocolRef'] as string);
 * record?.protocol; // the protocol the journey started under
 * ```
 *
 * @useDeclaredType
 */
export type ProtocolRecord = z.infer<typeof protocolRecordSchema>;
