/*
 * Which history events the dispatcher turns into subscriber notifications (`subscribed_asset_changed`).
 *
 * Subscriber notifications have ONE implementation, notifySubscribers (src/domain/subscriptions/notify-subscribers.ts),
 * reached two ways that never overlap:
 * - directly, in the transaction of the change, by the services that call it today: status (asset_status_changed),
 *   tags (asset_tag_added/removed), libraries (library_asset_added/removed), locks, comments, reviews, tasks;
 * - from the event dispatcher (events.dispatch job) for the asset changes below, whose services do not call it.
 * An explicit allow-list (not "every asset event minus the direct ones") so that a feature adding a direct call for
 * a new event type can never cause a double notification; moving a type between the two ways means removing it here
 * in the same commit.
 */
export const DISPATCHED_SUBSCRIBER_EVENTS: ReadonlySet<string> = new Set([
  'asset_updated',
  'asset_renamed',
  'asset_deleted',
  'asset_restored',
  'version_created',
  'version_updated',
  'version_restored',
  // medialoopster project assets (src/domain/project-assets), on their project file's asset.
  'project_asset_assets_linked',
  'project_asset_copied',
  'project_asset_copy_failed',
  'project_asset_deleted',
  'project_asset_delete_failed',
]);
