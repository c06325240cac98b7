import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen: never import app code here; the dialect is read from Kysely's adapter.

/*
 * Sign-in for people (issue #15): a password per user and server-side browser sessions.
 *
 * `user_sessions` has no account or workspace column on purpose: a person signs in once and then works in every
 * account they belong to (the tenancy headers pick one per request, as with API keys), so a session belongs to a user,
 * like the `users` row itself. Only the SHA-256 of the cookie value is stored: a copy of the database does not let
 * anyone act as the user.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;

  await db.schema.alterTable('users').addColumn('password_hash', 'text').execute();
  await db.schema.alterTable('users').addColumn('password_changed_at', 'text').execute();

  let table = db.schema.createTable('user_sessions');
  table = pg
    ? table
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('sequence', 'integer', (c) => c.notNull().unique().generatedByDefaultAsIdentity())
    : // NOTE(sqlite): only an INTEGER PRIMARY KEY auto-increments, so `sequence` is the key and `id` is unique.
      table.addColumn('sequence', 'integer', (c) => c.primaryKey().autoIncrement()).addColumn('id', 'text', (c) => c.notNull().unique());
  await table
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('client_address', 'text')
    .addColumn('user_agent', 'text')
    .execute();
  await db.schema.createIndex('user_sessions_user_idx').on('user_sessions').columns(['user_id']).execute();
}
