#!/usr/bin/env -S node --max-semi-space-size=8
// --max-semi-space-size=8 (MB; also in `npm start`): V8's young generation otherwise grows to 16 MB per semi-space
// during startup and stays there: about 15 MB of an idle server's resident memory (bench/ingest). 4 saves more but
// costs the API about a fifth of its throughput (bench/api).
// Runs the compiled JavaScript in dist/ (made by scripts/build.js on `npm ci`), or the TypeScript sources through
// tsx when dist/ is missing or older than any source file, so an edited checkout never runs a stale build.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

/** The newest modification time (ms) of any file under `dir`. */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return latest;
}

function builtIsCurrent() {
  try {
    return statSync(join(root, 'dist/.build-stamp')).mtimeMs >= newest(join(root, 'src'));
  } catch {
    return false;
  }
}

let main;
if (process.env.ATELIER_FROM_SOURCE !== '1' && builtIsCurrent()) {
  ({ main } = await import('../dist/main.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/main.ts'));
}
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  // An operator sees what failed (database unreachable, port in use, ...), not a stack trace.
  const code = err && typeof err === 'object' && 'code' in err ? ` (${err.code})` : '';
  process.stderr.write(`atelier: ${err instanceof Error ? err.message : String(err)}${code}\n`);
  process.exitCode = 1;
}
