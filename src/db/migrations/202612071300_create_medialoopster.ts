import { PostgresAdapter, type CreateTableBuilder, type Kysely } from 'kysely';

// Frozen: never import app code here; the dialect is read from Kysely's adapter.
// The medialoopster surface's own data (docs/medialoopster.md): production settings of a workspace, devices
// (storage roots), the medialoopster fields of media assets, custom metadata definitions, and video shots.

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

  // Storage roots of a production (workspace). Paths are folder paths in `/a/b/` form; they do not nest.
  await db.schema
    .createTable('devices')
    .$call(withIds)
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('is_internal', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('is_archive', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('autoshot_detection', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('allow_direct_writing', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('recieve_xml_meta', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('protocol', 'text', (c) => c.notNull().defaultTo('copy'))
    .addColumn('anonymous', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('server', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('username', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('transcoding_profile', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('archive_connector', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('passthrough_profiles', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('devices_workspace_path_uq', ['workspace_id', 'path'])
    .execute();

  // The medialoopster settings of a workspace (a production). At most one row per workspace; none = defaults.
  await db.schema
    .createTable('production_settings')
    .$call(withIds)
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.notNull().unique().references('workspaces.id').onDelete('cascade'))
    .addColumn('codename', 'text')
    .addColumn('company', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('storage_root', 'text', (c) => c.notNull().defaultTo('/'))
    .addColumn('proxy_root', 'text', (c) => c.notNull().defaultTo('/'))
    .addColumn('san_mount', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('export_type', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('default_approval_status', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('upload_device_id', 'text', (c) => c.references('devices.id').onDelete('set null'))
    .addColumn('audioasset_device_id', 'text', (c) => c.references('devices.id').onDelete('set null'))
    .addColumn('imageasset_device_id', 'text', (c) => c.references('devices.id').onDelete('set null'))
    .addColumn('videoasset_device_id', 'text', (c) => c.references('devices.id').onDelete('set null'))
    .addColumn('projectasset_device_id', 'text', (c) => c.references('devices.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('production_settings_account_codename_uq', ['account_id', 'codename'])
    .execute();

  // medialoopster fields of a media asset that the core asset has no column for. No row = defaults.
  await db.schema
    .createTable('media_asset_fields')
    .$call(withIds)
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('asset_id', 'text', (c) => c.notNull().unique().references('assets.id').onDelete('cascade'))
    .addColumn('status_approval', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('date_del', 'text')
    .addColumn('meta_field_store', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  // Custom metadata definitions (spec §2.3.6), per account: a set names the asset kind its fields apply to.
  await db.schema
    .createTable('custom_metadata_sets')
    .$call(withIds)
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('custom_metadata_rules')
    .$call(withIds)
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('regex', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('custom_metadata_fields')
    .$call(withIds)
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('set_id', 'text', (c) => c.notNull().references('custom_metadata_sets.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('order', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rule_id', 'text', (c) => c.references('custom_metadata_rules.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('custom_metadata_fields_account_key_uq', ['account_id', 'key'])
    .execute();

  // Shots of a video asset's current version (scene-change detection), and sequences grouping them.
  await db.schema
    .createTable('shot_sequences')
    .$call(withIds)
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('asset_id', 'text', (c) => c.notNull().references('assets.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('timecode_start', 'integer', (c) => c.notNull())
    .addColumn('timecode_end', 'integer', (c) => c.notNull())
    .addColumn('keywords', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('shot_sequences_asset_idx').on('shot_sequences').columns(['asset_id', 'timecode_start']).execute();
  await db.schema
    .createTable('shots')
    .$call(withIds)
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('asset_id', 'text', (c) => c.notNull().references('assets.id').onDelete('cascade'))
    .addColumn('version_id', 'text', (c) => c.notNull().references('asset_versions.id').onDelete('cascade'))
    .addColumn('sequence_id', 'text', (c) => c.references('shot_sequences.id').onDelete('set null'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('timecode_start', 'integer', (c) => c.notNull())
    .addColumn('timecode_end', 'integer', (c) => c.notNull())
    .addColumn('keywords', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('thumbnail_blob_key', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('shots_asset_idx').on('shots').columns(['asset_id', 'timecode_start']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['shots', 'shot_sequences', 'custom_metadata_fields', 'custom_metadata_rules', 'custom_metadata_sets', 'media_asset_fields', 'production_settings', 'devices']) {
    await db.schema.dropTable(t).execute();
  }
}
