import { createInterface } from 'node:readline/promises';
import { AtelierClient } from '../sdk/client.js';
import { profileTokenCache } from './token-cache.js';
import { requireAsset } from './assets-ref.js';
import { CommandError, EXIT } from './exit-codes.js';
import { humanBytes } from './progress.js';
import { profileName, saveProfile, type Env } from './profile.js';
import { isUuid, normaliseFolder, USER_AGENT, type Session } from './session.js';

/* The small commands for people: login, whoami, ls, search, info, lock, unlock, comment, tasks, trash, restore. */

interface Named {
  id: string;
  name: string;
}

async function ask(question: string, hidden = false): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new CommandError(`${question.replace(/: $/, '')} is needed (pass it as an option: no terminal to ask on)`, EXIT.usage);
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  if (hidden) {
    // Echo nothing while the secret is typed.
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
      if (s.includes(question)) process.stdout.write(question);
    };
  }
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
    if (hidden) process.stdout.write('\n');
  }
}

function pick(kind: string, items: Named[], wanted: string | undefined, flag: string): Named {
  if (wanted) {
    const found = items.find((i) => i.id === wanted || i.name.toLowerCase() === wanted.toLowerCase());
    if (!found) {
      throw new CommandError(`no ${kind} "${wanted}" for this key (${items.map((i) => `${i.name} ${i.id}`).join(', ') || 'none'})`, EXIT.notFound);
    }
    return found;
  }
  if (items.length === 1) {
    return items[0] as Named;
  }
  throw new CommandError(`this key sees ${items.length} ${kind}s; choose one with ${flag} (${items.map((i) => `${i.name} ${i.id}`).join(', ')})`, EXIT.usage);
}

export async function loginCommand(
  env: Env,
  opts: { profile?: string; url?: string; key?: string; secret?: string; account?: string; workspace?: string; json?: boolean; default?: boolean },
): Promise<number> {
  const url = opts.url ?? env.ATELIER_URL ?? (await ask('Server URL: '));
  const key = opts.key ?? env.ATELIER_KEY ?? (await ask('API key: '));
  const secret = opts.secret ?? env.ATELIER_SECRET ?? (await ask('API secret: ', true));
  try {
    new URL(url);
  } catch {
    throw new CommandError(`not a URL: ${url}`, EXIT.usage);
  }
  // One token exchange for the whole login: a token acts in its key's account whichever account is then chosen, so the
  // probe's token is handed on (a refused one is exchanged again by the transport).
  let probed: { token: string; expiresAt: number } | undefined;
  const relay = { read: () => probed, write: (token: string, expiresAt: number) => void (probed = { token, expiresAt }) };
  const probe = new AtelierClient({ baseUrl: url, credentials: { key, secret }, tokenCache: relay, userAgent: USER_AGENT, retries: 1 });
  const accounts = ((await probe.api.GET('/users/accounts')).data ?? []) as Named[];
  const account = pick('account', accounts, opts.account ?? env.ATELIER_ACCOUNT_ID, '--account');
  // Its token is kept for the commands that follow (token-cache.ts), as theirs would be.
  const tokenCache = profileTokenCache(env, { url, account_id: account.id, key, secret });
  if (probed) {
    tokenCache.write(probed.token, probed.expiresAt);
  }
  const inAccount = new AtelierClient({ baseUrl: url, accountId: account.id, credentials: { key, secret }, tokenCache, userAgent: USER_AGENT, retries: 1 });
  const workspaces = ((await inAccount.api.GET('/accounts/workspaces')).data ?? []) as Named[];
  const workspace = pick('workspace', workspaces, opts.workspace ?? env.ATELIER_WORKSPACE_ID, '--workspace');
  const me = await inAccount.me();
  const name = profileName(env, opts.profile);
  const file = saveProfile(env, name, { url, account_id: account.id, workspace_id: workspace.id, key, secret }, Boolean(opts.default));
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ profile: name, file, url, account_id: account.id, workspace_id: workspace.id, user_id: me.id, email: me.email })}\n`);
  } else {
    process.stdout.write(`signed in to ${url} as ${me.email} (account ${account.name}, workspace ${workspace.name}); profile "${name}" saved in ${file}\n`);
  }
  return EXIT.ok;
}

export async function whoamiCommand(session: Session): Promise<number> {
  const me = await session.client.me();
  const out = { profile: session.profile.name, url: session.profile.url, account_id: session.profile.account_id, workspace_id: session.profile.workspace_id, user_id: me.id, email: me.email };
  session.emit(out);
  session.say(`${me.email} (user ${me.id}) on ${session.profile.url}, account ${out.account_id}, workspace ${out.workspace_id} [profile ${session.profile.name}]`);
  return EXIT.ok;
}

interface FolderNode {
  id: string;
  name: string;
  path: string;
  asset_count: number;
  children: FolderNode[];
}

function findNode(nodes: FolderNode[], path: string): FolderNode | undefined {
  for (const n of nodes) {
    if (normaliseFolder(n.path) === path) return n;
    const inner = findNode(n.children, path);
    if (inner) return inner;
  }
  return undefined;
}

export async function lsCommand(session: Session, folderArg: string | undefined): Promise<number> {
  const folder = normaliseFolder(folderArg ?? '/');
  const tree = ((await session.client.api.GET('/workspaces/folders/hierarchy')).data ?? []) as unknown as FolderNode[];
  const node = folder === '/' ? undefined : findNode(tree, folder);
  if (folder !== '/' && !node) {
    throw new CommandError(`no folder ${folder}`, EXIT.notFound);
  }
  for (const child of node ? node.children : tree) {
    session.emit({ type: 'folder', id: child.id, path: normaliseFolder(child.path), name: child.name, asset_count: child.asset_count });
    session.say(`${normaliseFolder(child.path)}\t(folder, ${child.asset_count} assets)`);
  }
  for await (const a of session.client.searchAssets({ folder, sort: 'name' })) {
    const size = a.currentVersion?.size ?? 0;
    session.emit({ type: 'asset', id: a.id, path: `${a.file_location}${a.file_name}`, size, checksum: a.currentVersion?.checksum, locked: Boolean(a.locked_by_user_id), status: a.status });
    session.say(`${a.file_location}${a.file_name}\t${humanBytes(Number(size))}\t${a.id}${a.locked_by_user_id ? '\tlocked' : ''}`);
  }
  return EXIT.ok;
}

export async function searchCommand(session: Session, words: string[], opts: { folder?: string; type?: string; limit?: string }): Promise<number> {
  const limit = opts.limit ? Number(opts.limit) : Number.POSITIVE_INFINITY;
  if (!(limit > 0)) {
    throw new CommandError('--limit must be a positive number', EXIT.usage);
  }
  let n = 0;
  const query = words.join(' ');
  for await (const a of session.client.searchAssets({
    ...(query ? { query } : {}),
    ...(opts.folder ? { folder: normaliseFolder(opts.folder), recursive: true } : {}),
    ...(opts.type ? { type: opts.type } : {}),
  })) {
    if (n++ >= limit) break;
    session.emit({ id: a.id, path: `${a.file_location}${a.file_name}`, size: a.currentVersion?.size, type: a.assetType?.name, status: a.status });
    session.say(`${a.id}\t${a.file_location}${a.file_name}\t${humanBytes(Number(a.currentVersion?.size ?? 0))}`);
  }
  return EXIT.ok;
}

export async function infoCommand(session: Session, ref: string): Promise<number> {
  const a = await requireAsset(session, ref);
  if (session.json) {
    session.emit(a);
    return EXIT.ok;
  }
  const v = a.currentVersion;
  session.say(
    [
      `id:        ${a.id}`,
      `path:      ${a.file_location}${a.file_name}`,
      `name:      ${a.name}`,
      `type:      ${a.assetType?.name ?? ''}`,
      `status:    ${a.status ?? '-'}`,
      `version:   ${v ? `${v.version_number} of ${a.versions?.length ?? 1} (${humanBytes(Number(v.size))}, sha256 ${v.checksum})` : '-'}`,
      `locked:    ${a.locked_by_user_id ? `by ${a.locked_by_user_id} since ${a.locked_at ?? ''}` : 'no'}`,
      `tags:      ${(a.tags ?? []).map((t) => t.name).join(', ') || '-'}`,
      `created:   ${a.created_at}`,
      `updated:   ${a.updated_at}`,
      ...(a.isActive ? [] : [`trashed:   ${a.deleted_at}`]),
    ].join('\n'),
  );
  return EXIT.ok;
}

export async function lockCommand(session: Session, refs: string[], unlock: boolean, force: boolean): Promise<number> {
  for (const ref of refs) {
    const a = await requireAsset(session, ref);
    if (unlock) {
      await session.client.api.DELETE('/workspaces/assets/{asset_id}/lock', { params: { path: { asset_id: a.id }, query: force ? { force: true } : {} } });
    } else {
      await session.client.api.POST('/workspaces/assets/{asset_id}/lock', { params: { path: { asset_id: a.id } } });
    }
    session.emit({ id: a.id, path: `${a.file_location}${a.file_name}`, locked: !unlock });
    session.say(`${unlock ? 'unlocked' : 'locked'} ${a.file_location}${a.file_name} (${a.id})`);
  }
  return EXIT.ok;
}

export async function commentCommand(session: Session, ref: string, words: string[]): Promise<number> {
  const content = words.join(' ').trim();
  if (!content) {
    throw new CommandError('the comment is empty', EXIT.usage);
  }
  const a = await requireAsset(session, ref);
  const { data } = await session.client.api.POST('/workspaces/assets/{asset_id}/comments', { params: { path: { asset_id: a.id } }, body: { content } as never });
  const c = data as unknown as { id: string };
  session.emit(c);
  session.say(`commented on ${a.file_location}${a.file_name} (comment ${c.id})`);
  return EXIT.ok;
}

export async function tasksListCommand(session: Session, opts: { mine?: boolean; status?: string[]; asset?: string; open?: boolean; all?: boolean }): Promise<number> {
  const assetId = opts.asset ? (await requireAsset(session, opts.asset)).id : undefined;
  for await (const t of session.client.tasks({
    ...(opts.mine ? { assignee_id: 'me' } : {}),
    ...(opts.status?.length ? { status: opts.status } : {}),
    ...(assetId ? { asset_id: assetId } : {}),
    ...(opts.all ? {} : { open: 'true' }),
  } as never)) {
    session.emit(t);
    session.say(`${t.id}\t${t.status}\t${t.priority ?? ''}\t${t.due_date ?? '-'}\t${t.title}${t.assignee ? `\t@${t.assignee.email}` : ''}`);
  }
  return EXIT.ok;
}

export async function tasksUpdateCommand(
  session: Session,
  id: string,
  opts: { status?: string; title?: string; priority?: string; assignee?: string; due?: string; description?: string },
): Promise<number> {
  const body: Record<string, unknown> = {};
  if (opts.status !== undefined) body.status = opts.status;
  if (opts.title !== undefined) body.title = opts.title;
  if (opts.priority !== undefined) body.priority = opts.priority;
  if (opts.description !== undefined) body.description = opts.description;
  if (opts.due !== undefined) body.due_date = opts.due === 'none' ? null : opts.due;
  if (opts.assignee !== undefined) {
    body.assignee_id = opts.assignee === 'none' ? null : opts.assignee === 'me' ? (await session.client.me()).id : opts.assignee;
  }
  if (!Object.keys(body).length) {
    throw new CommandError('nothing to change: pass --status, --title, --priority, --assignee, --due or --description', EXIT.usage);
  }
  const { data } = await session.client.api.PATCH('/workspaces/tasks/{task_id}', { params: { path: { task_id: id } }, body: body as never });
  const t = data as unknown as { id: string; title: string; status: string };
  session.emit(t);
  session.say(`updated task ${t.id}: ${t.title} [${t.status}]`);
  return EXIT.ok;
}

/** `tasks watch|unwatch <id> [users...]`: the caller when no user is named (`me`). */
export async function tasksWatchCommand(session: Session, id: string, users: string[], watch: boolean, message?: string): Promise<number> {
  let after: { watching: boolean; watchers: Array<{ email: string }> } | undefined;
  for (const user of users.length ? users : ['me']) {
    const params = { params: { path: { task_id: id, user_id: user } }, body: message === undefined ? null : { message } };
    const { data } = watch
      ? await session.client.api.PUT('/workspaces/tasks/{task_id}/watchers/{user_id}', params)
      : await session.client.api.DELETE('/workspaces/tasks/{task_id}/watchers/{user_id}', params);
    after = data;
  }
  if (after) {
    session.emit(after);
    session.say(`task ${id}: ${after.watchers.length ? `watched by ${after.watchers.map((w) => w.email).join(', ')}` : 'nobody watches it'}`);
  }
  return EXIT.ok;
}

export async function trashCommand(session: Session, refs: string[], restore: boolean): Promise<number> {
  const ids: string[] = [];
  for (const ref of refs) {
    if (restore && !isUuid(ref)) {
      throw new CommandError(`restore takes asset ids (a trashed asset has no path to find it by): ${ref}`, EXIT.usage);
    }
    ids.push(restore ? ref : (await requireAsset(session, ref)).id);
  }
  if (restore) {
    const { data } = await session.client.api.POST('/workspaces/trash/restore', { body: { ids } });
    for (const a of (data ?? []) as Array<{ id: string; file_location: string; file_name: string }>) {
      session.emit({ id: a.id, path: `${a.file_location}${a.file_name}`, restored: true });
      session.say(`restored ${a.file_location}${a.file_name} (${a.id})`);
    }
  } else {
    await session.client.api.DELETE('/workspaces/assets', { body: { ids } });
    for (const id of ids) {
      session.emit({ id, trashed: true });
      session.say(`moved ${id} to the trash`);
    }
  }
  return EXIT.ok;
}
