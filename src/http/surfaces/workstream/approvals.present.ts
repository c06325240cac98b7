import type { ApprovalCommentRow, ApprovalResponseRow, TeamRow, UserRow } from '../../../db/schema.js';
import type { ApprovalView } from '../../../domain/approvals/approval-views.js';
import { parseStages } from '../../../domain/approvals/templates.rules.js';
import type { UserWithRole } from '../../../domain/tasks/task-request-views.js';
import { unixSecondsText } from './conventions.js';
import { presentUser } from './present.js';

/* Approval rows → Workstream JSON (spec §1.3.2, 1.3.4-1.3.8; docs/approvals.md). */

/** "Empty data" in the user's shape: a team slot nobody answered yet, or a guest (their e-mail only). */
export function emptyUser(email = '') {
  return {
    id: '' as const, type: 'user' as const, username: '', firstname: '', lastname: '', email, role: 5, status: '', profile_image: false as const, color: '', timezone: '', language: '',
  };
}

export function presentTeam(t: TeamRow) {
  return { id: t.sequence, type: 'team' as const, name: t.name, color: t.color, image: false as const };
}

const userOr = (u: UserWithRole | undefined, email = '') => (u ? presentUser(u) : emptyUser(email));

function presentResponse(r: ApprovalResponseRow, approvalSeq: number, v: ApprovalView) {
  const team = r.team_id ? v.teams.get(r.team_id) : undefined;
  const user = r.user_id ? v.users.get(r.user_id) : undefined;
  const responder = r.responder_id ? v.users.get(r.responder_id) : undefined;
  return {
    id: r.sequence,
    type: 'approvalresponse' as const,
    approval_id: approvalSeq,
    stage_id: r.stage,
    response: r.response,
    user_id: user ? user.user.sequence : null,
    user_email: user ? user.user.email : r.email,
    // A team slot shows the member who answered (empty until then); a guest shows their e-mail only.
    approver_user: r.team_id ? userOr(responder) : userOr(user, r.email),
    secondary_approver: team ? presentTeam(team) : null,
    secondary_approver_id: team ? team.sequence : null,
    secondary_approver_type: team ? (1 as const) : null,
    stage: null,
    escalated_approver: 0,
    created_at: unixSecondsText(r.created_at),
    updated_at: unixSecondsText(r.updated_at),
  };
}

function presentCurrentApprover(c: NonNullable<ApprovalView['currentApprover']>) {
  const u = presentUser(c.user);
  return {
    id: u.id, affiliateid: null, username: u.username, firstname: u.firstname, lastname: u.lastname, email: u.email,
    usertype: String(u.role), role: u.role, status: u.status, datecreated: null, laston: null, timezone: u.timezone,
    profileImage: '', color: u.color, shortDateFormat: 'DD/MM/YYYY', longDateFormat: 'MMM DD, YYYY', timeFormat: 'h:mm a', weekStart: '7',
    language: u.language, preferences: { '1': 'public_id', '2': 'desc', '3': 'name', '4': 'asc' },
    teams: Object.fromEntries(c.teams.map((t) => [String(t.sequence), t.name])),
  };
}

function presentTemplate(v: ApprovalView, rootSeq: (id: string) => number) {
  const t = v.template;
  if (!t) {
    return null;
  }
  return {
    id: t.sequence, type: 'template' as const, name: t.name, version: t.version, template_parent_id: rootSeq(t.root_id),
    parent_id: t.parent_id ? rootSeq(t.parent_id) : null,
    stages: parseStages(t.stages).map((s, i) => ({
      id: i + 1, name: s.name, approver_source: s.approver_source, approver_style: s.approver_style, view_comments: s.view_comments, can_proof: s.can_proof,
    })),
  };
}

export type ApprovalForm = 'list' | 'full' | 'limited';

/**
 * One approval: `list` (A1: mini asset, no settings), `full` (A3 and answers: legacy asset, settings,
 * current_approver), `limited` (A9-A11: object, settings and responses null). `templateSeq` maps template UUIDs
 * (root and parent) to their integer ids.
 */
export function presentApproval<O, P>(v: ApprovalView, form: ApprovalForm, ctx: { templateSeq: (id: string) => number; object: (assetId: string) => O | null; proof: (assetId: string) => P | null }) {
  const a = v.keyed.approval;
  const object = form === 'limited' ? null : ctx.object(a.asset_id);
  return {
    key: v.key,
    type: 'approval' as const,
    status: a.status,
    owner: userOr(v.owner),
    object_type: 1 as const,
    object_version: a.object_version,
    template: presentTemplate(v, ctx.templateSeq),
    current_stage_id: a.current_stage,
    object,
    proof: form === 'limited' ? null : ctx.proof(a.asset_id),
    settings:
      form === 'full'
        ? Object.fromEntries(
            v.settings.map((s) => [
              String(s.type),
              { id: s.sequence, approval_id: a.sequence, stage_id: s.stage, type: s.type, value: s.value, data: null, created_at: unixSecondsText(s.created_at), updated_at: unixSecondsText(s.updated_at) },
            ]),
          )
        : null,
    current_stage_responses: form === 'limited' ? null : v.responses.map((r) => presentResponse(r, a.sequence, v)),
    current_approver: form === 'full' && v.currentApprover ? presentCurrentApprover(v.currentApprover) : null,
    all_stage_responses: null,
    is_approver: v.isApprover,
    editable: v.editable,
    created_at: unixSecondsText(a.created_at),
    updated_at: unixSecondsText(a.updated_at),
    comments: a.comments,
  };
}

/** §1.3.8: one activity-feed entry. `users` by UUID (with roles). */
export function presentActivity(c: ApprovalCommentRow, approvalSeq: number, users: Map<string, UserWithRole>, rows: Map<string, UserRow>) {
  const u = c.user_id ? users.get(c.user_id) : undefined;
  return {
    id: c.sequence,
    type: 'activity_feed' as const,
    object_id: approvalSeq,
    object_type: 4 as const,
    user_id: c.user_id ? (rows.get(c.user_id)?.sequence ?? 0) : 0,
    action: 1 as const,
    field: 'added' as const,
    value: c.value,
    user: userOr(u, c.user_email),
    settings: { approval_response: c.response },
    cs_comment_id: 0 as const,
    primary_id: 0 as const,
    user_email: c.user_email,
    created_at: unixSecondsText(c.created_at),
    updated_at: unixSecondsText(c.created_at),
  };
}
