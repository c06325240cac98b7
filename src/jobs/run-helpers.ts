import { createHash } from 'node:crypto';
import type { RegisteredJob } from './registry.js';

/* Small pieces of a worker's run, kept apart so worker.ts reads as the run's story. */

/** Why a handler's signal aborted; its `kind` decides what happens to the row. */
export class AbortReason extends Error {
  constructor(
    readonly kind: 'timeout' | 'lost' | 'shutdown',
    message: string,
  ) {
    super(message);
    this.name = kind === 'timeout' ? 'JobTimeoutError' : 'JobAbortedError';
  }
}

/** A stable UUID-shaped id for (schedule name, period start): the same in every process. */
export function periodJobId(name: string, periodStartMs: number): string {
  const h = createHash('sha256').update(`schedule:${name}:${periodStartMs}`).digest('hex');
  // UUID layout, version nibble 8 ("custom", RFC 9562), variant 10xx.
  const variant = ((parseInt(h[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The stored payload, parsed and checked against the current schema (an error says why it can never run). */
export function parsePayload(registered: RegisteredJob, text: string): { value: unknown; error?: undefined } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: 'The stored payload is not JSON.' };
  }
  // The schema may have changed since the job was queued: such a payload can never run, so the job goes dead.
  if (!registered.check.Check(value)) {
    const first = registered.check.Errors(value).First();
    return { error: `The payload no longer matches the schema of ${registered.definition.name}: ${first?.path ?? ''} ${first?.message ?? ''}` };
  }
  return { value };
}

/** Settles with the handler, or rejects as soon as the signal aborts (a handler that ignores its signal is abandoned). */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
