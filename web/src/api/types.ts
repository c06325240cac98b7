import type { paths } from './openapi';

// The API's JSON as the app reads it, picked from the types generated from /openapi.json (scripts/web-api-types.ts),
// so the app and the API cannot drift apart silently.

type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never;
type Answer<P extends keyof paths, M extends keyof paths[P], S extends number> = paths[P][M] extends { responses: infer R }
  ? S extends keyof R
    ? Json<R[S]>
    : never
  : never;
type Item<T> = T extends ReadonlyArray<infer I> ? I : never;

export type Session = Answer<'/auth/session', 'get', 200>;
export type User = Session['user'];
export type Account = Item<Answer<'/users/accounts', 'get', 200>>;
export type Workspace = Account['workspaces'][number];
export type Asset = Answer<'/workspaces/assets/{asset_id}', 'get', 200>;
export type Version = Asset['versions'][number];
export type Derivative = Version['derivatives'][number];
export type Tag = Asset['tags'][number];
export type AssetStatus = Item<Answer<'/workspaces/assetStatuses', 'get', 200>>;
export type SearchPage = Answer<'/workspaces/assets/search', 'get', 200>;
export type FolderNode = Item<Answer<'/workspaces/folders/hierarchy', 'get', 200>>;
export type Comment = Item<Answer<'/workspaces/assets/{asset_id}/comments', 'get', 200>>;
export type HistoryEntry = Item<Answer<'/workspaces/assets/{asset_id}/history', 'get', 200>>;
export type ApiKey = Item<Answer<'/users/me/keys', 'get', 200>> & { secret?: string };
export type AssetTypeInfo = Item<Answer<'/workspaces/assetTypes', 'get', 200>>;
export type WorkspaceMember = Item<Answer<'/workspaces/members', 'get', 200>>;
export type AccountMember = Item<Answer<'/accounts/members', 'get', 200>>;
export type Invite = Item<Answer<'/accounts/invites', 'get', 200>> & { token?: string };
export type AccountLimits = Answer<'/accounts/limits', 'get', 200>;
export type TaskList = Answer<'/workspaces/tasks', 'get', 200>;
export type Task = TaskList['tasks'][number];
export type TaskStatus = Item<Answer<'/workspaces/tasks/statuses', 'get', 200>>;
export type ChecklistItem = Item<Answer<'/workspaces/tasks/{task_id}/checklist', 'get', 200>>;
export type Watchers = Answer<'/workspaces/tasks/{task_id}/watchers', 'get', 200>;
export type Approval = Item<Answer<'/workstream/approvals', 'get', 200>>;
export type Notification = Item<Answer<'/accounts/notifications', 'get', 200>>;
export type Review = Item<Answer<'/workspaces/assets/{asset_id}/reviews', 'get', 200>>;
export type ReviewRequest = Item<Answer<'/workspaces/assets/{asset_id}/reviewRequests', 'get', 200>>;
export type UserPermissions = Answer<'/users/permissions', 'get', 200>;
export type Webhook = Item<Answer<'/workspaces/webhooks', 'get', 200>>;
export type WebhookDelivery = Item<Answer<'/workspaces/webhooks/{webhook_id}/deliveries', 'get', 200>>;
export type Setting = Item<Answer<'/workspaces/settings', 'get', 200>>;
export type Project = Item<Answer<'/workspaces/projects', 'get', 200>>;
export type WsMiniAsset = Item<Answer<'/workstream/projects/{id}/assets', 'get', 200>>;
