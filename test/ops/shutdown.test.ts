import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { DATABASES } from '../harness/databases.js';
import { CliEnv, type ServerProcess } from '../cli/cli-harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls with new connections until one is refused (or 10 s pass); returns the last outcome. */
async function waitRefused(url: string): Promise<string> {
  let outcome = 'not tried';
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(50)) {
    outcome = await fetch(`${url}/healthz`).then(
      (r) => `answered ${r.status}`,
      (err: Error & { cause?: { code?: string } }) => err.cause?.code ?? err.message,
    );
    if (outcome === 'ECONNREFUSED') {
      break;
    }
  }
  return outcome;
}

for (const kind of DATABASES) {
  describe(`graceful shutdown on SIGTERM [${kind}]`, () => {
    const cli = new CliEnv(kind);
    let server: ServerProcess;
    let tenant: { account_id: string; key: string; secret: string };
    before(async () => {
      await cli.start({ env: { LOG_LEVEL: 'info' } });
      // As the README's quick start: the server creates the database, then bootstrap finds it.
      server = await cli.serve();
      tenant = await cli.json(['bootstrap', '--json', '--account', 'Shutdown Studio']);
    });
    after(() => cli.stop());

    test('an in-flight request completes with 200, new connections are refused, and the process exits 0', async () => {
      const body = Buffer.from(JSON.stringify({ account_id: tenant.account_id, key: tenant.key, secret: tenant.secret }));
      const url = new URL('/auth/token', server.url);
      // A slow upload: the request is in flight (headers sent, body trickling) when SIGTERM arrives.
      const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request(
          { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length } },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (text += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          },
        );
        req.on('error', reject);
        void (async () => {
          const parts = 10;
          const size = Math.ceil(body.length / parts);
          for (let i = 0; i < parts; i++) {
            req.write(body.subarray(i * size, (i + 1) * size));
            if (i === 2) {
              server.child.kill('SIGTERM');
            }
            if (i === 5) {
              // The listener closes soon after the signal, while this request is still uploading: wait for that.
              assert.equal(await waitRefused(server.url), 'ECONNREFUSED');
            }
            await sleep(120);
          }
          req.end();
        })().catch(reject);
      });

      const res = await response;
      assert.equal(res.status, 200, res.text);
      const json = JSON.parse(res.text) as { token: string; expires_in: number };
      assert.match(json.token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
      assert.equal(json.expires_in, 3600);
      assert.deepEqual(await server.exited, { code: 0, signal: null });
      const messages = server.logLines().map((l) => l.msg);
      assert.ok(messages.includes('shutting down'), messages.join('\n'));
    });
  });

  describe(`shutdown budget [${kind}]`, () => {
    const cli = new CliEnv(kind);
    after(() => cli.stop());

    test('a request still running after SHUTDOWN_TIMEOUT_SECONDS does not keep the process alive: exit 1', async () => {
      await cli.start({ env: { SHUTDOWN_TIMEOUT_SECONDS: '1' } });
      const server = await cli.serve();
      const url = new URL('/auth/token', server.url);
      // A body that never completes.
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': 1000 } });
      req.on('error', () => undefined);
      req.write('{"key":');
      await sleep(300);
      const signalled = Date.now();
      server.child.kill('SIGTERM');
      assert.deepEqual(await server.exited, { code: 1, signal: null });
      const took = Date.now() - signalled;
      assert.ok(took >= 1000 && took < 10_000, `exited after ${took} ms`);
      req.destroy();
    });
  });
}
