import { Type, type Static } from '@sinclair/typebox';
import { Asset } from './assets.schemas.js';
import { NullableString, User } from './common.schemas.js';

// Null first in nullable unions: with the app's coerceTypes, a string branch tried first would turn null into ''.
const NullOr = <T extends ReturnType<typeof Type.String>>(t: T, description: string) => Type.Union([Type.Null(), t], { description });

export const Priority = Type.Union([Type.Literal('Low'), Type.Literal('Medium'), Type.Literal('High')], { description: 'Low, Medium or High' });

export const Task = Type.Object(
  {
    id: Type.String(),
    sequence: Type.Integer(),
    creator_id: NullableString,
    title: Type.String(),
    assignee_id: NullableString,
    description: Type.String(),
    priority: Priority,
    status: Type.String({ description: 'The status name, e.g. "Pending" or "Completed"' }),
    status_id: Type.String(),
    due_date: Type.Union([Type.String(), Type.Null()], { description: '`YYYY-MM-DD`, or an ISO date-time in UTC' }),
    account_id: Type.String(),
    workspace_id: Type.String(),
    asset_id: NullableString,
    asset: Type.Union([Asset, Type.Null()]),
    creator: Type.Union([User, Type.Null()]),
    assignee: Type.Union([User, Type.Null()]),
    created_at: Type.String(),
    updated_at: Type.String(),
    completed_at: Type.Union([Type.String(), Type.Null()], { description: 'When the task entered a closed status' }),
  },
  { description: 'Task' },
);
export type TaskJson = Static<typeof Task>;

export const TaskList = Type.Object(
  {
    tasks: Type.Array(Task),
    next_cursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `cursor` for the next page; null on the last page' }),
  },
  { description: 'TaskList' },
);

export const TaskParams = Type.Object({ task_id: Type.String() });

const Id = Type.String({ maxLength: 100 });
const fields = {
  description: Type.Optional(Type.String({ maxLength: 100_000 })),
  assignee_id: Type.Optional(NullOr(Id, 'A user of the workspace, or null for nobody')),
  priority: Type.Optional(Priority),
  status: Type.Optional(Type.String({ maxLength: 200, description: 'A task status name of the workspace ("Pending"), case-insensitive' })),
  status_id: Type.Optional(Type.String({ maxLength: 100, description: 'A task status id (alternative to `status`)' })),
  due_date: Type.Optional(NullOr(Type.String({ maxLength: 64 }), 'ISO date (YYYY-MM-DD) or date-time with an offset; null clears')),
  asset_id: Type.Optional(NullOr(Id, 'An asset of the workspace, or null')),
};

export const TaskCreateBody = Type.Object({ title: Type.String({ maxLength: 10_000 }), ...fields }, { additionalProperties: false });
export type TaskCreateBodyJson = Static<typeof TaskCreateBody>;

export const TaskUpdateBody = Type.Object({ title: Type.Optional(Type.String({ maxLength: 10_000 })), ...fields }, { additionalProperties: false });
export type TaskUpdateBodyJson = Static<typeof TaskUpdateBody>;

export const TaskListQuery = Type.Object(
  {
    status: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 50, description: 'Status name; repeat for any of several' })),
    status_id: Type.Optional(Id),
    assignee_id: Type.Optional(Type.String({ maxLength: 100, description: 'A user id, or `me`' })),
    creator_id: Type.Optional(Type.String({ maxLength: 100, description: 'A user id, or `me`' })),
    asset_id: Type.Optional(Id),
    project_id: Type.Optional(Type.String({ maxLength: 100, description: 'Tasks of this project (an id from GET /workspaces/projects)' })),
    priority: Type.Optional(Type.Array(Priority, { maxItems: 3, description: 'Repeat for any of several' })),
    due_before: Type.Optional(Type.String({ maxLength: 64, description: 'Due strictly before this date / date-time' })),
    due_after: Type.Optional(Type.String({ maxLength: 64, description: 'Due on or after this date / date-time' })),
    open: Type.Optional(Type.Boolean({ description: 'true: status not closed; false: status closed' })),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Title contains (case-insensitive)' })),
    sort: Type.Optional(
      Type.String({ maxLength: 20, description: 'created_at, updated_at, due_date or priority; prefix - for descending (default -created_at)' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    cursor: Type.Optional(Type.String({ maxLength: 500, description: 'The `next_cursor` (or `x-next-cursor`) of the previous page' })),
  },
  { additionalProperties: false },
);
export type TaskListQueryJson = Static<typeof TaskListQuery>;

export const TaskStatus = Type.Object(
  {
    id: Type.String(),
    workspace_id: Type.String(),
    name: Type.String(),
    color: Type.String(),
    rank: Type.Integer(),
    is_closed: Type.Boolean({ description: 'A task moved into a closed status is completed' }),
  },
  { description: 'TaskStatus' },
);
export type TaskStatusJson = Static<typeof TaskStatus>;

export const TaskStatusParams = Type.Object({ status_id: Type.String() });

const Color = Type.String({ pattern: '^#[0-9a-fA-F]{6}$', description: 'A colour in #rrggbb form' });
const Name = Type.String({ maxLength: 1000, description: 'At most 100 characters after trimming; unique per workspace, case-insensitively' });
const Rank = Type.Integer({ minimum: 0, maximum: 999_999_999, description: 'Sort order (ascending)' });

export const TaskStatusCreateBody = Type.Object(
  { name: Name, color: Type.Optional(Color), rank: Type.Optional(Rank), is_closed: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

export const TaskStatusUpdateBody = Type.Object(
  { name: Type.Optional(Name), color: Type.Optional(Color), rank: Type.Optional(Rank), is_closed: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
