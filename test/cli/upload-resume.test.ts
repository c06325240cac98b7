import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DATABASES } from '../harness/databases.js';
import { PeopleEnv } from './people-harness.js';

/*
 * Killing `atelier upload` in the middle of a large file (Ctrl-C and SIGKILL) and running it again: the upload
 * continues from the server's tus offset, and the bytes that had arrived are not sent again. The bytes are counted
 * by a TCP proxy between the CLI and the server, so the measure does not rest on the CLI's own account.
 */

/** A TCP proxy that counts the bytes clients send to the server. */
async function countingProxy(target: URL): Promise<{ url: string; sent(): number; reset(): void; close(): Promise<void> }> {
  let sent = 0;
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
    client.on('data', (d: Buffer) => (sent += d.length));
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    sent: () => sent,
    reset: () => (sent = 0),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const SIZE = 40 * 1024 * 1024 + 123;
const CHUNK = 1024 * 1024;

for (const kind of DATABASES) {
  describe(`atelier upload resumes after being killed [${kind}]`, () => {
    const env = new PeopleEnv(kind);
    let proxy: Awaited<ReturnType<typeof countingProxy>>;
    before(async () => {
      await env.start();
      proxy = await countingProxy(new URL(env.server.url));
      await env.login();
    });
    after(async () => {
      await proxy?.close();
      await env.stop();
    });

    const uploadsDir = (): string => join(env.home, '.config/atelier/uploads');

    /** The tus URL the CLI stored for its upload in progress (waits for it). */
    async function storedUploadUrl(): Promise<string> {
      for (let i = 0; i < 600; i++) {
        const files = existsSync(uploadsDir()) ? readdirSync(uploadsDir()) : [];
        if (files.length === 1) {
          const url = JSON.parse(readFileSync(join(uploadsDir(), files[0] as string), 'utf8')).url as string;
          if (url) return url;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the CLI never stored an upload URL');
    }

    async function serverOffset(url: string): Promise<number> {
      const res = await fetch(url, { method: 'HEAD', headers: { ...(await env.headers()), 'tus-resumable': '1.0.0' } });
      assert.equal(res.status, 200);
      return Number(res.headers.get('upload-offset'));
    }

    for (const signal of ['SIGINT', 'SIGKILL'] as const) {
      test(`${signal} mid-upload, then the same command again: only the missing bytes are sent`, async () => {
        const dir = env.tempDir(`big-${signal}`);
        const file = join(dir, `big-${signal}.bin`);
        const bytes = randomBytes(SIZE);
        rmSync(uploadsDir(), { recursive: true, force: true });
        writeFileSync(file, bytes);
        const args = ['upload', file, '--to', '/Big', '--chunk-size', '1M', '--json'];
        const viaProxy = { ATELIER_URL: proxy.url };
        const first = env.spawn([...args, '--bwlimit', '6M'], viaProxy);
        const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => first.on('exit', (code, sig) => r({ code, signal: sig })));
        const url = await storedUploadUrl();
        assert.ok(url.startsWith(`${proxy.url}/workspaces/assets/tus/`), url);
        // Kill it once a few chunks are in, well before the end.
        let offset = 0;
        for (let i = 0; i < 400 && offset < 6 * CHUNK; i++) {
          await new Promise((r) => setTimeout(r, 50));
          offset = await serverOffset(url);
        }
        assert.ok(offset >= 6 * CHUNK && offset < SIZE, `offset ${offset}`);
        first.kill(signal);
        const end = await exited;
        if (signal === 'SIGINT') {
          assert.equal(end.code, 130, first.err());
          assert.match(first.err(), /interrupted/);
        } else {
          assert.equal(end.signal, 'SIGKILL');
        }
        // The server keeps what arrived of the PATCH that was cut (tus in place); it notices the closed socket a
        // moment later, so the offset is read once it stops moving.
        let arrived = await serverOffset(url);
        for (let still = 0; still < 5; ) {
          await new Promise((r) => setTimeout(r, 100));
          const now = await serverOffset(url);
          still = now === arrived ? still + 1 : 0;
          arrived = now;
        }
        assert.ok(arrived >= offset && arrived < SIZE, `arrived ${arrived}`);

        proxy.reset();
        const r = await env.run(args, viaProxy);
        assert.equal(r.code, 0, r.stderr);
        const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
        const done = events.find((e) => e.event === 'uploaded');
        assert.equal(done.resumed_from, arrived);
        assert.equal(done.bytes_sent, SIZE - arrived);
        // On the wire: the missing bytes, plus requests' headers and the small JSON exchanges (token, search).
        const wire = proxy.sent();
        assert.ok(wire >= SIZE - arrived, `wire ${wire}`);
        assert.ok(wire < SIZE - arrived + 256 * 1024, `sent ${wire} bytes for ${SIZE - arrived} missing ones`);
        assert.deepEqual(readdirSync(uploadsDir()), [], 'the resume state is removed once committed');
        // The server holds the exact bytes.
        const out = env.tempDir(`back-${signal}`);
        const d = await env.run(['download', done.asset_id, '--to', out, '--json']);
        assert.equal(d.code, 0, d.stderr);
        assert.deepEqual(readFileSync(join(out, `big-${signal}.bin`)), bytes);
      });
    }
  });
}
