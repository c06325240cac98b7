#!/usr/bin/env node
// Compiles src/**/*.ts (tests excluded) to dist/ with esbuild, file by file, so `atelier` runs plain JavaScript:
// no TypeScript loader thread or compile cache at runtime, which is most of an idle server's memory. npm runs it
// on `npm ci` / `npm install` (the `prepare` hook); bin/atelier.js falls back to the sources (through tsx) whenever
// dist/ is missing or older than any source file, so a stale build is never run.
// Then it builds the web app (web/, Vite) into web/dist, which the server serves at `/` (docs/web.md), and writes
// gzip and brotli copies of its files next to them. That step is skipped when web/dist is newer than every file of
// web/ (the test runner calls this script before every run), and with a warning when Vite is not installed
// (`npm ci --omit=dev`): the server then answers the API only.
import { build } from 'esbuild';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
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

const web = join(root, 'web');
const webDist = join(web, 'dist');
const webStamp = join(webDist, '.build-stamp');

function newestIn(dir) {
  return readdirSync(dir, { withFileTypes: true }).reduce((latest, e) => {
    if (e.name === 'dist' || e.name === 'node_modules') return latest;
    const p = join(dir, e.name);
    return Math.max(latest, e.isDirectory() ? newestIn(p) : statSync(p).mtimeMs);
  }, 0);
}

function compressAll(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      compressAll(p);
    } else if (/\.(js|css|html|svg|json)$/.test(e.name)) {
      const bytes = readFileSync(p);
      writeFileSync(`${p}.gz`, gzipSync(bytes, { level: 9 }));
      writeFileSync(`${p}.br`, brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
    }
  }
}

const webCurrent = existsSync(webStamp) && statSync(webStamp).mtimeMs >= newestIn(web);
if (existsSync(web) && !webCurrent) {
  let vite;
  try {
    vite = await import('vite');
  } catch {
    process.stderr.write('atelier: vite is not installed; the web app is not built (the server answers the API only)\n');
  }
  if (vite) {
    const webStarted = Date.now();
    await vite.build({ configFile: join(web, 'vite.config.ts'), logLevel: 'warn' });
    compressAll(webDist);
    writeFileSync(webStamp, `${new Date().toISOString()}\n`);
    process.stderr.write(`atelier: built the web app to web/dist in ${Date.now() - webStarted} ms\n`);
  }
}
