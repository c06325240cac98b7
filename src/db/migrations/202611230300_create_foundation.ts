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

  await db.schema
    .createTable('users')
    .$call(withIds)
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('first_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('last_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('default_avatar', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('avatar_blob_key', 'text')
    .addColumn('industry', 'text')
    .addColumn('occupation', 'text')
    .addColumn('company', 'text')
    .addColumn('city', 'text')
    .addColumn('state', 'text')
    .addColumn('country', 'text')
    .addColumn('zip_code', 'text')
    .addColumn('invited_by_user_id', 'text')
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('accounts')
    .$call(withIds)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('thumbnail_blob_key', 'text')
    .addColumn('default_avatar', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_by_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('accounts_name_idx').on('accounts').column('name').execute();

  await db.schema
    .createTable('account_members')
    .$call(withIds)
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('account_members_account_user_uq', ['account_id', 'user_id'])
    .execute();
  await db.schema.createIndex('account_members_user_idx').on('account_members').column('user_id').execute();

  await db.schema
    .createTable('workspaces')
    .$call(withIds)
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('thumbnail_blob_key', 'text')
    .addColumn('default_avatar', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_by_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('workspaces_account_idx').on('workspaces').column('account_id').execute();

  await db.schema
    .createTable('workspace_members')
    .$call(withIds)
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('workspace_members_workspace_user_uq', ['workspace_id', 'user_id'])
    .execute();
  await db.schema.createIndex('workspace_members_user_idx').on('workspace_members').column('user_id').execute();

  await db.schema
    .createTable('api_keys')
    .$call(withIds)
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();

  await db.schema
    .createTable('invites')
    .$call(withIds)
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('invited_by_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('workspace_ids', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('accepted_at', 'text')
    .addColumn('rejected_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('invites_account_idx').on('invites').column('account_id').execute();

  await db.schema
    .createTable('settings')
    .$call(withIds)
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.references('workspaces.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_by_user_id', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('settings_scope_idx').on('settings').columns(['account_id', 'workspace_id', 'key']).execute();

  // Append-only, no foreign keys: entries outlive their subjects (accounts, workspaces, assets, users).
  await db.schema
    .createTable('history_events')
    .$call(withIds)
    .addColumn('account_id', 'text')
    .addColumn('workspace_id', 'text')
    .addColumn('asset_id', 'text')
    .addColumn('user_id', 'text')
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('history_account_idx').on('history_events').columns(['account_id', 'sequence']).execute();
  await db.schema.createIndex('history_workspace_idx').on('history_events').columns(['workspace_id', 'sequence']).execute();
  await db.schema.createIndex('history_asset_idx').on('history_events').columns(['asset_id', 'sequence']).execute();
  await db.schema.createIndex('history_user_idx').on('history_events').columns(['user_id', 'sequence']).execute();

  await db.schema
    .createTable('notifications')
    .$call(withIds)
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('read_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notifications_user_idx').on('notifications').columns(['account_id', 'user_id', 'sequence']).execute();

  // Failed authentication attempts, shared by every API process (rate limiting must not live in memory).
  await db.schema
    .createTable('auth_failures')
    .$call(withIds)
    .addColumn('bucket', 'text', (c) => c.notNull())
    .addColumn('failed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('auth_failures_bucket_idx').on('auth_failures').columns(['bucket', 'failed_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'auth_failures', 'notifications', 'history_events', 'settings', 'invites', 'api_keys',
    'workspace_members', 'workspaces', 'account_members', 'accounts', 'users',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
