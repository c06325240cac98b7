import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CliEnv, tokenFor, type ServerProcess } from '../cli/cli-harness.js';
import { DATABASES } from '../harness/databases.js';

/** Starts a request over a real socket, sends part of its body, and closes the connection (a client going away). */
async function abandonUpload(server: ServerProcess, head: string, partialBody: Buffer): Promise<void> {
  const url = new URL(server.url);
  const socket = connect(Number(url.port), url.hostname);
  await new Promise<void>((resolve, reject) => {
    socket.on('error', reject);
    socket.on('connect', () => resolve());
  });
  socket.write(head);
  socket.write(partialBody);
  await sleep(300);
  socket.destroy();
}

for (const kind of DATABASES) {
  describe(`client disconnects [${kind}]`, () => {
    const cli = new CliEnv(kind);
    let server: ServerProcess;
    let tenant: { account_id: string; workspace_id: string; key: string; secret: string };
    before(async () => {
      await cli.start({ env: { LOG_LEVEL: 'debug' } });
      // The server makes the database; bootstrap works only on an existing one.
      server = await cli.serve();
      tenant = await cli.json(['bootstrap', '--json', '--account', 'Disconnect Studio']);
    });
    after(() => cli.stop());

    test('an upload the client abandons mid-body is logged below error level, and the server keeps answering', async () => {
      const tok = await tokenFor(server, tenant);
      assert.equal(tok.status, 200);
      const auth = `Authorization: Bearer ${tok.body.token}\r\nx-account-id: ${tenant.account_id}\r\nx-workspace-id: ${tenant.workspace_id}\r\n`;
      const host = `Host: ${new URL(server.url).host}\r\n`;
      await abandonUpload(
        server,
        `POST /workspaces/assets?file_name=raw.bin HTTP/1.1\r\n${host}${auth}Content-Type: application/octet-stream\r\nContent-Length: 1000000\r\n\r\n`,
        Buffer.alloc(64 * 1024, 1),
      );
      const boundary = 'atelierdisconnect';
      await abandonUpload(
        server,
        `POST /workspaces/assets HTTP/1.1\r\n${host}${auth}Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: 1000000\r\n\r\n`,
        Buffer.concat([
          Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="part.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`),
          Buffer.alloc(64 * 1024, 2),
        ]),
      );
      await sleep(1000);
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);

      server.child.kill('SIGTERM');
      await server.exited;
      const lines = server.logLines();
      const uploads = lines.filter((l) => typeof l.req === 'object' && String((l.req as { url?: string }).url).startsWith('/workspaces/assets'));
      assert.ok(uploads.length >= 2, server.stdout);
      const noted = lines.filter((l) => l.msg === 'client closed the connection before the answer');
      assert.equal(noted.length, 2, server.stdout);
      assert.ok(noted.every((l) => l.level === 30 && typeof l.reqId === 'string'));
      const severe = lines.filter((l) => Number(l.level) >= 40);
      assert.deepEqual(severe, [], 'no warn or error lines for client disconnects');
    });
  });
}
