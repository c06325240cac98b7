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

export const KNOWN_PENDING: KnownPending[] = [
  {
    // limit=Infinity, cursor=1e309, {"size":"-Infinity"}: coerced or parsed to a non-finite number that passes
    // minimum/maximum and reaches the handler.
    why: '#12 items 3 and 5, branch "validation": Infinity, NaN or 1e309 in a query value or body field answers 500',
    matches: (f) => is5xx(f) && /^(query|body):/.test(f.where) && /Infinity|NaN|1e309/.test(f.kind),
  },
  {
    why: '#12 item 5, branch "validation": multipart/form-data without a boundary answers 500',
    matches: (f) => is5xx(f) && f.kind === 'content-type:multipart-no-boundary',
  },
  {
    why: '#12 item 3, branch "validation": PUT /users/me and PUT /users with a defaultAvatar that is not an integer 1-10 answer 500',
    matches: (f) => is5xx(f) && (f.route === 'PUT /users/me' || f.route === 'PUT /users') && f.where === 'body:/defaultAvatar',
  },
  {
    // Ajv's coerceTypes "array" inside the `null | string` union of due_date / asset_id lets ["x"] through unchanged, and
    // cleanDueDate calls .trim() on an array. No coercion of JSON bodies (the validation branch) answers 400 instead.
    why: '#12 item 3, branch "validation": task bodies with due_date or asset_id given as an array (["x"]) answer 500',
    matches: (f) => is5xx(f) && f.route.includes('/tasks') && /^body:\/(due_date|asset_id)$/.test(f.where) && /array/.test(f.kind),
  },
  {
    why: '#12 item 10, branch "edge": a bad percent-encoding in the path (FST_ERR_BAD_URL) answers outside the error shape',
    matches: (f) => f.problem === '400 bad shape' && f.detail.includes('FST_ERR_BAD_URL'),
  },
  {
    why: '#12 item 10, branch "edge": a path parameter over the length limit (FST_ERR_MAX_PARAM_LENGTH) answers 414 outside the error shape',
    matches: (f) => f.problem === '414 bad shape' && f.detail.includes('FST_ERR_MAX_PARAM_LENGTH'),
  },
];
