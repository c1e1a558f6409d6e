import { EventEmitter } from 'eventemitter3';
import type { EffectNotice, EngineEvents, PluginErrorNotice } from './EngineEvents.js';

/** Every bus name: the built-in notices and any effect type a journey emits. */
type BusEvents = EngineEvents & { readonly [effect: string]: (notice: EffectNotice) => void };
type AnyListener = (notice: never) => unknown;

const describe = (error: unknown): string => {
  try {
    return error instanceof Error ? String(error.message) : String(error);
  } catch {
    return 'a value that cannot be described';
  }
};

/**
 * The engine's bus: eventemitter3's typed emitter, with every listener isolated. A listener
 * that throws, or returns a promise that rejects, is reported as `plugin.error` (hook
 * `listener`) and the others still run; nothing becomes an unhandled rejection. Registering a
 * listener twice registers it twice, and each `off` removes one registration (the latest), as
 * Node's EventEmitter does; the other listeners keep the order they were registered in.
 */
export class EngineBus {
  readonly #emitter = new EventEmitter<BusEvents>();

  on(name: string, listener: AnyListener): void {
    this.#emitter.on(name, listener as never);
  }

  off(name: string, listener: AnyListener): void {
    const listeners = this.#emitter.listeners(name) as unknown[];
    const index = listeners.lastIndexOf(listener);
    if (index === -1) return;
    // eventemitter3 removes every registration of a function at once: rebuild the list without
    // this one registration, so the others keep their order. Removing is rare; emitting is not.
    listeners.splice(index, 1);
    this.#emitter.removeAllListeners(name);
    for (const l of listeners) this.#emitter.on(name, l as never);
  }

  /** True when someone listens to `name`. */
  has(name: string): boolean {
    return this.#emitter.listenerCount(name) > 0;
  }

  emit(name: string, notice: unknown): void {
    for (const listener of this.#emitter.listeners(name) as ((n: unknown) => unknown)[]) {
      try {
        const returned = listener(notice);
        if (returned !== null && typeof returned === 'object' && typeof (returned as { then?: unknown }).then === 'function') {
          (returned as PromiseLike<unknown>).then(undefined, (error: unknown) => this.#failed(name, notice, error));
        }
      } catch (error) {
        this.#failed(name, notice, error);
      }
    }
  }

  #failed(name: string, notice: unknown, error: unknown): void {
    // A failing `plugin.error` listener is not reported again: that could loop forever.
    if (name === 'plugin.error') return;
    const journeyId = notice !== null && typeof notice === 'object' ? (notice as { journeyId?: unknown }).journeyId : undefined;
    const report: PluginErrorNotice = {
      plugin: 'listener',
      hook: 'listener',
      message: describe(error),
      error,
      ...(typeof journeyId === 'string' ? { journeyId } : {}),
    };
    this.emit('plugin.error', report);
  }
}
