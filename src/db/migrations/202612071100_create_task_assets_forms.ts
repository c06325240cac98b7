import { randomUUID } from 'node:crypto';
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

  // Assets linked to a task (Workstream T3-T5, T9, T10, T14, T15). A task's core `asset_id` is its primary asset and
  // is always one of these links. Unlinking never touches the asset.
  await db.schema
    .createTable('task_assets')
    .$call(withIds)
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('task_id', 'text', (c) => c.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('asset_id', 'text', (c) => c.notNull().references('assets.id').onDelete('cascade'))
    .addColumn('added_by_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('task_assets_task_asset_uq', ['task_id', 'asset_id'])
    .execute();
  await db.schema.createIndex('task_assets_asset_idx').on('task_assets').columns(['asset_id']).execute();
  // Existing tasks' primary assets become links.
  const rows = await db.selectFrom('tasks').select(['id', 'workspace_id', 'asset_id', 'creator_id', 'created_at']).where('asset_id', 'is not', null).execute();
  for (const r of rows) {
    await db
      .insertInto('task_assets')
      .values({ id: randomUUID(), workspace_id: r.workspace_id, task_id: r.id, asset_id: r.asset_id, added_by_user_id: r.creator_id, created_at: r.created_at })
      .execute();
  }

  // Request forms (Workstream F1-F2). `status` 1 active, 0 inactive, -1 deleted (archived). `allow_guests` lets a
  // caller without a token submit the form (a guest session, docs/workstream.md).
  await db.schema
    .createTable('forms')
    .$call(withIds)
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('icon', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('allow_guests', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('last_used_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('forms_workspace_idx').on('forms').columns(['workspace_id', 'status']).execute();

  // A form's fields, in `pos` order. `content` is the JSON document Workstream shows as a string.
  await db.schema
    .createTable('form_fields')
    .$call(withIds)
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('form_id', 'text', (c) => c.notNull().references('forms.id').onDelete('cascade'))
    .addColumn('type', 'integer', (c) => c.notNull())
    .addColumn('pos', 'integer', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('form_fields_form_pos_idx').on('form_fields').columns(['form_id', 'pos']).execute();

  // Guest sessions: a caller without a token who submits a guest-enabled form gets one; it sees the tasks it made.
  // Only the SHA-256 of the session id is stored.
  await db.schema
    .createTable('guest_sessions')
    .$call(withIds)
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();

  // The form a task was made from and the guest session that made it.
  await db.schema.alterTable('tasks').addColumn('form_id', 'text', (c) => c.references('forms.id').onDelete('set null')).execute();
  await db.schema.alterTable('tasks').addColumn('guest_session_id', 'text', (c) => c.references('guest_sessions.id').onDelete('set null')).execute();
  await db.schema.createIndex('tasks_guest_session_idx').on('tasks').columns(['guest_session_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('tasks_guest_session_idx').execute();
  await db.schema.alterTable('tasks').dropColumn('guest_session_id').execute();
  await db.schema.alterTable('tasks').dropColumn('form_id').execute();
  await db.schema.dropTable('guest_sessions').execute();
  await db.schema.dropTable('form_fields').execute();
  await db.schema.dropTable('forms').execute();
  await db.schema.dropTable('task_assets').execute();
}
