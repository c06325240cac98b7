import { Type, type Static } from '@sinclair/typebox';
import { User } from './common.schemas.js';

export const Watchers = Type.Object(
  {
    watching: Type.Boolean({ description: 'Whether the caller watches it' }),
    watchers: Type.Array(User, { description: 'Who watches it, oldest first (at most 500)' }),
  },
  { description: 'Watchers' },
);
export type WatchersJson = Static<typeof Watchers>;

export const WatcherUserId = Type.String({ description: 'A user of the workspace, or `me`' });

export const WatcherBody = Type.Union([
  Type.Object(
    { message: Type.Optional(Type.String({ description: 'Sent with the notification to the person added or removed (1 to 3000 characters)' })) },
    { additionalProperties: false },
  ),
  Type.Null(),
]);
