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

  // medialoopster project assets (NLE project bundles, seed 003): an Atelier asset (the project file) plus the
  // bundle root whose folder subtree holds the bundle's files. `status_asset` 0 NEW, 6 ASSET_DONE, -1 ERROR.
  // `device_id` names a row of the medialoopster devices table (another migration; no foreign key on purpose, so
  // the order of the two migrations does not matter). `deleting_at`: an asynchronous DELETE is under way.
  await db.schema
    .createTable('project_assets')
    .$call(withIds)
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('asset_id', 'text', (c) => c.notNull().unique().references('assets.id').onDelete('cascade'))
    .addColumn('bundle_root', 'text', (c) => c.notNull())
    .addColumn('path_file', 'text', (c) => c.notNull())
    .addColumn('nle_type', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status_asset', 'integer', (c) => c.notNull().defaultTo(6))
    .addColumn('status_asset_description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status_editing', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status_approval', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('is_production', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('is_archive', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('name_editor', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('name_studio', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('date_crt', 'text')
    .addColumn('date_del', 'text')
    .addColumn('device_id', 'text')
    .addColumn('meta_field_store', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('copy_of_id', 'text')
    .addColumn('deleting_at', 'text')
    .addColumn('created_by_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('project_assets_workspace_root_idx').on('project_assets').columns(['workspace_id', 'bundle_root']).execute();

  // Media assets (audio, image, video) linked to a project asset (`addasset`). The media asset may live in another
  // production (workspace) of the account than the project asset: a copy keeps the source's links.
  await db.schema
    .createTable('project_asset_links')
    .$call(withIds)
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('project_asset_id', 'text', (c) => c.notNull().references('project_assets.id').onDelete('cascade'))
    .addColumn('asset_id', 'text', (c) => c.notNull().references('assets.id').onDelete('cascade'))
    .addColumn('asset_workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('created_by_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('project_asset_links_pa_asset_uq', ['project_asset_id', 'asset_id'])
    .execute();
  await db.schema.createIndex('project_asset_links_asset_idx').on('project_asset_links').columns(['asset_id']).execute();

  // The files an asynchronous copy must make in the copy's bundle, listed when the copy is requested (so the copy is
  // of the bundle as it was then). `blob_key` keeps the source bytes from the orphan sweep until the copy is done;
  // `copied_version_id` is set in the transaction that commits the file's copy, so a re-run skips it.
  await db.schema
    .createTable('project_asset_copy_files')
    .$call(withIds)
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('project_asset_id', 'text', (c) => c.notNull().references('project_assets.id').onDelete('cascade'))
    .addColumn('relative_path', 'text', (c) => c.notNull())
    .addColumn('blob_key', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('checksum', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('copied_version_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('project_asset_copy_files_pa_path_uq', ['project_asset_id', 'relative_path'])
    .execute();

  // Asset sharing (spec §2.3.8): one record per asset shared into a target production (workspace), TRANSFERRING
  // while its bytes are copied to the target, AVAILABLE once they are; deleted on error. Unique per (target, asset):
  // an asset is never shared twice to one production. `shared_asset_id` is the asset made in the target.
  await db.schema
    .createTable('production_contents')
    .$call(withIds)
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('asset_id', 'text', (c) => c.notNull().references('assets.id').onDelete('cascade'))
    .addColumn('source_workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('shared_asset_id', 'text', (c) => c.references('assets.id').onDelete('set null'))
    .addColumn('created_by_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('production_contents_target_asset_uq', ['workspace_id', 'asset_id'])
    .execute();
  await db.schema.createIndex('production_contents_asset_idx').on('production_contents').columns(['asset_id']).execute();
}
