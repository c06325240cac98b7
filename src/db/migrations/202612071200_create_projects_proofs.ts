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

  // Workstream projects (spec §1.3.10): per workspace. `status` 1 active, 2 on hold, 3 completed, 4 archived.
  // `launch_date` is `YYYY-MM-DD` or an ISO date-time; `description` is HTML as Workstream shows it.
  await db.schema
    .createTable('projects')
    .$call(withIds)
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('sponsor_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('owner_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('status', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('launch_date', 'text')
    .addColumn('created_by_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('projects_workspace_idx').on('projects').columns(['workspace_id', 'created_at']).execute();

  // Assets linked to a project (P3-P11). Unlinking deletes this row only, never the asset.
  await db.schema
    .createTable('project_linked_assets')
    .$call(withIds)
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('asset_id', 'text', (c) => c.notNull().references('assets.id').onDelete('cascade'))
    .addColumn('added_by_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('project_linked_assets_project_asset_uq', ['project_id', 'asset_id'])
    .execute();
  await db.schema.createIndex('project_linked_assets_asset_idx').on('project_linked_assets').columns(['asset_id']).execute();

  // Users watching a project (P6, P9, P12): notified when added or removed, with the message.
  await db.schema
    .createTable('project_watchers')
    .$call(withIds)
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('added_by_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('project_watchers_project_user_uq', ['project_id', 'user_id'])
    .execute();
  await db.schema.createIndex('project_watchers_user_idx').on('project_watchers').columns(['user_id']).execute();

  // tasks.project_id exists since the tasks table (no foreign key there); listing a project's tasks needs an index.
  await db.schema.createIndex('tasks_project_idx').on('tasks').columns(['project_id']).execute();

  // Proofs (spec §1.4.5): one per asset, shared by all its versions. `version_number` is the newest version proofed;
  // `status` 1 ready, 2 pending, 3 not created (the file type cannot be proofed), 4 not created (generation failed).
  // `source` is the scope it was generated through (1 folder, 2 task, 3 project, 4 approval) and
  // `primary_source_id` that container's integer id.
  await db.schema
    .createTable('proofs')
    .$call(withIds)
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('asset_id', 'text', (c) => c.notNull().unique().references('assets.id').onDelete('cascade'))
    .addColumn('version_id', 'text', (c) => c.references('asset_versions.id').onDelete('set null'))
    .addColumn('version_number', 'integer', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('source', 'integer', (c) => c.notNull())
    .addColumn('primary_source_id', 'integer', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  // A proof's rendered pages, per proofed version (every version proofed stays viewable until the proof is deleted).
  await db.schema
    .createTable('proof_pages')
    .$call(withIds)
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('proof_id', 'text', (c) => c.notNull().references('proofs.id').onDelete('cascade'))
    .addColumn('version_number', 'integer', (c) => c.notNull())
    .addColumn('page', 'integer', (c) => c.notNull())
    .addColumn('blob_key', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('proof_pages_proof_version_page_uq', ['proof_id', 'version_number', 'page'])
    .execute();
  await db.schema.createIndex('proof_pages_blob_idx').on('proof_pages').columns(['blob_key']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('proof_pages').execute();
  await db.schema.dropTable('proofs').execute();
  await db.schema.dropIndex('tasks_project_idx').execute();
  await db.schema.dropTable('project_watchers').execute();
  await db.schema.dropTable('project_linked_assets').execute();
  await db.schema.dropTable('projects').execute();
}
