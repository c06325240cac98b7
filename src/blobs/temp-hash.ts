import type { TempHash } from './blob-store.js';
import { OffThreadSha256 } from './hash-thread.js';

/**
 * The disk store's TempHash: a SHA-256 on the hashing thread and how many bytes it has seen. A failed write drops
 * it, and a dropped one is never continued or trusted (adopt then reads the file back, as without one).
 */
export class RunningTempHash implements TempHash {
  private seen = 0;
  private hash: OffThreadSha256 | undefined = new OffThreadSha256();

  get size(): number {
    return this.seen;
  }

  /** The hash for a write at `offset`; a hash that has seen another number of bytes is dropped (undefined). */
  continueAt(offset: number): OffThreadSha256 | undefined {
    if (this.seen !== offset) {
      this.drop();
    }
    return this.hash;
  }

  /** A write that continued it succeeded with `bytes` more. */
  advance(bytes: number): void {
    if (this.hash) {
      this.seen += bytes;
    }
  }

  drop(): void {
    this.hash?.drop();
    this.hash = undefined;
  }

  /** The digest when it has seen exactly `size` bytes, else undefined; it is used up either way. */
  async digestOf(size: number): Promise<string | undefined> {
    const hash = this.hash;
    this.hash = undefined;
    if (!hash) {
      return undefined;
    }
    if (this.seen !== size) {
      hash.drop();
      return undefined;
    }
    return hash.digest();
  }
}
