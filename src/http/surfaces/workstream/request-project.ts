import { Type } from '@sinclair/typebox';
import type { ProjectRow } from '../../../db/schema.js';
import { unixSeconds, unixSecondsText } from './conventions.js';

/* The project a task belongs to, as the task shape embeds it (spec §1.3.10-11). Its own file: the task shape and the
 * project shape both need it, and neither may import the other's module back. */

const Unix = Type.Integer({ description: 'Unix seconds' });
const UnixText = Type.String({ pattern: '^[0-9]+$', description: 'Unix seconds as a string' });

/** §1.3.10 The project embedded in a task (`type: "requestproject"`): most fields are null there, as in the seed. */
export const WsRequestProject = Type.Object(
  {
    id: Type.Integer(),
    type: Type.Literal('requestproject'),
    name: Type.String(),
    status: Type.Integer({ description: '1 active, 2 on hold, 3 completed, 4 archived' }),
    start_date: Unix,
    end_date: Type.Null(),
    completion: Type.Null(),
    asset_count: Type.Null(),
    watcher_count: Type.Null(),
    assignee_type: Type.Integer(),
    owner: Type.Null(),
    watchers: Type.Null(),
    assets: Type.Null(),
    tasks: Type.Null(),
    description: Type.Null(),
    keywords: Type.Null(),
    assignee: Type.Null(),
    fields: Type.Null(),
    activity_feed: Type.Null(),
    completed_at: Type.Null(),
    created_at: UnixText,
    updated_at: UnixText,
  },
  { additionalProperties: false },
);

/** The project inside a task (`requestproject`): `start_date` is when the project was created. */
export function presentRequestProject(p: ProjectRow) {
  return {
    id: p.sequence,
    type: 'requestproject' as const,
    name: p.name,
    status: p.status,
    start_date: unixSeconds(p.created_at),
    end_date: null,
    completion: null,
    asset_count: null,
    watcher_count: null,
    assignee_type: 1,
    owner: null,
    watchers: null,
    assets: null,
    tasks: null,
    description: null,
    keywords: null,
    assignee: null,
    fields: null,
    activity_feed: null,
    completed_at: null,
    created_at: unixSecondsText(p.created_at),
    updated_at: unixSecondsText(p.updated_at),
  };
}
