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

  // An upload whose bytes do not arrive in the committing request (presigned PUT, tus). The state lives here, the
  // bytes in the blob store's temp space, so an upload survives restarts and works across API processes.
  await db.schema
    .createTable('upload_sessions')
    .$call(withIds)
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('created_by_user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    // bigint: files may exceed 2 GiB.
    .addColumn('declared_size', 'bigint')
    .addColumn('declared_checksum', 'text')
    .addColumn('received_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('open'))
    .addColumn('asset_id', 'text')
    .addColumn('version_id', 'text')
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('metadata', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('upload_sessions_workspace_idx').on('upload_sessions').columns(['workspace_id', 'sequence']).execute();
  await db.schema.createIndex('upload_sessions_expires_idx').on('upload_sessions').column('expires_at').execute();

  // The chunks of a tus upload: each PATCH body is one temp object named by the part's id, concatenated at the end.
  await db.schema
    .createTable('upload_parts')
    .$call(withIds)
    .addColumn('session_id', 'text', (c) => c.notNull().references('upload_sessions.id').onDelete('cascade'))
    .addColumn('start_offset', 'bigint', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('upload_parts_session_offset_uq', ['session_id', 'start_offset'])
    .execute();

  // Imports from a server-side path or a URL, run by the `import.run` job; counters show progress.
  await db.schema
    .createTable('imports')
    .$call(withIds)
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('created_by_user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('source_kind', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('file_location', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('queued'))
    .addColumn('total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('errors', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('asset_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('imports_workspace_idx').on('imports').columns(['workspace_id', 'sequence']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['imports', 'upload_parts', 'upload_sessions']) {
    await db.schema.dropTable(t).execute();
  }
}
