import type { Deliver, ReminderMessage } from './ReminderMessage.js';

export type AttemptResult = { readonly ok: true } | { readonly ok: false; readonly permanent: boolean; readonly code: string | null };

const CODE = /^[A-Za-z0-9_.:-]{1,50}$/;
const codeOf = (value: unknown): string | null => (typeof value === 'string' && CODE.test(value) ? value : null);

/**
 * One call of the host's `deliver`, bounded by a timeout. A throw, a rejection, a refusal or a
 * timeout is a failure; only a short error code is kept (a host's message may quote a phone
 * number or an address).
 *
 * @example
 * ```ts
 * const result = await attemptDelivery(deliver, message, 30_000);
 * if (!result.ok && !result.permanent) scheduleRetry();
 * ```
 */
export async function attemptDelivery(deliver: Deliver, message: ReminderMessage, timeoutMs: number): Promise<AttemptResult> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<AttemptResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, permanent: false, code: 'timeout' }), timeoutMs);
    timer.unref?.();
  });
  const call = (async (): Promise<AttemptResult> => {
    try {
      const result = await deliver(message);
      if (result && typeof result === 'object' && 'ok' in result && result.ok === false) {
        return { ok: false, permanent: result.permanent === true, code: codeOf(result.code) };
      }
      return { ok: true };
    } catch (error) {
      return { ok: false, permanent: false, code: codeOf((error as { code?: unknown } | null)?.code) };
    }
  })();
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
