import { Type, type Static, type TOptional, type TSchema } from '@sinclair/typebox';
import { SEARCH_LIMIT_MAX, SEARCH_SORTS, SORT_ORDERS } from '../../../domain/search/search.rules.js';
import { Asset } from './assets.schemas.js';

const Many = (description: string) =>
  Type.Union([Type.String({ maxLength: 200 }), Type.Array(Type.String({ maxLength: 200 }), { maxItems: 100 })], { description });
const Instant = (description: string) =>
  Type.String({
    // Shape only; impossible dates (month 13) are refused by the domain with the same pointer.
    pattern: '^\\d{4}-\\d{2}-\\d{2}([Tt ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?([Zz]|[+-]\\d{2}:?\\d{2})?)?$',
    description: `${description} (ISO 8601 date or date-time)`,
  });

/** The search filters, by their canonical names; `aliases` lists the other accepted names. */
const filterProps = {
  query: Type.String({ maxLength: 1000, description: 'Text: every word must match, as a prefix of a word of the name, file name, description, tags or metadata' }),
  type: Many('Asset type id(s) (GET /workspaces/assetTypes); any of them'),
  status: Many('Asset status id(s); any of them'),
  tag: Many('Tag id(s) or name(s); the asset must carry all of them'),
  library: Many('Library id(s); the asset is in any of them'),
  folder: Type.String({ maxLength: 4096, description: 'Folder path (`/a/b/`): assets directly in it, or in its subtree with `recursive`' }),
  recursive: Type.Boolean({ description: 'With `folder`: include subfolders' }),
  creator: Many('Creator user id(s); any of them'),
  created_after: Instant('Created at or after'),
  created_before: Instant('Created before'),
  updated_after: Instant('Updated at or after'),
  updated_before: Instant('Updated before'),
  locked: Type.Boolean({ description: 'Only locked (true) or unlocked (false) assets' }),
  has_open_tasks: Type.Boolean({ description: 'Only assets with (true) or without (false) a task in an open status (a Workstream draft counts for its creator only)' }),
  include_deleted: Type.Boolean({ description: 'Include assets in the trash (excluded by default)' }),
  only_deleted: Type.Boolean({ description: 'Only assets in the trash' }),
  review_status: Type.String({ maxLength: 50, description: 'Status of the latest review: approved, changes_requested (or rejected), commented' }),
};
export type FilterName = keyof typeof filterProps;

/** Other names clients send for the same filters (Mudstack examples: library_id, path, reviewStatus). */
export const FILTER_ALIASES: Readonly<Record<string, FilterName>> = {
  library_id: 'library',
  path: 'folder',
  reviewStatus: 'review_status',
  asset_type_id: 'type',
  status_id: 'status',
  tag_id: 'tag',
  created_by_user_id: 'creator',
};

const aliasProps = Object.fromEntries(
  Object.entries(FILTER_ALIASES).map(([alias, name]) => [alias, { ...filterProps[name], description: `Same as \`${name}\`` }]),
) as Record<string, TSchema>;

const pageProps = {
  sort: Type.Union(SEARCH_SORTS.map((s) => Type.Literal(s)), { description: 'relevance (default with a query), name, created_at (default otherwise), updated_at, size' }),
  order: Type.Union(SORT_ORDERS.map((s) => Type.Literal(s)), { description: 'asc or desc (default: asc for name, desc otherwise)' }),
  limit: Type.Integer({ minimum: 1, maximum: SEARCH_LIMIT_MAX, description: `Page size, 1..${SEARCH_LIMIT_MAX} (default 50)` }),
  cursor: Type.String({ maxLength: 2000, description: '`next_cursor` of the previous page' }),
};

const optional = <T extends Record<string, TSchema>>(props: T) =>
  Object.fromEntries(Object.entries(props).map(([k, v]) => [k, Type.Optional(v)])) as { [K in keyof T]: TOptional<T[K]> };

export const SearchFilters = Type.Object({ ...optional(filterProps), ...optional(aliasProps) }, { additionalProperties: false });
export type SearchFiltersJson = Static<typeof SearchFilters>;

/** Query parameters: the filters and paging; other parameters are ignored. */
export const SearchQuery = Type.Object({ ...optional(filterProps), ...optional(aliasProps), ...optional(pageProps) });
export type SearchQueryJson = Static<typeof SearchQuery>;

/** JSON body (also accepted on GET, as Mudstack's example sends it): `{"filters": {...}}` plus paging. */
export const SearchBody = Type.Object({ filters: Type.Optional(SearchFilters), ...optional(pageProps) }, { additionalProperties: false });
export type SearchBodyJson = Static<typeof SearchBody>;

export const SearchResult = Type.Object({
  assets: Type.Array(Asset),
  next_cursor: Type.Union([Type.String(), Type.Null()], { description: 'Cursor of the next page; null on the last page' }),
});

export const SearchIdsResult = Type.Object({
  ids: Type.Array(Type.String()),
  next_cursor: Type.Union([Type.String(), Type.Null()], { description: 'Cursor of the next page; null on the last page' }),
});
