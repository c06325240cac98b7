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

  // Task statuses per workspace, shared by the Mudstack and (later) the Workstream surface. `name_key` is the
  // lower-cased name (unique per workspace); `is_closed` 0/1 marks statuses that complete a task.
  await db.schema
    .createTable('task_statuses')
    .$call(withIds)
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addColumn('color', 'text', (c) => c.notNull())
    .addColumn('rank', 'integer', (c) => c.notNull())
    .addColumn('is_closed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('task_statuses_workspace_name_uq', ['workspace_id', 'name_key'])
    .execute();

  // One row per task, whichever surface made it (DESIGN: a Mudstack task and a Workstream task are the same row).
  // `project_id` and `form_fields` (JSON text) are for the Workstream surface; `priority` is 1 Low, 2 Medium, 3 High.
  await db.schema
    .createTable('tasks')
    .$call(withIds)
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('project_id', 'text')
    .addColumn('asset_id', 'text', (c) => c.references('assets.id').onDelete('set null'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(2))
    // No ON DELETE: a status in use cannot be deleted (the service answers 409 first).
    .addColumn('status_id', 'text', (c) => c.notNull().references('task_statuses.id'))
    .addColumn('creator_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('assignee_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('due_date', 'text')
    .addColumn('form_fields', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('completed_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('tasks_workspace_seq_idx').on('tasks').columns(['workspace_id', 'sequence']).execute();
  await db.schema.createIndex('tasks_workspace_asset_idx').on('tasks').columns(['workspace_id', 'asset_id']).execute();
  await db.schema.createIndex('tasks_workspace_assignee_idx').on('tasks').columns(['workspace_id', 'assignee_id']).execute();
  await db.schema.createIndex('tasks_status_idx').on('tasks').columns(['status_id']).execute();
  await db.schema.createIndex('tasks_asset_idx').on('tasks').columns(['asset_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('tasks').execute();
  await db.schema.dropTable('task_statuses').execute();
}
