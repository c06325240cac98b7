import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { DATABASES } from '../harness/databases.js';
import { CliEnv, tokenFor } from './cli-harness.js';

describe('atelier serve: configuration errors', () => {
  test('every bad key is named at once on stderr, with a non-zero exit and no stack trace', async () => {
    const cli = await new CliEnv('sqlite').start();
    try {
      const r = await cli.run(['serve'], { PORT: 'abc', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });
      assert.notEqual(r.code, 0);
      assert.equal(r.signal, null);
      for (const key of ['PORT', 'LOG_LEVEL', 'DATABASE_URL']) {
        assert.match(r.stderr, new RegExp(`^\\s*- ${key}: `, 'm'), `${key} missing from:\n${r.stderr}`);
      }
      assert.match(r.stderr, /"abc"/);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.equal(existsSync(join(cli.dataDir, 'atelier.db')), false, 'nothing is created on a bad configuration');
    } finally {
      await cli.stop();
    }
  });

  test('an unreachable database or a port in use: exit 1 with a one-line reason, no stack trace', async () => {
    const cli = await new CliEnv('sqlite').start();
    const blocker = createServer();
    try {
      const down = await cli.run(['migrate'], { DATABASE_URL: 'postgres://atelier@127.0.0.1:1/atelier' });
      assert.equal(down.code, 1);
      assert.match(down.stderr, /^atelier: .*ECONNREFUSED/m);
      assert.doesNotMatch(down.stderr, /\n\s+at /, 'no stack trace');

      const port = await new Promise<number>((res) => blocker.listen(0, '127.0.0.1', () => res((blocker.address() as AddressInfo).port)));
      const busy = await cli.run(['serve'], { PORT: String(port), HOST: '127.0.0.1' });
      assert.equal(busy.code, 1);
      assert.match(busy.stderr, /EADDRINUSE/);
      assert.doesNotMatch(busy.stderr, /\n\s+at /, 'no stack trace');
    } finally {
      blocker.close();
      await cli.stop();
    }
  });

  test('unknown commands print the usage and exit 2', async () => {
    const cli = await new CliEnv('sqlite').start();
    try {
      const r = await cli.run(['frobnicate']);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /Unknown command: frobnicate/);
      assert.match(r.stderr, /bootstrap --json/);
    } finally {
      await cli.stop();
    }
  });
});

describe('npm start (atelier serve) on the embedded defaults', () => {
  const cli = new CliEnv('sqlite');
  after(() => cli.stop());

  test('honours PORT, HOST and DATA_DIR, keeps a 0600 token secret there, and reuses it after a restart', async () => {
    const dataDir = join(cli.dataDir, 'nested', 'data');
    await cli.start({ env: { DATA_DIR: dataDir } });
    // 127.0.0.2 is loopback too: the server must bind exactly the HOST it is given.
    const first = await cli.serve({ HOST: '127.0.0.2' });
    const port = new URL(first.url).port;
    await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`), 'nothing listens on 127.0.0.1');
    assert.ok(statSync(join(dataDir, 'atelier.db')).isFile());
    const secretFile = join(dataDir, 'token-secret');
    assert.equal(statSync(secretFile).mode & 0o777, 0o600);
    const secret = readFileSync(secretFile, 'utf8');
    assert.ok(secret.trim().length >= 32);

    const tenant = await cli.json<{ account_id: string; workspace_id: string; key: string; secret: string }>([
      'bootstrap', '--json', '--account', 'Restart Studio',
    ]);
    const tok = await tokenFor(first, tenant);
    assert.equal(tok.status, 200);
    const headers = { authorization: `Bearer ${tok.body.token}`, 'x-account-id': tenant.account_id, 'x-workspace-id': tenant.workspace_id };
    assert.equal((await first.req('GET', '/workspaces', { headers })).status, 200);
    first.child.kill('SIGTERM');
    assert.deepEqual(await first.exited, { code: 0, signal: null });

    const second = await cli.serve({ HOST: '127.0.0.2' });
    assert.equal(readFileSync(secretFile, 'utf8'), secret, 'the secret is kept, not regenerated');
    const again = await second.req('GET', '/workspaces', { headers });
    assert.equal(again.status, 200, 'a token from before the restart still works');
  });
});

for (const kind of DATABASES) {
  describe(`atelier migrate [${kind}]`, () => {
    const cli = new CliEnv(kind);
    after(() => cli.stop());

    test('applies the migrations, then says the database is up to date; /readyz is 200 after', async () => {
      await cli.start({ database: 'empty' });
      const first = await cli.run(['migrate']);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /^applied: 202611230300_create_foundation(, \w+)*\n$/);
      const second = await cli.run(['migrate']);
      assert.equal(second.code, 0, second.stderr);
      assert.equal(second.stdout, 'database is up to date\n');
      const server = await cli.serve();
      const ready = await server.req('GET', '/readyz');
      assert.equal(ready.status, 200);
      assert.deepEqual(ready.body, { status: 'ready' });
    });
  });
}
