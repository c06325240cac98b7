import { Worker } from 'node:worker_threads';

/*
 * Worker threads that answer requests: the hashing thread (hash-thread.ts) and the durable file-system threads
 * (durable-fs.ts). A thread starts on first use, keeps the process alive only while an answer is awaited, and is
 * replaced if it dies (its awaited requests fail).
 *
 * The thread's source is plain CommonJS evaluated in the worker, so it runs the same from dist/, from the TypeScript
 * sources and bundled into a bench. It posts exactly one `{ key, ...answer }` per request carrying a `key`, or
 * `{ key, error: { message, code, syscall, path, errno } }`, which rejects the request with an Error carrying those.
 */

interface Pending {
  resolve: (answer: Record<string, unknown>) => void;
  reject: (err: Error) => void;
}

type ErrorFields = { message: string; code?: string; syscall?: string; path?: string; errno?: number };

/** An error answered by a thread, rebuilt with its errno fields, so callers can test `code` as with node:fs. */
function rebuild(fields: ErrorFields): Error {
  return Object.assign(new Error(fields.message), fields);
}

export class ServiceThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextKey = 0;
  dead = false;

  constructor(source: string) {
    // No execArgv: the thread needs neither the TypeScript loader nor the parent's V8 flags.
    this.worker = new Worker(source, { eval: true, execArgv: [], resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 } });
    this.worker.on('message', (m: { key: number; error?: ErrorFields }) => {
      const p = this.pending.get(m.key);
      this.pending.delete(m.key);
      this.refWhileBusy();
      if (m.error) {
        p?.reject(rebuild(m.error));
      } else {
        p?.resolve(m);
      }
    });
    const fail = (err: Error): void => {
      this.dead = true;
      for (const p of this.pending.values()) {
        p.reject(err);
      }
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`A service thread exited (code ${code}).`)));
    // After the listeners: adding a 'message' listener refs the worker again.
    this.worker.unref();
  }

  /** Requests awaiting an answer. */
  get load(): number {
    return this.pending.size;
  }

  /** Keeps the process alive while an answer is awaited (a CLI waiting on a write), and never when idle. */
  private refWhileBusy(): void {
    if (this.pending.size > 0) {
      this.worker.ref();
    } else {
      this.worker.unref();
    }
  }

  /** Sends a request and resolves with the thread's answer; `transfer` lists buffers moved to the thread, not copied. */
  call(message: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<Record<string, unknown>> {
    const key = this.nextKey++;
    return new Promise((resolve, reject) => {
      this.pending.set(key, { resolve, reject });
      this.refWhileBusy();
      this.worker.postMessage({ ...message, key }, transfer);
    });
  }

  /** Sends a message that gets no answer. */
  tell(message: Record<string, unknown>): void {
    if (!this.dead) {
      this.worker.postMessage(message);
    }
  }
}

/**
 * Up to `max` threads running `source`, started as needed: a request goes to an idle thread, or to a new one while
 * there are fewer than `max`, else to the least busy.
 */
export class ServiceThreads {
  private threads: ServiceThread[] = [];

  constructor(
    private readonly source: string,
    private readonly max: number,
  ) {}

  pick(): ServiceThread {
    this.threads = this.threads.filter((t) => !t.dead);
    let best: ServiceThread | undefined;
    for (const t of this.threads) {
      if (!best || t.load < best.load) {
        best = t;
      }
    }
    if (best && (best.load === 0 || this.threads.length >= this.max)) {
      return best;
    }
    const started = new ServiceThread(this.source);
    this.threads.push(started);
    return started;
  }
}
