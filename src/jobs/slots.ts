/**
 * A worker's CPU slots: at most `size` runs hold one at a time; the others wait in arrival order. A slot freed while
 * someone waits passes straight to the first waiter (no poll, no claim in between), which is what lets a run that
 * prepared itself ahead (JobDefinition.acquiresSlot) start its CPU work the moment another run's ends.
 */
export class Slots {
  private held = 0;
  private readonly waiters: Array<{ grant: () => void }> = [];

  constructor(private readonly size: number) {}

  /** Slots held now. */
  get holding(): number {
    return this.held;
  }

  /** Takes a slot if one is free and nobody waits for one; says whether it did. */
  tryAcquire(): boolean {
    if (this.held < this.size && this.waiters.length === 0) {
      this.held++;
      return true;
    }
    return false;
  }

  /** Resolves once the caller holds a slot; rejects with the signal's reason if it aborts first (no slot taken). */
  acquire(signal: AbortSignal): Promise<void> {
    if (signal.aborted) {
      return Promise.reject(signal.reason as Error);
    }
    if (this.tryAcquire()) {
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(signal.reason as Error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Gives a held slot back: to the first waiter if there is one, else to the pool. */
  release(): void {
    const next = this.waiters.shift();
    if (next) {
      next.grant();
    } else {
      this.held--;
    }
  }
}
