/*
 * Findings of the schema fuzzer that other branches of issue #12 fix. The fuzzer prints them under "known pending"
 * and does not fail on them; anything else fails the test. Once the branch named in `why` is merged, delete its
 * entries (the fuzzer prints an entry it no longer meets under "stale allow-list entries"); when every branch is in,
 * KNOWN_PENDING is `[]` and stays so.
 */
import type { Finding } from './fuzz-check.js';

export interface KnownPending {
  /** The issue item and the helper branch that fixes it. */
  why: string;
  matches(f: Finding): boolean;
}

const is5xx = (f: Finding): boolean => /^5\d\d$/.test(f.problem);

export const KNOWN_PENDING: KnownPending[] = [];
