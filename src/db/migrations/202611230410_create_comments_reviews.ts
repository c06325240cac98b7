import { PostgresAdapter, sql, type CreateTableBuilder, type Kysely } from 'kysely';

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

  // Comments are soft-deleted (content emptied, deleted_at set) so replies keep their parent.
  await db.schema
    .createTable('comments')
    .$call(withIds)
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('asset_id', 'text', (c) => c.notNull().references('assets.id').onDelete('cascade'))
    .addColumn('asset_version_id', 'text', (c) => c.references('asset_versions.id').onDelete('set null'))
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('parent_id', 'text', (c) => c.references('comments.id').onDelete('set null'))
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('mentions', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('viewer_metadata', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('edited_at', 'text')
    .addColumn('deleted_at', 'text')
    .execute();
  await db.schema.createIndex('comments_asset_seq_idx').on('comments').columns(['workspace_id', 'asset_id', 'sequence']).execute();
  await db.schema.createIndex('comments_parent_idx').on('comments').column('parent_id').execute();

  await db.schema
    .createTable('reviews')
    .$call(withIds)
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('asset_id', 'text', (c) => c.notNull().references('assets.id').onDelete('cascade'))
    .addColumn('asset_version_id', 'text', (c) => c.references('asset_versions.id').onDelete('set null'))
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('assigned_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('mentions', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('viewer_metadata', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('reviews_asset_seq_idx').on('reviews').columns(['workspace_id', 'asset_id', 'sequence']).execute();

  // An attachment hangs off the asset, and optionally off one review or one comment.
  await db.schema
    .createTable('attachments')
    .$call(withIds)
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('asset_id', 'text', (c) => c.notNull().references('assets.id').onDelete('cascade'))
    .addColumn('created_by_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('review_id', 'text', (c) => c.references('reviews.id').onDelete('cascade'))
    .addColumn('comment_id', 'text', (c) => c.references('comments.id').onDelete('cascade'))
    .addColumn('blob_key', 'text', (c) => c.notNull())
    .addColumn('thumbnail_blob_key', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('content_type', 'text', (c) => c.notNull())
    // bigint: attachments may be as large as any upload.
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('attachments_asset_seq_idx').on('attachments').columns(['workspace_id', 'asset_id', 'sequence']).execute();
  await db.schema.createIndex('attachments_review_idx').on('attachments').column('review_id').execute();
  await db.schema.createIndex('attachments_comment_idx').on('attachments').column('comment_id').execute();
  // The orphan sweep asks "does any row reference this blob?".
  await db.schema.createIndex('attachments_blob_idx').on('attachments').column('blob_key').execute();
  await db.schema.createIndex('attachments_thumbnail_blob_idx').on('attachments').column('thumbnail_blob_key').execute();

  await db.schema
    .createTable('review_requests')
    .$call(withIds)
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('asset_id', 'text', (c) => c.notNull().references('assets.id').onDelete('cascade'))
    .addColumn('asset_version_id', 'text', (c) => c.references('asset_versions.id').onDelete('set null'))
    .addColumn('requestor_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('review_id', 'text', (c) => c.references('reviews.id').onDelete('set null'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('completed_at', 'text')
    .addColumn('cancelled_at', 'text')
    .execute();
  await db.schema.createIndex('review_requests_asset_idx').on('review_requests').columns(['workspace_id', 'asset_id', 'state']).execute();
  await db.schema.createIndex('review_requests_user_idx').on('review_requests').columns(['workspace_id', 'user_id', 'state']).execute();
  // At most one open request per reviewer and version: concurrent duplicate requests cannot both be written.
  await db.schema
    .createIndex('review_requests_open_uq')
    .on('review_requests')
    .columns(['asset_version_id', 'user_id'])
    .unique()
    // `state` is not one of the indexed columns, which the builder's typed where() expects: a plain column ref.
    .where(sql.ref('state'), '=', 'open')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('review_requests').execute();
  await db.schema.dropTable('attachments').execute();
  await db.schema.dropTable('reviews').execute();
  await db.schema.dropTable('comments').execute();
}
