import type { SubscriptionView } from '../../../domain/subscriptions/subscriptions.service.js';
import type { SubscriptionJson } from './subscriptions.schemas.js';
import { presentUser } from './users.present.js';

export function presentSubscription(view: SubscriptionView): SubscriptionJson {
  return { subscribed: view.subscribed, subscribers: view.subscribers.map(presentUser) };
}
