import { Type, type Static } from '@sinclair/typebox';
import { User } from './common.schemas.js';

export const Subscription = Type.Object(
  { subscribed: Type.Boolean({ description: 'Whether the caller is subscribed' }), subscribers: Type.Array(User) },
  { description: 'AssetSubscription' },
);
export type SubscriptionJson = Static<typeof Subscription>;
