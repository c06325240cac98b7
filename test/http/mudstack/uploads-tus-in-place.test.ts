import assert from 'node:assert/strict';
import { open, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { describeEachDatabase, type TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { randomData, sha256 } from './assets-fixtures.js';
import { listening, tempCount } from './uploads-fixtures.js';

/*
 * tus on the disk store, whose uploads are one temp file written in place under a write claim on the session row
 * (src/domain/uploads/tus-in-place.ts): concurrent PATCHes, a crashed write's leftovers, a dead writer's claim.
 */

const TUS = { 'tus-resumable': '1.0.0' };
const b64 = (s: string): string => Buffer.from(s).toString('base64');

async function create(t: TestApp, ten: Tenant, length: number, meta: Record<string, string>): Promise<{ path: string; id: string }> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/workspaces/assets/tus',
    headers: { ...ten.headers, ...TUS, 'upload-length': String(length), 'upload-metadata': Object.entries(meta).map(([k, v]) => `${k} ${b64(v)}`).join(',') },
  });
  assert.equal(res.statusCode, 201, res.body);
  const path = new URL(String(res.headers.location)).pathname;
  return { path, id: path.split('/').pop()! };
}

async function patch(t: TestApp, ten: Tenant, path: string, offset: number, chunk: Buffer) {
  const res = await t.app.inject({
    method: 'PATCH',
    url: path,
    headers: { ...ten.headers, ...TUS, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
    payload: chunk,
  });
  return { status: res.statusCode, headers: res.headers, body: res.body ? (JSON.parse(res.body) as any) : undefined };
}

async function claimOf(t: TestApp, id: string): Promise<{ token: string | null; offset: number }> {
  const row = await t.deps.db.selectFrom('upload_sessions').select(['write_claim_token', 'received_bytes']).where('id', '=', id).executeTakeFirstOrThrow();
  return { token: row.write_claim_token, offset: Number(row.received_bytes) };
}

async function assetChecksum(t: TestApp, ten: Tenant, assetId: unknown): Promise<{ checksum: string; size: number }> {
  const res = await t.req('GET', `/workspaces/assets/${String(assetId)}`, { headers: ten.headers });
  assert.equal(res.status, 200);
  return { checksum: res.body.currentVersion.checksum, size: res.body.currentVersion.size };
}

describeEachDatabase('tus in place (disk store)', (t: TestApp) => {
  const fileOf = (id: string): string => join(t.config.dataDir, 'blobs', 'tmp', id);

  test('a PATCH while another is writing the same upload is 423 upload_locked; the first completes byte-exact', async () => {
    const ten = await t.factory.tenant();
    const data = randomData(3 * 1024 * 1024);
    const { path, id } = await create(t, ten, data.length, { filename: 'race.bin', checksum: sha256(data) });
    const base = await listening(t);
    // The first PATCH over a real socket: half its body is sent, then it waits, holding the write claim.
    const first = request(`${base}${path}`, {
      method: 'PATCH',
      headers: { ...ten.headers, ...TUS, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream', 'content-length': String(data.length) },
    });
    const answered = new Promise<{ status: number; headers: Record<string, unknown> }>((resolve, reject) => {
      first.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      });
      first.on('error', reject);
    });
    first.write(data.subarray(0, 1024 * 1024));
    for (let i = 0; i < 200 && (await claimOf(t, id)).token === null; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.notEqual((await claimOf(t, id)).token, null, 'the first PATCH holds the write claim');
    const second = await patch(t, ten, path, 0, data.subarray(0, 1000));
    assert.equal(second.status, 423, JSON.stringify(second.body));
    assert.equal(second.body.error.code, 'upload_locked');
    first.end(data.subarray(1024 * 1024));
    const done = await answered;
    assert.equal(done.status, 204);
    assert.equal(done.headers['upload-offset'], String(data.length));
    // A late PATCH at the old offset is 409 with the offset, as in tus.
    const late = await patch(t, ten, path, 0, data.subarray(0, 10));
    assert.equal(late.status, 409);
    assert.equal(late.body.error.code, 'upload_offset_mismatch');
    assert.deepEqual(await assetChecksum(t, ten, done.headers['atelier-asset-id']), { checksum: sha256(data), size: data.length });
  });

  test('a PATCH after a crashed write (the file longer than the offset) overwrites the leftovers: byte-exact asset', async () => {
    const ten = await t.factory.tenant();
    const data = randomData(200_000);
    const temps = await tempCount(t);
    // No declared checksum: only the bytes themselves can show the leftovers were cut.
    const { path, id } = await create(t, ten, data.length, { filename: 'crashed.bin' });
    assert.equal((await patch(t, ten, path, 0, data.subarray(0, 80_000))).status, 204);
    assert.equal((await stat(fileOf(id))).size, 80_000, 'one file, written in place');
    // What a writer killed after writing but before moving the offset leaves: bytes past the offset.
    const fh = await open(fileOf(id), 'r+');
    await fh.write(randomData(150_000), 0, 150_000, 80_000);
    await fh.close();
    assert.equal((await claimOf(t, id)).offset, 80_000);
    const p2 = await patch(t, ten, path, 80_000, data.subarray(80_000, 120_000));
    assert.equal(p2.status, 204);
    assert.equal((await stat(fileOf(id))).size, 120_000, 'cut to the offset before writing');
    const last = await patch(t, ten, path, 120_000, data.subarray(120_000));
    assert.equal(last.status, 204, JSON.stringify(last.body));
    assert.deepEqual(await assetChecksum(t, ten, last.headers['atelier-asset-id']), { checksum: sha256(data), size: data.length });
    const blob = await t.deps.blobs.get(sha256(data));
    const chunks: Buffer[] = [];
    for await (const c of blob) chunks.push(c as Buffer);
    assert.ok(Buffer.concat(chunks).equals(data), 'the stored blob is the uploaded bytes');
    assert.equal(await tempCount(t), temps, 'the file was adopted, nothing left in tmp');
  });

  test("a live write claim blocks until it lapses; a dead process's claim is taken over at once", async () => {
    const ten = await t.factory.tenant();
    const data = randomData(50_000);
    const { path, id } = await create(t, ten, data.length, { filename: 'claims.bin', checksum: sha256(data) });
    const until = new Date(t.clock.now().getTime() + 30_000).toISOString();
    // A claim of another host's process: never judged dead from here, so it holds until it lapses.
    await t.deps.db.updateTable('upload_sessions').set({ write_claim_token: 'x.w-1-00000000-ffffffff', write_claim_until: until }).where('id', '=', id).execute();
    const locked = await patch(t, ten, path, 0, data.subarray(0, 10_000));
    assert.equal(locked.status, 423);
    assert.equal((await claimOf(t, id)).offset, 0, 'nothing written');
    t.clock.advance(31);
    const after = await patch(t, ten, path, 0, data.subarray(0, 10_000));
    assert.equal(after.status, 204, JSON.stringify(after.body));
    assert.equal((await claimOf(t, id)).token, null, 'the claim ends with the write');
    // A claim left by a process on this host that is gone (pid far beyond any running one) is taken over at once.
    const { OWNER_TAG } = await import('../../../src/lib/process-owner.js');
    const deadTag = OWNER_TAG.replace(/^w-\d+-/, 'w-4194999-');
    const until2 = new Date(t.clock.now().getTime() + 30_000).toISOString();
    await t.deps.db.updateTable('upload_sessions').set({ write_claim_token: `x.${deadTag}`, write_claim_until: until2 }).where('id', '=', id).execute();
    const last = await patch(t, ten, path, 10_000, data.subarray(10_000));
    assert.equal(last.status, 204, JSON.stringify(last.body));
    assert.deepEqual(await assetChecksum(t, ten, last.headers['atelier-asset-id']), { checksum: sha256(data), size: data.length });
  });

  // The expiry sweep's removal of the file: uploads-tus.test.ts ('uploads.expire removes abandoned tus uploads').
  test('termination deletes the file', async () => {
    const ten = await t.factory.tenant();
    const a = await create(t, ten, 1000, { filename: 'gone.bin' });
    assert.equal((await patch(t, ten, a.path, 0, randomData(400))).status, 204);
    assert.equal((await stat(fileOf(a.id))).size, 400);
    const del = await t.app.inject({ method: 'DELETE', url: a.path, headers: { ...ten.headers, ...TUS } });
    assert.equal(del.statusCode, 204);
    assert.equal(await stat(fileOf(a.id)).catch(() => undefined), undefined);
  });
});
