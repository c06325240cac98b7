/*
 * Stored values that came from clients, made to fit the response schema. The serializer throws on a value outside
 * its type (an Infinity where an integer is declared was a 500 for every list including that row), and one bad row
 * must not break other people's pages, so the presenters normalise what they read instead of trusting it.
 */

/** The picture index of a user, account, workspace or library: an integer 1..10; anything else shows as 1. */
export function avatarIndex(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 10 ? value : 1;
}

/** A stored integer (a sort rank); anything that is not a safe integer shows as `fallback`. */
export function storedInteger(value: unknown, fallback = 0): number {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : fallback;
}
