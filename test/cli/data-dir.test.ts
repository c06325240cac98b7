import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { DATABASES } from '../harness/databases.js';
import { CliEnv } from './cli-harness.js';

/*
 * The operator commands find the data directory the way the server does (DATA_DIR, --data-dir, else ./data under the
 * working directory), say which one they use on stderr, and refuse to start a new database: run outside the
 * server's directory, bootstrap used to create an empty database there and print a key that worked nowhere.
 */

describe('atelier bootstrap / keys on SQLite: which data directory, and no database by accident', () => {
  // The "installation" runs in cli.dataDir with the README's default ./data; `elsewhere` is any other directory.
  const cli = new CliEnv('sqlite');
  const elsewhere = mkdtempSync(join(tmpdir(), 'atelier-elsewhere-'));
  after(async () => {
    rmSync(elsewhere, { recursive: true, force: true });
    await cli.stop();
  });
  const installData = () => join(cli.dataDir, 'data');

  test('with no database they exit 1 with a one-line reason naming the directory, and create nothing', async () => {
    await cli.start({ relativeDataDir: true });
    for (const args of [['bootstrap', '--json'], ['keys', 'list', '--account', 'Atelier'], ['keys', 'create', '--account', 'Atelier']]) {
      const r = await cli.run(args, {}, elsewhere);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.deepEqual(r.stderr.split('\n'), [
        `atelier: data directory ${join(elsewhere, 'data')} (the default ./data under the working directory ${elsewhere}), database SQLite ${join(elsewhere, 'data', 'atelier.db')}`,
        `atelier: no database at ${join(elsewhere, 'data', 'atelier.db')} (data directory from the default ./data under the working directory ${elsewhere}): run this where the server runs, or set DATA_DIR / DATABASE_URL or pass --data-dir; for a new installation start \`atelier serve\` or run \`atelier migrate\` first`,
        '',
      ]);
      assert.deepEqual(readdirSync(elsewhere), [], 'no data directory, database or token secret was created');
    }
    // A fresh installation too: bootstrap does not start the database, `serve` or `migrate` does.
    const fresh = await cli.run(['bootstrap', '--json']);
    assert.equal(fresh.code, 1);
    assert.match(fresh.stderr, /no database at .*atelier\.db/);
    assert.equal(existsSync(installData()), false);
  });

  test('after migrate, bootstrap works in the directory, and from elsewhere with --data-dir or DATA_DIR; stdout stays clean JSON', async () => {
    const migrated = await cli.run(['migrate']);
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.match(migrated.stderr, /^atelier: data directory .* \(the default \.\/data under the working directory .*\), database SQLite .*atelier\.db\n$/);

    const here = await cli.run(['bootstrap', '--json', '--account', 'Studio']);
    assert.equal(here.code, 0, here.stderr);
    const first = JSON.parse(here.stdout) as { account_id: string };

    for (const [args, env, origin] of [
      [['bootstrap', '--json', '--account', 'Studio', '--data-dir', installData()], {}, '--data-dir'],
      [['bootstrap', '--account', 'Studio', '--json', `--data-dir=${installData()}`], {}, '--data-dir'],
      [['bootstrap', '--json', '--account', 'Studio'], { DATA_DIR: installData() }, 'DATA_DIR'],
      // --data-dir wins over DATA_DIR, as a flag should.
      [['bootstrap', '--json', '--account', 'Studio', '--data-dir', installData()], { DATA_DIR: join(elsewhere, 'nope') }, '--data-dir'],
    ] as const) {
      const r = await cli.run([...args], { ...env }, elsewhere);
      assert.equal(r.code, 0, r.stderr);
      assert.equal((JSON.parse(r.stdout) as { account_id: string }).account_id, first.account_id, 'the same installation');
      assert.equal(r.stderr, `atelier: data directory ${installData()} (${origin}), database SQLite ${join(installData(), 'atelier.db')}\n`);
    }
    const keys = await cli.run(['keys', 'list', '--account', 'Studio', '--data-dir', installData()], {}, elsewhere);
    assert.equal(keys.code, 0, keys.stderr);
    assert.equal(keys.stdout.trim().split('\n').length, 5);
    assert.deepEqual(readdirSync(elsewhere), []);
  });

  test('--data-dir without a path is a usage error', async () => {
    const r = await cli.run(['bootstrap', '--data-dir'], {}, elsewhere);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--data-dir needs a path/);
  });
});

if (DATABASES.includes('postgres')) {
  describe('atelier bootstrap / keys on PostgreSQL: an empty database is not started by accident', () => {
    const cli = new CliEnv('postgres');
    after(() => cli.stop());

    test('an empty database: exit 1 and nothing created; after migrate, bootstrap works', async () => {
      await cli.start({ database: 'empty' });
      const url = new URL(cli.env.DATABASE_URL ?? '');
      for (const args of [['bootstrap', '--json'], ['keys', 'list', '--account', 'Atelier']]) {
        const r = await cli.run(args);
        assert.equal(r.code, 1, r.stderr);
        assert.equal(r.stdout, '');
        assert.equal(
          r.stderr.split('\n')[1],
          `atelier: the database PostgreSQL ${url.host}${url.pathname} (DATABASE_URL) has no Atelier tables: run this where the server runs, or set DATA_DIR / DATABASE_URL or pass --data-dir; for a new installation start \`atelier serve\` or run \`atelier migrate\` first`,
        );
      }
      const client = new pg.Client({ connectionString: cli.env.DATABASE_URL });
      await client.connect();
      try {
        const tables = await client.query("select count(*)::int as n from information_schema.tables where table_schema = 'public'");
        assert.equal(tables.rows[0].n, 0, 'no tables were created');
      } finally {
        await client.end();
      }
      assert.deepEqual(readdirSync(cli.dataDir), [], 'no token secret either');

      assert.equal((await cli.run(['migrate'])).code, 0);
      const ok = await cli.run(['bootstrap', '--json']);
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(JSON.parse(ok.stdout).key, /^ak_/);
      const keys = await cli.run(['keys', 'create', '--account', JSON.parse(ok.stdout).account_id]);
      assert.equal(keys.code, 0, keys.stderr);
      // Neither signs a token: no DATA_DIR/token-secret left behind where they ran (only `serve`/`worker` need it).
      assert.deepEqual(readdirSync(cli.dataDir), [], 'no data directory or token secret after migrate, bootstrap and keys');
    });
  });
}
