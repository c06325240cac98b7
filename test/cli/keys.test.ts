import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DATABASES } from '../harness/databases.js';
import { CliEnv, tokenFor, type ServerProcess } from './cli-harness.js';

interface Issued {
  id: string;
  account_id: string;
  user_id: string;
  key: string;
  secret: string;
}

for (const kind of DATABASES) {
  describe(`atelier keys [${kind}]`, () => {
    const cli = new CliEnv(kind);
    let server: ServerProcess;
    let tenant: { account_id: string; workspace_id: string; user_id: string; key: string; secret: string };
    before(async () => {
      await cli.start();
      server = await cli.serve();
      tenant = await cli.json(['bootstrap', '--json', '--account', 'Keys Studio', '--email', 'owner@keys-studio.example.test']);
    });
    after(() => cli.stop());

    const headersFor = (token: string) => ({
      authorization: `Bearer ${token}`,
      'x-account-id': tenant.account_id,
      'x-workspace-id': tenant.workspace_id,
    });

    test('create (by account name and by id), list without secrets, revoke stops issued tokens at once', async () => {
      const byName = await cli.json<Issued>(['keys', 'create', '--account', 'Keys Studio', '--name', 'render farm']);
      assert.deepEqual(Object.keys(byName).sort(), ['account_id', 'id', 'key', 'secret', 'user_id']);
      assert.equal(byName.account_id, tenant.account_id);
      assert.equal(byName.user_id, tenant.user_id);
      assert.match(byName.key, /^ak_/);
      assert.match(byName.secret, /^sk_/);
      const byId = await cli.json<Issued>(['keys', 'create', '--account', tenant.account_id, '--user', 'OWNER@keys-studio.example.test']);
      assert.equal(byId.user_id, tenant.user_id);

      const tok = await tokenFor(server, { account_id: tenant.account_id, key: byName.key, secret: byName.secret });
      assert.equal(tok.status, 200);
      const tokById = await tokenFor(server, { key: byId.key, secret: byId.secret });
      assert.equal(tokById.status, 200);
      assert.equal((await server.req('GET', '/workspaces', { headers: headersFor(tok.body.token) })).status, 200);

      const list = await cli.run(['keys', 'list', '--account', 'Keys Studio']);
      assert.equal(list.code, 0, list.stderr);
      const rows = list.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      const listed = rows.find((r) => r.key === byName.key);
      assert.ok(listed, list.stdout);
      assert.equal(listed.id, byName.id);
      assert.equal(listed.name, 'render farm');
      assert.equal(listed.revoked_at, null);
      assert.equal(typeof listed.last_used_at, 'string', 'POST /auth/token records last use');
      assert.deepEqual(rows.map((r) => r.key).filter((k) => k === byId.key || k === tenant.key).length, 2);
      assert.ok(!list.stdout.includes(byName.secret) && !list.stdout.includes(byId.secret));
      assert.ok(!/secret|hash|scrypt|argon/i.test(list.stdout), list.stdout);

      const revoked = await cli.json<{ id: string; key: string; revoked_at: string }>(['keys', 'revoke', byName.key]);
      assert.equal(revoked.id, byName.id);
      assert.equal(typeof revoked.revoked_at, 'string');
      // The token issued before the revocation stops working on the running server with its next request.
      const after = await server.req('GET', '/workspaces', { headers: headersFor(tok.body.token) });
      assert.equal(after.status, 401);
      assert.equal(after.body.error.code, 'invalid_token');
      assert.equal((await tokenFor(server, { key: byName.key, secret: byName.secret })).status, 401);
      // Other keys keep working.
      assert.equal((await server.req('GET', '/workspaces', { headers: headersFor(tokById.body.token) })).status, 200);

      const listAfter = await cli.run(['keys', 'list', '--account', tenant.account_id]);
      const row = listAfter.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).find((r) => r.key === byName.key);
      assert.equal(row?.revoked_at, revoked.revoked_at);
    });

    test('unknown account, unknown user and missing arguments fail with a message and no stack trace', async () => {
      const cases: Array<[string[], RegExp]> = [
        [['keys', 'create', '--account', 'No Such Studio'], /no such account/],
        [['keys', 'create'], /no such account/],
        [['keys', 'create', '--account', tenant.account_id, '--user', 'nobody@example.com'], /no such member/],
        [['keys', 'revoke'], /needs a key/],
        [['keys', 'frobnicate'], /usage/],
      ];
      for (const [args, message] of cases) {
        const r = await cli.run(args);
        assert.notEqual(r.code, 0, args.join(' '));
        assert.match(r.stderr, message);
        assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
        assert.equal(r.stdout, '');
      }
    });
  });
}
