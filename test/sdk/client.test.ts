import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AtelierApiError, AtelierNetworkError, collect, createClient, Transport, type AtelierClient } from '../../src/sdk/index.js';
import { DATABASES } from '../harness/databases.js';
import { freePort } from '../cli/cli-harness.js';
import { PeopleEnv } from '../cli/people-harness.js';

/* The SDK against a real `atelier serve` over real sockets. */

for (const kind of DATABASES) {
  describe(`SDK [${kind}]`, () => {
    // A short auth rate-limit window, so a 429 with Retry-After can be produced and waited out; a short body idle
    // limit, so a paused upload gets its 408; request logs, to count those 408s.
    const env = new PeopleEnv(kind);
    let client: AtelierClient;
    before(async () => {
      await env.start({ AUTH_RATE_LIMIT_MAX: '2', AUTH_RATE_LIMIT_WINDOW_SECONDS: '2', REQUEST_BODY_IDLE_TIMEOUT_SECONDS: '2', LOG_LEVEL: 'info' });
      client = createClient({
        baseUrl: env.server.url,
        accountId: env.tenant.account_id,
        workspaceId: env.tenant.workspace_id,
        credentials: { key: env.tenant.key, secret: env.tenant.secret },
      });
    });
    after(() => env.stop());

    test('typed calls through the generated client; uploads over tus read back byte for byte', async () => {
      const me = await client.me();
      assert.equal(me.id, env.tenant.user_id);
      const dir = env.tempDir('sdk');
      const bytes = randomBytes(2 * 1024 * 1024 + 3);
      writeFileSync(join(dir, 'clip.bin'), bytes);
      const created: string[] = [];
      const progress: number[] = [];
      const up = await client.upload(join(dir, 'clip.bin'), { fileLocation: '/SDK/', chunkBytes: 1024 * 1024, onCreated: (u) => void created.push(u), onProgress: (n) => void progress.push(n) });
      assert.equal(created.length, 1);
      assert.deepEqual(progress, [1024 * 1024, 2 * 1024 * 1024, bytes.length]);
      assert.equal(up.bytesSent, bytes.length);
      const { data: asset } = await client.api.GET('/workspaces/assets/{asset_id}', { params: { path: { asset_id: up.assetId } } });
      assert.equal(asset?.file_location, '/SDK/');
      assert.equal(asset?.currentVersion?.checksum, up.checksum);
      const got = await client.download(up.assetId, join(dir, 'back.bin'));
      assert.equal(got.checksum, up.checksum);
      assert.deepEqual(readFileSync(join(dir, 'back.bin')), bytes);
      // Resuming a finished upload answers its asset without sending anything.
      const again = await client.upload(join(dir, 'clip.bin'), { resumeUrl: up.uploadUrl, checksum: up.checksum });
      assert.equal(again.assetId, up.assetId);
      assert.equal(again.bytesSent, 0);
      // A checksum the bytes do not have: the server refuses to commit them.
      await assert.rejects(
        client.upload(join(dir, 'clip.bin'), { fileLocation: '/SDK/', fileName: 'liar.bin', checksum: 'a'.repeat(64) }),
        (err: unknown) => err instanceof AtelierApiError && err.code === 'checksum_mismatch' && err.status === 400,
      );
    });

    test('async iterators walk every page of cursor lists', async () => {
      const dir = env.tempDir('pages');
      for (let i = 0; i < 5; i++) {
        writeFileSync(join(dir, `p${i}.txt`), `page ${i}`);
        await client.upload(join(dir, `p${i}.txt`), { fileLocation: '/Pages/' });
      }
      const names = (await collect(client.searchAssets({ folder: '/Pages/', limit: 2, sort: 'name', order: 'asc' }))).map((a) => a.file_name);
      assert.deepEqual(names, ['p0.txt', 'p1.txt', 'p2.txt', 'p3.txt', 'p4.txt']);
      const history = await collect(client.listByHeaderCursor<{ type: string }>('/workspaces/history', { limit: '3' }));
      assert.ok(history.length >= 6, `${history.length} events`);
      assert.equal(new Set(history.map((h) => JSON.stringify(h))).size, history.length, 'no page twice');
    });

    test('typed errors carry the code, status and request id', async () => {
      const err = await client.api.GET('/workspaces/assets/{asset_id}', { params: { path: { asset_id: '00000000-0000-4000-8000-000000000000' } } }).then(
        () => assert.fail('no error'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof AtelierApiError);
      assert.equal(err.status, 404);
      assert.equal(err.code, 'asset_not_found');
      assert.match(err.requestId ?? '', /.+/);
      const port = await freePort();
      const down = createClient({ baseUrl: `http://127.0.0.1:${port}`, token: 'x', retries: 1, backoffMs: 10 });
      await assert.rejects(down.me(), (e: unknown) => e instanceof AtelierNetworkError && /ECONNREFUSED/.test(e.message));
    });

    test('a token the server refuses is replaced from the key and secret, once', async () => {
      const t = new Transport({
        baseUrl: env.server.url,
        accountId: env.tenant.account_id,
        credentials: { key: env.tenant.key, secret: env.tenant.secret },
        token: 'not-a-token',
      });
      const res = await t.send(() => new Request(t.url('/users/me')), {});
      assert.equal(((await res.json()) as { id: string }).id, env.tenant.user_id);
      const wrong = new Transport({ baseUrl: env.server.url, credentials: { key: env.tenant.key, secret: 'sk_wrong' }, retries: 0 });
      await assert.rejects(wrong.send(() => new Request(wrong.url('/users/me')), {}), (e: unknown) => e instanceof AtelierApiError && e.code === 'invalid_credentials');
    });

    test('by default PATCHes are as large as the server advises: on a disk server the rest of the file, then the tail', async () => {
      const MiB = 1024 * 1024;
      const dir = env.tempDir('advice');
      // Over 64 MiB (the size without advice) and the 8 MiB tail, so that following the advice shows.
      const bytes = randomBytes(80 * MiB);
      writeFileSync(join(dir, 'advised.bin'), bytes);
      const patchCount = (uploadUrl: string): number => {
        const path = new URL(uploadUrl).pathname;
        return env.server.logLines().filter((l) => l.msg === 'incoming request' && (l.req as { method: string; url: string }).method === 'PATCH' && (l.req as { url: string }).url === path).length;
      };
      const progress: number[] = [];
      const up = await client.upload(join(dir, 'advised.bin'), { fileLocation: '/SDK/', onProgress: (n) => void progress.push(n) });
      // 72 MiB streamed in one PATCH, the last 8 MiB (read whole, with the checksum) in another (64 + 8 + 8 without advice).
      assert.equal(patchCount(up.uploadUrl), 2);
      assert.equal(up.bytesSent, bytes.length);
      assert.equal(up.checksum, createHash('sha256').update(bytes).digest('hex'));
      assert.equal(progress.at(-1), bytes.length);
      // A size the caller chose wins over the advice: 16 MiB PATCHes, the last two 8 MiB (the tail's own size).
      const chosen = await client.upload(join(dir, 'advised.bin'), { fileLocation: '/SDK/', fileName: 'chosen.bin', chunkBytes: 16 * MiB });
      assert.equal(patchCount(chosen.uploadUrl), 6);
      assert.equal(chosen.checksum, up.checksum);
    });

    test('with a custom fetch, PATCH bodies stream through it and the upload reads back byte for byte', async () => {
      const MiB = 1024 * 1024;
      const dir = env.tempDir('fetch');
      const bytes = randomBytes(5 * MiB + 7);
      writeFileSync(join(dir, 'through-fetch.bin'), bytes);
      const seen: string[] = [];
      const viaFetch = createClient({
        baseUrl: env.server.url,
        accountId: env.tenant.account_id,
        workspaceId: env.tenant.workspace_id,
        credentials: { key: env.tenant.key, secret: env.tenant.secret },
        fetch: (input, init) => {
          const request = input instanceof Request ? input : new Request(input, init);
          seen.push(request.method);
          return fetch(request);
        },
      });
      // 2 MiB chunks: two streamed PATCHes (the fetch path's async body), then the last 1 MiB read whole.
      const up = await viaFetch.upload(join(dir, 'through-fetch.bin'), { fileLocation: '/SDK/', chunkBytes: 2 * MiB });
      assert.equal(seen.filter((m) => m === 'PATCH').length, 3, seen.join(' '));
      assert.equal(up.bytesSent, bytes.length);
      assert.equal(up.checksum, createHash('sha256').update(bytes).digest('hex'));
      const got = await viaFetch.download(up.assetId, join(dir, 'through-fetch-back.bin'));
      assert.equal(got.checksum, up.checksum);
      assert.deepEqual(readFileSync(join(dir, 'through-fetch-back.bin')), bytes);
    });

    test('a PATCH whose body stalls past the server\'s idle limit (408) resumes from what the server kept', async () => {
      const MiB = 1024 * 1024;
      const dir = env.tempDir('stall');
      const bytes = randomBytes(3 * MiB + 3);
      writeFileSync(join(dir, 'slow.bin'), bytes);
      const timeouts = () => env.server.logLines().filter((l) => l.msg === 'request completed' && (l.res as { statusCode?: number }).statusCode === 408).length;
      const before = timeouts();
      // 2 MiB PATCHes written 1 MiB at a time; at 300 KiB/s the pause after a piece (3.4 s or more) outlasts the
      // server's 2 s idle limit, so each streamed PATCH is cut after its first piece.
      const up = await client.upload(join(dir, 'slow.bin'), { fileLocation: '/SDK/', chunkBytes: 2 * MiB, bytesPerSecond: 300 * 1024 });
      assert.ok(timeouts() > before, 'the server answered 408 to a stalled PATCH');
      // Nothing the server kept was sent again, and the hash followed the offsets: the bytes read back are the file's.
      assert.equal(up.bytesSent, bytes.length);
      const got = await client.download(up.assetId, join(dir, 'slow-back.bin'));
      assert.equal(got.checksum, up.checksum);
      assert.deepEqual(readFileSync(join(dir, 'slow-back.bin')), bytes);
    });

    test('429 with Retry-After is waited out and retried', async () => {
      // Two failures with this key from this address reach the limit: the next attempt is 429 for 2 s, even with
      // the right secret. The SDK waits as told and signs in.
      for (let i = 0; i < 3; i++) {
        await env.server.req('POST', '/auth/token', { json: { key: env.tenant.key, secret: 'sk_wrong' } });
      }
      const limited = await env.server.req('POST', '/auth/token', { json: { key: env.tenant.key, secret: env.tenant.secret } });
      assert.equal(limited.status, 429);
      const started = Date.now();
      const fresh = createClient({ baseUrl: env.server.url, accountId: env.tenant.account_id, credentials: { key: env.tenant.key, secret: env.tenant.secret } });
      assert.equal((await fresh.me()).id, env.tenant.user_id);
      assert.ok(Date.now() - started >= 500, 'it waited');
      // Without retries the 429 comes back as a typed error with the server's Retry-After.
      for (let i = 0; i < 3; i++) {
        await env.server.req('POST', '/auth/token', { json: { key: env.tenant.key, secret: 'sk_wrong' } });
      }
      const impatient = createClient({ baseUrl: env.server.url, credentials: { key: env.tenant.key, secret: env.tenant.secret }, retries: 0 });
      await assert.rejects(impatient.me(), (e: unknown) => e instanceof AtelierApiError && e.status === 429 && (e.retryAfterSeconds ?? 0) >= 1);
    });
  });
}
