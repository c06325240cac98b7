import { Type } from '@sinclair/typebox';
import { WsRequestProject } from './request-project.js';
import { WsForm, WsFormField } from './forms.schemas.js';

/*
 * Response shapes of the Workstream surface (spec §1.3), field by field as the seed's examples show them, with their
 * JSON types: user, asset and folder ids are numeric strings; other ids integers; timestamps as each object uses them.
 */

const UnixText = Type.String({ pattern: '^[0-9]+$', description: 'Unix seconds as a string' });
const Unix = Type.Integer({ description: 'Unix seconds' });

/** §1.3.1 User (full). */
export const WsUser = Type.Object(
  {
    id: Type.String({ pattern: '^[0-9]+$' }),
    type: Type.Literal('user'),
    username: Type.String(),
    firstname: Type.String(),
    lastname: Type.String(),
    email: Type.String(),
    role: Type.Integer({ description: '1 admin, 3 brand-portal user, 4 contributor, 5 regular user' }),
    status: Type.String(),
    profile_image: Type.Union([Type.String(), Type.Literal(false)], { description: 'A URL, or false when the user has no picture' }),
    color: Type.String(),
    timezone: Type.String(),
    language: Type.String(),
  },
  { additionalProperties: false },
);

/** §1.3.12 Status. */
export const WsStatus = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    color: Type.String(),
    type: Type.Integer({ description: '1 built in (Draft, Pending, Completed), 2 defined by the account' }),
    created_at: UnixText,
    updated_at: UnixText,
  },
  { additionalProperties: false },
);

/** §1.3.11 Task. `project` is the task's project as a `requestproject`, or null. */
export const WsTask = Type.Object(
  {
    id: Type.Integer(),
    public_id: Type.Integer(),
    name: Type.String(),
    status: Type.Integer(),
    assignee_id: Type.Union([Type.Null(), Type.Integer()]),
    assignee: Type.Union([Type.Null(), WsUser]),
    recipient: Type.Union([Type.Null(), WsUser]),
    project_id: Type.Union([Type.Null(), Type.Integer()]),
    project: Type.Union([Type.Null(), WsRequestProject]),
    due_date: Type.Union([Type.Null(), Unix]),
    keywords: Type.Union([Type.Null(), Type.String()]),
    description: Type.Union([Type.Null(), Type.String()]),
    watcher_count: Type.Integer(),
    created_at: Unix,
    updated_at: Unix,
    form_id: Type.Union([Type.Null(), Type.Integer()], { description: 'Atelier: the form the task was made from (T8), null for other tasks' }),
    fields: Type.Union(
      [
        Type.Null(),
        Type.Array(
          Type.Object(
            { id: Type.Integer({ description: 'Form field id' }), type: Type.Integer(), response: Type.Unknown() },
            { additionalProperties: false },
          ),
        ),
      ],
      { description: 'Atelier: the answers given to the form\'s fields (T8), null for tasks not made from a form' },
    ),
  },
  { additionalProperties: false },
);

/** §1.3.12 Checklist item. */
export const WsChecklistItem = Type.Object(
  {
    creator_id: Type.Union([Type.Null(), Type.String()]),
    value: Type.String(),
    status: Type.Union([Type.Literal(0), Type.Literal(1)]),
    pos: Type.Integer(),
    completed_by_id: Type.Union([Type.Null(), Type.String()]),
    id: Type.Integer(),
    task_id: Type.Integer(),
    created_at: Unix,
    updated_at: Unix,
  },
  { additionalProperties: false },
);

/** Error bodies of this surface (errors.ts). */
export const WsError = Type.Object(
  {
    message: Type.String(),
    code: Type.String(),
    request_id: Type.String(),
    errors: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String()))),
    error: Type.Optional(Type.String()),
    error_description: Type.Optional(Type.String()),
  },
  {},
);

/** 422 is this surface's own; 400, 401, 403, 404, 413, 415 and 429 are added to every route by the OpenAPI transform. */
export const wsErrors = { 422: WsError } as const;

/** Names of this surface's objects in `/openapi.json` (plugins/openapi.ts); `WorkstreamError` is every error body. */
export const workstreamComponents: Record<string, unknown> = {
  WorkstreamError: WsError,
  WorkstreamUser: WsUser,
  WorkstreamStatus: WsStatus,
  WorkstreamTask: WsTask,
  WorkstreamChecklistItem: WsChecklistItem,
  WorkstreamForm: WsForm,
  WorkstreamFormField: WsFormField,
};
