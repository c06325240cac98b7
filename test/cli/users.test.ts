import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { DATABASES } from '../harness/databases.js';
import { CliEnv, ROOT } from './cli-harness.js';

/*
 * `atelier users set-password <email>` (docs/cli.md): the password comes from stdin, never the arguments; the person
 * can then sign in to the web app with it over a real socket.
 */

/** Runs `atelier <args>` with `input` piped to its stdin. */
function runWithStdin(cli: CliEnv, args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/atelier.js'), ...args], {
    cwd: cli.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...cli.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(input);
  return new Promise((res) => child.on('close', (code) => res({ code, stdout, stderr })));
}

for (const kind of DATABASES) {
  describe(`atelier users set-password [${kind}]`, () => {
    const cli = new CliEnv(kind);
    after(() => cli.stop());

    test('sets a password read from stdin; the person signs in with it; bad input changes nothing', async () => {
      await cli.start();
      assert.equal((await cli.run(['migrate'])).code, 0);
      await cli.json(['bootstrap', '--json', '--account', 'Pw Studio', '--email', 'ana@example.test']);

      const unknown = await runWithStdin(cli, ['users', 'set-password', 'nobody@example.test'], 'a long enough passphrase\n');
      assert.equal(unknown.code, 1, unknown.stderr);
      assert.match(unknown.stderr, /No user with id nobody@example.test/);
      const short = await runWithStdin(cli, ['users', 'set-password', 'ana@example.test'], 'short\n');
      assert.equal(short.code, 2, short.stderr);
      const usage = await runWithStdin(cli, ['users', 'set-password'], '');
      assert.equal(usage.code, 2, usage.stderr);

      const server = await cli.serve();
      const signIn = (password: string) =>
        fetch(`${server.url}/auth/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ana@example.test', password }) });
      assert.equal((await signIn('short')).status, 401, 'the refused password was not stored');

      const set = await runWithStdin(cli, ['users', 'set-password', 'ana@example.test'], 'correct horse battery staple\n');
      assert.equal(set.code, 0, set.stderr);
      assert.doesNotMatch(set.stdout + set.stderr, /correct horse/, 'the password is never printed');
      const ok = await signIn('correct horse battery staple');
      assert.equal(ok.status, 200, await ok.text());
      assert.match(String(ok.headers.get('set-cookie')), /HttpOnly/i);
      assert.equal((await signIn('correct horse battery stapl')).status, 401);
    });
  });
}
