import { PostgresAdapter, type CreateTableBuilder, type Kysely } from 'kysely';

// Frozen: never import app code here; the dialect is read from Kysely's adapter.

type AnyTable = CreateTableBuilder<string, never>;

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Every table: a UUID `id` (text in both dialects) and an integer `sequence`, unique per table. */
function ids(pg: boolean) {
  return (tb: AnyTable): AnyTable =>
    pg
      ? tb
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('sequence', 'integer', (c) => c.notNull().unique().generatedByDefaultAsIdentity())
      : tb
          // NOTE(sqlite): only an INTEGER PRIMARY KEY auto-increments, so `sequence` is the key and `id` is unique.
          .addColumn('sequence', 'integer', (c) => c.primaryKey().autoIncrement())
          .addColumn('id', 'text', (c) => c.notNull().unique());
}

export async function up(db: Kysely<any>): Promise<void> {
  const withIds = ids(isPostgres(db));

  // An asset is a file's identity in a workspace folder; its bytes live in asset_versions (one row per commit).
  await db.schema
    .createTable('assets')
    .$call(withIds)
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('file_location', 'text', (c) => c.notNull().defaultTo('/'))
    .addColumn('asset_type_id', 'text', (c) => c.notNull())
    .addColumn('status_id', 'text')
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    // No FK: the version row is written in the same transaction, after the asset row.
    .addColumn('current_version_id', 'text')
    .addColumn('created_by_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('locked_by_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('deleted_at', 'text')
    .addColumn('deleted_by_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('assets_workspace_seq_idx').on('assets').columns(['workspace_id', 'sequence']).execute();
  await db.schema
    .createIndex('assets_workspace_location_idx')
    .on('assets')
    .columns(['workspace_id', 'file_location', 'file_name'])
    .execute();
  await db.schema.createIndex('assets_workspace_active_idx').on('assets').columns(['workspace_id', 'is_active']).execute();

  await db.schema
    .createTable('asset_versions')
    .$call(withIds)
    .addColumn('asset_id', 'text', (c) => c.notNull().references('assets.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('version_number', 'integer', (c) => c.notNull())
    .addColumn('commit_parent_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('blob_key', 'text', (c) => c.notNull())
    // bigint: files may exceed 2 GiB.
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('checksum', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('original_file_name', 'text', (c) => c.notNull())
    .addColumn('thumbnail_blob_key', 'text')
    .addColumn('metadata', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_by_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('deleted_at', 'text')
    .addUniqueConstraint('asset_versions_asset_number_uq', ['asset_id', 'version_number'])
    .execute();
  await db.schema.createIndex('asset_versions_workspace_blob_idx').on('asset_versions').columns(['workspace_id', 'blob_key']).execute();
  // The orphan sweep asks "does any row reference this blob?" across workspaces.
  await db.schema.createIndex('asset_versions_blob_idx').on('asset_versions').column('blob_key').execute();

  await db.schema
    .createTable('derivatives')
    .$call(withIds)
    .addColumn('version_id', 'text', (c) => c.notNull().references('asset_versions.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('blob_key', 'text')
    .addColumn('content_type', 'text')
    .addColumn('size', 'bigint')
    .addColumn('width', 'integer')
    .addColumn('height', 'integer')
    .addColumn('error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('derivatives_version_kind_uq', ['version_id', 'kind'])
    .execute();
  await db.schema.createIndex('derivatives_blob_idx').on('derivatives').column('blob_key').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['derivatives', 'asset_versions', 'assets']) {
    await db.schema.dropTable(t).execute();
  }
}
