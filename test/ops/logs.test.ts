import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DATABASES } from '../harness/databases.js';
import { CliEnv, tokenFor, type ServerProcess } from '../cli/cli-harness.js';

for (const kind of DATABASES) {
  describe(`structured logs [${kind}]`, () => {
    const cli = new CliEnv(kind);
    let server: ServerProcess;
    let tenant: { account_id: string; workspace_id: string; key: string; secret: string };
    before(async () => {
      await cli.start({ env: { LOG_LEVEL: 'info' } });
      // As the README's quick start: the server creates the database, then bootstrap finds it.
      server = await cli.serve();
      tenant = await cli.json(['bootstrap', '--json', '--account', 'Logs Studio']);
    });
    after(() => cli.stop());

    test('request lines are JSON with reqId, and no token, secret or Authorization value is ever written', async () => {
      const tok = await tokenFor(server, tenant);
      assert.equal(tok.status, 200);
      const token = tok.body.token;
      const headers = { authorization: `Bearer ${token}`, 'x-account-id': tenant.account_id, 'x-workspace-id': tenant.workspace_id };
      const ok = await fetch(`${server.url}/workspaces`, { headers: { ...headers, 'x-request-id': 'trace-0123456789' } });
      assert.equal(ok.status, 200);
      assert.equal(ok.headers.get('x-request-id'), 'trace-0123456789');
      // Failures log too: a wrong secret, a token sent with the Token scheme to a 404 route, a token in x-api-key.
      const wrongSecret = `${tenant.secret}-wrong`;
      assert.equal((await tokenFor(server, { key: tenant.key, secret: wrongSecret })).status, 401);
      assert.equal((await server.req('GET', '/no/such/route', { headers: { authorization: `Token ${token}`, 'x-api-key': tenant.secret } })).status, 404);
      assert.equal((await server.req('GET', '/workspaces', { headers: { authorization: `Bearer ${token}x` } })).status, 401);

      // Let the logger flush, then stop the server so every line is written.
      server.child.kill('SIGTERM');
      await server.exited;
      const raw = server.stdout;
      const lines = server.logLines();
      assert.ok(lines.length >= 8, raw);
      const requestLines = lines.filter((l) => l.msg === 'incoming request' || l.msg === 'request completed');
      assert.ok(requestLines.length >= 10, raw);
      for (const l of requestLines) {
        assert.equal(typeof l.reqId, 'string', JSON.stringify(l));
        assert.equal(typeof l.time, 'number');
        assert.equal(typeof l.level, 'number');
      }
      assert.ok(requestLines.some((l) => l.reqId === 'trace-0123456789'), 'a sane x-request-id is kept as reqId');
      const completed = requestLines.filter((l) => l.msg === 'request completed');
      assert.ok(completed.every((l) => typeof (l.res as { statusCode?: number } | undefined)?.statusCode === 'number'));

      for (const secret of [token, tenant.secret, wrongSecret, token.split('.')[2] ?? token]) {
        assert.ok(!raw.includes(secret), `log output contains a secret value: ${secret.slice(0, 12)}...`);
      }
      assert.doesNotMatch(raw, /Bearer|sk_[A-Za-z0-9_-]{8}/);
    });
  });
}
