import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { jsonSafe, readEmbeddedMetadata } from '../../src/media/exif.js';
import { posterTime } from '../../src/media/ffmpeg.js';
import { AV_FORMAT_WHITELIST, probeMedia } from '../../src/media/ffprobe.js';
import { describeSharpError } from '../../src/media/images.js';
import { sweepDeadMediaTempDirs } from '../../src/media/temp-dirs.js';
import { MediaError, runTool } from '../../src/media/tool.js';
import { makeImage } from './fixtures.js';

// The thin wrappers over the media tools, on real tools and real files (no database needed).

/** Whether a process exists and is not a zombie waiting for its parent. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return !/^\S+ \(.*\) Z/.test(readFileSyncSafe(`/proc/${pid}/stat`));
}

function readFileSyncSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

describe('runTool', () => {
  test('passes arguments without a shell and returns stdout', async () => {
    const { stdout } = await runTool('printf', ['%s|', 'a b', '$(id)', ';rm -rf /'], { timeoutSeconds: 5 });
    assert.equal(stdout, 'a b|$(id)|;rm -rf /|');
  });

  test('a non-zero exit is a permanent MediaError with the last stderr line, and no absolute path', async () => {
    await assert.rejects(runTool('sh', ['-c', 'echo first >&2; echo "the real reason" >&2; exit 3'], { timeoutSeconds: 5 }), (err: unknown) => {
      assert.ok(err instanceof MediaError);
      assert.equal(err.permanent, true);
      assert.equal(err.message, 'sh could not read the file: the real reason');
      return true;
    });
  });

  test('the time limit kills the child', async () => {
    const started = Date.now();
    await assert.rejects(runTool('sleep', ['5'], { timeoutSeconds: 0.2 }), (err: unknown) => {
      assert.ok(err instanceof MediaError && err.permanent);
      assert.equal(err.message, 'sleep took longer than 0.2 s and was stopped.');
      return true;
    });
    assert.ok(Date.now() - started < 2000);
  });

  test("the job's abort signal kills the child and rejects with the signal's reason", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('lease lost')), 100);
    await assert.rejects(runTool('sleep', ['5'], { timeoutSeconds: 10, signal: controller.signal }), /lease lost/);
  });

  test('a missing tool is retryable (not the input\'s fault)', async () => {
    await assert.rejects(runTool('atelier-no-such-tool', [], { timeoutSeconds: 1 }), (err: unknown) => err instanceof MediaError && !err.permanent);
  });

  // Issue #13: after `kill -9` of the server, ffmpeg kept running (reparented to init) for a job that would run again.
  test('a tool dies with the process that ran it, even when that process is SIGKILLed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atelier-pdeathsig-'));
    const pidFile = join(dir, 'pid');
    const script = `import { runTool } from ${JSON.stringify(new URL('../../src/media/tool.js', import.meta.url).href)};
      await runTool('sh', ['-c', 'echo $$ > ${pidFile}; exec sleep 60'], { timeoutSeconds: 120 });`;
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: 'ignore' });
    try {
      let pid = 0;
      for (let i = 0; i < 200 && !pid; i++) {
        await new Promise((r) => setTimeout(r, 50));
        pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
      }
      assert.ok(pid > 0, 'the tool started');
      assert.equal(isAlive(pid), true);
      parent.kill('SIGKILL');
      let alive = true;
      for (let i = 0; i < 100 && alive; i++) {
        await new Promise((r) => setTimeout(r, 50));
        alive = isAlive(pid);
      }
      assert.equal(alive, false, 'the tool was killed with its parent');
    } finally {
      parent.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('ffprobe sandbox', () => {
  test('an HLS playlist pointing at a local file is refused by the demuxer whitelist', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atelier-hls-'));
    try {
      await writeFile(join(dir, 'input'), '#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nfile:/etc/passwd\n#EXT-X-ENDLIST\n');
      await assert.rejects(probeMedia(join(dir, 'input'), { timeoutSeconds: 10 }), (err: unknown) => err instanceof MediaError && err.permanent && !err.message.includes(dir));
      assert.ok(!AV_FORMAT_WHITELIST.split(',').includes('hls'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('metadata helpers', () => {
  test('jsonSafe drops binary values, keeps dates as ISO strings, caps strings and depth', () => {
    const out = jsonSafe({
      a: Buffer.from('x'),
      b: new Uint8Array(3),
      c: new Date('2026-01-02T03:04:05Z'),
      d: 'x'.repeat(2000),
      e: Number.NaN,
      f: { g: { h: { i: 1 } } },
      j: [1, 'two', null],
      k: 'nul\u0000byte',
    }) as Record<string, unknown>;
    assert.deepEqual(Object.keys(out).sort(), ['c', 'd', 'f', 'j', 'k']);
    assert.equal(out.c, '2026-01-02T03:04:05.000Z');
    assert.equal((out.d as string).length, 500);
    assert.deepEqual(out.f, { g: {} });
    assert.deepEqual(out.j, [1, 'two', null]);
    assert.equal(out.k, 'nulbyte');
  });

  test('EXIF written by sharp is read back as JSON-safe fields', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atelier-exif-'));
    try {
      const file = join(dir, 'input');
      await writeFile(file, await makeImage('jpeg', 120, 80));
      const meta = await readEmbeddedMetadata(file);
      assert.equal(meta.exif?.Make, 'Atelier');
      assert.equal(meta.exif?.Model, 'TestCam 1');
      assert.equal(meta.exif?.ImageDescription, 'gradient');
      assert.ok(!('ComponentsConfiguration' in (meta.exif ?? {})));
      assert.doesNotThrow(() => JSON.stringify(meta));
      // A file without metadata gives {}.
      await writeFile(file, await makeImage('png', 10, 10));
      assert.deepEqual(await readEmbeddedMetadata(file), {});
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('poster time: 10% of the duration, 1 s when unknown', () => {
    assert.equal(posterTime(20), 2);
    assert.equal(posterTime(2), 0.2);
    assert.equal(posterTime(undefined), 1);
    assert.equal(posterTime(0), 1);
  });

  test('sharp errors get human reasons', () => {
    assert.equal(describeSharpError(new Error('Input image exceeds pixel limit'), 100), 'The image is larger than the limit of 100 pixels (MEDIA_MAX_PIXELS).');
    assert.equal(describeSharpError(new Error('Input buffer contains unsupported image format'), 1), 'Unsupported format: the image decoder cannot read this file.');
    assert.match(describeSharpError(new Error('VipsJpeg: Premature end of input file'), 1), /^The image could not be decoded \(corrupt or truncated file\): VipsJpeg/);
  });

});

// Issue #13: every job killed mid-run left an atelier-media-* dir in TMPDIR that nothing removed.
describe('media temp dirs', () => {
  test('a starting process removes the dirs of processes that no longer run, its own previous life included', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atelier-sweep-'));
    const live = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      // A pid above the kernel's pid_max (4194304 at most) can never be running.
      const names = [`atelier-media-${process.pid}-old`, 'atelier-media-4194999-dead', `atelier-media-${live.pid}-busy`, 'atelier-media-notapid', 'unrelated'];
      for (const name of names) {
        await mkdir(join(dir, name));
        await writeFile(join(dir, name, 'input'), 'x');
      }
      assert.equal(await sweepDeadMediaTempDirs(dir), 2);
      assert.deepEqual((await readdir(dir)).sort(), [`atelier-media-${live.pid}-busy`, 'atelier-media-notapid', 'unrelated'].sort());
    } finally {
      live.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });
});
