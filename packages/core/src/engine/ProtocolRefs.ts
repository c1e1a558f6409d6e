import { freezeNew } from '../store/freezeNew.js';
import { CareJourneyError } from '../errors.js';
import type { JourneyStore } from '../store/JourneyStore.js';
import { PROTOCOL_REF_PATTERN, protocolRecordSchema, type ProtocolRecord } from '../store/protocolRecord.js';
import { protocolRefOf } from '../store/protocolRefOf.js';
import type { PersistedSnapshot } from '../store/records.js';

/** The key of the object a stored snapshot holds in place of its context's protocol. */
export const PROTOCOL_REF_KEY = '$protocolRef';

/** How many protocols an engine keeps parsed; clinics have a handful of versions. */
const CAPACITY = 64;

type JsonObject = Record<string, unknown>;

const isPlainObject = (value: unknown): value is JsonObject => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

/** The ref a stored snapshot's context holds for its protocol, or `undefined` when it holds none. */
export function storedProtocolRef(context: unknown): string | undefined {
  if (!isPlainObject(context)) return undefined;
  const slot = context['protocol'];
  if (!isPlainObject(slot)) return undefined;
  const keys = Object.keys(slot);
  const ref = slot[PROTOCOL_REF_KEY];
  return keys.length === 1 && typeof ref === 'string' ? ref : undefined;
}

/** A persisted snapshot with `context.protocol` replaced by the object that names it by `ref`. */
export function withProtocolRef(persisted: PersistedSnapshot, ref: string): PersistedSnapshot {
  return { ...persisted, context: { ...persisted.context, protocol: refObject(ref) } };
}

/** The `{ $protocolRef }` objects handed out, one frozen object per ref (protocols are few). */
const refObjects = new Map<string, Readonly<Record<string, string>>>();

/** `{ $protocolRef: ref }`, frozen, the same object for every snapshot of a ref. */
function refObject(ref: string): Readonly<Record<string, string>> {
  let object = refObjects.get(ref);
  if (!object) {
    object = Object.freeze({ [PROTOCOL_REF_KEY]: ref });
    // Bounded: a process that sees ever new protocols gets new objects past this many.
    if (refObjects.size < 256) refObjects.set(ref, object);
  }
  return object;
}

/**
 * An engine's protocols by reference. Stores keep each protocol once ({@link ProtocolRecord});
 * a stored snapshot holds `{ $protocolRef: ref }` in place of `context.protocol`, and the engine
 * puts the protocol back when it loads the snapshot. Protocols read back are checked against
 * their ref (a damaged row cannot pass for a protocol), frozen and shared by every journey of
 * this engine that refers to them.
 *
 * @example
 * ```ts
 * const refs = new ProtocolRefs('ketamine-anxiety');
 * const { snapshot, ref } = refs.toStored(persisted); // context.protocol → { $protocolRef: ref }
 * const restored = await refs.fromStored(store, journeyId, snapshot); // and back
 * ```
 */
export class ProtocolRefs {
  readonly #refOf = new WeakMap<object, string>();
  readonly #byRef = new Map<string, JsonObject>();
  /** Refs this engine saw the store hold: committed by it, or read from it. */
  readonly #stored = new Set<string>();

  constructor(readonly definitionId: string) {}

  /** The ref of a protocol object, hashed once per object. */
  refOf(protocol: JsonObject): string {
    let ref = this.#refOf.get(protocol);
    if (ref === undefined) {
      ref = protocolRefOf(protocol);
      this.#refOf.set(protocol, ref);
    }
    return ref;
  }

  /** Freezes a protocol (the engine's own, or one a snapshot brought) and remembers its ref. */
  adopt(protocol: JsonObject): string {
    const ref = this.refOf(freezeNew(protocol));
    this.#keep(ref, protocol);
    return ref;
  }

  /**
   * The snapshot as a store keeps it: `context.protocol`, when it is a JSON object, replaced by
   * its ref. Shares everything else. `protocol` is what the ref names.
   */
  toStored(persisted: PersistedSnapshot): { snapshot: PersistedSnapshot; ref?: string; protocol?: JsonObject } {
    const protocol = persisted.context['protocol'];
    if (!isPlainObject(protocol) || storedProtocolRef(persisted.context) !== undefined) return { snapshot: persisted };
    const ref = this.refOf(protocol);
    if (!this.#byRef.has(ref)) this.#keep(ref, freezeNew(protocol));
    return { snapshot: withProtocolRef(persisted, ref), ref, protocol };
  }

  /** The record a commit must bring for a protocol it refers to, unless the store is known to hold it. */
  recordFor(ref: string | undefined, protocol: JsonObject | undefined, createdAt: string): ProtocolRecord[] {
    if (ref === undefined || protocol === undefined || this.#stored.has(ref)) return [];
    return [{ ref, definitionId: this.definitionId, protocol, createdAt }];
  }

  /** Notes that a commit bringing these protocols was acknowledged. */
  committed(records: readonly ProtocolRecord[] | undefined): void {
    for (const record of records ?? []) this.#stored.add(record.ref);
  }

  /**
   * A stored snapshot with its protocol back in `context.protocol`. A snapshot without a ref
   * (stored before protocols were kept by reference) is returned as it is. Throws
   * `CJ_ERR_CORRUPT_SNAPSHOT` when the store lacks the protocol or holds something else under its ref.
   */
  async fromStored(store: JourneyStore, journeyId: string, raw: unknown): Promise<unknown> {
    const context = isPlainObject(raw) ? raw['context'] : undefined;
    const ref = storedProtocolRef(context);
    if (ref === undefined) return raw;
    const protocol = await this.resolve(store, journeyId, ref);
    return { ...(raw as JsonObject), context: { ...(context as JsonObject), protocol } };
  }

  /** The protocol stored under `ref`: from memory, or read from the store once and checked. */
  async resolve(store: JourneyStore, journeyId: string, ref: string): Promise<JsonObject> {
    const known = this.#byRef.get(ref);
    if (known) {
      this.#keep(ref, known);
      return known;
    }
    const broken = (what: string) =>
      new CareJourneyError(
        'CJ_ERR_CORRUPT_SNAPSHOT',
        `Journey "${journeyId}" cannot be loaded: the protocol its snapshot refers to ${what}. The stored journey was left untouched; restore the protocol from backup.`,
        { journeyId },
      );
    if (!PROTOCOL_REF_PATTERN.test(ref)) throw broken('is named by a malformed reference');
    let stored: unknown;
    try {
      stored = await store.loadProtocol(ref);
    } catch (error) {
      // A store that cannot read its row names the ref; the refusal names the journey too.
      if (error instanceof CareJourneyError && error.code === 'CJ_ERR_CORRUPT_SNAPSHOT') throw broken(`(${ref}) is stored malformed`);
      throw error;
    }
    if (stored === undefined) throw broken(`(${ref}) is not in the store`);
    const parsed = protocolRecordSchema.safeParse(stored);
    if (!parsed.success || parsed.data.ref !== ref) throw broken(`(${ref}) is stored malformed`);
    let actual: string;
    try {
      actual = protocolRefOf(parsed.data.protocol);
    } catch {
      throw broken(`(${ref}) is stored malformed`);
    }
    if (actual !== ref) throw broken(`(${ref}) is stored with other content than its reference names`);
    const protocol = parsed.data.protocol;
    freezeNew(protocol);
    this.#refOf.set(protocol, ref);
    this.#keep(ref, protocol);
    this.#stored.add(ref);
    return protocol;
  }

  #keep(ref: string, protocol: JsonObject): void {
    this.#byRef.delete(ref);
    this.#byRef.set(ref, protocol);
    if (this.#byRef.size > CAPACITY) {
      const oldest = this.#byRef.keys().next();
      if (!oldest.done) this.#byRef.delete(oldest.value);
    }
  }
}
