import type { Kysely } from 'kysely';

// Frozen: never import app code here.

/*
 * tus uploads written in place (issue #18; docs/api-core.md "Resumable uploads (tus)"). On a store that can write at
 * an offset (disk), an upload's bytes go into one temp file instead of one part per PATCH; `bytes_in_place` says
 * which way a session's bytes are kept (existing sessions: parts). A PATCH writes only under a short claim on the
 * row: `write_claim_token` names the request holding it, `write_claim_until` (ISO time) is when it lapses, so a
 * writer that died blocks no one for long.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('upload_sessions').addColumn('bytes_in_place', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('upload_sessions').addColumn('write_claim_token', 'text').execute();
  await db.schema.alterTable('upload_sessions').addColumn('write_claim_until', 'text').execute();
}
