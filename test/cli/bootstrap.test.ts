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

    test('the owner\'s e-mail cannot be guessed from the account name, or is the one given with --email', async () => {
      const emailOf = async (b: Bootstrapped): Promise<string> => {
        const tok = await tokenFor(server, { account_id: b.account_id, key: b.key, secret: b.secret });
        const me = await server.req('GET', '/users/me', { headers: { authorization: `Bearer ${tok.body.token}` } });
        assert.equal(me.status, 200);
        return me.body.email as string;
      };
      const one = await emailOf(await cli.json<Bootstrapped>(['bootstrap', '--json', '--account', 'Guess Me']));
      const two = await emailOf(await cli.json<Bootstrapped>(['bootstrap', '--json', '--account', 'Guess Me Too']));
      assert.match(one, /^owner-[0-9a-f]{16}@guess-me\.atelier\.local$/);
      assert.match(two, /^owner-[0-9a-f]{16}@guess-me-too\.atelier\.local$/);
      assert.notEqual(one.split('@')[0], two.split('@')[0]);

      const mailed = await cli.json<Bootstrapped>(['bootstrap', '--json', '--account', 'Mailed Studio', '--email', 'Boss@Example.test']);
      assert.equal(await emailOf(mailed), 'boss@example.test');
      const again = await cli.json<Bootstrapped>(['bootstrap', '--json', '--account', 'Mailed Studio', '--email', 'boss@example.test']);
      assert.deepEqual([again.account_id, again.user_id], [mailed.account_id, mailed.user_id]);
      // Another owner than the account has, or no e-mail at all: refused, no key issued.
      const keysBefore = (await cli.run(['keys', 'list', '--account', 'Mailed Studio'])).stdout.trim().split('\n').length;
      const other = await cli.run(['bootstrap', '--json', '--account', 'Mailed Studio', '--email', 'someone.else@example.test']);
      assert.equal(other.code, 1);
      assert.match(other.stderr, /already exists, and its owner's e-mail is not someone\.else@example\.test/);
      const bad = await cli.run(['bootstrap', '--json', '--account', 'Bad Mail', '--email', 'not-an-email']);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /e-mail address/);
      assert.equal((await cli.run(['keys', 'list', '--account', 'Mailed Studio'])).stdout.trim().split('\n').length, keysBefore);
      assert.equal((await cli.run(['keys', 'list', '--account', 'Bad Mail'])).code, 1);
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
