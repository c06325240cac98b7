import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DATABASES } from '../harness/databases.js';
import { freePort } from './cli-harness.js';
import { dirsOf, PeopleEnv, treeDigest } from './people-harness.js';

function makeTree(root: string): void {
  mkdirSync(join(root, 'shots/day 1'), { recursive: true });
  mkdirSync(join(root, 'shots/empty'), { recursive: true });
  writeFileSync(join(root, 'shots/day 1/a.bin'), randomBytes(300_000));
  writeFileSync(join(root, 'shots/day 1/é ü.txt'), 'unicode name\n');
  writeFileSync(join(root, 'shots/b.bin'), randomBytes(9 * 1024 * 1024 + 17));
  writeFileSync(join(root, 'shots/empty.txt'), '');
}

for (const kind of DATABASES) {
  describe(`atelier CLI for people [${kind}]`, () => {
    const env = new PeopleEnv(kind);
    before(async () => {
      // Request logs, to count token exchanges.
      await env.start({ LOG_LEVEL: 'info' });
    });
    after(() => env.stop());
    const exchanges = () => env.server.logLines().filter((l) => l.msg === 'incoming request' && (l.req as { url?: string } | undefined)?.url === '/auth/token').length;

    test('login writes a 0600 profile; whoami reads it; --profile and the environment override it', async () => {
      const before = exchanges();
      const r = await env.login();
      assert.equal(exchanges() - before, 1, 'login exchanges the key and secret for a token once');
      assert.match(r.stdout, /signed in to http:\/\/127\.0\.0\.1:\d+ as .+ \(account People Studio, workspace Default\)/);
      const file = join(env.home, '.config/atelier/config.json');
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(statSync(join(env.home, '.config/atelier')).mode & 0o777, 0o700);
      const saved = JSON.parse(readFileSync(file, 'utf8'));
      assert.deepEqual(saved.profiles.default, {
        url: env.server.url,
        account_id: env.tenant.account_id,
        workspace_id: env.tenant.workspace_id,
        key: env.tenant.key,
        secret: env.tenant.secret,
      });
      const [me] = await env.jsonLines(['whoami']);
      assert.equal(me?.user_id, env.tenant.user_id);
      assert.equal(me?.workspace_id, env.tenant.workspace_id);
      assert.equal(me?.profile, 'default');
      // A second profile, chosen with --profile and with ATELIER_PROFILE.
      await env.login('other');
      assert.equal((await env.jsonLines(['whoami', '--profile', 'other']))[0]?.profile, 'other');
      assert.equal((await env.jsonLines(['whoami'], { ATELIER_PROFILE: 'other' }))[0]?.profile, 'other');
      // Environment variables win over the file: a wrong secret from the environment is refused.
      const wrong = await env.run(['whoami'], { ATELIER_SECRET: 'sk_wrong' });
      assert.equal(wrong.code, 4);
      assert.match(wrong.stderr, /^atelier: .*invalid_credentials.*request [0-9a-f-]+\]\n$/);
    });

    test('the access token is kept between commands (0600); a kept token the server refuses is replaced', async () => {
      const dir = join(env.home, '.config/atelier/tokens');
      // login keeps the token it used, so the first command after it makes no exchange either.
      rmSync(dir, { recursive: true, force: true });
      await env.login();
      assert.equal(readdirSync(dir).length, 1);
      const files = readdirSync(dir);
      assert.equal(files.length, 1, 'one token for the one server, account, key and secret');
      const file = join(dir, files[0]!);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      // A token put there is used as it is: the command makes no exchange, so the file still holds it after.
      const token = (await env.headers()).authorization!.slice('Bearer '.length);
      writeFileSync(file, JSON.stringify({ token, expires_at: Date.now() + 600_000 }));
      // Tokens carry their issue time in seconds: one exchanged now would differ from the one put there.
      await new Promise((r) => setTimeout(r, 1100));
      assert.equal((await env.jsonLines(['whoami']))[0]?.user_id, env.tenant.user_id);
      assert.equal(JSON.parse(readFileSync(file, 'utf8')).token, token);
      // One the server refuses (401): a fresh exchange, and the new token is kept.
      writeFileSync(file, JSON.stringify({ token: 'not-a-token', expires_at: Date.now() + 600_000 }));
      assert.equal((await env.jsonLines(['whoami']))[0]?.user_id, env.tenant.user_id);
      const kept = JSON.parse(readFileSync(file, 'utf8'));
      assert.notEqual(kept.token, 'not-a-token');
      assert.ok(kept.expires_at > Date.now());
    });

    test('bad profiles, wrong credentials and an unreachable server: one line on stderr and the documented exit code', async () => {
      const unknownProfile = await env.run(['whoami', '--profile', 'nope']);
      assert.equal(unknownProfile.code, 3);
      assert.match(unknownProfile.stderr, /^atelier: no profile "nope" in .*config\.json \(profiles: default, other\); run `atelier login --profile nope`\n$/);
      const fresh = env.tempDir('fresh-home');
      const notSignedIn = await env.run(['ls'], { HOME: fresh, XDG_CONFIG_HOME: join(fresh, '.config') });
      assert.equal(notSignedIn.code, 3);
      assert.equal(notSignedIn.stderr, 'atelier: not signed in: run `atelier login` (or set ATELIER_URL, ATELIER_KEY and ATELIER_SECRET)\n');
      const broken = env.tempDir('broken-home');
      mkdirSync(join(broken, '.config/atelier'), { recursive: true });
      writeFileSync(join(broken, '.config/atelier/config.json'), '{ not json');
      const unreadable = await env.run(['whoami'], { HOME: broken, XDG_CONFIG_HOME: join(broken, '.config') });
      assert.equal(unreadable.code, 3);
      assert.match(unreadable.stderr, /^atelier: cannot read .*config\.json: .*\n$/);
      assert.equal(unreadable.stderr.split('\n').length, 2);
      const badLogin = await env.run(['login', '--url', env.server.url, '--key', env.tenant.key, '--secret', 'sk_not-the-secret', '--profile', 'bad']);
      assert.equal(badLogin.code, 4);
      assert.match(badLogin.stderr, /^atelier: .*\[401 invalid_credentials, request .+\]\n$/);
      assert.equal(JSON.parse(readFileSync(join(env.home, '.config/atelier/config.json'), 'utf8')).profiles.bad, undefined);
      const port = await freePort();
      const down = await env.run(['whoami'], { ATELIER_URL: `http://127.0.0.1:${port}`, ATELIER_RETRIES: '0' });
      assert.equal(down.code, 7);
      assert.match(down.stderr, /^atelier: cannot reach http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED.*\n$/);
      const usage = await env.run(['upload']);
      assert.equal(usage.code, 2);
      assert.match(usage.stderr, /missing required argument 'paths'/);
      assert.doesNotMatch(`${unknownProfile.stderr}${notSignedIn.stderr}${badLogin.stderr}${down.stderr}${usage.stderr}`, /\n\s+at /);
    });

    test('--help for every command, exit 0', async () => {
      for (const cmd of [[], ['serve'], ['worker'], ['migrate'], ['bootstrap'], ['keys'], ['keys', 'create'], ['keys', 'list'], ['keys', 'revoke'], ['config'], ['login'], ['whoami'], ['upload'], ['download'], ['sync'], ['ls'], ['search'], ['info'], ['lock'], ['unlock'], ['comment'], ['tasks'], ['tasks', 'list'], ['tasks', 'update'], ['tasks', 'watch'], ['tasks', 'unwatch'], ['trash'], ['restore']]) {
        const r = await env.run([...cmd, '--help']);
        assert.equal(r.code, 0, `${cmd.join(' ')} --help: ${r.stderr}`);
        assert.match(r.stdout, new RegExp(`^Usage: atelier${cmd.length ? ` ${cmd.join(' ')}` : ''}`), cmd.join(' '));
      }
    });

    test('upload a tree and read it back byte for byte; a second upload skips it; a changed file is a new version', async () => {
      const src = env.tempDir('src');
      makeTree(src);
      const events = await env.jsonLines(['upload', join(src, 'shots'), '--to', '/Tree', '--chunk-size', '4M']);
      const uploaded = events.filter((e) => e.event === 'uploaded');
      assert.equal(uploaded.length, 4);
      assert.deepEqual(uploaded.map((e) => e.remote).sort(), ['/Tree/shots/b.bin', '/Tree/shots/day 1/a.bin', '/Tree/shots/day 1/é ü.txt', '/Tree/shots/empty.txt']);
      const big = uploaded.find((e) => e.remote === '/Tree/shots/b.bin');
      assert.equal(big?.bytes_sent, 9 * 1024 * 1024 + 17);
      assert.deepEqual(events.at(-1), { event: 'summary', uploaded: 4, skipped: 0, failed: 0, bytes: 9 * 1024 * 1024 + 17 + 300_000 + 13, exit_code: 0 });
      // The empty folder exists on the server too.
      const ls = await env.jsonLines(['ls', '/Tree/shots/']);
      assert.deepEqual(ls.filter((e) => e.type === 'folder').map((e) => e.path), ['/Tree/shots/day 1/', '/Tree/shots/empty/']);
      const out = env.tempDir('out');
      const down = await env.jsonLines(['download', '/Tree/shots/', '--to', out]);
      assert.equal(down.filter((e) => e.event === 'downloaded').length, 4);
      assert.deepEqual(treeDigest(join(out, 'shots')), treeDigest(join(src, 'shots')));
      assert.deepEqual(dirsOf(join(out, 'shots')), ['day 1', 'empty']);

      const again = await env.jsonLines(['upload', join(src, 'shots'), '--to', '/Tree']);
      assert.equal(again.filter((e) => e.event === 'skipped').length, 4);
      assert.equal(again.at(-1)?.bytes, 0);
      writeFileSync(join(src, 'shots/day 1/a.bin'), 'changed');
      const changed = await env.jsonLines(['upload', join(src, 'shots'), '--to', '/Tree']);
      const v2 = changed.find((e) => e.event === 'uploaded');
      assert.equal(v2?.remote, '/Tree/shots/day 1/a.bin');
      assert.equal(v2?.new_version, true);
      const info = (await env.jsonLines(['info', '/Tree/shots/day 1/a.bin']))[0];
      assert.equal(info?.id, v2?.asset_id);
      assert.equal(info?.currentVersion.version_number, 2);
      // --version 1 gives the first bytes back.
      const v1dir = env.tempDir('v1');
      await env.jsonLines(['download', String(v2?.asset_id), '--version', '1', '--to', v1dir]);
      assert.deepEqual(readFileSync(join(v1dir, 'a.bin')), readFileSync(join(out, 'shots/day 1/a.bin')));
      const noSuch = await env.run(['download', String(v2?.asset_id), '--version', '9', '--to', v1dir]);
      assert.equal(noSuch.code, 5);
      assert.match(noSuch.stderr, /has no version 9 \(versions: 2, 1\)/);
    });

    test('download resumes a partial file from where it stopped, and verifies the whole', async () => {
      const src = env.tempDir('resume-src');
      const bytes = randomBytes(3 * 1024 * 1024 + 5);
      writeFileSync(join(src, 'part.bin'), bytes);
      const [up] = await env.jsonLines(['upload', join(src, 'part.bin'), '--to', '/Resume']);
      const dest = env.tempDir('resume-out');
      // What an interrupted download leaves: the first megabyte and the version's ETag.
      writeFileSync(join(dest, 'part.bin.atelier-part'), bytes.subarray(0, 1024 * 1024));
      writeFileSync(join(dest, 'part.bin.atelier-part.etag'), String(up?.checksum));
      const [got] = await env.jsonLines(['download', String(up?.asset_id), '--to', dest]);
      assert.equal(got?.resumed_from, 1024 * 1024);
      assert.equal(got?.bytes_received, bytes.length - 1024 * 1024);
      assert.deepEqual(readFileSync(join(dest, 'part.bin')), bytes);
      assert.equal(existsSync(join(dest, 'part.bin.atelier-part')), false);
      // A partial file of other bytes is caught by the checksum and removed, not kept.
      writeFileSync(join(dest, 'other.bin.atelier-part'), randomBytes(1024));
      writeFileSync(join(dest, 'other.bin.atelier-part.etag'), String(up?.checksum));
      rmSync(join(dest, 'part.bin'));
      const r = await env.run(['download', String(up?.asset_id), '--to', dest, '--json'], {});
      assert.equal(r.code, 0);
      // (other.bin.atelier-part belongs to no download of this asset: the asset's file name is part.bin.)
      assert.deepEqual(readFileSync(join(dest, 'part.bin')), bytes);
      writeFileSync(join(dest, 'part.bin.atelier-part'), Buffer.concat([randomBytes(1024)]));
      writeFileSync(join(dest, 'part.bin.atelier-part.etag'), String(up?.checksum));
      rmSync(join(dest, 'part.bin'));
      const corrupt = await env.run(['download', String(up?.asset_id), '--to', dest, '--json']);
      assert.equal(corrupt.code, 8);
      const lines = corrupt.stdout.trim().split('\n').map((l) => JSON.parse(l));
      assert.equal(lines[0].event, 'failed');
      assert.match(lines[0].error, /do not match the server's SHA-256/);
      assert.equal(existsSync(join(dest, 'part.bin.atelier-part')), false);
      assert.equal(existsSync(join(dest, 'part.bin')), false);
    });

    test('sync both ways, with --dry-run (nothing changes) and --delete', async () => {
      const local = env.tempDir('sync-local');
      mkdirSync(join(local, 'sub/deeper'), { recursive: true });
      writeFileSync(join(local, 'one.txt'), 'one');
      writeFileSync(join(local, 'sub/two.txt'), 'two');
      writeFileSync(join(local, 'sub/deeper/three.bin'), randomBytes(50_000));
      const dry = await env.jsonLines(['sync', local, '/Sync/', '--dry-run']);
      assert.deepEqual(dry.filter((e) => e.event === 'plan').map((e) => [e.action, e.remote]).sort(), [
        ['upload', '/Sync/one.txt'],
        ['upload', '/Sync/sub/deeper/three.bin'],
        ['upload', '/Sync/sub/two.txt'],
      ]);
      assert.equal((await env.jsonLines(['ls', '/'])).some((e) => e.path === '/Sync/'), false, 'a dry run creates nothing');
      const push = await env.jsonLines(['sync', local, '/Sync/']);
      assert.equal(push.at(-1)?.uploaded, 3);
      // A file removed locally: --dry-run shows the deletion, --delete moves it to the trash.
      rmSync(join(local, 'sub/two.txt'));
      writeFileSync(join(local, 'one.txt'), 'one, changed');
      const dry2 = await env.jsonLines(['sync', local, '/Sync/', '--delete', '--dry-run']);
      assert.deepEqual(dry2.filter((e) => e.event === 'plan' && e.action !== 'skip').map((e) => e.action).sort(), ['delete', 'upload']);
      assert.equal((await env.jsonLines(['search', '--folder', '/Sync/'])).length, 3);
      const push2 = await env.jsonLines(['sync', local, '/Sync/', '--delete']);
      assert.equal(push2.filter((e) => e.event === 'deleted').length, 1);
      assert.deepEqual((await env.jsonLines(['search', '--folder', '/Sync/'])).map((e) => e.path).sort(), ['/Sync/one.txt', '/Sync/sub/deeper/three.bin']);

      // Pull into another folder, then remove a file on the server and pull with --delete.
      const mirror = env.tempDir('sync-mirror');
      writeFileSync(join(mirror, 'stray.txt'), 'not on the server');
      const pullDry = await env.jsonLines(['sync', mirror, '/Sync/', '--pull', '--delete', '--dry-run']);
      assert.deepEqual(pullDry.filter((e) => e.event === 'plan').map((e) => e.action).sort(), ['delete', 'download', 'download']);
      assert.equal(existsSync(join(mirror, 'stray.txt')), true);
      assert.equal(existsSync(join(mirror, 'one.txt')), false);
      await env.jsonLines(['sync', mirror, '/Sync/', '--pull', '--delete']);
      assert.deepEqual(treeDigest(mirror), treeDigest(local));
      const three = (await env.jsonLines(['info', '/Sync/sub/deeper/three.bin']))[0];
      await env.jsonLines(['trash', String(three?.id)]);
      const pull2 = await env.jsonLines(['sync', mirror, '/Sync/', '--pull', '--delete']);
      assert.equal(pull2.filter((e) => e.event === 'deleted').length, 1);
      assert.equal(existsSync(join(mirror, 'sub/deeper/three.bin')), false);
      await env.jsonLines(['restore', String(three?.id)]);
      await env.jsonLines(['sync', mirror, '/Sync/', '--pull']);
      assert.deepEqual(treeDigest(mirror), treeDigest(local));
    });

    test('download by search words: every match, and two assets of one name get two local files', async () => {
      const a = env.tempDir('same-a');
      const b = env.tempDir('same-b');
      writeFileSync(join(a, 'zebrafish.txt'), 'from A');
      writeFileSync(join(b, 'zebrafish.txt'), 'from B');
      await env.jsonLines(['upload', join(a, 'zebrafish.txt'), '--to', '/SameA']);
      await env.jsonLines(['upload', join(b, 'zebrafish.txt'), '--to', '/SameB']);
      const out = env.tempDir('same-out');
      const got = await env.jsonLines(['download', 'zebrafish', '--to', out]);
      assert.equal(got.filter((e) => e.event === 'downloaded').length, 2);
      const contents = [readFileSync(join(out, 'zebrafish.txt'), 'utf8'), readFileSync(join(out, 'zebrafish (2).txt'), 'utf8')].sort();
      assert.deepEqual(contents, ['from A', 'from B']);
      const none = await env.run(['download', 'no-such-words-anywhere', '--to', out]);
      assert.equal(none.code, 5);
      assert.match(none.stderr, /^atelier: nothing matches "no-such-words-anywhere"/);
    });

    test('ls, search, info, lock, unlock, comment, tasks list/update, trash, restore', async () => {
      const dir = env.tempDir('misc');
      writeFileSync(join(dir, 'hero_v1.psd'), randomBytes(1000));
      const [up] = await env.jsonLines(['upload', join(dir, 'hero_v1.psd'), '--to', '/Misc']);
      const id = String(up?.asset_id);
      const found = await env.jsonLines(['search', 'hero']);
      assert.deepEqual(found.map((e) => e.id), [id]);
      const locked = await env.jsonLines(['lock', '/Misc/hero_v1.psd']);
      assert.deepEqual(locked, [{ id, path: '/Misc/hero_v1.psd', locked: true }]);
      assert.equal((await env.jsonLines(['ls', '/Misc/']))[0]?.locked, true);
      await env.jsonLines(['unlock', id]);
      assert.equal((await env.jsonLines(['info', id]))[0]?.locked_by_user_id, null);
      const [comment] = await env.jsonLines(['comment', id, 'looks', 'good']);
      assert.equal(comment?.content, 'looks good');
      const headers = await env.headers();
      const task = await env.server.req('POST', '/workspaces/tasks', { headers, json: { title: 'Retouch hero', asset_id: id } });
      assert.equal(task.status, 200);
      const listed = await env.jsonLines(['tasks', 'list', '--asset', id]);
      assert.deepEqual(listed.map((t) => t.title), ['Retouch hero']);
      const [updated] = await env.jsonLines(['tasks', 'update', task.body.id, '--status', 'Completed', '--assignee', 'me']);
      assert.equal(updated?.status, 'Completed');
      assert.equal(updated?.assignee_id, env.tenant.user_id);
      assert.equal((await env.jsonLines(['tasks', 'list', '--asset', id])).length, 0, 'closed tasks are left out by default');
      assert.equal((await env.jsonLines(['tasks', 'list', '--asset', id, '--all'])).length, 1);
      const [watched] = await env.jsonLines(['tasks', 'watch', task.body.id]);
      assert.equal(watched?.watching, true);
      assert.deepEqual(watched?.watchers.map((w: { id: string }) => w.id), [env.tenant.user_id]);
      const [unwatched] = await env.jsonLines(['tasks', 'unwatch', task.body.id]);
      assert.deepEqual(unwatched, { watching: false, watchers: [] });
      const nobody = await env.run(['tasks', 'watch', task.body.id, '00000000-0000-4000-8000-000000000000']);
      assert.equal(nobody.code, 5);
      assert.match(nobody.stderr, /^atelier: .*\[404 user_not_found, request .+\]\n$/);
      await env.jsonLines(['trash', '/Misc/hero_v1.psd']);
      const gone = await env.run(['info', '/Misc/hero_v1.psd']);
      assert.equal(gone.code, 5);
      assert.equal(gone.stderr, 'atelier: no asset at /Misc/hero_v1.psd\n');
      const [restored] = await env.jsonLines(['restore', id]);
      assert.deepEqual(restored, { id, path: '/Misc/hero_v1.psd', restored: true });
      const missing = await env.run(['lock', '00000000-0000-4000-8000-000000000000']);
      assert.equal(missing.code, 5);
      assert.match(missing.stderr, /^atelier: .*\[404 asset_not_found, request .+\]\n$/);
    });
  });
}
