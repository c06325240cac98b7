import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { assertMlErrors, basic, token } from './fixtures.js';

const PRODUCTION_KEYS = [
  'id', 'name', 'codename', 'company', 'storage_root', 'proxy_root', 'proxy_url', 'upload_device', 'audioasset_device', 'imageasset_device',
  'videoasset_device', 'projectasset_device', 'can_write', 'can_delete_assets', 'san_mount', 'export_type', 'default_approval_status',
  'direct_attached_site', 'network_attached_site', 'members', 'member_groups',
];
const DEVICE_KEYS = [
  'id', 'production', 'name', 'display_name', 'path', 'is_internal', 'is_archive', 'autoshot_detection', 'allow_direct_writing', 'recieve_xml_meta',
  'protocol', 'anonymous', 'server', 'username', 'password', 'transcoding_profile', 'archive_connector', 'passthrough_profiles', 'write_permission_groups',
];

describeEachDatabase('medialoopster productions and devices', (t) => {
  let owner: Tenant;
  let viewer: Tenant;
  let other: Tenant;
  let wsSeq: number;
  let secondWs: string;
  let secondSeq: number;
  const seq = async (table: 'workspaces' | 'users' | 'devices', id: string): Promise<number> =>
    Number((await t.deps.db.selectFrom(table).select('sequence').where('id', '=', id).executeTakeFirstOrThrow()).sequence);

  before(async () => {
    owner = await t.factory.tenant();
    viewer = await t.factory.member(owner, { workspace: 'viewer' });
    other = await t.factory.tenant();
    secondWs = await t.factory.workspace(owner, 'Second Show');
    wsSeq = await seq('workspaces', owner.workspaceId);
    secondSeq = await seq('workspaces', secondWs);
  });

  test('GET /api/productions/ lists the workspaces the caller has a role in, with every field typed', async () => {
    const res = await t.req('GET', '/api/productions/', { headers: token(owner) });
    assert.equal(res.status, 200, res.text);
    assert.ok(Array.isArray(res.body));
    assert.deepEqual(res.body.map((p: { id: number }) => p.id), [wsSeq, secondSeq]);
    assert.equal(res.headers['x-total-count'], '2');
    const [p] = res.body;
    assert.deepEqual(Object.keys(p), PRODUCTION_KEYS);
    assert.equal(p.name, 'Main');
    assert.equal(p.codename, `main_${wsSeq}`);
    assert.equal(p.storage_root, '/');
    assert.equal(p.proxy_url, 'http://localhost:80/api/');
    assert.equal(p.can_write, true);
    assert.equal(p.can_delete_assets, true);
    assert.equal(p.videoasset_device, null);
    assert.equal(p.default_approval_status, 0);
    assert.deepEqual(p.network_attached_site, []);
    assert.deepEqual(p.members.sort(), [await seq('users', owner.userId), await seq('users', viewer.userId)].sort());
    // A viewer (member of the first workspace only) reads it and cannot write or delete.
    const v = await t.req('GET', '/api/productions/', { headers: token(viewer) });
    assert.equal(v.status, 200, v.text);
    assert.deepEqual(v.body.map((x: { id: number; can_write: boolean; can_delete_assets: boolean }) => [x.id, x.can_write, x.can_delete_assets]), [[wsSeq, false, false]]);
  });

  test('limit/offset page the list: bare array, X-Total-Count, Link rel="next" (and prev) on the called URL', async () => {
    const first = await t.req('GET', '/api/productions/?limit=1', { headers: { ...token(owner), host: 'media.example.test' } });
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.length, 1);
    assert.equal(first.headers['x-total-count'], '2');
    assert.equal(first.headers.link, '<http://media.example.test/api/productions/?limit=1&offset=1>; rel="next"');
    const second = await t.req('GET', '/api/productions/?limit=1&offset=1', { headers: token(owner) });
    assert.deepEqual(second.body.map((p: { id: number }) => p.id), [secondSeq]);
    assert.match(String(second.headers.link), /rel="prev"/);
    assert.doesNotMatch(String(second.headers.link), /rel="next"/);
    for (const q of ['limit=0', 'limit=abc', 'offset=-1', 'limit=1001']) {
      const bad = await t.req('GET', `/api/productions/?${q}`, { headers: token(owner) });
      const [e] = assertMlErrors(bad, 400);
      assert.equal(e?.title, 'Validation Error');
      assert.equal(e?.source?.pointer, `/${q.split('=')[0]}`);
    }
  });

  test('GET /api/productions/{id}/: one production; another tenant\'s, a foreign workspace and a non-integer id are 404 in the list form', async () => {
    const res = await t.req('GET', `/api/productions/${wsSeq}/`, { headers: token(owner) });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.id, wsSeq);
    assert.deepEqual(Object.keys(res.body), PRODUCTION_KEYS);
    const foreign = await t.req('GET', `/api/productions/${await seq('workspaces', other.workspaceId)}/`, { headers: token(owner) });
    const [e] = assertMlErrors(foreign, 404, 'not_found');
    assert.equal(e?.detail, `Production object with pk=u'${await seq('workspaces', other.workspaceId)}' does not exist.`);
    assert.equal(e?.title, 'Not Found');
    // The viewer is not a member of the second workspace.
    assertMlErrors(await t.req('GET', `/api/productions/${secondSeq}/`, { headers: token(viewer) }), 404, 'not_found');
    assertMlErrors(await t.req('GET', '/api/productions/abc/', { headers: token(owner) }), 404, 'not_found');
  });

  test('auth: Token, Bearer and Basic (key:secret) are accepted; missing is not_authenticated, wrong is authentication_failed', async () => {
    for (const headers of [token(owner), { authorization: `Bearer ${owner.token}` }, basic(owner), basic(owner)]) {
      const res = await t.req('GET', `/api/productions/${wsSeq}/`, { headers });
      assert.equal(res.status, 200, res.text);
    }
    const none = await t.req('GET', '/api/productions/');
    assertMlErrors(none, 401, 'not_authenticated');
    assert.equal(none.headers['www-authenticate'], 'Token');
    assertMlErrors(await t.req('GET', '/api/productions/', { headers: { authorization: 'Token not-a-token' } }), 401, 'authentication_failed');
    const wrongSecret = { authorization: `Basic ${Buffer.from(`${owner.key}:nope`).toString('base64')}` };
    assertMlErrors(await t.req('GET', '/api/productions/', { headers: wrongSecret }), 401, 'authentication_failed');
    assertMlErrors(await t.req('GET', '/api/productions/', { headers: { authorization: 'Basic !!!' } }), 401, 'authentication_failed');
    // x-workspace-id binds the request to one production.
    const bound = await t.req('GET', '/api/productions/', { headers: { ...token(owner), 'x-workspace-id': secondWs } });
    assert.deepEqual(bound.body.map((p: { id: number }) => p.id), [secondSeq]);
    assertMlErrors(await t.req('GET', '/api/productions/', { headers: { ...token(viewer), 'x-workspace-id': secondWs } }), 403, 'permission_denied');
  });

  test('core admin routes set production settings and devices; medialoopster shows them with integer device ids', async () => {
    const headers = owner.headers;
    const dev = await t.req('POST', '/workspaces/devices', { headers, json: { name: 'Video SAN', path: '/footage/', autoshot_detection: true } });
    assert.equal(dev.status, 201, dev.text);
    assert.equal(dev.body.path, '/footage/');
    assert.equal(dev.body.display_name, 'Video SAN');
    // Devices do not nest, either way round; nothing is written.
    const before = await t.count('devices');
    for (const path of ['/footage/day1/', '/', '/footage']) {
      const nest = await t.req('POST', '/workspaces/devices', { headers, json: { name: 'x', path } });
      assert.equal(nest.status, 409, nest.text);
      assert.equal(nest.body.error.code, 'device_paths_nest');
    }
    assert.equal(await t.count('devices'), before);
    const audio = await t.req('POST', '/workspaces/devices', { headers, json: { name: 'Audio', path: '/sound/', protocol: 'smb' } });
    assert.equal(audio.status, 201, audio.text);
    // A viewer may not add devices or change settings.
    assert.equal((await t.req('POST', '/workspaces/devices', { headers: viewer.headers, json: { name: 'v', path: '/v/' } })).status, 403);
    assert.equal((await t.req('PATCH', '/workspaces/production', { headers: viewer.headers, json: { company: 'x' } })).status, 403);
    const patch = await t.req('PATCH', '/workspaces/production', {
      headers,
      json: { codename: 'show_one', company: 'ACME', storage_root: '/footage', videoasset_device_id: dev.body.id, audioasset_device_id: audio.body.id },
    });
    assert.equal(patch.status, 200, patch.text);
    assert.equal(patch.body.storage_root, '/footage/');
    // Another workspace's device is refused.
    const foreignDev = await t.req('POST', '/workspaces/devices', { headers: { ...headers, 'x-workspace-id': secondWs }, json: { name: 'S', path: '/s/' } });
    const refused = await t.req('PATCH', '/workspaces/production', { headers, json: { imageasset_device_id: foreignDev.body.id } });
    assert.equal(refused.status, 400, refused.text);
    const taken = await t.req('PATCH', '/workspaces/production', { headers: { ...headers, 'x-workspace-id': secondWs }, json: { codename: 'show_one' } });
    assert.equal(taken.status, 409, taken.text);

    const ml = await t.req('GET', `/api/productions/${wsSeq}/`, { headers: token(owner) });
    assert.equal(ml.body.codename, 'show_one');
    assert.equal(ml.body.company, 'ACME');
    assert.equal(ml.body.storage_root, '/footage/');
    assert.equal(ml.body.videoasset_device, dev.body.sequence);
    assert.equal(ml.body.audioasset_device, audio.body.sequence);
    assert.equal(ml.body.imageasset_device, null);
    const filtered = await t.req('GET', `/api/productions/?storage_root=${encodeURIComponent('/footage/')}`, { headers: token(owner) });
    assert.deepEqual(filtered.body.map((p: { id: number }) => p.id), [wsSeq]);
    assert.equal(filtered.headers['x-total-count'], '1');

    // medialoopster devices: list (with path filter) and get; the viewer sees only its production's.
    const list = await t.req('GET', '/api/devices/', { headers: token(owner) });
    assert.equal(list.status, 200, list.text);
    assert.equal(list.headers['x-total-count'], '3');
    const one = await t.req('GET', `/api/devices/?path=${encodeURIComponent('/footage/')}`, { headers: token(owner) });
    assert.equal(one.body.length, 1);
    assert.deepEqual(Object.keys(one.body[0]), DEVICE_KEYS);
    assert.deepEqual(one.body[0], {
      id: dev.body.sequence, production: wsSeq, name: 'Video SAN', display_name: 'Video SAN', path: '/footage/', is_internal: true, is_archive: false,
      autoshot_detection: true, allow_direct_writing: false, recieve_xml_meta: false, protocol: 'copy', anonymous: false, server: '', username: '',
      password: '', transcoding_profile: '', archive_connector: '', passthrough_profiles: [], write_permission_groups: [],
    });
    const get = await t.req('GET', `/api/devices/${audio.body.sequence}/`, { headers: token(viewer) });
    assert.equal(get.status, 200, get.text);
    assert.equal(get.body.protocol, 'smb');
    const [e] = assertMlErrors(await t.req('GET', `/api/devices/${foreignDev.body.sequence}/`, { headers: token(viewer) }), 404, 'not_found');
    assert.equal(e?.detail, `Device object with pk=u'${foreignDev.body.sequence}' does not exist.`);
    assertMlErrors(await t.req('GET', `/api/devices/${audio.body.sequence}/`, { headers: token(other) }), 404, 'not_found');
    assert.equal((await t.req('GET', '/api/devices/', { headers: token(other) })).body.length, 0);
    assertMlErrors(await t.req('GET', '/api/devices/?path=nope', { headers: token(owner) }), 400, 'invalid');

    // Edit and delete through the core API; the production's default falls back to null.
    const renamed = await t.req('PATCH', `/workspaces/devices/${audio.body.id}`, { headers, json: { display_name: 'Sound' } });
    assert.equal(renamed.status, 200, renamed.text);
    assert.equal(renamed.body.display_name, 'Sound');
    assert.equal((await t.req('PATCH', `/workspaces/devices/${audio.body.id}`, { headers, json: { path: '/footage/x/' } })).status, 409);
    assert.equal((await t.req('GET', `/workspaces/devices/${audio.body.id}`, { headers: other.headers })).status, 404);
    assert.equal((await t.req('DELETE', `/workspaces/devices/${audio.body.id}`, { headers: other.headers })).status, 404);
    assert.equal((await t.req('DELETE', `/workspaces/devices/${audio.body.id}`, { headers })).status, 200);
    const after = await t.req('GET', `/api/productions/${wsSeq}/`, { headers: token(owner) });
    assert.equal(after.body.audioasset_device, null);
    const history = await t.deps.db.selectFrom('history_events').select('type').where('workspace_id', '=', owner.workspaceId).where('subject_type', '=', 'device').execute();
    assert.deepEqual(history.map((h) => h.type).sort(), ['device_created', 'device_created', 'device_deleted', 'device_updated']);
  });
});
