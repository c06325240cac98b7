import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/* Process helpers shared by the benchmark scripts that start Atelier (or a peer) as a child process. */

/** A TCP port free on loopback right now. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => res(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** Polls `url` until it answers 2xx (up to two minutes); fails at once when the child exits. */
export async function waitFor(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    if (child.exitCode !== null) {
      throw new Error(`server exited with ${child.exitCode}`);
    }
    try {
      if ((await fetch(url)).ok) {
        return;
      }
    } catch {
      // not yet listening
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer`);
}

/** SIGTERM, then resolves when the child has exited. */
export function stop(child: ChildProcess): Promise<void> {
  return new Promise((res) => {
    if (child.exitCode !== null) {
      res();
      return;
    }
    child.once('exit', () => res());
    child.kill('SIGTERM');
  });
}
