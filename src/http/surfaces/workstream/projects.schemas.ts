import { Type } from '@sinclair/typebox';
import { WsUser } from './schemas.js';

/* Project shapes of the Workstream surface (spec §1.3.10), field by field as the seed's examples show them. */

const Unix = Type.Integer({ description: 'Unix seconds' });
const UnixText = Type.String({ pattern: '^[0-9]+$', description: 'Unix seconds as a string' });

/** §1.3.10 Project. */
export const WsProject = Type.Object(
  {
    id: Type.Integer(),
    project_key: Type.String({ description: 'Always "P" (human ids read P-<public_id>)' }),
    public_id: Type.Integer({ description: 'The same number as `id`' }),
    name: Type.String(),
    assignee_id: Type.Union([Type.Null(), Type.Integer()], { description: 'The project owner\'s user id' }),
    description: Type.String({ description: 'HTML' }),
    completion: Type.String({ pattern: '^[0-9]+\\.[0-9]{4}$', description: 'Percent of the project\'s tasks in a closed status, 4 decimals' }),
    launch_date: Type.Union([Type.Null(), Unix]),
    sponsor: Type.Union([Type.Null(), WsUser]),
    tasks: Type.Object(
      {
        remaining_count: Type.Integer({ description: 'Tasks not in a closed status (drafts left out)' }),
        tasks_soon: Type.Integer({ description: 'Of those, due within the next 7 days' }),
        tasks_overdue: Type.Integer({ description: 'Of those, past their due date' }),
      },
      { additionalProperties: false },
    ),
    watcher_count: Type.Integer(),
    created_at: Unix,
    updated_at: Unix,
  },
  { additionalProperties: false },
);
