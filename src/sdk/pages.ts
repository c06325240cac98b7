/*
 * Async iterators over the API's lists. Cursor lists answer the next page's cursor in the body (`next_cursor`:
 * search, tasks) or in the `x-next-cursor` header (history, trash, notifications); both stop when it is null.
 */

export interface Page<T> {
  items: T[];
  next: string | null | undefined;
}

/** Every item of every page, fetching the next page only when the caller gets that far. */
export async function* paginate<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>): AsyncGenerator<T, void, undefined> {
  let cursor: string | undefined;
  const seen = new Set<string>();
  do {
    const page = await fetchPage(cursor);
    yield* page.items;
    cursor = page.next ?? undefined;
    // A server that answered the same cursor twice would loop forever.
    if (cursor !== undefined && seen.has(cursor)) {
      return;
    }
    if (cursor !== undefined) {
      seen.add(cursor);
    }
  } while (cursor !== undefined);
}

/** Collects an async iterable (at most `max` items). */
export async function collect<T>(items: AsyncIterable<T>, max = Number.POSITIVE_INFINITY): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) {
    if (out.length >= max) {
      break;
    }
    out.push(item);
  }
  return out;
}
