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

  // Workspace tags; `name_key` is the lower-cased name, so names are unique per workspace case-insensitively.
  await db.schema
    .createTable('tags')
    .$call(withIds)
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addColumn('color', 'text', (c) => c.notNull())
    .addColumn('created_by_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('tags_workspace_name_uq', ['workspace_id', 'name_key'])
    .execute();

  await db.schema
    .createTable('asset_tags')
    .$call(withIds)
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('asset_id', 'text', (c) => c.notNull().references('assets.id').onDelete('cascade'))
    .addColumn('tag_id', 'text', (c) => c.notNull().references('tags.id').onDelete('cascade'))
    .addColumn('created_by_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('asset_tags_asset_tag_uq', ['asset_id', 'tag_id'])
    .execute();
  // Search filters by tag ("assets with tag X"): the reverse direction of the unique key.
  await db.schema.createIndex('asset_tags_tag_asset_idx').on('asset_tags').columns(['tag_id', 'asset_id']).execute();

  await db.schema
    .createTable('libraries')
    .$call(withIds)
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('thumbnail_blob_key', 'text')
    .addColumn('default_avatar', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_by_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('libraries_workspace_seq_idx').on('libraries').columns(['workspace_id', 'sequence']).execute();

  await db.schema
    .createTable('library_assets')
    .$call(withIds)
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id').onDelete('cascade'))
    .addColumn('asset_id', 'text', (c) => c.notNull().references('assets.id').onDelete('cascade'))
    .addColumn('added_by_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('library_assets_library_asset_uq', ['library_id', 'asset_id'])
    .execute();
  await db.schema.createIndex('library_assets_asset_idx').on('library_assets').columns(['asset_id', 'library_id']).execute();

  // Workflow statuses; `rank` is a zero-padded decimal string, so text order is rank order in both dialects.
  await db.schema
    .createTable('asset_statuses')
    .$call(withIds)
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addColumn('color', 'text', (c) => c.notNull())
    .addColumn('rank', 'text', (c) => c.notNull())
    .addColumn('created_by_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('asset_statuses_workspace_name_uq', ['workspace_id', 'name_key'])
    .execute();
  await db.schema.createIndex('assets_workspace_status_idx').on('assets').columns(['workspace_id', 'status_id']).execute();

  await db.schema
    .createTable('favorites')
    .$call(withIds)
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('asset_id', 'text', (c) => c.notNull().references('assets.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('favorites_asset_user_uq', ['asset_id', 'user_id'])
    .execute();
  await db.schema.createIndex('favorites_workspace_user_idx').on('favorites').columns(['workspace_id', 'user_id', 'sequence']).execute();

  await db.schema
    .createTable('asset_subscriptions')
    .$call(withIds)
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('asset_id', 'text', (c) => c.notNull().references('assets.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('asset_subscriptions_asset_user_uq', ['asset_id', 'user_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('assets_workspace_status_idx').execute();
  for (const t of ['asset_subscriptions', 'favorites', 'asset_statuses', 'library_assets', 'libraries', 'asset_tags', 'tags']) {
    await db.schema.dropTable(t).execute();
  }
}
