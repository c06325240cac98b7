import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen: never import app code here; the dialect is read from Kysely's adapter.

/*
 * OAuth2 refresh tokens of the Workstream token endpoint (issue #14; docs/workstream.md "Authentication"). One row per
 * grant that issued one; the token is reusable (as Webdam's), so it is kept until its API key goes (cascade) or it is
 * pruned. It belongs to the API key that was the OAuth client, and so to that key's account and user. Only the SHA-256
 * of the token is stored: a copy of the database does not let anyone get access tokens.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;

  let table = db.schema.createTable('oauth_refresh_tokens');
  table = pg
    ? table
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('sequence', 'integer', (c) => c.notNull().unique().generatedByDefaultAsIdentity())
    : // NOTE(sqlite): only an INTEGER PRIMARY KEY auto-increments, so `sequence` is the key and `id` is unique.
      table.addColumn('sequence', 'integer', (c) => c.primaryKey().autoIncrement()).addColumn('id', 'text', (c) => c.notNull().unique());
  await table
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('api_key_id', 'text', (c) => c.notNull().references('api_keys.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .execute();
  await db.schema.createIndex('oauth_refresh_tokens_key_idx').on('oauth_refresh_tokens').columns(['api_key_id', 'created_at']).execute();
}
