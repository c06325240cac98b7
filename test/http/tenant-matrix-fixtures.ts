import assert from 'node:assert/strict';
import type { TestApp } from '../harness/app.js';
import type { Tenant } from '../harness/factories.js';
import { multipart, PNG_1x1 } from './mudstack/assets-fixtures.js';

/*
 * One tenant with a row of every kind the API can address by id, made through the API itself (so the rows are what
 * real use makes). The matrix finds the ids in the database afterwards, so adding a kind here needs no other change.
 */
export async function populateTenant(t: TestApp, ten: Tenant): Promise<void> {
  const h = ten.headers;
  const ok = async (res: Promise<{ status: number; text: string; body: any }>, what: string): Promise<any> => {
    const r = await res;
    assert.ok(r.status >= 200 && r.status < 300, `${what}: ${r.status} ${r.text}`);
    return r.body;
  };
  const upload = (name: string, data: Buffer, url = '/workspaces/assets', fields: Record<string, string> = {}) => {
    const mp = multipart(fields, { name, data, type: 'image/png' });
    return ok(t.req('POST', url, { headers: { ...h, ...mp.headers }, payload: mp.payload }), `upload ${url}`);
  };
  const member = await t.factory.member(ten, { account: 'member', workspace: 'editor' });

  const asset = await upload('a.png', PNG_1x1);
  await upload('a.png', Buffer.concat([PNG_1x1, Buffer.from('v2')]), `/workspaces/assets/${asset.id}/versions`);
  const locked = await upload('locked.png', Buffer.concat([PNG_1x1, Buffer.from('l')]));
  await ok(t.req('POST', `/workspaces/assets/${locked.id}/lock`, { headers: h }), 'lock');
  const trashed = await upload('trashed.png', Buffer.concat([PNG_1x1, Buffer.from('t')]));
  await ok(t.req('DELETE', `/workspaces/assets/${trashed.id}`, { headers: h }), 'trash');

  const tag = await ok(t.req('POST', '/workspaces/tags', { headers: h, json: { name: 'Tagged' } }), 'tag');
  await ok(t.req('POST', `/workspaces/assets/${asset.id}/tags/${tag.id}`, { headers: h }), 'tag asset');
  const library = await ok(t.req('POST', '/workspaces/libraries', { headers: h, json: { name: 'Kit' } }), 'library');
  await ok(t.req('POST', `/workspaces/assets/${asset.id}/libraries/${library.id}`, { headers: h }), 'library asset');
  const status = await ok(t.req('POST', '/workspaces/assetStatuses', { headers: h, json: { name: 'Blocked' } }), 'asset status');
  await ok(t.req('POST', `/workspaces/assets/${asset.id}/status`, { headers: h, json: { status_id: status.id } }), 'set status');
  await ok(t.req('POST', '/workspaces/tasks/statuses', { headers: h, json: { name: 'Backlog' } }), 'task status');
  await ok(t.req('POST', '/workspaces/folders', { headers: h, json: { path: '/Top/Sub' } }), 'folder');
  await ok(t.req('POST', `/workspaces/assets/${asset.id}/favorites`, { headers: h }), 'favorite');
  await ok(t.req('POST', `/workspaces/assets/${asset.id}/subscriptions`, { headers: h }), 'subscription');
  await ok(
    t.req('POST', `/workspaces/assets/${asset.id}/comments`, { headers: h, json: { content: `Look @[${member.userId}]` } }),
    'comment',
  );
  const mp = multipart({}, { name: 'ref.png', data: PNG_1x1, type: 'image/png' });
  await ok(t.req('POST', `/workspaces/assets/${asset.id}/attachments`, { headers: { ...h, ...mp.headers }, payload: mp.payload }), 'attachment');
  await ok(t.req('POST', `/workspaces/assets/${asset.id}/reviews`, { headers: h, json: { content: 'Fine', status: 'approved' } }), 'review');
  await ok(t.req('POST', `/workspaces/assets/${asset.id}/reviewRequests`, { headers: h, json: { user_ids: [member.userId] } }), 'review request');
  await ok(t.req('POST', '/workspaces/tasks', { headers: h, json: { title: 'Paint it', asset_id: asset.id, assignee_id: member.userId } }), 'task');
  const webhook = await ok(t.req('POST', '/workspaces/webhooks', { headers: h, json: { url: 'http://127.0.0.1:9/x', event_types: ['*'] } }), 'webhook');
  await ok(t.req('POST', `/workspaces/webhooks/${webhook.id}/test`, { headers: h }), 'webhook delivery');
  await ok(t.req('POST', '/accounts/invites', { headers: { authorization: h.authorization!, 'x-account-id': ten.accountId }, json: { invites: [{ email: `inv-${ten.userId}@example.test` }] } }), 'invite');
  await ok(t.req('POST', '/workspaces/assets/upload', { headers: h, json: { name: 'later.bin' } }), 'upload session');
  // The medialoopster surface's core-API admin data (#16): a device, production settings naming it, custom metadata.
  const device = await ok(t.req('POST', '/workspaces/devices', { headers: h, json: { name: 'Store', path: '/Store/' } }), 'device');
  await ok(t.req('PATCH', '/workspaces/production', { headers: h, json: { upload_device_id: device.id } }), 'production settings');
  const ah = { authorization: h.authorization!, 'x-account-id': ten.accountId };
  const set = await ok(t.req('POST', '/accounts/custom-metadata/sets', { headers: ah, json: { name: 'Credits', content_type: 'video' } }), 'custom metadata set');
  const rule = await ok(t.req('POST', '/accounts/custom-metadata/rules', { headers: ah, json: { name: 'Word', regex: '\\w+' } }), 'custom metadata rule');
  await ok(
    t.req('POST', '/accounts/custom-metadata/fields', { headers: ah, json: { set_id: set.id, key: `director.${ten.accountId.slice(0, 8)}`, value: 'Director', rule_id: rule.id } }),
    'custom metadata field',
  );
  const tus = await t.req('POST', '/workspaces/assets/tus', {
    headers: { ...h, 'tus-resumable': '1.0.0', 'upload-length': '10', 'upload-metadata': `filename ${Buffer.from('tus.bin').toString('base64')}` },
  });
  assert.equal(tus.status, 201, tus.text);
}
