import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DATABASES } from '../harness/databases.js';
import { CliEnv, tokenFor, type ServerProcess } from './cli-harness.js';

interface Bootstrapped {
  account_id: string;
  workspace_id: string;
  user_id: string;
  key: string;
  secret: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

for (const kind of DATABASES) {
  describe(`atelier bootstrap [${kind}]`, () => {
    const cli = new CliEnv(kind);
    let server: ServerProcess;
    before(async () => {
      await cli.start();
      // bootstrap must work while a server runs on the same data dir / database.
      server = await cli.serve();
    });
    after(() => cli.stop());

    test('prints exactly the ids, key and secret; a second run finds the same tenant and issues a new key', async () => {
      const first = await cli.json<Bootstrapped>(['bootstrap', '--json', '--account', 'Studio One']);
      assert.deepEqual(Object.keys(first).sort(), ['account_id', 'key', 'secret', 'user_id', 'workspace_id']);
      for (const id of [first.account_id, first.workspace_id, first.user_id]) {
        assert.match(id, UUID);
      }
      assert.match(first.key, /^ak_/);
      assert.match(first.secret, /^sk_/);

      const second = await cli.json<Bootstrapped>(['bootstrap', '--json', '--account', 'Studio One']);
      assert.equal(second.account_id, first.account_id);
      assert.equal(second.workspace_id, first.workspace_id);
      assert.equal(second.user_id, first.user_id);
      assert.notEqual(second.key, first.key);
      assert.notEqual(second.secret, first.secret);

      // Both keys work against the running server, over real HTTP.
      for (const b of [first, second]) {
        const tok = await tokenFor(server, { account_id: b.account_id, key: b.key, secret: b.secret });
        assert.equal(tok.status, 200);
        const ws = await server.req('GET', '/workspaces', {
          headers: { authorization: `Bearer ${tok.body.token}`, 'x-account-id': b.account_id, 'x-workspace-id': b.workspace_id },
        });
        assert.equal(ws.status, 200);
        assert.equal(JSON.stringify(ws.body).includes(b.workspace_id), true);
      }
    });

    test('another account name gives another account, and the first key cannot act in it', async () => {
      const one = await cli.json<Bootstrapped>(['bootstrap', '--json', '--account', 'Studio A']);
      const two = await cli.json<Bootstrapped>(['bootstrap', '--json', '--account', 'Studio B']);
      assert.notEqual(two.account_id, one.account_id);
      assert.notEqual(two.workspace_id, one.workspace_id);
      const wrongAccount = await tokenFor(server, { account_id: two.account_id, key: one.key, secret: one.secret });
      assert.equal(wrongAccount.status, 401);
    });

    test('without --json it prints readable lines; without --account it uses a default name', async () => {
      const r = await cli.run(['bootstrap']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^account_id: [0-9a-f-]{36}$/m);
      assert.match(r.stdout, /^secret: sk_/m);
      const again = await cli.run(['bootstrap']);
      const id = (s: string) => /^account_id: (.+)$/m.exec(s)?.[1];
      assert.equal(id(again.stdout), id(r.stdout));
    });
  });
}
