import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../cli/cli-harness.js';

/* `atelier/sdk` as a program importing it sees it: the package's `exports`, from dist/ and from the sources. */

const script = `
const sdk = await import('atelier/sdk');
const client = sdk.createClient({ baseUrl: 'http://127.0.0.1:9', token: 't', retries: 0 });
const err = await client.me().catch((e) => e);
console.log(JSON.stringify({ from: import.meta.resolve('atelier/sdk'), exports: Object.keys(sdk).sort(), network: err instanceof sdk.AtelierNetworkError }));
`;

function importFrom(args: string[]): { from: string; exports: string[]; network: boolean } {
  const r = spawnSync(process.execPath, [...args, '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}');
}

test('import "atelier/sdk" resolves to the compiled dist/ (what `npm ci` builds)', () => {
  assert.ok(existsSync(join(ROOT, 'dist/sdk/index.js')), 'npm test builds dist/ first');
  const got = importFrom([]);
  assert.equal(got.from, `file://${join(ROOT, 'dist/sdk/index.js')}`);
  assert.ok(['createClient', 'AtelierApiError', 'AtelierNetworkError', 'uploadFile', 'downloadAsset', 'paginate', 'Transport'].every((n) => got.exports.includes(n)), got.exports.join(','));
  assert.equal(got.network, true);
});

test('with the `source` condition it resolves to the TypeScript sources', () => {
  const got = importFrom(['--conditions=source', '--import', 'tsx']);
  assert.equal(got.from, `file://${join(ROOT, 'src/sdk/index.ts')}`);
  assert.equal(got.network, true);
});
