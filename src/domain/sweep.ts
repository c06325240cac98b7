/**
 * The loop of a periodic sweep (scheduled deletion, due-date reminders): reads up to `batchSize` due rows, acts on
 * each in its own transaction (`act` answers whether it did), and reads again until a batch comes back short. A row
 * skipped by `act` (changed or claimed meanwhile) would be read again, so a batch where nothing was done ends it.
 */
export async function sweepInBatches<T>(
  opts: { batchSize: number; signal?: AbortSignal | undefined },
  read: (limit: number) => Promise<T[]>,
  act: (row: T) => Promise<boolean>,
): Promise<number> {
  let total = 0;
  for (;;) {
    opts.signal?.throwIfAborted();
    const due = await read(opts.batchSize);
    let done = 0;
    for (const row of due) {
      done += (await act(row)) ? 1 : 0;
    }
    total += done;
    if (due.length < opts.batchSize || done === 0) {
      return total;
    }
  }
}
