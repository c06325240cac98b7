import type { Generated } from 'kysely';
import type { Keyed } from './keyed.js';

/* Teams and the approval engine (src/domain/teams, src/domain/approvals; docs/approvals.md). */

/** A team of an account's users. */
export interface TeamsTable extends Keyed {
  account_id: string;
  name: string;
  color: string;
  created_by_user_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface TeamMembersTable extends Keyed {
  account_id: string;
  team_id: string;
  user_id: string;
  created_at: string;
}

/** One version of an approval template; `stages` is JSON text (approvals/templates.rules.ts). */
export interface ApprovalTemplatesTable extends Keyed {
  account_id: string;
  parent_id: string | null;
  root_id: string;
  version: number;
  is_current: Generated<number>;
  name: string;
  stages: string;
  created_by_user_id: string | null;
  created_at: string;
}

/** `status` 1 pending, 2 approved, -1 cancelled; `current_stage` 0 without a template. */
export interface ApprovalsTable extends Keyed {
  account_id: string;
  workspace_id: string;
  asset_id: string;
  asset_version_id: string | null;
  object_version: number;
  owner_id: string | null;
  template_id: string | null;
  current_stage: number;
  stage_count: number;
  status: number;
  comments: Generated<string>;
  due_date: string | null;
  view_key_hash: string;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  cancelled_at: string | null;
}

/** One approver slot: `response` 1 pending, 2 approved, 3 rejected, 4 approved with changes. */
export interface ApprovalResponsesTable extends Keyed {
  workspace_id: string;
  approval_id: string;
  stage: number;
  user_id: string | null;
  team_id: string | null;
  email: string;
  responder_id: string | null;
  response: number;
  key_hash: string;
  created_at: string;
  updated_at: string;
}

export interface ApprovalSettingsTable extends Keyed {
  workspace_id: string;
  approval_id: string;
  stage: number;
  type: number;
  value: string;
  created_at: string;
  updated_at: string;
}

export interface ApprovalCommentsTable extends Keyed {
  workspace_id: string;
  approval_id: string;
  stage: number;
  user_id: string | null;
  user_email: string;
  response: number;
  value: string;
  created_at: string;
}

export interface ApprovalPageTokensTable extends Keyed {
  workspace_id: string;
  asset_id: string;
  user_id: string;
  token_hash: string;
  expires_at: string;
  used_at: string | null;
  created_at: string;
}
