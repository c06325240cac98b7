#!/usr/bin/env node
// Runs bench/<name>/run.ts as compiled JavaScript, as `atelier` itself runs (dist/, rebuilt first): esbuild bundles the bench with
// the src/ modules it imports (packages stay external) next to its source, and plain node runs that. Through tsx,
// in-process code paid the loader's costs too (an ENOENT from fs cost a source-mapped stack trace), which skewed
// the figures of the benches that run Atelier in their own process (bench/thumbnails, bench/search).
//   node scripts/bench.js <name> [args...]
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const [name, ...args] = process.argv.slice(2);
const entry = name ? join(root, 'bench', name, 'run.ts') : '';
if (!name || !existsSync(entry)) {
  // The usage line lists the benches that exist, so adding one never means editing this file.
  const names = readdirSync(join(root, 'bench'), { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(join(root, 'bench', d.name, 'run.ts'))).map((d) => d.name);
  process.stderr.write(`usage: node scripts/bench.js <${names.join('|')}> [args...]\n`);
  process.exit(2);
}
// Benches that start `atelier` (bin/atelier.js) should run a fresh dist/, not fall back to the sources.
const compiled = spawnSync(process.execPath, [join(root, 'scripts/build.js')], { stdio: 'inherit' });
if (compiled.status !== 0) {
  process.exit(compiled.status ?? 1);
}
// Built beside the source, so import.meta.dirname inside the bench means what it does in run.ts.
const outfile = join(root, 'bench', name, '.run.mjs');
await build({ entryPoints: [entry], outfile, bundle: true, packages: 'external', format: 'esm', platform: 'node', target: 'node20', logLevel: 'warning' });
try {
  const run = spawnSync(process.execPath, [outfile, ...args], { stdio: 'inherit' });
  process.exitCode = run.status ?? 1;
} finally {
  rmSync(outfile, { force: true });
}
