#!/usr/bin/env node
// Compiles src/**/*.ts (tests excluded) to dist/ with esbuild, file by file, so `atelier` runs plain JavaScript:
// no TypeScript loader thread or compile cache at runtime, which is most of an idle server's memory. npm runs it
// on `npm ci` / `npm install` (the `prepare` hook); bin/atelier.js falls back to the sources (through tsx) whenever
// dist/ is missing or older than any source file, so a stale build is never run.
import { build } from 'esbuild';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const src = join(root, 'src');
const dist = join(root, 'dist');

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

const started = Date.now();
rmSync(dist, { recursive: true, force: true });
const entryPoints = sources(src);
await build({ entryPoints, outdir: dist, outbase: src, format: 'esm', platform: 'node', target: 'node20', bundle: false, logLevel: 'warning' });
// Written last: its mtime says when the build finished (bin/atelier.js compares it with the sources').
writeFileSync(join(dist, '.build-stamp'), `${new Date().toISOString()}\n`);
process.stderr.write(`atelier: compiled ${entryPoints.length} files to dist/ in ${Date.now() - started} ms\n`);
