import { PostgresAdapter, type CreateTableBuilder, type Kysely } from 'kysely';

// Frozen: never import app code here; the dialect is read from Kysely's adapter.

type AnyTable = CreateTableBuilder<string, never>;

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

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

  // medialoopster ImportLogs (spec §2.3.7): one row per queued import, archive or restore of one asset, which a
  // client polls. `kind` import/archive/restore; `state` queued, running, completed, failed; `request` the JSON the
  // client sent; `asset_id` the asset made (import) or acted on; `origin_location` the folder an archived asset
  // came from (restore puts it back there).
  await db.schema
    .createTable('import_logs')
    .$call(withIds)
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('queued'))
    .addColumn('message', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('request', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('asset_id', 'text', (c) => c.references('assets.id').onDelete('set null'))
    .addColumn('origin_location', 'text')
    .addColumn('created_by_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('import_logs_workspace_idx').on('import_logs').columns(['workspace_id', 'sequence']).execute();
}
