import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** SHA-256 (hex) of a file's bytes, or of its first `length` bytes; `into` receives the bytes too (a running hash). */
export async function sha256File(path: string, opts: { length?: number; into?: Hash } = {}): Promise<string> {
  const hash = opts.into ?? createHash('sha256');
  if (opts.length === 0) {
    return opts.into ? '' : hash.digest('hex');
  }
  const stream = createReadStream(path, opts.length !== undefined ? { end: opts.length - 1 } : {});
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
  }
  return opts.into ? '' : hash.digest('hex');
}
