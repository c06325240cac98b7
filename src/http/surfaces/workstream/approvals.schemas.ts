import { Type } from '@sinclair/typebox';
import { WsLegacyAsset, WsMiniAsset } from './asset-shapes.schemas.js';
import { WsUser } from './schemas.js';
import { WsProof } from './proofs.routes.js';

/*
 * Approval shapes of the Workstream surface (spec §1.3.2, 1.3.4-1.3.8), with the seed's JSON types: user, asset and
 * folder ids numeric strings, other ids integers, approval timestamps Unix seconds as strings.
 */

const UnixText = Type.String({ pattern: '^[0-9]+$', description: 'Unix seconds as a string' });
const IdText = Type.String({ pattern: '^[0-9]+$' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([Type.Null(), t]);

/** A team slot nobody answered yet, or a guest: "empty data" in the user's shape (ids and names empty). */
export const WsEmptyUser = Type.Object(
  {
    id: Type.Literal(''),
    type: Type.Literal('user'),
    username: Type.String(),
    firstname: Type.String(),
    lastname: Type.String(),
    email: Type.String(),
    role: Type.Integer(),
    status: Type.String(),
    profile_image: Type.Literal(false),
    color: Type.String(),
    timezone: Type.String(),
    language: Type.String(),
  },
  { additionalProperties: false, description: 'No user: a team slot not answered yet, or a guest (their e-mail only).' },
);

/** Team object (docs/approvals.md): `secondary_approver`. */
export const WsTeam = Type.Object(
  { id: Type.Integer(), type: Type.Literal('team'), name: Type.String(), color: Type.String(), image: Type.Literal(false) },
  { additionalProperties: false },
);

/** §1.3.5 approval response. */
export const WsApprovalResponse = Type.Object(
  {
    id: Type.Integer(),
    type: Type.Literal('approvalresponse'),
    approval_id: Type.Integer(),
    stage_id: Type.Integer(),
    response: Type.Integer({ description: '1 pending, 2 approved, 3 rejected, 4 approved with changes' }),
    user_id: Nullable(Type.Integer()),
    user_email: Type.String(),
    approver_user: Type.Union([WsUser, WsEmptyUser]),
    secondary_approver: Nullable(WsTeam),
    secondary_approver_id: Nullable(Type.Integer()),
    secondary_approver_type: Nullable(Type.Literal(1)),
    stage: Type.Null(),
    escalated_approver: Type.Integer(),
    created_at: UnixText,
    updated_at: UnixText,
  },
  { additionalProperties: false },
);

/** §1.3.6 approval setting. */
export const WsApprovalSetting = Type.Object(
  {
    id: Type.Integer(),
    approval_id: Type.Integer(),
    stage_id: Type.Integer(),
    type: Type.Integer(),
    value: Type.String(),
    data: Type.Null(),
    created_at: UnixText,
    updated_at: UnixText,
  },
  { additionalProperties: false },
);

/** §1.3.2 the caller as an approver (GET by key). */
export const WsCurrentApprover = Type.Object(
  {
    id: IdText,
    affiliateid: Type.Null(),
    username: Type.String(),
    firstname: Type.String(),
    lastname: Type.String(),
    email: Type.String(),
    usertype: Type.String(),
    role: Type.Integer(),
    status: Type.String(),
    datecreated: Type.Null(),
    laston: Type.Null(),
    timezone: Type.String(),
    profileImage: Type.String(),
    color: Type.String(),
    shortDateFormat: Type.String(),
    longDateFormat: Type.String(),
    timeFormat: Type.String(),
    weekStart: Type.String(),
    language: Type.String(),
    preferences: Type.Record(Type.String(), Type.String()),
    teams: Type.Record(Type.String(), Type.String()),
  },
  { additionalProperties: false },
);

/** Template as embedded in an approval (docs/approvals.md "Templates"). */
export const WsApprovalTemplate = Type.Object(
  {
    id: Type.Integer(),
    type: Type.Literal('template'),
    name: Type.String(),
    version: Type.Integer(),
    template_parent_id: Type.Integer({ description: 'The first version of this template (the line every version belongs to)' }),
    parent_id: Nullable(Type.Integer()),
    stages: Type.Array(
      Type.Object(
        {
          id: Type.Integer({ description: 'The stage number (1-based), as current_stage_id and stage_id' }),
          name: Type.String(),
          approver_source: Type.String(),
          approver_style: Type.String(),
          view_comments: Type.Boolean(),
          can_proof: Type.Boolean(),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/** §1.3.4 approval (list, full and limited forms). */
export const WsApproval = Type.Object(
  {
    key: Type.String(),
    type: Type.Literal('approval'),
    status: Type.Integer({ description: '1 pending, 2 approved, -1 cancelled' }),
    owner: Type.Union([WsUser, WsEmptyUser]),
    object_type: Type.Literal(1),
    object_version: Type.Integer(),
    template: Nullable(WsApprovalTemplate),
    current_stage_id: Type.Integer(),
    object: Type.Union([Type.Null(), WsMiniAsset, WsLegacyAsset]),
    proof: Type.Union([Type.Null(), WsProof], { description: 'The asset\'s proof (§1.3.12) in the list and full forms; null when it has none, and in the limited form' }),
    settings: Nullable(Type.Record(Type.String(), WsApprovalSetting)),
    current_stage_responses: Nullable(Type.Array(WsApprovalResponse)),
    current_approver: Nullable(WsCurrentApprover),
    all_stage_responses: Type.Null(),
    is_approver: Type.Boolean(),
    editable: Type.Boolean(),
    created_at: UnixText,
    updated_at: UnixText,
    comments: Type.String(),
  },
  { additionalProperties: false },
);

/** §1.3.8 approval comment. */
export const WsActivityFeed = Type.Object(
  {
    id: Type.Integer(),
    type: Type.Literal('activity_feed'),
    object_id: Type.Integer(),
    object_type: Type.Literal(4),
    user_id: Type.Integer({ description: '0 for a guest approver' }),
    action: Type.Literal(1),
    field: Type.Literal('added'),
    value: Type.String(),
    user: Type.Union([WsUser, WsEmptyUser]),
    settings: Type.Object({ approval_response: Type.Integer() }, { additionalProperties: false }),
    cs_comment_id: Type.Literal(0),
    primary_id: Type.Literal(0),
    user_email: Type.String(),
    created_at: UnixText,
    updated_at: UnixText,
  },
  { additionalProperties: false },
);

/** Names of the approval objects in `/openapi.json` (plugins/openapi.ts), so the document shares them. */
export const approvalComponents: Record<string, unknown> = {
  WorkstreamApproval: WsApproval,
  WorkstreamEmptyUser: WsEmptyUser,
  WorkstreamCurrentApprover: WsCurrentApprover,
  WorkstreamApprovalTemplate: WsApprovalTemplate,
  WorkstreamApprovalResponse: WsApprovalResponse,
  WorkstreamApprovalSetting: WsApprovalSetting,
  WorkstreamActivityFeed: WsActivityFeed,
  WorkstreamTeam: WsTeam,
};
