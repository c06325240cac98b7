import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

// The npm scripts run these files directly; a syntax error in one (a merge once left one) breaks every `npm run` of it.
const root = resolve(import.meta.dirname, '../..');
const scripts = readdirSync(join(root, 'scripts')).filter((f) => f.endsWith('.js'));

test('every scripts/*.js file parses', () => {
  assert.ok(scripts.length > 3);
  for (const file of scripts) {
    const r = spawnSync(process.execPath, ['--check', join(root, 'scripts', file)], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${file}: ${r.stderr}`);
  }
});

test('the bench runner without a name lists every bench under bench/ and exits 2', () => {
  const r = spawnSync(process.execPath, [join(root, 'scripts/bench.js')], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  const benches = readdirSync(join(root, 'bench'), { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(join(root, 'bench', d.name, 'run.ts'))).map((d) => d.name);
  assert.ok(benches.includes('api'));
  for (const name of benches) {
    assert.match(r.stderr, new RegExp(`[<|]${name}[|>]`), name);
  }
});
