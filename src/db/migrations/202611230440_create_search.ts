import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Frozen: never import app code here; the dialect is read from Kysely's adapter.

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/*
 * asset_search: one row per asset holding the text it is found by (computed by the app: domain/search). It is a
 * 1:1 extension of `assets`, keyed by `asset_id` and carrying the asset's own `sequence` (so SQLite's FTS5 rowid and
 * the join back to assets are the same integer); it has no id of its own. Rows go with their asset (FK cascade).
 * - `names`: tokens of the name and file name (weighted high); `body`: tokens of description, tags, metadata.
 * - SQLite: an external-content FTS5 table over asset_search, kept in sync by triggers. The tokenizer keeps
 *   `_ - . /` inside tokens because the app already split and recombined them.
 * - PostgreSQL: a `document` tsvector (names weight A, body weight D) written by the app, GIN-indexed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  await db.schema
    .createTable('asset_search')
    .$call((tb) =>
      pg
        ? tb
            .addColumn('asset_id', 'text', (c) => c.primaryKey().references('assets.id').onDelete('cascade'))
            .addColumn('sequence', 'integer', (c) => c.notNull().unique())
        : tb
            // NOTE(sqlite): the INTEGER PRIMARY KEY is the rowid, which the FTS5 table's content_rowid points at.
            .addColumn('sequence', 'integer', (c) => c.primaryKey())
            .addColumn('asset_id', 'text', (c) => c.notNull().unique().references('assets.id').onDelete('cascade')),
    )
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('names', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('body', 'text', (c) => c.notNull().defaultTo(''))
    .$call((tb) => (pg ? tb.addColumn('document', sql`tsvector`, (c) => c.notNull()) : tb))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('asset_search_workspace_idx').on('asset_search').column('workspace_id').execute();

  if (pg) {
    await sql`CREATE INDEX asset_search_document_idx ON asset_search USING gin (document)`.execute(db);
  } else {
    await sql`CREATE VIRTUAL TABLE asset_search_fts USING fts5(
      names, body,
      content='asset_search', content_rowid='sequence',
      tokenize="unicode61 remove_diacritics 0 tokenchars '_-./'"
    )`.execute(db);
    await sql`CREATE TRIGGER asset_search_fts_ai AFTER INSERT ON asset_search BEGIN
      INSERT INTO asset_search_fts(rowid, names, body) VALUES (new.sequence, new.names, new.body);
    END`.execute(db);
    await sql`CREATE TRIGGER asset_search_fts_ad AFTER DELETE ON asset_search BEGIN
      INSERT INTO asset_search_fts(asset_search_fts, rowid, names, body) VALUES ('delete', old.sequence, old.names, old.body);
    END`.execute(db);
    await sql`CREATE TRIGGER asset_search_fts_au AFTER UPDATE ON asset_search BEGIN
      INSERT INTO asset_search_fts(asset_search_fts, rowid, names, body) VALUES ('delete', old.sequence, old.names, old.body);
      INSERT INTO asset_search_fts(rowid, names, body) VALUES (new.sequence, new.names, new.body);
    END`.execute(db);
  }

  // Keyset pagination of the sort orders search offers (the sequence breaks ties).
  for (const col of ['created_at', 'updated_at', 'name']) {
    await db.schema.createIndex(`assets_workspace_${col}_idx`).on('assets').columns(['workspace_id', col, 'sequence']).execute();
  }

  // Assets that exist already get a plain document (their text split on white space); the app writes the full one
  // the next time each changes.
  const now = new Date().toISOString();
  if (pg) {
    await sql`INSERT INTO asset_search (asset_id, sequence, workspace_id, names, body, document, updated_at)
      SELECT id, sequence, workspace_id, lower(name || ' ' || file_name), lower(description),
        setweight(array_to_tsvector(array_remove(regexp_split_to_array(lower(name || ' ' || file_name), '\s+'), '')), 'A') ||
        array_to_tsvector(array_remove(regexp_split_to_array(lower(description), '\s+'), '')),
        ${now}
      FROM assets`.execute(db);
  } else {
    await sql`INSERT INTO asset_search (sequence, asset_id, workspace_id, names, body, updated_at)
      SELECT sequence, id, workspace_id, lower(name || ' ' || file_name), lower(description), ${now} FROM assets`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const col of ['created_at', 'updated_at', 'name']) {
    await db.schema.dropIndex(`assets_workspace_${col}_idx`).execute();
  }
  if (!isPostgres(db)) {
    await sql`DROP TABLE asset_search_fts`.execute(db);
  }
  await db.schema.dropTable('asset_search').execute();
}
