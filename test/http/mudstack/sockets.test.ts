import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { signUploadQuery } from '../../../src/domain/uploads/signed-url.js';
import { describeEachDatabase, type TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { multipart } from './assets-fixtures.js';
import { bodyAfterEarlyAnswer, rawExchange, streamingClient } from './sockets-fixtures.js';
import { listening, waitForNoTemp, writtenCounts } from './uploads-fixtures.js';

/*
 * Limits, truncated bodies and slow clients over real TCP connections (not app.inject): what a client on the
 * network sees. After each exchange, nothing may be left behind: no temp file in the blob store's tmp area, no file
 * of it still open, no upload session, no asset, version or blob.
 */

const LIMIT = 1_000_000;
const IDLE_SECONDS = 0.5;
/** How long any of these exchanges may take at most before the server has answered and closed. */
const BOUND_MS = 4000;

/** File descriptors of this process open on the blob store's temp area (the app runs in this process). */
async function openTempFiles(t: TestApp): Promise<number> {
  const tmp = join(t.config.dataDir, 'blobs', 'tmp');
  let n = 0;
  for (const fd of await readdir('/proc/self/fd').catch(() => [])) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    if (target.startsWith(tmp)) {
      n += 1;
    }
  }
  return n;
}

/** Waits (bounded) until no temp file is open any more. */
async function waitForNoOpenTemp(t: TestApp): Promise<number> {
  const until = Date.now() + 3000;
  let n = await openTempFiles(t);
  while (n > 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    n = await openTempFiles(t);
  }
  return n;
}

async function snapshot(t: TestApp): Promise<Record<string, number>> {
  return { ...(await writtenCounts(t)), upload_sessions: await t.count('upload_sessions') };
}

/** Nothing of a failed request is left: no temp file (open or on disk), no rows, no blobs. */
async function assertNothingLeft(t: TestApp, before: Record<string, number>): Promise<void> {
  assert.equal(await waitForNoOpenTemp(t), 0, 'no temp file is still open');
  assert.equal(await waitForNoTemp(t), 0, 'no temp file is left in the tmp area');
  assert.deepEqual(await snapshot(t), before);
}

const authHead = (ten: Tenant): string[] => Object.entries(ten.headers).map(([k, v]) => `${k}: ${v}`);

function assertErrorShape(body: any, code: string): void {
  assert.equal(body?.error?.code, code, JSON.stringify(body));
  assert.equal(typeof body.error.message, 'string');
  assert.equal(typeof body.request_id, 'string');
}

describeEachDatabase(
  'HTTP over real sockets: limits, truncated bodies, slow clients',
  (t) => {
    test('a Content-Length over MAX_UPLOAD_BYTES is answered 413 up front, before any of the body is read', async () => {
      const ten = await t.factory.tenant();
      const base = await listening(t);
      const before = await snapshot(t);
      // The client sends the headers and no body at all: only an answer that does not wait for the body arrives.
      const answer = await rawExchange(base, {
        head: ['POST /workspaces/assets?file_name=big.bin HTTP/1.1', ...authHead(ten), 'Content-Type: application/octet-stream', `Content-Length: ${50 * LIMIT}`],
        then: 'stall',
        waitMs: BOUND_MS,
      });
      assert.equal(answer.status, 413);
      assertErrorShape(answer.body, 'payload_too_large');
      assert.equal(answer.headers.connection, 'close');
      assert.equal(answer.ended, 'closed', 'the server closes the connection after the 413');
      assert.ok(answer.ms < IDLE_SECONDS * 1000, `answered up front (${answer.ms} ms), not after the body timeout`);
      await assertNothingLeft(t, before);
    });

    test('after an early 413 the rest of the body is read and discarded, so a client still sending is not reset', async () => {
      const ten = await t.factory.tenant();
      const base = await listening(t);
      const before = await snapshot(t);
      const res = await bodyAfterEarlyAnswer(base, ['POST /workspaces/assets?file_name=big.bin HTTP/1.1', ...authHead(ten), 'Content-Type: application/octet-stream'], 3 * LIMIT);
      assert.equal(res.status, 413);
      assert.equal(res.error, undefined, 'the client could send its whole body after the answer');
      await assertNothingLeft(t, before);
    });

    test('an over-limit upload that keeps streaming receives the 413 over TCP (raw, multipart, version, signed PUT)', async () => {
      const ten = await t.factory.tenant();
      const base = await listening(t);
      const asset = await t.req('POST', '/workspaces/assets', {
        headers: { ...ten.headers, 'content-type': 'application/octet-stream' },
        query: { file_name: 'small.bin' },
        payload: Buffer.from('small'),
      });
      assert.equal(asset.status, 201);
      const session = await t.req('POST', '/workspaces/assets/upload', { headers: ten.headers, json: { name: 'big.bin' } });
      const signed = signUploadQuery(t.deps.tokenKey, { method: 'PUT', path: `/uploads/${session.body.key}`, expiresAt: new Date(Date.parse(session.body.expires_at)) });
      // The start of a form whose file part then goes on past the limit.
      const form = multipart({}, { name: 'big.bin', data: Buffer.alloc(0) });
      const formHead = form.payload.subarray(0, form.payload.indexOf('\r\n\r\n') + 4);
      const before = await snapshot(t);
      const cases = [
        { method: 'POST', path: '/workspaces/assets?file_name=big.bin', headers: { ...ten.headers, 'content-type': 'application/octet-stream' } },
        { method: 'POST', path: '/workspaces/assets', headers: { ...ten.headers, ...form.headers }, prefix: formHead },
        { method: 'POST', path: `/workspaces/assets/${asset.body.id}/versions?file_name=big.bin`, headers: { ...ten.headers, 'content-type': 'application/octet-stream' } },
        { method: 'PUT', path: `/uploads/${session.body.key}?${signed}`, headers: { 'content-type': 'application/octet-stream' } },
      ];
      for (const c of cases) {
        const res = await streamingClient(base, { ...c, bytes: 6 * LIMIT });
        assert.equal(res.status, 413, `${c.method} ${c.path}: ${res.error ?? ''}`);
        assertErrorShape(res.body, 'payload_too_large');
        assert.equal(res.headers.connection, 'close');
        // The rest of a body this size is read and discarded before the connection closes: the client is not reset.
        assert.equal(res.error, undefined, `${c.method} ${c.path}`);
      }
      await assertNothingLeft(t, before);
    });

    test('an over-limit chunked body (no Content-Length) receives the 413 over TCP', async () => {
      const ten = await t.factory.tenant();
      const base = await listening(t);
      const before = await snapshot(t);
      const res = await streamingClient(base, {
        method: 'POST',
        path: '/workspaces/assets?file_name=big.bin',
        headers: { ...ten.headers, 'content-type': 'application/octet-stream' },
        bytes: 6 * LIMIT,
        chunked: true,
      });
      assert.equal(res.status, 413, res.error);
      assertErrorShape(res.body, 'payload_too_large');
      await assertNothingLeft(t, before);
    });

    test('a multipart body without its closing boundary is answered 400 at once, and leaves nothing open', async () => {
      const ten = await t.factory.tenant();
      const base = await listening(t);
      const before = await snapshot(t);
      const whole = multipart({ name: 'cut' }, { name: 'cut.bin', data: Buffer.alloc(200_000, 3) });
      // The HTTP body is complete (its Content-Length is right), but the form ends in the middle of the file part.
      const cut = whole.payload.subarray(0, whole.payload.length - 60_000);
      for (let i = 0; i < 3; i += 1) {
        const answer = await rawExchange(base, {
          head: ['POST /workspaces/assets HTTP/1.1', ...authHead(ten), `Content-Type: ${whole.headers['content-type']}`, `Content-Length: ${cut.length}`, 'Connection: close'],
          body: cut,
          then: 'stall',
          waitMs: BOUND_MS,
        });
        assert.equal(answer.status, 400, JSON.stringify(answer));
        assertErrorShape(answer.body, 'multipart_truncated');
        assert.ok(answer.ms < IDLE_SECONDS * 1000, `answered when the body ended (${answer.ms} ms)`);
      }
      await assertNothingLeft(t, before);
    });

    test('a multipart upload whose client half-closes before the declared length gets a 4xx, and leaves nothing', async () => {
      const ten = await t.factory.tenant();
      const base = await listening(t);
      const before = await snapshot(t);
      const whole = multipart({}, { name: 'cut.bin', data: Buffer.alloc(300_000, 4) });
      const answer = await rawExchange(base, {
        head: ['POST /workspaces/assets HTTP/1.1', ...authHead(ten), `Content-Type: ${whole.headers['content-type']}`, `Content-Length: ${whole.payload.length}`],
        body: whole.payload.subarray(0, 100_000),
        then: 'half-close',
        waitMs: BOUND_MS,
      });
      assert.equal(answer.status, 400, JSON.stringify(answer));
      assertErrorShape(answer.body, 'body_incomplete');
      assert.notEqual(answer.ended, 'gave_up');
      await assertNothingLeft(t, before);
    });

    test('a multipart upload that stalls mid-file is answered 408 after the body idle timeout', async () => {
      const ten = await t.factory.tenant();
      const base = await listening(t);
      const before = await snapshot(t);
      const whole = multipart({}, { name: 'slow.bin', data: Buffer.alloc(300_000, 5) });
      const answer = await rawExchange(base, {
        head: ['POST /workspaces/assets HTTP/1.1', ...authHead(ten), `Content-Type: ${whole.headers['content-type']}`, `Content-Length: ${whole.payload.length}`],
        body: whole.payload.subarray(0, 150_000),
        then: 'stall',
        waitMs: BOUND_MS,
      });
      assert.equal(answer.status, 408, JSON.stringify(answer));
      assertErrorShape(answer.body, 'request_timeout');
      assert.equal(answer.ended, 'closed');
      assert.ok(answer.ms >= IDLE_SECONDS * 1000 - 50 && answer.ms < BOUND_MS, `${answer.ms} ms`);
      await assertNothingLeft(t, before);
    });

    test('a raw upload that stalls is answered 408 and its partial bytes are removed', async () => {
      const ten = await t.factory.tenant();
      const base = await listening(t);
      const before = await snapshot(t);
      const answer = await rawExchange(base, {
        head: ['POST /workspaces/assets?file_name=slow.bin HTTP/1.1', ...authHead(ten), 'Content-Type: application/octet-stream', 'Content-Length: 500000'],
        body: Buffer.alloc(200_000, 6),
        then: 'stall',
        waitMs: BOUND_MS,
      });
      assert.equal(answer.status, 408, JSON.stringify(answer));
      assertErrorShape(answer.body, 'request_timeout');
      assert.equal(answer.ended, 'closed');
      await assertNothingLeft(t, before);
    });

    test('a JSON body cut short: 400 when the client half-closes, 408 when it stalls', async () => {
      const ten = await t.factory.tenant();
      const base = await listening(t);
      const before = { ...(await snapshot(t)), workspaces: await t.count('workspaces') };
      const json = Buffer.from(JSON.stringify({ name: 'Never created', description: 'x'.repeat(200) }));
      const head = ['POST /workspaces HTTP/1.1', ...Object.entries(ten.headers).filter(([k]) => k !== 'x-workspace-id').map(([k, v]) => `${k}: ${v}`), 'Content-Type: application/json', `Content-Length: ${json.length}`];
      const halfClosed = await rawExchange(base, { head, body: json.subarray(0, 40), then: 'half-close', waitMs: BOUND_MS });
      assert.equal(halfClosed.status, 400, JSON.stringify(halfClosed));
      assertErrorShape(halfClosed.body, 'body_incomplete');
      assert.notEqual(halfClosed.ended, 'gave_up');
      const stalled = await rawExchange(base, { head, body: json.subarray(0, 40), then: 'stall', waitMs: BOUND_MS });
      assert.equal(stalled.status, 408, JSON.stringify(stalled));
      assertErrorShape(stalled.body, 'request_timeout');
      assert.equal(stalled.ended, 'closed');
      assert.deepEqual({ ...(await snapshot(t)), workspaces: await t.count('workspaces') }, before);
    });

    test('a tus PATCH that stalls is answered 408; the upload keeps what arrived and resumes from it', async () => {
      const ten = await t.factory.tenant();
      const base = await listening(t);
      const tus = { 'tus-resumable': '1.0.0' };
      const created = await t.req('POST', '/workspaces/assets/tus', {
        headers: { ...ten.headers, ...tus, 'upload-length': '100000', 'upload-metadata': `filename ${Buffer.from('slow.bin').toString('base64')}` },
      });
      assert.equal(created.status, 201);
      const path = new URL(String(created.headers.location)).pathname;
      const before = await snapshot(t);
      const answer = await rawExchange(base, {
        head: [`PATCH ${path} HTTP/1.1`, ...authHead(ten), 'Tus-Resumable: 1.0.0', 'Upload-Offset: 0', 'Content-Type: application/offset+octet-stream', 'Content-Length: 100000'],
        body: Buffer.alloc(30_000, 7),
        then: 'stall',
        waitMs: BOUND_MS,
      });
      assert.equal(answer.status, 408, JSON.stringify(answer));
      assert.equal(answer.headers['upload-offset'], '30000', 'the 408 says how much was kept');
      // The disk store writes a tus upload in place and keeps what arrived of a PATCH cut short: the upload's own
      // file holds the 30,000 bytes, nothing else is left, and the offset moves to them (the server settles the cut
      // write a moment after answering).
      assert.equal(await waitForNoOpenTemp(t), 0, 'no temp file is still open');
      assert.deepEqual(await snapshot(t), before);
      let offset = '';
      for (let i = 0; i < 100 && offset !== '30000'; i++) {
        offset = String((await t.req('HEAD', path, { headers: { ...ten.headers, ...tus } })).headers['upload-offset']);
        if (offset !== '30000') await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(offset, '30000');
      const rest = await t.req('PATCH', path, {
        headers: { ...ten.headers, ...tus, 'upload-offset': '30000', 'content-type': 'application/offset+octet-stream' },
        payload: Buffer.alloc(70_000, 7),
      });
      assert.equal(rest.status, 204, rest.text);
      const asset = await t.req('GET', `/workspaces/assets/${String(rest.headers['atelier-asset-id'])}`, { headers: ten.headers });
      assert.equal(asset.body.currentVersion.checksum, createHash('sha256').update(Buffer.alloc(100_000, 7)).digest('hex'));
      assert.equal(await waitForNoTemp(t), 0, 'the upload\'s file became its blob');
    });
  },
  { MAX_UPLOAD_BYTES: String(LIMIT), REQUEST_BODY_IDLE_TIMEOUT_SECONDS: String(IDLE_SECONDS) },
);
