import { Type, type Static } from '@sinclair/typebox';
import { User } from './common.schemas.js';

export const TaskWatchers = Type.Object(
  {
    watching: Type.Boolean({ description: 'Whether the caller watches the task' }),
    watchers: Type.Array(User, { description: 'Who watches it, oldest first (at most 500)' }),
  },
  { description: 'TaskWatchers' },
);
export type TaskWatchersJson = Static<typeof TaskWatchers>;

export const TaskWatcherParams = Type.Object({
  task_id: Type.String(),
  user_id: Type.String({ description: 'A user of the workspace, or `me`' }),
});

export const TaskWatcherBody = Type.Union([
  Type.Object(
    { message: Type.Optional(Type.String({ description: 'Sent with the notification to the person added or removed (1 to 3000 characters)' })) },
    { additionalProperties: false },
  ),
  Type.Null(),
]);
