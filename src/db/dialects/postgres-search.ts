import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../schema.js';
import type { SearchDocument, SearchMatchRow } from './dialect.js';

/*
 * NOTE(postgres): full text through asset_search.document, a tsvector built from the app's tokens with
 * array_to_tsvector (no parser or dictionary touches them, so `v1.2` stays `v1.2`), GIN-indexed. Queries are tsquery
 * literals of quoted prefix lexemes, cast rather than parsed by to_tsquery, for the same reason.
 */

/** Quotes one lexeme for tsquery input: inside '...', a quote or backslash is doubled. */
const lexeme = (t: string): string => `'${t.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/** `'hero':* & 'v1.2':*`: every term as a prefix, all required. */
export function tsqueryText(terms: readonly string[]): string {
  return terms.map((t) => `${lexeme(t)}:*`).join(' & ');
}

/** Inserts or replaces search rows and their tsvector (names weight A, body weight D). */
export async function writePostgresSearchDocuments(db: Kysely<DB>, docs: readonly SearchDocument[]): Promise<void> {
  for (let i = 0; i < docs.length; i += 1000) {
    const rows = docs.slice(i, i + 1000).map(
      (d) =>
        sql`(${d.assetId}, ${d.sequence}::integer, ${d.workspaceId}, ${d.names.join(' ')}, ${d.body.join(' ')},
          setweight(array_to_tsvector(${[...d.names]}::text[]), 'A') || array_to_tsvector(${[...d.body]}::text[]), ${d.updatedAt})`,
    );
    await sql`INSERT INTO asset_search (asset_id, sequence, workspace_id, names, body, document, updated_at)
      VALUES ${sql.join(rows)}
      ON CONFLICT (asset_id) DO UPDATE SET names = excluded.names, body = excluded.body, document = excluded.document,
        updated_at = excluded.updated_at`.execute(db);
  }
}

/** Matching rows with ts_rank as the score (as float8, so a cursor carries it exactly). */
export function postgresSearchMatches(workspaceId: string, terms: readonly string[]): RawBuilder<SearchMatchRow> {
  return sql<SearchMatchRow>`(select s.sequence as asset_sequence, ts_rank(s.document, q.query)::float8 as score
    from asset_search s, (select cast(${tsqueryText(terms)} as tsquery) as query) q
    where s.document @@ q.query and s.workspace_id = ${workspaceId})`;
}
