/** Time source, injected so tests can move time (token expiry, invite expiry, trash retention). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export const isoNow = (clock: Clock): string => clock.now().toISOString();

/** `seconds` after the instant `iso`: pass the same `now` a row is created with, not a second read of the clock. */
export const isoAfterSeconds = (iso: string, seconds: number): string => new Date(Date.parse(iso) + seconds * 1000).toISOString();
