import { notify } from '../../src/domain/notifications/notifications.service.js';
import type { TestApp } from '../harness/app.js';
import type { Tenant } from '../harness/factories.js';
import { multipart, PNG_1x1, uploadRaw } from '../http/mudstack/assets-fixtures.js';
import type { IdSource, Rng } from './schema-gen.js';

/** Objects hanging off one asset, so that ids in one request belong together and get past the 404s. */
interface AssetObjects {
  id: string;
  versionIds: string[];
  commentIds: string[];
  reviewIds: string[];
  requestIds: string[];
  attachmentIds: string[];
  tagIds: string[];
  libraryIds: string[];
  taskIds: string[];
}

/** A workspace with a few objects of every kind, made through HTTP, and the ids the fuzzer may use. */
export interface FuzzWorkspace {
  owner: Tenant;
  members: Tenant[];
  assets: AssetObjects[];
  ids: Record<string, string[]>;
  /** Real ids for the names in one request, drawn around one asset. */
  idSource(path: string, rng: Rng): IdSource;
}

const must = async <T>(what: string, p: Promise<{ status: number; body: T; text: string }>): Promise<T> => {
  const res = await p;
  if (res.status >= 300) {
    throw new Error(`fuzz workspace: ${what} answered ${res.status} ${res.text.slice(0, 300)}`);
  }
  return res.body;
};

export async function buildFuzzWorkspace(t: TestApp): Promise<FuzzWorkspace> {
  const owner = await t.factory.tenant('Fuzz Studio');
  const members = [await t.factory.member(owner), await t.factory.member(owner, { account: 'admin', workspace: 'admin' })];
  const h = owner.headers;
  const post = (what: string, url: string, json: unknown) => must<any>(what, t.req('POST', url, { headers: h, json }));
  const memberIds = members.map((m) => m.userId);

  const ids: Record<string, string[]> = {
    tag: [], library: [], assetStatus: [], taskStatus: [], folder: [], webhook: [], delivery: [], invite: [], notification: [],
    setting: [], session: [], tus: [], import: [], task: [],
  };
  for (const n of [1, 2]) {
    ids.tag?.push((await post('tag', '/workspaces/tags', { name: `Fuzz tag ${n}` })).id);
    ids.library?.push((await post('library', '/workspaces/libraries', { name: `Fuzz library ${n}` })).id);
    ids.assetStatus?.push((await post('asset status', '/workspaces/assetStatuses', { name: `Fuzz status ${n}` })).id);
    ids.taskStatus?.push((await post('task status', '/workspaces/tasks/statuses', { name: `Fuzz task status ${n}` })).id);
    ids.folder?.push((await post('folder', '/workspaces/folders', { path: `/Fuzz/Folder ${n}` })).id);
    const hook = await post('webhook', '/workspaces/webhooks', { url: `http://127.0.0.1:9/hook/${n}`, event_types: ['*'] });
    ids.webhook?.push(hook.id);
    ids.delivery?.push((await must<any>('ping', t.req('POST', `/workspaces/webhooks/${hook.id}/test`, { headers: h }))).id);
    const invites = await post('invite', '/accounts/invites', { invites: [{ email: `fuzz-invitee-${n}@example.test` }] });
    ids.invite?.push(...invites.map((i: { id: string }) => i.id));
    const notes = await notify(t.deps, { accountId: owner.accountId, workspaceId: owner.workspaceId, userIds: [owner.userId], type: 'mention', data: { n } });
    ids.notification?.push(...notes.map((n) => n.id));
    const session = await post('upload session', '/workspaces/assets/upload', { name: `session-${n}.bin`, size: 4 });
    ids.session?.push(session.key);
    const tus = await t.req('POST', '/workspaces/assets/tus', {
      headers: { ...h, 'tus-resumable': '1.0.0', 'upload-length': '4', 'upload-metadata': `filename ${Buffer.from(`tus-${n}.bin`).toString('base64')}` },
    });
    if (tus.status !== 201) {
      throw new Error(`fuzz workspace: tus create answered ${tus.status} ${tus.text}`);
    }
    ids.tus?.push(new URL(String(tus.headers.location), 'http://x').pathname.split('/').pop() ?? '');
  }
  const settings = await must<Array<{ id: string }>>('settings', t.req('GET', '/accounts/settings', { headers: h }));
  ids.setting = settings.map((s) => s.id);
  const imported = await t.req('POST', '/workspaces/import', { headers: h, json: { path: 'fuzz.txt' } });
  if (imported.status === 202) {
    ids.import?.push(imported.body.import_id);
  }

  const assets: AssetObjects[] = [];
  for (const n of [1, 2, 3]) {
    const up = await must<any>('asset', uploadRaw(t, owner, PNG_1x1, { file_name: `fuzz-${n}.png` }));
    const a: AssetObjects = { id: up.id, versionIds: [up.current_version_id], commentIds: [], reviewIds: [], requestIds: [], attachmentIds: [], tagIds: [], libraryIds: [], taskIds: [] };
    assets.push(a);
    if (n === 3) {
      continue; // one bare asset: routes also meet an asset with nothing on it
    }
    const v2 = await must<any>('version', uploadRaw(t, owner, PNG_1x1, { file_name: `fuzz-${n}.png` }, 'application/octet-stream', `/workspaces/assets/${a.id}/versions`));
    a.versionIds.push(v2.current_version_id ?? v2.id);
    a.commentIds.push((await post('comment', `/workspaces/assets/${a.id}/comments`, { content: `Fuzz comment @[${owner.userId}]` })).id);
    a.reviewIds.push((await post('review', `/workspaces/assets/${a.id}/reviews`, { content: 'Looks fine', status: 'commented' })).id);
    const requests = await post('review request', `/workspaces/assets/${a.id}/reviewRequests`, { user_id: memberIds[0] });
    a.requestIds.push(...requests.map((r: { id: string }) => r.id));
    const mp = multipart({ name: 'notes' }, { name: 'notes.txt', data: Buffer.from('notes'), type: 'text/plain' });
    a.attachmentIds.push((await must<any>('attachment', t.req('POST', `/workspaces/assets/${a.id}/attachments`, { headers: { ...h, ...mp.headers }, payload: mp.payload }))).id);
    const tagId = ids.tag?.[n - 1] ?? '';
    await must('tag asset', t.req('POST', `/workspaces/assets/${a.id}/tags/${tagId}`, { headers: h }));
    a.tagIds.push(tagId);
    const libraryId = ids.library?.[n - 1] ?? '';
    await must('library asset', t.req('POST', `/workspaces/assets/${a.id}/libraries/${libraryId}`, { headers: h }));
    a.libraryIds.push(libraryId);
    a.taskIds.push((await post('task', `/workspaces/assets/${a.id}/tasks`, { title: `Fuzz task ${n}` })).id);
  }
  ids.task = assets.flatMap((a) => a.taskIds);

  function idSource(path: string, rng: Rng): IdSource {
    const a = rng.pick(assets.slice(0, 2));
    const one = (list: string[] | undefined): string | undefined => (list && list.length > 0 ? rng.pick(list) : undefined);
    const userId = (): string | undefined => rng.pick(memberIds);
    const byName: Record<string, () => string | undefined> = {
      asset_id: () => a.id,
      version_id: () => one(a.versionIds),
      asset_version_id: () => one(a.versionIds),
      comment_id: () => one(a.commentIds),
      parent_id: () => (path.includes('/folders') ? one(ids.folder) : one(a.commentIds)),
      review_id: () => one(a.reviewIds),
      request_id: () => one(a.requestIds),
      attachment_id: () => one(a.attachmentIds),
      file: () => one(a.attachmentIds),
      tag_id: () => one(a.tagIds),
      library_id: () => one(a.libraryIds),
      task_id: () => one(a.taskIds),
      status_id: () => (path.includes('/tasks') ? one(ids.taskStatus) : one(ids.assetStatus)),
      asset_type_id: () => undefined,
      folder_id: () => one(ids.folder),
      webhook_id: () => one(ids.webhook),
      delivery_id: () => one(ids.delivery),
      invite_id: () => one(ids.invite),
      notification_id: () => one(ids.notification),
      setting_id: () => one(ids.setting),
      session_id: () => one(ids.session),
      upload_id: () => one(ids.tus),
      import_id: () => one(ids.import),
      member_id: userId,
      user_id: userId,
      assigned_user_id: userId,
      assignee_id: userId,
      creator_id: userId,
      created_by_user_id: userId,
      mention: userId,
      user_ids: userId,
      workspace_id: () => owner.workspaceId,
      ids: () => rng.pick(assets).id,
      id: () => rng.pick(assets).id,
    };
    return (name: string) => byName[name]?.();
  }

  return { owner, members, assets, ids, idSource };
}
