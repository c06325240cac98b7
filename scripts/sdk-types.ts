// Generates src/sdk/openapi.d.ts (the SDK's types) from the server's own OpenAPI document, without a running server:
// the Fastify app is built on a throwaway SQLite database and asked for /openapi.json in-process. `--check` exits 1
// when the committed file differs from what the routes generate now (test/sdk/drift.test.ts runs the same check).
//   node --import tsx scripts/sdk-types.ts [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateSdkTypes } from './sdk-types-lib.js';

const root = resolve(import.meta.dirname, '..');
const target = join(root, 'src/sdk/openapi.d.ts');
const generated = await generateSdkTypes();
if (process.argv.includes('--check')) {
  const current = readFileSync(target, 'utf8');
  if (current !== generated) {
    process.stderr.write('src/sdk/openapi.d.ts is out of date with the routes: run `npm run sdk:types`\n');
    process.exit(1);
  }
  process.stderr.write('src/sdk/openapi.d.ts matches the routes\n');
} else {
  writeFileSync(target, generated);
  process.stderr.write(`wrote ${target} (${generated.length} characters)\n`);
}
