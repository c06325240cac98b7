import type { Kysely } from 'kysely';
import type { DB, NotificationRow, UserRow } from '../../db/schema.js';

/** A rendered notification e-mail (plain text). */
export interface EmailContent {
  subject: string;
  text: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** A person as e-mails name them: first and last name, else the username, else the address. */
export function displayName(user: Pick<UserRow, 'first_name' | 'last_name' | 'username' | 'email'>): string {
  const full = `${user.first_name} ${user.last_name}`.trim();
  return full || user.username || user.email;
}

interface Names {
  asset: string | undefined;
  actor: string | undefined;
}

/** Loads the names a notification's text mentions: its asset (in its workspace) and who acted. */
export async function namesFor(db: Kysely<DB>, n: NotificationRow, data: Record<string, unknown>): Promise<Names> {
  const assetId = str(data.asset_id);
  const actorId = str(data.by_user_id) ?? str(data.actor_user_id);
  const asset =
    assetId && n.workspace_id
      ? await db.selectFrom('assets').select('name').where('workspace_id', '=', n.workspace_id).where('id', '=', assetId).executeTakeFirst()
      : undefined;
  const actor = actorId
    ? await db.selectFrom('users').select(['first_name', 'last_name', 'username', 'email']).where('id', '=', actorId).executeTakeFirst()
    : undefined;
  return { asset: asset?.name, actor: actor ? displayName(actor) : undefined };
}

/** The one-line summary of a notification (the subject after the `[Atelier]` tag, and the body's first line). */
export function summarise(type: string, data: Record<string, unknown>, names: Names): string {
  const on = names.asset ? ` on ${names.asset}` : '';
  const by = names.actor ? ` by ${names.actor}` : '';
  switch (type) {
    case 'mention':
      return `You were mentioned${on}`;
    case 'comment_reply':
      return `${names.actor ?? 'Someone'} replied to your comment${on}`;
    case 'review_requested':
      return `Your review was requested${on}`;
    case 'changes_requested':
      return `Changes were requested${on}`;
    case 'task_assigned':
      return `You were assigned a task: ${str(data.title) ?? 'untitled'}${on}`;
    case 'task_watcher_added':
      return `${names.actor ?? 'Someone'} added you as a watcher of the task: ${str(data.title) ?? 'untitled'}`;
    case 'task_watcher_removed':
      return `${names.actor ?? 'Someone'} removed you from the watchers of the task: ${str(data.title) ?? 'untitled'}`;
    case 'task_due_soon':
      return `${data.overdue === true ? 'A task of yours is overdue' : 'A task of yours is due soon'}: ${str(data.title) ?? 'untitled'} (due ${str(data.due_date)?.slice(0, 10) ?? '?'})`;
    case 'task_updated':
      return `A task you watch changed: ${str(data.title) ?? 'untitled'}${by}`;
    case 'project_watcher_added':
      return `${names.actor ?? 'Someone'} added you as a watcher of the project: ${str(data.title) ?? 'untitled'}`;
    case 'project_watcher_removed':
      return `${names.actor ?? 'Someone'} removed you from the watchers of the project: ${str(data.title) ?? 'untitled'}`;
    case 'project_updated':
      return `A project you watch changed: ${str(data.title) ?? 'untitled'}${by}`;
    case 'subscribed_asset_changed':
      return `${names.asset ?? 'An asset you follow'} changed (${str(data.event) ?? 'update'})${by}`;
    case 'approval_requested':
      return `Your approval is requested${on}`;
    case 'approval_reminder':
      return `Reminder: your approval is requested${on}`;
    case 'approval_answered':
      return `${names.actor ?? 'An approver'} answered your approval request${on}`;
    case 'approval_completed':
      return `Your approval request was approved${on}`;
    case 'invite_accepted':
      return `${str(data.email) ?? 'Someone'} accepted your invitation`;
    default:
      return `New notification: ${type}${on}`;
  }
}

/** Subject and plain-text body of a notification e-mail. */
export function renderNotificationEmail(n: NotificationRow, data: Record<string, unknown>, names: Names): EmailContent {
  const summary = summarise(n.type, data, names);
  const lines = [`${summary}.`, ''];
  if (names.asset) {
    lines.push(`Asset: ${names.asset}`);
  }
  if (names.actor) {
    lines.push(`By: ${names.actor}`);
  }
  for (const key of ['title', 'message', 'event'] as const) {
    const v = str(data[key]);
    if (v) {
      lines.push(`${key[0]?.toUpperCase()}${key.slice(1)}: ${v}`);
    }
  }
  lines.push('', `Notification ${n.id} (${n.type}), ${n.created_at}.`, 'You can see all your notifications with GET /accounts/notifications.');
  return { subject: `[Atelier] ${summary}`, text: `${lines.join('\n')}\n` };
}
