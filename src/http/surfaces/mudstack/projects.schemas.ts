import { Type, type Static } from '@sinclair/typebox';
import { PROJECT_STATUS_NAMES } from '../../../domain/projects/projects.rules.js';
import { NullableString, Offset } from './common.schemas.js';

/* Core-API administration of Workstream projects (docs/workstream.md "Projects"): UUIDs, ISO timestamps. */

const Status = Type.Union(PROJECT_STATUS_NAMES.map((s) => Type.Literal(s)), { description: 'active, on_hold, completed or archived' });
const NullableUuidRef = Type.Union([Type.String({ format: 'uuid' }), Type.Null()]);

export const Project = Type.Object(
  {
    id: Type.String(),
    sequence: Type.Integer({ description: 'The integer id Workstream shows as `id`' }),
    account_id: Type.String(),
    workspace_id: Type.String(),
    name: Type.String(),
    description: Type.String({ description: 'HTML, as Workstream shows it' }),
    sponsor_id: NullableString,
    owner_id: NullableString,
    status: Status,
    launch_date: NullableString,
    completion: Type.Number({ description: 'Percent of the project\'s tasks (drafts left out) in a closed status; 0 without tasks' }),
    task_count: Type.Integer(),
    open_task_count: Type.Integer(),
    asset_count: Type.Integer(),
    watcher_count: Type.Integer(),
    created_by_user_id: NullableString,
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { $id: 'Project', additionalProperties: false },
);
export type ProjectJson = Static<typeof Project>;

export const ProjectParams = Type.Object({ project_id: Type.String() });

const Name = Type.String({ minLength: 1, maxLength: 1000, description: '1 to 255 characters after trimming' });
const Description = Type.String({ maxLength: 20_000 });
const LaunchDate = Type.Union([Type.String({ maxLength: 64 }), Type.Null()], { description: '`YYYY-MM-DD` or an ISO date-time with an offset; null clears' });

export const ProjectCreateBody = Type.Object(
  {
    name: Name,
    description: Type.Optional(Description),
    sponsor_id: Type.Optional(NullableUuidRef),
    owner_id: Type.Optional(NullableUuidRef),
    status: Type.Optional(Status),
    launch_date: Type.Optional(LaunchDate),
  },
  { additionalProperties: false },
);

export const ProjectUpdateBody = Type.Object(
  {
    name: Type.Optional(Name),
    description: Type.Optional(Description),
    sponsor_id: Type.Optional(NullableUuidRef),
    owner_id: Type.Optional(NullableUuidRef),
    status: Type.Optional(Status),
    launch_date: Type.Optional(LaunchDate),
  },
  { additionalProperties: false },
);
export type ProjectBodyJson = Static<typeof ProjectUpdateBody>;

export const ProjectListQuery = Type.Object(
  {
    offset: Type.Optional(Offset),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: '1 to 100; 50 when left out' })),
  },
  { additionalProperties: false },
);
