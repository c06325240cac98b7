import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateSdkTypes, openApiDocument } from '../../scripts/sdk-types-lib.js';
import { ROOT } from '../cli/cli-harness.js';

test('src/sdk/openapi.d.ts is what openapi-typescript makes of the routes now (run `npm run sdk:types` after changing a route)', async () => {
  const committed = readFileSync(join(ROOT, 'src/sdk/openapi.d.ts'), 'utf8');
  const generated = await generateSdkTypes();
  // On failure, say which operations differ rather than dumping 400 KB.
  if (committed !== generated) {
    const a = new Set(committed.split('\n'));
    const b = generated.split('\n').filter((l) => !a.has(l));
    assert.fail(`the generated SDK types drifted from the routes; first new lines:\n${b.slice(0, 15).join('\n')}\nrun \`npm run sdk:types\``);
  }
});

test('the generated types cover every operation of the document, and the tenancy headers are left to the transport', async () => {
  const doc = (await openApiDocument()) as { paths: Record<string, Record<string, unknown>> };
  const types = readFileSync(join(ROOT, 'src/sdk/openapi.d.ts'), 'utf8');
  const paths = Object.keys(doc.paths);
  assert.ok(paths.length > 100, `${paths.length} paths`);
  for (const path of paths) {
    assert.ok(types.includes(`    "${path}": {`), `no types for ${path}`);
  }
  assert.doesNotMatch(types, /x-account-id|x-workspace-id/);
});
