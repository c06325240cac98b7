import type { Kysely } from 'kysely';

// Frozen: never import app code here.

/**
 * A core review request is an approver slot of the approval engine (docs/approvals.md "Core review requests"): each
 * request points at its approval_responses row.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('review_requests').addColumn('approval_response_id', 'text', (c) => c.references('approval_responses.id').onDelete('set null')).execute();
  await db.schema.createIndex('review_requests_approval_response_idx').on('review_requests').columns(['approval_response_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('review_requests_approval_response_idx').execute();
  await db.schema.alterTable('review_requests').dropColumn('approval_response_id').execute();
}
