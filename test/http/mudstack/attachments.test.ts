import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { describeEachDatabase, type TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { pngImage } from '../../harness/multipart.js';
import { multipart, sha256, uploadRaw } from './assets-fixtures.js';

async function counts(t: TestApp): Promise<number[]> {
  return Promise.all((['attachments', 'history_events', 'jobs'] as const).map((n) => t.count(n)));
}

const asset = async (t: TestApp, ten: Tenant, name = 'hero.txt'): Promise<{ id: string; current_version_id: string }> => {
  const res = await uploadRaw(t, ten, Buffer.from(`content of ${name}`), { file_name: name });
  assert.equal(res.status, 201, res.text);
  return res.body;
};

const attach = (t: TestApp, ten: Tenant, assetId: string, fields: Record<string, string>, file?: { name: string; data: Buffer; type?: string }) => {
  const mp = multipart(fields, file);
  return t.req('POST', `/workspaces/assets/${assetId}/attachments`, { headers: { ...ten.headers, ...mp.headers }, payload: mp.payload });
};

describeEachDatabase('attachments', (t) => {
  test('image upload: shape, thumbnail made by the job (WebP, 256 px), download returns the same bytes', async () => {
    const ten = await t.factory.tenant();
    const a = await asset(t, ten);
    const image = await pngImage(600, 400);
    const res = await attach(t, ten, a.id, { name: 'Reference "hands".png', description: 'Pose ref' }, { name: 'ref.png', data: image, type: 'text/plain' });
    assert.equal(res.status, 201, res.text);
    const att = res.body;
    assert.deepEqual(Object.keys(att).sort(), [
      'asset_id', 'comment_id', 'content_type', 'created_at', 'created_by_user_id', 'description', 'file_id', 'id', 'name', 'review_id', 'size',
      'thumbnail_file_id', 'user',
    ]);
    assert.equal(att.asset_id, a.id);
    assert.equal(att.created_by_user_id, ten.userId);
    assert.equal(att.file_id, sha256(image));
    assert.equal(att.thumbnail_file_id, null);
    assert.equal(att.review_id, null);
    assert.equal(att.comment_id, null);
    assert.equal(att.name, 'Reference "hands".png');
    assert.equal(att.description, 'Pose ref');
    assert.equal(att.content_type, 'image/png', 'sniffed, not the client type');
    assert.equal(att.size, image.length);
    assert.equal(att.user.id, ten.userId);
    const base = `/workspaces/assets/${a.id}/attachments/${att.id}`;
    const early = await t.req('GET', `${base}/thumbnail`, { headers: ten.headers });
    assert.equal(early.status, 404);
    assert.equal(early.body.error.code, 'thumbnail_not_found');
    assert.equal((await t.jobs.list('attachment.thumbnail')).length, 1);
    await t.jobs.runUntilIdle();
    const list = await t.req('GET', `/workspaces/assets/${a.id}/attachments`, { headers: ten.headers });
    assert.equal(list.status, 200);
    assert.equal(list.body.length, 1);
    assert.match(list.body[0].thumbnail_file_id, /^[0-9a-f]{64}$/);
    assert.deepEqual({ ...list.body[0], thumbnail_file_id: null }, att);
    const thumb = await t.app.inject({ method: 'GET', url: `${base}/thumbnail`, headers: ten.headers });
    assert.equal(thumb.statusCode, 200);
    assert.equal(thumb.headers['content-type'], 'image/webp');
    const meta = await sharp(thumb.rawPayload).metadata();
    assert.equal(meta.format, 'webp');
    assert.equal(meta.width, 256);
    assert.equal(meta.height, 171);
    const dl = await t.app.inject({ method: 'GET', url: `${base}/download`, headers: ten.headers });
    assert.equal(dl.statusCode, 200);
    assert.ok(dl.rawPayload.equals(image));
    assert.equal(dl.headers['content-type'], 'image/png');
    assert.equal(dl.headers['x-content-type-options'], 'nosniff');
    assert.equal(dl.headers['content-disposition'], `attachment; filename="Reference _hands_.png"; filename*=UTF-8''Reference%20_hands_.png`);
    const h = await t.deps.db.selectFrom('history_events').select('type').where('record_id', '=', att.id).execute();
    assert.deepEqual(h.map((r) => r.type), ['attachment_added']);
  });

  test('a non-image gets no thumbnail job; name defaults to the file name', async () => {
    const ten = await t.factory.tenant();
    const a = await asset(t, ten);
    const jobs = (await t.jobs.list('attachment.thumbnail')).length;
    const res = await attach(t, ten, a.id, {}, { name: 'notes.txt', data: Buffer.from('plain notes') });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.name, 'notes.txt');
    assert.equal(res.body.content_type, 'text/plain');
    assert.equal(res.body.description, '');
    assert.equal((await t.jobs.list('attachment.thumbnail')).length, jobs);
  });

  test('on a comment or a review: the author only; bad input is 400/415 and writes nothing', async () => {
    const ten = await t.factory.tenant();
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const a = await asset(t, ten);
    const comment = (await t.req('POST', `/workspaces/assets/${a.id}/comments`, { headers: ten.headers, json: { content: 'mine' } })).body;
    const review = (await t.req('POST', `/workspaces/assets/${a.id}/reviews`, { headers: ten.headers, query: { content: 'ok', status: 'approved' } })).body;
    const file = { name: 'x.txt', data: Buffer.from('x') };
    const onComment = await attach(t, ten, a.id, { comment_id: comment.id }, file);
    assert.equal(onComment.status, 201, onComment.text);
    assert.equal(onComment.body.comment_id, comment.id);
    const onReview = await attach(t, ten, a.id, { review_id: review.id }, file);
    assert.equal(onReview.body.review_id, review.id);
    const reviews = (await t.req('GET', `/workspaces/assets/${a.id}/reviews`, { headers: ten.headers })).body;
    assert.deepEqual(reviews[0].attachments.map((x: { id: string }) => x.id), [onReview.body.id]);
    const before = await counts(t);
    assert.equal((await attach(t, viewer, a.id, { comment_id: comment.id }, file)).status, 403);
    assert.equal((await attach(t, viewer, a.id, { review_id: review.id }, file)).status, 403);
    const both = await attach(t, ten, a.id, { comment_id: comment.id, review_id: review.id }, file);
    assert.equal(both.status, 400);
    const noFile = await attach(t, ten, a.id, { name: 'x' });
    assert.equal(noFile.status, 400);
    assert.equal(noFile.body.error.fields[0].pointer, '/file');
    const json = await t.req('POST', `/workspaces/assets/${a.id}/attachments`, { headers: ten.headers, json: { name: 'x' } });
    assert.equal(json.status, 415);
    assert.deepEqual(await counts(t), before);
  });

  test("another tenant's or asset's ids are 404; delete by the uploader or an admin; 401 without a token", async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const a = await asset(t, ten);
    const b = await asset(t, ten, 'b.txt');
    const theirs = await asset(t, other);
    const file = { name: 'x.txt', data: Buffer.from('x') };
    const mine = (await attach(t, ten, a.id, {}, file)).body;
    const viewers = (await attach(t, viewer, a.id, {}, file)).body;
    const theirAtt = (await attach(t, other, theirs.id, {}, file)).body;
    const theirComment = (await t.req('POST', `/workspaces/assets/${theirs.id}/comments`, { headers: other.headers, json: { content: 'x' } })).body;
    const before = await counts(t);
    assert.equal((await attach(t, ten, theirs.id, {}, file)).status, 404);
    assert.equal((await attach(t, ten, a.id, { comment_id: theirComment.id }, file)).status, 404);
    assert.equal((await t.req('GET', `/workspaces/assets/${theirs.id}/attachments`, { headers: ten.headers })).status, 404);
    for (const [assetId, id] of [[a.id, theirAtt.id], [b.id, mine.id], [theirs.id, theirAtt.id]] as const) {
      for (const suffix of ['/download', '/thumbnail', '']) {
        const res = await t.req(suffix === '' ? 'DELETE' : 'GET', `/workspaces/assets/${assetId}/attachments/${id}${suffix}`, { headers: ten.headers });
        assert.equal(res.status, 404, `${assetId} ${id} ${suffix}`);
      }
    }
    assert.equal((await t.req('DELETE', `/workspaces/assets/${a.id}/attachments/${mine.id}`, { headers: viewer.headers })).status, 403);
    assert.equal((await t.req('GET', `/workspaces/assets/${a.id}/attachments`)).status, 401);
    assert.equal((await t.req('GET', `/workspaces/assets/${a.id}/attachments/${mine.id}/download`)).status, 401);
    assert.deepEqual(await counts(t), before);
    const own = await t.req('DELETE', `/workspaces/assets/${a.id}/attachments/${viewers.id}`, { headers: viewer.headers });
    assert.deepEqual([own.status, own.body], [200, { ok: true }]);
    assert.equal((await t.req('DELETE', `/workspaces/assets/${a.id}/attachments/${mine.id}`, { headers: ten.headers })).status, 200);
    assert.deepEqual((await t.req('GET', `/workspaces/assets/${a.id}/attachments`, { headers: ten.headers })).body, []);
    const h = await t.deps.db.selectFrom('history_events').select('type').where('record_id', '=', mine.id).orderBy('sequence').execute();
    assert.deepEqual(h.map((r) => r.type), ['attachment_added', 'attachment_deleted']);
  });
});

describeEachDatabase('attachments: size limit (MAX_UPLOAD_BYTES=1000)', (t) => {
  test('a file over the limit is 413 and writes nothing', async () => {
    const ten = await t.factory.tenant();
    const a = await asset(t, ten);
    const before = await counts(t);
    const res = await attach(t, ten, a.id, {}, { name: 'big.bin', data: Buffer.alloc(5000, 1) });
    assert.equal(res.status, 413, res.text);
    assert.deepEqual(await counts(t), before);
  });
}, { MAX_UPLOAD_BYTES: '1000' });
