import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { generatedTypes } from '../../scripts/web-api-types.js';

const root = join(import.meta.dirname, '../..');

test('web/src/api/openapi.d.ts is generated from the current /openapi.json (run scripts/web-api-types.ts)', async () => {
  const current = readFileSync(join(root, 'web/src/api/openapi.d.ts'), 'utf8');
  assert.ok(current === (await generatedTypes()), 'stale: run node --import tsx scripts/web-api-types.ts');
});

test('the web app type-checks against those types', () => {
  const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', join(root, 'web')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
