import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Insertable } from 'kysely';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import sharp from 'sharp';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { migrateToLatest } from '../../src/db/database.js';
import type { AssetVersionRow, DB, DerivativeRow } from '../../src/db/schema.js';
import { createDeps, createLogger } from '../../src/deps.js';
import { bootstrap } from '../../src/domain/accounts/accounts.service.js';
import { setUserPassword } from '../../src/domain/auth/passwords.service.js';
import { searchDocumentTokens } from '../../src/domain/search/search-document.js';
import { registerWebUi } from '../../src/http/plugins/web-ui.js';
import { Worker } from '../../src/jobs/worker.js';

/*
 * The web app's browse page on a workspace of 100,000 assets with real thumbnails (SQLite), in headless Debian
 * Chromium against the server listening on a loopback socket. Issue #15's three targets:
 *   npm run bench:web                    # 100,000 assets
 *   BENCH_ASSETS=20000 npm run bench:web # a smaller workspace
 *   BENCH_LOADS=5 BENCH_SCROLL_MS=5000 CHROMIUM_PATH=/usr/bin/chromium
 *
 * Seeding: UPLOADS (24) distinct photographs-like images (noise, so their thumbnails are JPEG/WebP of a real size)
 * go through the API's upload route and the real job pipeline makes their thumbnails and previews. The other assets
 * go straight into SQLite (as bench/search does), each with a version and ready derivatives that reuse the blob keys
 * of one of the uploaded versions (the blob store is content-addressed, so this is what 100,000 uploads of 40
 * distinct files would leave). Every tile therefore fetches a real thumbnail file through
 * GET /workspaces/assets/{id}/versions/{id}/derivatives/thumbnail, as in a studio's workspace.
 *
 * Figures:
 *   - initial JavaScript (and CSS) of /browse: the scripts and stylesheets the page loads, as the server sends them
 *     gzip-encoded (and brotli, which Chromium asks for); target under 250 KB gzip;
 *   - time to first thumbnails: navigation start → the first thumbnail decoded, and → every tile in the grid's
 *     visible area showing its decoded thumbnail; each load in a fresh browser context (empty HTTP cache, the session
 *     cookie carried over), signed in; target under 1 s;
 *   - scrolling: the grid is scrolled 40 px per frame for SCROLL_MS by requestAnimationFrame (new pages of 200 come
 *     from the server by cursor as it goes, each new tile fetches its thumbnail); frames per second, median and
 *     95th-percentile frame time, frames over 33 ms; target at least 50 frames per second.
 */

const N = Number(process.env.BENCH_ASSETS ?? 100_000);
const UPLOADS = 24;
const LOADS = Number(process.env.BENCH_LOADS ?? 5);
const SCROLL_MS = Number(process.env.BENCH_SCROLL_MS ?? 5000);
const PASSWORD = 'bench password 1';
const EMAIL = 'bench@example.test';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TYPES: Array<[string, string]> = [['png', 'image'], ['jpg', 'image']];
const GRID = '[aria-label="Assets"]';

const pad = (n: number) => String(n).padStart(12, '0');

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'atelier-bench-web-'));
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', TOKEN_SECRET: 'bench-secret-bench-secret-bench-secret-01' });
  const deps = createDeps(config, { log: createLogger('silent') });
  let browser: Browser | undefined;
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  try {
    await migrateToLatest(deps.db);
    app = await buildApp(deps);
    const boot = await bootstrap(deps, 'Bench', { ownerEmail: EMAIL });
    await setUserPassword(deps, { email: EMAIL, password: PASSWORD });
    // Bundled into bench/web/.run.mjs, the plugin's own path to web/dist points elsewhere: name the build here.
    registerWebUi(app, join(import.meta.dirname, '../../web/dist'));
    const base = await app.listen({ host: '127.0.0.1', port: 0 });

    const t0 = performance.now();
    await uploadOriginals(base, boot);
    const sources = await processUploads(deps, boot);
    const uploadSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    await seedBulk(deps, boot, sources);
    // What the server does on open and every two hours (optimizeSqlite in src/db/database.ts): the rows above were
    // written after this connection opened, so its planner statistics are brought up to date here, as a restart would.
    await sql`pragma analysis_limit = 400`.execute(deps.db);
    await sql`pragma optimize = 0x10002`.execute(deps.db);
    const seedSeconds = (performance.now() - t1) / 1000;

    const loadBefore = loadavg().map((l) => l.toFixed(1)).join(' ');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, timeout: 30_000, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    const storageState = await signIn(browser, base);

    const bundle = await initialBundle(browser, storageState, base);
    const loads: Array<{ firstTile: number; firstThumb: number; viewFull: number; tiles: number }> = [];
    for (let run = 0; run < LOADS; run++) {
      loads.push(await firstThumbnails(browser, storageState, base));
    }
    const scroll = await scrollGrid(browser, storageState, base);
    const api = await serverTimes(storageState, base, boot);

    const load = () => `${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} CPUs`;
    const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
    const stat = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return `median ${s[Math.floor(s.length / 2)]!.toFixed(0)} ms (min ${s[0]!.toFixed(0)}, max ${s.at(-1)!.toFixed(0)})`;
    };
    process.stdout.write(
      [
        `bench/web: ${N.toLocaleString('en')} assets (${UPLOADS} uploaded and processed in ${uploadSeconds.toFixed(1)} s, the rest written in ${seedSeconds.toFixed(1)} s), SQLite, Chromium ${browser.version()} headless, 1280x800, loopback; load average ${loadBefore} before the browser, ${load()} after`,
        `  initial JavaScript of /browse: ${bundle.scripts.length} script(s), ${kb(bundle.js.gzip)} gzip (${kb(bundle.js.br)} brotli, ${kb(bundle.js.raw)} raw); CSS ${kb(bundle.css.gzip)} gzip  [target < 250 KB gzip]`,
        `  time to first thumbnails, ${LOADS} fresh loads of /browse signed in (navigation start →):`,
        `    first tile in the DOM      ${stat(loads.map((l) => l.firstTile))}`,
        `    first thumbnail decoded    ${stat(loads.map((l) => l.firstThumb))}`,
        `    all ${loads[0]!.tiles} visible tiles' thumbnails ${stat(loads.map((l) => l.viewFull))}  [target < 1000 ms]`,
        `  the server alone (5 sequential requests each with the session cookie, from Node): GET /workspaces/assets/search?limit=200 ${stat(api.search)}, limit=50 ${stat(api.search50)}; GET /users/accounts ${stat(api.accounts)}; GET /auth/session ${stat(api.session)}`,
        `  scrolling the grid ${scroll.seconds.toFixed(1)} s at 40 px/frame: ${scroll.fps.toFixed(1)} frames/s, frame time median ${scroll.median.toFixed(1)} ms, p95 ${scroll.p95.toFixed(1)} ms, ${scroll.long} of ${scroll.frames} frames over 33 ms; ${scroll.px} px scrolled, ${scroll.assets} assets loaded, ${scroll.thumbs} thumbnails shown  [target >= 50 frames/s]`,
        '',
      ].join('\n'),
    );
  } finally {
    await browser?.close().catch(() => undefined);
    await app?.close();
    await deps.close();
    // BENCH_KEEP=1 keeps the seeded data directory (its SQLite database) for a look at query plans.
    if (process.env.BENCH_KEEP) {
      process.stderr.write(`bench/web: data kept in ${dataDir}\n`);
    } else {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
}

interface Boot {
  account_id: string;
  workspace_id: string;
  user_id: string;
  key: string;
  secret: string;
}

interface Source {
  version: AssetVersionRow;
  derivatives: DerivativeRow[];
}

/** UPLOADS distinct images through the upload route, then the real job pipeline (thumbnail, preview, metadata). */
async function uploadOriginals(base: string, boot: Boot): Promise<void> {
  const tokenRes = await fetch(`${base}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ account_id: boot.account_id, key: boot.key, secret: boot.secret }) });
  const { token } = (await tokenRes.json()) as { token: string };
  const headers = { authorization: `Bearer ${token}`, 'x-account-id': boot.account_id, 'x-workspace-id': boot.workspace_id };
  for (let i = 0; i < UPLOADS; i++) {
    const image = sharp({ create: { width: 1200, height: 800, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 60 + i * 4, sigma: 40 } } });
    const body = await (i % 2 ? image.jpeg({ quality: 85 }) : image.png()).toBuffer();
    const ext = i % 2 ? 'jpg' : 'png';
    const res = await fetch(`${base}/workspaces/assets?file_name=upload_${i}.${ext}&file_location=/uploads/`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/octet-stream' },
      body,
    });
    if (res.status !== 201) {
      throw new Error(`upload ${i}: ${res.status} ${await res.text()}`);
    }
  }
}

type Deps = ReturnType<typeof createDeps>;

/** Runs the uploads' jobs with the real worker; their versions and ready derivatives are the bulk's sources. */
async function processUploads(deps: Deps, boot: Boot): Promise<Source[]> {
  const worker = new Worker(deps, { ...deps.config.jobs, concurrency: 2 });
  const reports = await worker.runUntilIdle();
  const failed = reports.filter((r) => r.outcome !== 'completed');
  if (failed.length > 0) {
    throw new Error(`jobs failed: ${failed.map((r) => `${r.name}: ${r.error ?? r.outcome}`).join('; ')}`);
  }
  const versions = await deps.db.selectFrom('asset_versions').selectAll().where('workspace_id', '=', boot.workspace_id).orderBy('sequence').execute();
  const sources: Source[] = [];
  for (const v of versions) {
    const ds = await deps.db.selectFrom('derivatives').selectAll().where('version_id', '=', v.id).where('state', '=', 'ready').execute();
    if (!ds.some((d) => d.kind === 'thumbnail')) {
      throw new Error(`version ${v.id} has no ready thumbnail after the jobs ran`);
    }
    sources.push({ version: v, derivatives: ds });
  }
  return sources;
}

/** The rest of the workspace, older than the uploads, each asset with a version and derivatives of a source. */
async function seedBulk(deps: Deps, boot: Boot, sources: Source[]): Promise<void> {
  const seqOf = async (table: 'assets' | 'asset_versions' | 'derivatives') =>
    Number((await deps.db.selectFrom(table).select((eb) => eb.fn.max('sequence').as('m')).executeTakeFirst())?.m ?? 0);
  const assetSeq = await seqOf('assets');
  const versionSeq = await seqOf('asset_versions');
  let derivativeSeq = await seqOf('derivatives');
  const start = Date.parse('2025-01-01T00:00:00Z');
  const now = new Date().toISOString();
  const count = N - UPLOADS;
  for (let from = 1; from <= count; from += 5000) {
    const assets: Array<Insertable<DB['assets']>> = [];
    const vrows: Array<Insertable<DB['asset_versions']>> = [];
    const drows: Array<Insertable<DB['derivatives']>> = [];
    for (let i = from; i < from + Math.min(5000, count - from + 1); i++) {
      const [ext, type] = TYPES[i % TYPES.length]!;
      const name = `shot_${String(i).padStart(6, '0')}.${ext}`;
      const created = new Date(start + i * 30_000).toISOString();
      const assetId = `00000000-0000-4000-8000-${pad(i)}`;
      const versionId = `00000000-0000-4000-9000-${pad(i)}`;
      const src = sources[i % sources.length]!;
      assets.push({
        id: assetId, sequence: assetSeq + i, workspace_id: boot.workspace_id, name, file_name: name, file_location: `/proj${i % 50}/`,
        asset_type_id: type, status_id: null, description: '', current_version_id: versionId, created_by_user_id: boot.user_id,
        locked_by_user_id: null, is_active: 1, deleted_at: null, deleted_by_user_id: null, created_at: created, updated_at: created,
      });
      const v = src.version;
      vrows.push({
        id: versionId, sequence: versionSeq + i, asset_id: assetId, workspace_id: boot.workspace_id, version_number: 1, commit_parent_id: null,
        name, description: '', blob_key: v.blob_key, size: v.size, checksum: v.checksum, content_type: v.content_type, original_file_name: name,
        thumbnail_blob_key: v.thumbnail_blob_key, metadata: v.metadata, created_by_user_id: boot.user_id, created_at: created, deleted_at: null,
      });
      for (const d of src.derivatives) {
        derivativeSeq += 1;
        drows.push({ ...d, id: `00000000-0000-4000-a000-${pad(derivativeSeq)}`, sequence: derivativeSeq, version_id: versionId, created_at: created, updated_at: created });
      }
    }
    await deps.db.transaction().execute(async (trx) => {
      for (let i = 0; i < assets.length; i += 500) {
        await trx.insertInto('assets').values(assets.slice(i, i + 500)).execute();
        await trx.insertInto('asset_versions').values(vrows.slice(i, i + 500)).execute();
      }
      for (let i = 0; i < drows.length; i += 500) {
        await trx.insertInto('derivatives').values(drows.slice(i, i + 500)).execute();
      }
      await deps.dialect.writeSearchDocuments(
        trx,
        assets.map((a) => ({ assetId: a.id, sequence: a.sequence as number, workspaceId: boot.workspace_id, updatedAt: now, ...searchDocumentTokens({ name: a.name, fileName: a.name, description: '', tagNames: [], metadata: null }) })),
      );
    });
  }
}

/** Signs in through the sign-in page once; every measured load reuses the session cookie in a fresh context. */
async function signIn(browser: Browser, base: string) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${base}/sign-in`);
    await page.getByLabel('E-mail').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/browse$/);
    await page.locator(`${GRID} .thumb-img`).first().waitFor();
    return await context.storageState();
  } finally {
    await context.close();
  }
}

type State = Awaited<ReturnType<BrowserContext['storageState']>>;

async function freshContext(browser: Browser, storageState: State): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, storageState });
  context.setDefaultTimeout(30_000);
  return context;
}

/** Bytes of a response as the server sends it with this Accept-Encoding (node:http does not decode). */
function encodedSize(url: string, encoding: string): Promise<number> {
  return new Promise((done, fail) => {
    get(url, { headers: { 'accept-encoding': encoding } }, (res) => {
      let n = 0;
      res.on('data', (c: Buffer) => (n += c.length));
      res.on('end', () => done(n));
      res.on('error', fail);
    }).on('error', fail);
  });
}

/** The scripts and stylesheets a fresh load of /browse fetches, sized as sent gzip, brotli and raw. */
async function initialBundle(browser: Browser, storageState: State, base: string) {
  const context = await freshContext(browser, storageState);
  try {
    const page = await context.newPage();
    const scripts: string[] = [];
    const styles: string[] = [];
    page.on('response', (r) => {
      const kind = r.request().resourceType();
      (kind === 'script' ? scripts : kind === 'stylesheet' ? styles : []).push(r.url());
    });
    await page.goto(`${base}/browse`);
    await page.locator(`${GRID} .thumb-img`).first().waitFor();
    const size = async (urls: string[]) => {
      const out = { gzip: 0, br: 0, raw: 0 };
      for (const u of urls) {
        out.gzip += await encodedSize(u, 'gzip');
        out.br += await encodedSize(u, 'br');
        out.raw += await encodedSize(u, 'identity');
      }
      return out;
    };
    return { scripts, js: await size(scripts), css: await size(styles) };
  } finally {
    await context.close();
  }
}

/**
 * One fresh load of /browse: the page marks (performance.now(), whose origin is navigation start) the first tile
 * in the DOM, the first decoded thumbnail, and the moment every tile inside the grid's visible box has one.
 */
async function firstThumbnails(browser: Browser, storageState: State, base: string) {
  const context = await freshContext(browser, storageState);
  try {
    const page = await context.newPage();
    await page.addInitScript((grid: string) => {
      const marks = { firstTile: 0, firstThumb: 0, viewFull: 0, tiles: 0 };
      (window as unknown as { __marks: typeof marks }).__marks = marks;
      const check = () => {
        const box = document.querySelector('[data-testid="asset-scroller"]');
        const cells = [...document.querySelectorAll(`${grid} [role="listitem"]`)];
        if (!box || cells.length === 0) {
          return;
        }
        marks.firstTile ||= performance.now();
        const b = box.getBoundingClientRect();
        const inView = cells.filter((c) => {
          const r = c.getBoundingClientRect();
          return r.bottom > b.top && r.top < b.bottom;
        });
        const shown = inView.filter((c) => {
          const img = c.querySelector('img.thumb-img') as HTMLImageElement | null;
          return img !== null && img.complete && img.naturalWidth > 0;
        }).length;
        if (shown > 0) {
          marks.firstThumb ||= performance.now();
        }
        if (shown === inView.length && !marks.viewFull) {
          marks.viewFull = performance.now();
          marks.tiles = shown;
        }
      };
      new MutationObserver(check).observe(document, { childList: true, subtree: true });
      // load does not bubble, but it is seen on the way down (capture).
      document.addEventListener('load', (e) => e.target instanceof HTMLImageElement && check(), true);
    }, GRID);
    const trace: string[] = [];
    if (process.env.BENCH_TRACE) {
      page.on('requestfinished', (r) => {
        const t = r.timing();
        trace.push(`${t.startTime.toFixed(0)} +${t.responseEnd.toFixed(0)} ms ${r.method()} ${r.url().replace(base, '').slice(0, 90)}`);
      });
    }
    await page.goto(`${base}/browse`, { waitUntil: 'commit' });
    await page.waitForFunction(() => (window as unknown as { __marks: { viewFull: number } }).__marks.viewFull > 0, undefined, { timeout: 30_000 });
    const marks = await page.evaluate(() => (window as unknown as { __marks: { firstTile: number; firstThumb: number; viewFull: number; tiles: number } }).__marks);
    // BENCH_TRACE=1: each load's requests (start as epoch ms, then time to the response's end), to see the waterfall.
    if (trace.length > 0) {
      process.stderr.write(`${trace.join('\n')}\n${JSON.stringify(marks)}\n\n`);
    }
    return marks;
  } finally {
    await context.close();
  }
}

/** Where the first render's time goes on the server: the page's critical requests, timed one at a time. */
async function serverTimes(storageState: State, base: string, boot: Boot) {
  const cookie = storageState.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const headers = { cookie, 'x-account-id': boot.account_id, 'x-workspace-id': boot.workspace_id };
  const time = async (path: string) => {
    const out: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      const res = await fetch(`${base}${path}`, { headers });
      await res.arrayBuffer();
      if (res.status !== 200) {
        throw new Error(`${path}: ${res.status}`);
      }
      out.push(performance.now() - t);
    }
    return out;
  };
  return { search: await time('/workspaces/assets/search?limit=200'), search50: await time('/workspaces/assets/search?limit=50'), accounts: await time('/users/accounts'), session: await time('/auth/session') };
}

/** Scrolls the grid at a constant speed by requestAnimationFrame and times the frames. */
async function scrollGrid(browser: Browser, storageState: State, base: string) {
  const context = await freshContext(browser, storageState);
  try {
    const page = await context.newPage();
    await page.goto(`${base}/browse`);
    await page.locator(`${GRID} .thumb-img`).first().waitFor();
    await page.waitForTimeout(500);
    return await page.evaluate(
      async ({ ms, grid }) => {
        const box = document.querySelector('[data-testid="asset-scroller"]') as HTMLElement;
        const stamps: number[] = [];
        let thumbs = 0;
        document.addEventListener('load', (e) => e.target instanceof HTMLImageElement && thumbs++, true);
        const t0 = performance.now();
        await new Promise<void>((done) => {
          const step = (t: number) => {
            stamps.push(t);
            box.scrollTop += 40;
            if (t - t0 < ms) {
              requestAnimationFrame(step);
            } else {
              done();
            }
          };
          requestAnimationFrame(step);
        });
        const gaps = stamps.slice(1).map((t, i) => t - stamps[i]!).sort((a, b) => a - b);
        const seconds = (stamps.at(-1)! - stamps[0]!) / 1000;
        const list = document.querySelector(grid) as HTMLElement;
        const columns = Math.max(1, Math.floor(box.clientWidth / 180));
        return {
          frames: stamps.length,
          seconds,
          fps: (stamps.length - 1) / seconds,
          median: gaps[Math.floor(gaps.length / 2)] ?? 0,
          p95: gaps[Math.floor(gaps.length * 0.95)] ?? 0,
          long: gaps.filter((g) => g > 33).length,
          px: box.scrollTop,
          assets: Math.round((parseFloat(list.style.height) / 210) * columns),
          thumbs,
        };
      },
      { ms: SCROLL_MS, grid: GRID },
    );
  } finally {
    await context.close();
  }
}

await main();
