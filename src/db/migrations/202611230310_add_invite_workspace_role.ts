import type { Kysely } from 'kysely';

// Frozen: never import app code here.

/** The workspace role an invitee gets in the invite's workspaces (null: the account's default_workspace_role). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('invites').addColumn('workspace_role', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('invites').dropColumn('workspace_role').execute();
}
