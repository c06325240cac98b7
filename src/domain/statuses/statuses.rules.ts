import { errors } from '../errors.js';

/** Ranks are stored as 10-digit zero-padded decimals, so text order (both dialects) is numeric order. */
const RANK_DIGITS = 10;
export const RANK_MAX = 999_999_999;
/** Gap between appended statuses, so a client can slot one in between without renumbering. */
export const RANK_STEP = 1000;

export const formatRank = (n: number): string => String(n).padStart(RANK_DIGITS, '0');

/** A client's rank (a non-negative integer, as a number or a digit string) in stored form. */
export function cleanRank(value: number | string, field = 'rank'): string {
  const trimmed = String(value).trim();
  if (!/^[0-9]{1,10}$/.test(trimmed) || Number(trimmed) > RANK_MAX) {
    throw errors.invalidField('body', field, `must be an integer from 0 to ${RANK_MAX}`);
  }
  return formatRank(Number(trimmed));
}

/** The rank after `last` (or the first rank). */
export function nextRank(last: string | undefined): string {
  const n = last === undefined ? RANK_STEP : Number(last) + RANK_STEP;
  return formatRank(Math.min(n, RANK_MAX));
}

/** Statuses every new workspace starts with (Mudstack's example looks up "In Progress" by name). */
export const DEFAULT_STATUSES: ReadonlyArray<{ name: string; color: string }> = [
  { name: 'Not Started', color: '#9CA3AF' },
  { name: 'In Progress', color: '#3B82F6' },
  { name: 'In Review', color: '#F59E0B' },
  { name: 'Approved', color: '#10B981' },
];

export const DEFAULT_STATUS_COLOR = '#9CA3AF';
