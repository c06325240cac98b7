import { expressionBuilder, sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { Dialect } from '../../db/dialects/dialect.js';
import type { DB } from '../../db/schema.js';
import type { CompiledFilters, CompiledSearch, SearchSort, SortKey } from './search.rules.js';

/* The search query: the dialect's text matches (when there are terms) joined to assets, filters compiled to SQL. */

type AssetsEb = ExpressionBuilder<DB, 'assets'>;

export interface SearchHit {
  id: string;
  sequence: number;
  sort_key: SortKey;
}

/** Who searches, and where: every subquery is scoped to the workspace; drafts count only for their creator. */
export interface SearchScope {
  workspaceId: string;
  viewerId: string;
}

/** The WHERE conditions of the filters; every subquery is scoped to the workspace too. */
function filterConditions(eb: AssetsEb, { workspaceId, viewerId }: SearchScope, f: CompiledFilters): Expression<SqlBool>[] {
  const c: Expression<SqlBool>[] = [eb('assets.workspace_id', '=', workspaceId)];
  if (f.trash !== 'include') {
    c.push(eb('assets.is_active', '=', f.trash === 'only' ? 0 : 1));
  }
  if (f.types.length > 0) {
    c.push(eb('assets.asset_type_id', 'in', f.types));
  }
  if (f.statuses.length > 0) {
    c.push(eb('assets.status_id', 'in', f.statuses));
  }
  for (const tag of f.tags) {
    c.push(
      eb.exists(
        eb
          .selectFrom('asset_tags')
          .innerJoin('tags', 'tags.id', 'asset_tags.tag_id')
          .select('asset_tags.id')
          .whereRef('asset_tags.asset_id', '=', 'assets.id')
          .where('asset_tags.workspace_id', '=', workspaceId)
          .where((e) => e.or([e('tags.id', '=', tag), e('tags.name_key', '=', tag)])),
      ),
    );
  }
  if (f.libraries.length > 0) {
    c.push(
      eb.exists(
        eb
          .selectFrom('library_assets')
          .select('library_assets.id')
          .whereRef('library_assets.asset_id', '=', 'assets.id')
          .where('library_assets.workspace_id', '=', workspaceId)
          .where('library_assets.library_id', 'in', f.libraries),
      ),
    );
  }
  if (f.folder && !(f.folder.recursive && f.folder.path === '/')) {
    c.push(
      f.folder.recursive
        ? // substr rather than LIKE: SQLite's LIKE ignores case and both would need `%`/`_` escaped.
          eb(eb.fn('substr', [eb.ref('assets.file_location'), eb.val(1), eb.val(f.folder.path.length)]), '=', f.folder.path)
        : eb('assets.file_location', '=', f.folder.path),
    );
  }
  if (f.creators.length > 0) {
    c.push(eb('assets.created_by_user_id', 'in', f.creators));
  }
  if (f.createdAfter) {
    c.push(eb('assets.created_at', '>=', f.createdAfter));
  }
  if (f.createdBefore) {
    c.push(eb('assets.created_at', '<', f.createdBefore));
  }
  if (f.updatedAfter) {
    c.push(eb('assets.updated_at', '>=', f.updatedAfter));
  }
  if (f.updatedBefore) {
    c.push(eb('assets.updated_at', '<', f.updatedBefore));
  }
  if (f.locked !== undefined) {
    c.push(eb('assets.locked_by_user_id', f.locked ? 'is not' : 'is', null));
  }
  if (f.hasOpenTasks !== undefined) {
    const open = eb.exists(
      eb
        .selectFrom('tasks')
        .innerJoin('task_statuses', 'task_statuses.id', 'tasks.status_id')
        .select('tasks.id')
        .whereRef('tasks.asset_id', '=', 'assets.id')
        .where('tasks.workspace_id', '=', workspaceId)
        .where('task_statuses.is_closed', '=', 0)
        // A draft (Workstream's form drafts) is visible only to its creator (tasks.repo.ts), so it is an open task for
        // them alone: another user's draft neither shows the asset under `true` nor hides it under `false`.
        .where((e) => e.or([e('task_statuses.is_draft', '=', 0), e('tasks.creator_id', '=', viewerId)])),
    );
    c.push(f.hasOpenTasks ? open : eb.not(open));
  }
  if (f.reviewStatus) {
    // The latest review of the asset (highest sequence) has this status.
    c.push(
      eb(
        eb
          .selectFrom('reviews')
          .select('reviews.status')
          .whereRef('reviews.asset_id', '=', 'assets.id')
          .where('reviews.workspace_id', '=', workspaceId)
          .orderBy('reviews.sequence', 'desc')
          .limit(1),
        '=',
        f.reviewStatus,
      ),
    );
  }
  return c;
}

/** The sort key expression; `m` is the text-match derived table. */
function sortKey(sort: SearchSort): Expression<SortKey> {
  switch (sort) {
    case 'relevance':
      return sql.ref('m.score');
    case 'name':
      return sql.ref('assets.name');
    case 'created_at':
      return sql.ref('assets.created_at');
    case 'updated_at':
      return sql.ref('assets.updated_at');
    case 'size':
      // The current version's size; a correlated subquery, because the join would be needed for this sort only.
      return sql<number>`coalesce((select v.size from asset_versions v where v.id = assets.current_version_id), 0)`;
  }
}

/** One page of hits (limit + 1 rows, so the caller knows whether there is a next page). */
export async function findSearchHits(db: Kysely<DB>, dialect: Dialect, scope: SearchScope, s: CompiledSearch): Promise<SearchHit[]> {
  const eb = expressionBuilder<DB, 'assets'>();
  const key = sortKey(s.sort);
  const { workspaceId } = scope;
  const conds = filterConditions(eb, scope, s.filters);
  if (s.after) {
    const cmp = s.order === 'asc' ? '>' : '<';
    conds.push(eb.or([eb(key, cmp, s.after.key), eb.and([eb(key, '=', s.after.key), eb('assets.sequence', cmp, s.after.sequence)])]));
  }
  const from =
    s.filters.terms.length > 0
      ? db.selectFrom('assets').innerJoin(dialect.searchMatches(workspaceId, s.filters.terms).as('m'), (j) => j.on(sql.ref('m.asset_sequence'), '=', sql.ref('assets.sequence')))
      : db.selectFrom('assets');
  const rows = await from
    .select(['assets.id', 'assets.sequence', sql<SortKey>`${key}`.as('sort_key')])
    .where(eb.and(conds))
    .orderBy(key, s.order)
    .orderBy('assets.sequence', s.order)
    .limit(s.limit + 1)
    .execute();
  return rows as SearchHit[];
}
