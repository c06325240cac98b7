import type { Readable } from 'node:stream';
import type { ApprovalCommentRow, ApprovalResponseRow, ApprovalRow, AssetRow } from '../../db/schema.js';
import { isoAfterSeconds, isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { randomToken, sha256Hex } from '../../lib/secrets.js';
import type { Ctx, Deps } from '../context.js';
import { DomainError, errors } from '../errors.js';
import { teamIdsOfUser } from '../teams/teams.repo.js';
import { applyAnswer } from './approval-answers.service.js';
import { callerOf, holdsSlot, manages, requireAssetIn, seesApproval, type Caller, type Container, type Keyed } from './approval-access.js';
import { keyHash } from './approval-keys.js';
import { APPROVAL_STATUS, isAnswer } from './approvals.rules.js';
import { commentsVisibleTo } from './approvals-read.service.js';
import { findApproval, findLatestApprovalOfAsset, findResponseByKey, listResponses } from './approvals.repo.js';

/*
 * The approval page (Workstream A12; spec §1.5 item 11; docs/approvals.md "The approval page"): a signed-in user gets
 * a single-use link that expires in 5 minutes; a guest uses the link of their key. The page shows the preview, the
 * comments the approver may see, and a form to answer. Opening a token link spends it and issues a fresh single-use
 * token for the form, so the page works without an account or a session cookie.
 */

export const PAGE_TOKEN_SECONDS = 300;
/** How long the form of an opened page may be sent. */
export const FORM_TOKEN_SECONDS = 3600;

async function issueToken(deps: Deps, input: { workspaceId: string; assetId: string; userId: string; seconds: number }): Promise<string> {
  const token = `apt_${randomToken(32)}`;
  const now = isoNow(deps.clock);
  await deps.db
    .insertInto('approval_page_tokens')
    .values({ id: newId(), workspace_id: input.workspaceId, asset_id: input.assetId, user_id: input.userId, token_hash: sha256Hex(token), expires_at: isoAfterSeconds(now, input.seconds), used_at: null, created_at: now })
    .execute();
  return token;
}

/**
 * A12: a single-use page link for the asset reached through the container (403/404 as the check routes), unless there
 * is an approval the caller may neither manage nor answer (404).
 */
export async function issuePageToken(ctx: Ctx, container: Container, assetId: string): Promise<string> {
  const asset = await requireAssetIn(ctx, container, assetId);
  const approval = await findLatestApprovalOfAsset(ctx.db, { workspaceId: asset.workspace_id, assetId: asset.id });
  if (approval) {
    const slots = await listResponses(ctx.db, { workspaceId: asset.workspace_id, approvalIds: [approval.id] });
    if (!seesApproval(approval, slots, await callerOf(ctx))) {
      throw errors.notFound('approval');
    }
  }
  return issueToken(ctx, { workspaceId: asset.workspace_id, assetId: asset.id, userId: ctx.actor.userId, seconds: PAGE_TOKEN_SECONDS });
}

/** What the page shows. */
export interface ApprovalPage {
  asset: AssetRow;
  approval: ApprovalRow | undefined;
  /** The approver slot the visitor answers for, when they may answer now. */
  slot: ApprovalResponseRow | undefined;
  comments: ApprovalCommentRow[];
  /** The credential the form posts back: a fresh page token, or the guest's key. */
  form: { kind: 'token' | 'key'; value: string };
  visitorUserId: string | null;
}

async function userCaller(deps: Deps, workspaceId: string, userId: string): Promise<Caller> {
  const ws = await deps.db.selectFrom('workspaces').select('account_id').where('id', '=', workspaceId).executeTakeFirstOrThrow();
  const am = await deps.db.selectFrom('account_members').select('role').where('account_id', '=', ws.account_id).where('user_id', '=', userId).executeTakeFirst();
  const wm = await deps.db.selectFrom('workspace_members').select('role').where('workspace_id', '=', workspaceId).where('user_id', '=', userId).executeTakeFirst();
  return {
    userId,
    teamIds: new Set(await teamIdsOfUser(deps.db, { accountId: ws.account_id, userId })),
    isAdmin: am?.role === 'owner' || am?.role === 'admin' || wm?.role === 'admin',
  };
}

/** Spends a page token (single use, unexpired), or throws `approval_page_expired` (404). */
async function spendToken(deps: Deps, token: string): Promise<{ workspaceId: string; assetId: string; userId: string }> {
  const now = isoNow(deps.clock);
  const row = await deps.db
    .updateTable('approval_page_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', sha256Hex(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['workspace_id', 'asset_id', 'user_id'])
    .executeTakeFirst();
  if (!row) {
    throw new DomainError('not_found', 'approval_page_expired', 'This approval link was used already or has expired; ask for a new one.');
  }
  return { workspaceId: row.workspace_id, assetId: row.asset_id, userId: row.user_id };
}

async function pageFor(deps: Deps, input: { asset: AssetRow; approval: ApprovalRow | undefined; slot: ApprovalResponseRow | undefined; caller: Caller; form: ApprovalPage['form'] }): Promise<ApprovalPage> {
  const { approval, caller } = input;
  let comments: ApprovalCommentRow[] = [];
  if (approval) {
    const keyed: Keyed = { approval, slot: input.slot, caller };
    comments = await commentsVisibleTo(deps, keyed);
  }
  const answerable = input.slot && approval && approval.status === APPROVAL_STATUS.pending && input.slot.stage === approval.current_stage ? input.slot : undefined;
  return { asset: input.asset, approval, slot: answerable, comments, form: input.form, visitorUserId: caller.userId };
}

async function assetOf(deps: Deps, workspaceId: string, assetId: string): Promise<AssetRow> {
  const asset = await deps.db.selectFrom('assets').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', assetId).executeTakeFirst();
  if (!asset) {
    throw errors.notFound('asset');
  }
  return asset;
}

/** Opens a token link: spends it, finds the visitor's slot on the asset's approval, issues the form's token. */
export async function openPageByToken(deps: Deps, token: string): Promise<ApprovalPage> {
  const t = await spendToken(deps, token);
  const asset = await assetOf(deps, t.workspaceId, t.assetId);
  const caller = await userCaller(deps, t.workspaceId, t.userId);
  const approval = await findLatestApprovalOfAsset(deps.db, { workspaceId: t.workspaceId, assetId: t.assetId });
  const slots = approval ? await listResponses(deps.db, { workspaceId: t.workspaceId, approvalIds: [approval.id] }) : [];
  const slot = approval ? slots.find((s) => s.stage === approval.current_stage && holdsSlot(s, caller)) : undefined;
  const form = { kind: 'token' as const, value: await issueToken(deps, { ...t, seconds: FORM_TOKEN_SECONDS }) };
  return pageFor(deps, { asset, approval, slot, caller, form });
}

async function bySlotKey(deps: Deps, key: string): Promise<{ approval: ApprovalRow; slot: ApprovalResponseRow; asset: AssetRow }> {
  const slot = key.startsWith('apr_') ? await findResponseByKey(deps.db, { hash: keyHash(key) }) : undefined;
  const approval = slot ? await findApproval(deps.db, { workspaceId: slot.workspace_id, id: slot.approval_id }) : undefined;
  if (!slot || !approval) {
    throw errors.notFound('approval');
  }
  return { approval, slot, asset: await assetOf(deps, approval.workspace_id, approval.asset_id) };
}

const guest: Caller = { userId: null, teamIds: new Set(), isAdmin: false };

/** Opens the page of an approver's key (a guest needs no account). */
export async function openPageByKey(deps: Deps, key: string): Promise<ApprovalPage> {
  const { approval, slot, asset } = await bySlotKey(deps, key);
  return pageFor(deps, { asset, approval, slot, caller: guest, form: { kind: 'key', value: key } });
}

/** The page's form: answers for the visitor's slot, then shows the page again. */
export async function answerOnPage(deps: Deps, input: { form: ApprovalPage['form']; response: number; message: string }): Promise<ApprovalPage> {
  if (!isAnswer(input.response)) {
    throw errors.invalidField('body', 'response', 'must be 2 (approve), 3 (reject) or 4 (approve with changes)');
  }
  const response = input.response;
  if (input.form.kind === 'key') {
    const { approval, slot } = await bySlotKey(deps, input.form.value);
    await applyAnswer(deps, { approval, slot, responderId: slot.user_id, response, message: input.message });
    return openPageByKey(deps, input.form.value);
  }
  const t = await spendToken(deps, input.form.value);
  const caller = await userCaller(deps, t.workspaceId, t.userId);
  const approval = await findLatestApprovalOfAsset(deps.db, { workspaceId: t.workspaceId, assetId: t.assetId });
  const slots = approval ? await listResponses(deps.db, { workspaceId: t.workspaceId, approvalIds: [approval.id] }) : [];
  const slot = approval ? slots.find((s) => s.stage === approval.current_stage && holdsSlot(s, caller)) : undefined;
  if (!approval || !slot) {
    throw errors.forbidden('not_an_approver', 'You are not an approver of this approval\'s current stage.');
  }
  await applyAnswer(deps, { approval, slot, responderId: t.userId, response, message: input.message });
  const asset = await assetOf(deps, t.workspaceId, t.assetId);
  const after = await findApproval(deps.db, { workspaceId: t.workspaceId, id: approval.id });
  const form = { kind: 'token' as const, value: await issueToken(deps, { ...t, seconds: FORM_TOKEN_SECONDS }) };
  return pageFor(deps, { asset, approval: after, slot, caller, form });
}

/** Whether the visitor manages the approval (owner or admin): they see every comment. */
export const pageManages = (page: ApprovalPage, caller: Caller): boolean => (page.approval ? manages(page.approval, caller) : false);

/**
 * The page's image: the approved version's preview (else thumbnail), for the holder of the page's form token (not
 * spent by this) or of an approver key; undefined while none is ready.
 */
export async function openPagePreview(deps: Deps, form: ApprovalPage['form']): Promise<{ contentType: string; stream: Readable } | undefined> {
  let asset: AssetRow;
  let versionId: string | null;
  if (form.kind === 'key') {
    const found = await bySlotKey(deps, form.value);
    asset = found.asset;
    versionId = found.approval.asset_version_id;
  } else {
    const t = await deps.db
      .selectFrom('approval_page_tokens')
      .select(['workspace_id', 'asset_id'])
      .where('token_hash', '=', sha256Hex(form.value))
      .where('expires_at', '>', isoNow(deps.clock))
      .executeTakeFirst();
    if (!t) {
      throw errors.notFound('approval');
    }
    asset = await assetOf(deps, t.workspace_id, t.asset_id);
    versionId = (await findLatestApprovalOfAsset(deps.db, { workspaceId: t.workspace_id, assetId: t.asset_id }))?.asset_version_id ?? asset.current_version_id;
  }
  const page = { asset };
  if (!versionId) {
    return undefined;
  }
  const rows = await deps.db
    .selectFrom('derivatives')
    .select(['kind', 'blob_key', 'content_type'])
    .where('workspace_id', '=', page.asset.workspace_id)
    .where('version_id', '=', versionId)
    .where('kind', 'in', ['preview', 'thumbnail'])
    .where('state', '=', 'ready')
    .execute();
  const row = rows.find((r) => r.kind === 'preview') ?? rows[0];
  if (!row?.blob_key) {
    return undefined;
  }
  return { contentType: row.content_type ?? 'application/octet-stream', stream: await deps.blobs.get(row.blob_key) };
}
