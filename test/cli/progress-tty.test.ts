import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DATABASES } from '../harness/databases.js';
import { ROOT } from './cli-harness.js';
import { PeopleEnv } from './people-harness.js';

/*
 * On a terminal, `atelier upload` draws progress bars (overall and per file, with speed and ETA). The CLI runs
 * under a pseudo-terminal made by util-linux `script`, and the screen it wrote is captured.
 */

const sqliteOnly = DATABASES.includes('sqlite') ? ['sqlite' as const] : [];
for (const kind of sqliteOnly) {
  describe(`progress bars on a terminal [${kind}]`, () => {
    const env = new PeopleEnv(kind);
    before(async () => {
      await env.start();
      await env.login();
    });
    after(() => env.stop());

    test('upload under a pseudo-terminal shows the overall and per-file bars with speed and ETA; piped, plain lines', async () => {
      const dir = env.tempDir('tty');
      writeFileSync(join(dir, 'one.bin'), randomBytes(3 * 1024 * 1024));
      writeFileSync(join(dir, 'two.bin'), randomBytes(2 * 1024 * 1024));
      const command = `stty cols 140 rows 40; exec "${process.execPath}" "${join(ROOT, 'bin/atelier.js')}" upload "${dir}" --to /Tty --chunk-size 256k --bwlimit 2M`;
      const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', TERM: 'xterm', ...env.clientEnv() }, stdio: ['pipe', 'pipe', 'pipe'] });
      let screen = '';
      child.stdout.on('data', (d: Buffer) => (screen += d.toString()));
      const code = await new Promise<number | null>((r) => child.on('exit', r));
      assert.equal(code, 0, screen);
      const plain = screen.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
      assert.match(plain, /total \(\d\/2 files\)/);
      assert.match(plain, /\/Tty\/tty\/one\.bin/);
      assert.match(plain, /[█░]{10,}/, 'bar characters');
      assert.match(plain, /\d+%/);
      assert.match(plain, /[\d.]+ (KiB|MiB)\/s/);
      assert.match(plain, /ETA +\d+s/);
      assert.match(plain, /uploaded .*one\.bin -> \/Tty\/tty\/one\.bin/);
      assert.match(plain, /uploaded .*two\.bin -> \/Tty\/tty\/two\.bin/);
      assert.match(screen, /\x1b\[/, 'the terminal got escape codes');
      // The same command through a pipe: no escape codes, one line per file.
      const piped = await env.run(['upload', dir, '--to', '/Tty2']);
      assert.equal(piped.code, 0, piped.stderr);
      assert.doesNotMatch(piped.stdout, /\x1b/);
      assert.deepEqual(piped.stdout.trim().split('\n').sort(), [`uploaded ${join(dir, 'one.bin')} -> /Tty2/tty/one.bin`, `uploaded ${join(dir, 'two.bin')} -> /Tty2/tty/two.bin`]);
    });
  });
}
