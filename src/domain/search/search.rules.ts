import { normalizeFolderPath } from '../../lib/safe-path.js';
import { DomainError, type FieldProblem } from '../errors.js';
import { REVIEW_STATUSES, type ReviewStatus } from '../reviews/reviews.service.js';
import { nameKey } from '../tags/tags.rules.js';
import { queryTerms } from './search-tokens.js';

export const SEARCH_SORTS = ['relevance', 'name', 'created_at', 'updated_at', 'size'] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];
export const SORT_ORDERS = ['asc', 'desc'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

export const SEARCH_LIMIT_DEFAULT = 50;
export const SEARCH_LIMIT_MAX = 200;

/** Filters as a client sends them (already shape-checked by the surface's schema). */
export interface SearchFilters {
  query?: string | undefined;
  types?: readonly string[] | undefined;
  statuses?: readonly string[] | undefined;
  /** Tag ids or names (case-insensitive); an asset must carry all of them. */
  tags?: readonly string[] | undefined;
  /** Library ids; an asset in any of them matches. */
  libraries?: readonly string[] | undefined;
  folder?: string | undefined;
  recursive?: boolean | undefined;
  creators?: readonly string[] | undefined;
  createdAfter?: string | undefined;
  createdBefore?: string | undefined;
  updatedAfter?: string | undefined;
  updatedBefore?: string | undefined;
  locked?: boolean | undefined;
  hasOpenTasks?: boolean | undefined;
  includeDeleted?: boolean | undefined;
  onlyDeleted?: boolean | undefined;
  /** The status of the asset's latest review; `rejected` means changes_requested. */
  reviewStatus?: string | undefined;
}

/** Where a request field came from, so a 400 points at it (`query /created_after` or `body /filters/created_after`). */
export type Locate = (field: string) => Pick<FieldProblem, 'in' | 'pointer'>;

export interface SearchRequest {
  filters: SearchFilters;
  sort?: SearchSort | undefined;
  order?: SortOrder | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
  locate: Locate;
}

/** The filters in the form the query compiles: validated, normalised, empty values dropped. */
export interface CompiledFilters {
  terms: string[];
  types: string[];
  statuses: string[];
  /** Tag ids or name keys, one entry per required tag. */
  tags: string[];
  libraries: string[];
  folder: { path: string; recursive: boolean } | undefined;
  creators: string[];
  createdAfter: string | undefined;
  createdBefore: string | undefined;
  updatedAfter: string | undefined;
  updatedBefore: string | undefined;
  locked: boolean | undefined;
  hasOpenTasks: boolean | undefined;
  trash: 'exclude' | 'include' | 'only';
  reviewStatus: ReviewStatus | undefined;
}

export type SortKey = string | number;

export interface CompiledSearch {
  filters: CompiledFilters;
  sort: SearchSort;
  order: SortOrder;
  limit: number;
  /** Keyset position: rows strictly after (key, sequence) in the sort order. */
  after: { key: SortKey; sequence: number } | undefined;
}

const bad = (locate: Locate, field: string, message: string): DomainError => {
  const at = locate(field);
  return new DomainError('invalid', 'validation_failed', `${field}: ${message}`, { fields: [{ ...at, message }] });
};

const values = (list: readonly string[] | undefined): string[] => [...new Set((list ?? []).map((v) => v.trim()).filter((v) => v !== ''))];

function isoInstant(value: string | undefined, field: string, locate: Locate): string | undefined {
  if (value === undefined || value.trim() === '') {
    return undefined;
  }
  const ms = Date.parse(value.trim());
  if (!/^\d{4}-\d{2}-\d{2}/.test(value.trim()) || Number.isNaN(ms)) {
    throw bad(locate, field, 'must be an ISO 8601 date or date-time, such as 2026-11-23 or 2026-11-23T10:00:00Z');
  }
  return new Date(ms).toISOString();
}

interface CursorBody {
  v: 1;
  s: SearchSort;
  o: SortOrder;
  k: SortKey;
  q: number;
}

/** An opaque cursor: base64url JSON of the sort, the order and the last row's key and sequence. */
export function encodeCursor(sort: SearchSort, order: SortOrder, key: SortKey, sequence: number): string {
  const body: CursorBody = { v: 1, s: sort, o: order, k: key, q: sequence };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

function decodeCursor(cursor: string, sort: SearchSort, order: SortOrder, locate: Locate): { key: SortKey; sequence: number } {
  const invalid = () => bad(locate, 'cursor', 'is not a cursor of this search (use next_cursor as given, with the same sort and order)');
  let body: Partial<CursorBody>;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorBody>;
  } catch {
    throw invalid();
  }
  const keyType = sort === 'relevance' || sort === 'size' ? 'number' : 'string';
  if (!body || body.v !== 1 || body.s !== sort || body.o !== order || typeof body.k !== keyType || !Number.isSafeInteger(body.q)) {
    throw invalid();
  }
  if (typeof body.k === 'number' && !Number.isFinite(body.k)) {
    throw invalid();
  }
  return { key: body.k as SortKey, sequence: body.q as number };
}

/** Validates and normalises a search request; relevance (the default with a query) needs query terms. */
export function compileSearch(req: SearchRequest): CompiledSearch {
  const f = req.filters;
  const { locate } = req;
  let folder: CompiledFilters['folder'];
  if (f.folder !== undefined && f.folder.trim() !== '') {
    const r = normalizeFolderPath(f.folder.trim());
    if (!r.ok) {
      throw bad(locate, 'folder', r.reason);
    }
    folder = { path: r.path, recursive: f.recursive === true };
  }
  let reviewStatus: ReviewStatus | undefined;
  if (f.reviewStatus !== undefined && f.reviewStatus.trim() !== '') {
    const v = f.reviewStatus.trim().toLowerCase();
    const s = v === 'rejected' ? 'changes_requested' : v;
    if (!(REVIEW_STATUSES as readonly string[]).includes(s)) {
      throw bad(locate, 'reviewStatus', `must be one of ${REVIEW_STATUSES.join(', ')} (or rejected)`);
    }
    reviewStatus = s as ReviewStatus;
  }
  if (f.includeDeleted === false && f.onlyDeleted === true) {
    throw bad(locate, 'only_deleted', 'cannot be combined with include_deleted=false');
  }
  const filters: CompiledFilters = {
    terms: queryTerms(f.query ?? ''),
    types: values(f.types),
    statuses: values(f.statuses),
    tags: values(f.tags).map((t) => nameKey(t)),
    libraries: values(f.libraries),
    folder,
    creators: values(f.creators),
    createdAfter: isoInstant(f.createdAfter, 'created_after', locate),
    createdBefore: isoInstant(f.createdBefore, 'created_before', locate),
    updatedAfter: isoInstant(f.updatedAfter, 'updated_after', locate),
    updatedBefore: isoInstant(f.updatedBefore, 'updated_before', locate),
    locked: f.locked,
    hasOpenTasks: f.hasOpenTasks,
    trash: f.onlyDeleted === true ? 'only' : f.includeDeleted === true ? 'include' : 'exclude',
    reviewStatus,
  };
  const requested = req.sort ?? (filters.terms.length > 0 ? 'relevance' : 'created_at');
  // Without query terms every row is equally relevant: newest first is the useful order.
  const sort: SearchSort = requested === 'relevance' && filters.terms.length === 0 ? 'created_at' : requested;
  const order: SortOrder = req.order ?? (sort === 'name' ? 'asc' : 'desc');
  const limit = req.limit ?? SEARCH_LIMIT_DEFAULT;
  if (!Number.isInteger(limit) || limit < 1 || limit > SEARCH_LIMIT_MAX) {
    throw bad(locate, 'limit', `must be an integer from 1 to ${SEARCH_LIMIT_MAX}`);
  }
  const after = req.cursor !== undefined && req.cursor !== '' ? decodeCursor(req.cursor, sort, order, locate) : undefined;
  return { filters, sort, order, limit, after };
}
