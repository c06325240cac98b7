import type { Insertable, Kysely } from 'kysely';
import type { ApprovalCommentRow, ApprovalResponseRow, ApprovalResponsesTable, ApprovalRow, ApprovalSettingRow, ApprovalsTable, DB } from '../../db/schema.js';

type Scope = { workspaceId: string };

export function findApproval(db: Kysely<DB>, scope: Scope & { id: string }): Promise<ApprovalRow | undefined> {
  return db.selectFrom('approvals').selectAll().where('workspace_id', '=', scope.workspaceId).where('id', '=', scope.id).executeTakeFirst();
}

export function findApprovalByViewKey(db: Kysely<DB>, scope: Scope & { hash: string }): Promise<ApprovalRow | undefined> {
  return db.selectFrom('approvals').selectAll().where('workspace_id', '=', scope.workspaceId).where('view_key_hash', '=', scope.hash).executeTakeFirst();
}

/** A response by its key's hash; without a workspace (guest page) the key alone decides. */
export function findResponseByKey(db: Kysely<DB>, scope: { workspaceId?: string | undefined; hash: string }): Promise<ApprovalResponseRow | undefined> {
  let q = db.selectFrom('approval_responses').selectAll().where('key_hash', '=', scope.hash);
  if (scope.workspaceId !== undefined) {
    q = q.where('workspace_id', '=', scope.workspaceId);
  }
  return q.executeTakeFirst();
}

export function findResponse(db: Kysely<DB>, scope: Scope & { approvalId: string; id: string }): Promise<ApprovalResponseRow | undefined> {
  return db
    .selectFrom('approval_responses')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('approval_id', '=', scope.approvalId)
    .where('id', '=', scope.id)
    .executeTakeFirst();
}

/** Every response of approvals, by stage then sequence. */
export function listResponses(db: Kysely<DB>, scope: Scope & { approvalIds: readonly string[] }): Promise<ApprovalResponseRow[]> {
  if (scope.approvalIds.length === 0) {
    return Promise.resolve([]);
  }
  return db
    .selectFrom('approval_responses')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('approval_id', 'in', [...new Set(scope.approvalIds)])
    .orderBy('stage')
    .orderBy('sequence')
    .execute();
}

export function listSettings(db: Kysely<DB>, scope: Scope & { approvalId: string; stage: number }): Promise<ApprovalSettingRow[]> {
  return db
    .selectFrom('approval_settings')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('approval_id', '=', scope.approvalId)
    .where('stage', '=', scope.stage)
    .orderBy('type')
    .execute();
}

export async function settingValue(db: Kysely<DB>, scope: Scope & { approvalId: string; stage: number; type: number }): Promise<string | undefined> {
  const row = await db
    .selectFrom('approval_settings')
    .select('value')
    .where('workspace_id', '=', scope.workspaceId)
    .where('approval_id', '=', scope.approvalId)
    .where('stage', '=', scope.stage)
    .where('type', '=', scope.type)
    .executeTakeFirst();
  return row?.value;
}

/** The activity feed, newest first (as the seed's example). */
export function listComments(db: Kysely<DB>, scope: Scope & { approvalId: string; stage?: number | undefined }): Promise<ApprovalCommentRow[]> {
  let q = db.selectFrom('approval_comments').selectAll().where('workspace_id', '=', scope.workspaceId).where('approval_id', '=', scope.approvalId);
  if (scope.stage !== undefined) {
    q = q.where('stage', '=', scope.stage);
  }
  return q.orderBy('sequence', 'desc').execute();
}

export function insertApproval(db: Kysely<DB>, row: Insertable<ApprovalsTable>): Promise<ApprovalRow> {
  return db.insertInto('approvals').values(row).returningAll().executeTakeFirstOrThrow();
}

export function insertResponse(db: Kysely<DB>, row: Insertable<ApprovalResponsesTable>): Promise<ApprovalResponseRow> {
  return db.insertInto('approval_responses').values(row).returningAll().executeTakeFirstOrThrow();
}

/** The newest approval of an asset that is not cancelled (pending first), if any. */
/**
 * The latest approval of each of these assets, in findLatestApprovalOfAsset's order (open before closed, newest
 * first), in one query for a whole page of assets.
 */
export async function findLatestApprovalsOfAssets(db: Kysely<DB>, scope: Scope & { assetIds: readonly string[] }): Promise<Map<string, ApprovalRow>> {
  const out = new Map<string, ApprovalRow>();
  if (scope.assetIds.length === 0) {
    return out;
  }
  const rows = await db
    .selectFrom('approvals')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('asset_id', 'in', [...new Set(scope.assetIds)])
    .where('status', '!=', -1)
    .orderBy('status')
    .orderBy('sequence', 'desc')
    .execute();
  for (const row of rows) {
    if (!out.has(row.asset_id)) {
      out.set(row.asset_id, row);
    }
  }
  return out;
}

export function findLatestApprovalOfAsset(db: Kysely<DB>, scope: Scope & { assetId: string }): Promise<ApprovalRow | undefined> {
  return db
    .selectFrom('approvals')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('asset_id', '=', scope.assetId)
    .where('status', '!=', -1)
    .orderBy('status')
    .orderBy('sequence', 'desc')
    .executeTakeFirst();
}
