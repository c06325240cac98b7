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

/** `/a/b/` -> ['/a/', '/a/b/'] (the root `/` has no row). */
function prefixesOf(path: string): string[] {
  const segments = path.split('/').filter((s) => s !== '');
  return segments.map((_, i) => `/${segments.slice(0, i + 1).join('/')}/`);
}

export async function up(db: Kysely<any>): Promise<void> {
  const withIds = ids(isPostgres(db));

  // A folder row per path, so empty folders exist and have ids; the root `/` is implicit. Assets keep their path in
  // `file_location`; a folder move rewrites the paths of its subtree in one transaction.
  await db.schema
    .createTable('folders')
    .$call(withIds)
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'text', (c) => c.references('folders.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_by_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('folders_workspace_path_uq', ['workspace_id', 'path'])
    .execute();
  await db.schema.createIndex('folders_parent_idx').on('folders').column('parent_id').execute();

  // File locking: when the current holder took the lock.
  await db.schema.alterTable('assets').addColumn('locked_at', 'text').execute();

  // Folders of assets that existed before this migration, so the tree matches their file_location.
  const locations: Array<{ workspace_id: string; file_location: string }> = await db
    .selectFrom('assets')
    .select(['workspace_id', 'file_location'])
    .distinct()
    .execute();
  const now = new Date().toISOString();
  const made = new Map<string, string>();
  for (const { workspace_id, file_location } of locations) {
    let parentId: string | null = null;
    for (const path of prefixesOf(file_location)) {
      const key = `${workspace_id}|${path}`;
      let id = made.get(key);
      if (!id) {
        id = randomUUID();
        const name = path.split('/').filter((s) => s !== '').pop() ?? path;
        await db
          .insertInto('folders')
          .values({ id, workspace_id, path, parent_id: parentId, name, created_by_user_id: null, created_at: now, updated_at: now })
          .execute();
        made.set(key, id);
      }
      parentId = id;
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('assets').dropColumn('locked_at').execute();
  await db.schema.dropTable('folders').execute();
}
