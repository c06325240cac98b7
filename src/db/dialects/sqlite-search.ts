import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../schema.js';
import type { SearchDocument, SearchMatchRow } from './dialect.js';

/*
 * NOTE(sqlite): full text through the FTS5 table asset_search_fts (migration 202611230440), an external-content
 * index over asset_search that triggers keep in sync. Its tokenizer keeps `_ - . /` inside tokens, so the space-joined
 * tokens the app stores come back out exactly as they went in.
 */

/** Inserts or replaces search rows; the FTS5 triggers follow. */
export async function writeSqliteSearchDocuments(db: Kysely<DB>, docs: readonly SearchDocument[]): Promise<void> {
  // 500 rows x 6 values stays under SQLite's 32766 bound-parameter limit.
  for (let i = 0; i < docs.length; i += 500) {
    await db
      .insertInto('asset_search')
      .values(
        docs.slice(i, i + 500).map((d) => ({
          asset_id: d.assetId,
          sequence: d.sequence,
          workspace_id: d.workspaceId,
          names: d.names.join(' '),
          body: d.body.join(' '),
          updated_at: d.updatedAt,
        })),
      )
      .onConflict((oc) =>
        oc.column('asset_id').doUpdateSet((eb) => ({
          names: eb.ref('excluded.names'),
          body: eb.ref('excluded.body'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

/** An FTS5 query of prefix phrases, one per term, all required: `"hero"* "v1.2"*`. */
export function fts5Query(terms: readonly string[]): string {
  return terms.map((t) => `"${t.replace(/"/g, '""')}"*`).join(' ');
}

/** Matching rows with -bm25 as the score (FTS5's bm25 is lower-is-better); names weigh 10x the body. */
export function sqliteSearchMatches(_workspaceId: string, terms: readonly string[]): RawBuilder<SearchMatchRow> {
  // The workspace is filtered by the join to assets: the FTS index holds every workspace.
  return sql<SearchMatchRow>`(select rowid as asset_sequence, -bm25(asset_search_fts, 10.0, 1.0) as score from asset_search_fts where asset_search_fts match ${fts5Query(terms)})`;
}
