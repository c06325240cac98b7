import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../../src/config/config.js';
import { migrateToLatest } from '../../src/db/database.js';
import type { SearchDocument } from '../../src/db/dialects/dialect.js';
import { createDeps, createLogger, type AppDeps } from '../../src/deps.js';
import { bootstrap } from '../../src/domain/accounts/accounts.service.js';
import type { Ctx } from '../../src/domain/context.js';
import { searchDocumentTokens } from '../../src/domain/search/search-document.js';
import type { SearchRequest } from '../../src/domain/search/search.rules.js';
import { searchAssetIds, searchAssets } from '../../src/domain/search/search.service.js';

/*
 * Search latency over 1,000,000 assets with tags, on SQLite and on PostgreSQL.
 *
 *   npm run bench:search                      # both databases, 1,000,000 assets, 200 runs per query
 *   BENCH_ASSETS=100000 BENCH_RUNS=50 DATABASES=sqlite npm run bench:search
 *   TEST_PG_URL=postgres://... npm run bench:search   # an existing server instead of a throwaway cluster
 *
 * Data (deterministic PRNG): one workspace; names `<word>_<word>_v<n>.<ext>` and a 3-word description drawn from a
 * 5,000-word vocabulary with a skewed (cubic) distribution, so a few words are common and most are rare; 8
 * extensions mapped to asset types; 200 tags, 0-3 per asset (skewed); 1,000 folders; 1% locked. Rows are inserted
 * in large transactions. The search index is built from the same searchDocumentTokens() the app's reindexAsset
 * uses; SQLite writes it through dialect.writeSearchDocuments (FTS5 triggers included), PostgreSQL through a bulk
 * equivalent of it (the same array_to_tsvector expression over unnest() arrays, GIN index created after the load).
 *
 * Queries go through searchAssetIds / searchAssets, the service functions the HTTP routes call:
 *   (a) selective term (a word in ~0.05% of assets) + type=image + one tag, relevance order, limit 50
 *   (b) low-selectivity term (`png`, 1/8 of assets), relevance order, limit 50
 *   (c) no term, type filter, newest first (keyset index), limit 50
 */

const N = Number(process.env.BENCH_ASSETS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const DATABASES = (process.env.DATABASES ?? 'sqlite,postgres').split(',').map((s) => s.trim()).filter(Boolean);

let seed = 42;
const rand = (): number => {
  // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const SYL = ['ka', 'lo', 'mi', 'ra', 'ten', 'zu', 'vo', 'shi', 'an', 'del', 'or', 'pix', 'gra', 'nu', 'bel', 'tor', 'qui', 'fen', 'ix', 'mar'];
const WORDS = Array.from({ length: 5000 }, (_, i) => `${SYL[i % 20]}${SYL[Math.floor(i / 20) % 20]}${SYL[Math.floor(i / 400) % 20]}${i >= 8000 ? i : ''}`);
const skewed = (n: number): number => Math.min(n - 1, Math.floor(n * rand() ** 3));
const EXTS: Array<[string, string]> = [['png', 'image'], ['jpg', 'image'], ['psd', 'image'], ['mp4', 'video'], ['wav', 'audio'], ['pdf', 'document'], ['blend', 'model3d'], ['zip', 'archive']];

interface Gen {
  asset: { id: string; sequence: number; name: string; ext: string; type: string; folder: string; description: string; locked: boolean; created: string };
  tags: number[];
}

function* generate(n: number): Generator<Gen> {
  const start = Date.parse('2025-01-01T00:00:00Z');
  for (let i = 1; i <= n; i++) {
    const [ext, type] = EXTS[Math.floor(rand() * EXTS.length)]!;
    const name = `${WORDS[skewed(5000)]}_${WORDS[skewed(5000)]}_v${1 + Math.floor(rand() * 9)}.${ext}`;
    const tagCount = Math.floor(rand() * 4);
    const tags = [...new Set(Array.from({ length: tagCount }, () => skewed(200)))];
    yield {
      asset: {
        id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        sequence: i,
        name,
        ext,
        type,
        folder: `/proj${i % 50}/seq${Math.floor(i / 50) % 20}/`,
        description: `${WORDS[skewed(5000)]} ${WORDS[skewed(5000)]} ${WORDS[skewed(5000)]}`,
        locked: rand() < 0.01,
        created: new Date(start + i * 30_000).toISOString(),
      },
      tags,
    };
  }
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => res(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

function pgBin(name: string): string {
  for (const v of ['17', '16', '15']) {
    try {
      statSync(`/usr/lib/postgresql/${v}/bin/${name}`);
      return `/usr/lib/postgresql/${v}/bin/${name}`;
    } catch {
      // next
    }
  }
  return name;
}

function run(cmd: string, args: string[]): void {
  const asPostgres = process.getuid?.() === 0;
  const r = asPostgres ? spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8' }) : spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`${cmd} failed: ${r.stderr || r.stdout}`);
  }
}

/** A throwaway cluster on loopback, as scripts/test.js starts one. */
async function startPostgres(): Promise<{ url: string; stop: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'atelier-bench-pg-'));
  chmodSync(dir, 0o777);
  const port = await freePort();
  run(pgBin('initdb'), ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  run(pgBin('pg_ctl'), ['-D', join(dir, 'data'), '-l', join(dir, 'log'), '-w', 'start', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=256MB -c maintenance_work_mem=512MB`]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      try {
        run(pgBin('pg_ctl'), ['-D', join(dir, 'data'), '-m', 'immediate', 'stop']);
      } catch {
        // already gone
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const BATCH = 5000;

async function load(deps: AppDeps, workspaceId: string, userId: string): Promise<Map<string, number>> {
  const db = deps.db;
  const pg = deps.dialect.name === 'postgres';
  seed = 42; // the same data on every database
  const now = new Date().toISOString();
  const tagIds = Array.from({ length: 200 }, (_, i) => `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
  await db
    .insertInto('tags')
    .values(tagIds.map((id, i) => ({ id, workspace_id: workspaceId, name: `tag-${WORDS[i * 7]}`, name_key: `tag-${WORDS[i * 7]}`, color: '#9CA3AF', created_by_user_id: userId, created_at: now, updated_at: now })))
    .execute();
  if (pg) {
    await sql`DROP INDEX asset_search_document_idx`.execute(db);
  }
  const df = new Map<string, number>();
  let batch: Gen[] = [];
  let tagRow = 0;
  const flush = async (): Promise<void> => {
    const rows = batch;
    batch = [];
    await db.transaction().execute(async (trx) => {
      const assets = rows.map(({ asset: a }) => ({
        id: a.id, sequence: a.sequence, workspace_id: workspaceId, name: `${a.name}`, file_name: a.name, file_location: a.folder, asset_type_id: a.type,
        status_id: null, description: a.description, current_version_id: null, created_by_user_id: userId, locked_by_user_id: a.locked ? userId : null,
        is_active: 1, deleted_at: null, deleted_by_user_id: null, created_at: a.created, updated_at: a.created,
      }));
      const links = rows.flatMap(({ asset, tags }) => tags.map((t) => ({ id: `20000000-0000-4000-8000-${String(++tagRow).padStart(12, '0')}`, workspace_id: workspaceId, asset_id: asset.id, tag_id: tagIds[t]!, created_by_user_id: userId, created_at: now })));
      const docs: SearchDocument[] = rows.map(({ asset: a, tags }) => ({
        assetId: a.id, sequence: a.sequence, workspaceId, updatedAt: now,
        ...searchDocumentTokens({ name: a.name, fileName: a.name, description: a.description, tagNames: tags.map((t) => `tag-${WORDS[t * 7]}`), metadata: null }),
      }));
      for (const d of docs) {
        for (const tok of new Set([...d.names, ...d.body])) {
          df.set(tok, (df.get(tok) ?? 0) + 1);
        }
      }
      if (pg) {
        // NOTE(postgres): unnest() over column arrays: one statement per batch with 16 parameters, not 16 x 5,000.
        const col = <K extends keyof (typeof assets)[number]>(k: K) => assets.map((a) => a[k]);
        await sql`INSERT INTO assets (id, sequence, workspace_id, name, file_name, file_location, asset_type_id, description, created_by_user_id, locked_by_user_id, created_at, updated_at)
          SELECT * FROM unnest(${col('id')}::text[], ${col('sequence')}::int[], ${col('workspace_id')}::text[], ${col('name')}::text[], ${col('file_name')}::text[],
            ${col('file_location')}::text[], ${col('asset_type_id')}::text[], ${col('description')}::text[], ${col('created_by_user_id')}::text[],
            ${col('locked_by_user_id')}::text[], ${col('created_at')}::text[], ${col('updated_at')}::text[])`.execute(trx);
        if (links.length > 0) {
          await sql`INSERT INTO asset_tags (id, workspace_id, asset_id, tag_id, created_by_user_id, created_at)
            SELECT * FROM unnest(${links.map((l) => l.id)}::text[], ${links.map((l) => l.workspace_id)}::text[], ${links.map((l) => l.asset_id)}::text[],
              ${links.map((l) => l.tag_id)}::text[], ${links.map((l) => l.created_by_user_id)}::text[], ${links.map((l) => l.created_at)}::text[])`.execute(trx);
        }
        // The same document expression as postgres-search.ts, over arrays (tokens never contain spaces).
        await sql`INSERT INTO asset_search (asset_id, sequence, workspace_id, names, body, document, updated_at)
          SELECT id, seq, ws, names, body,
            setweight(array_to_tsvector(string_to_array(names, ' ')), 'A') || array_to_tsvector(coalesce(string_to_array(nullif(body, ''), ' '), '{}')), at
          FROM unnest(${docs.map((d) => d.assetId)}::text[], ${docs.map((d) => d.sequence)}::int[], ${docs.map((d) => d.workspaceId)}::text[],
            ${docs.map((d) => d.names.join(' '))}::text[], ${docs.map((d) => d.body.join(' '))}::text[], ${docs.map((d) => d.updatedAt)}::text[])
            AS u(id, seq, ws, names, body, at)`.execute(trx);
      } else {
        for (let i = 0; i < assets.length; i += 1000) {
          await trx.insertInto('assets').values(assets.slice(i, i + 1000)).execute();
        }
        for (let i = 0; i < links.length; i += 2000) {
          await trx.insertInto('asset_tags').values(links.slice(i, i + 2000)).execute();
        }
        await deps.dialect.writeSearchDocuments(trx, docs);
      }
    });
  };
  for (const g of generate(N)) {
    batch.push(g);
    if (batch.length >= BATCH) {
      await flush();
    }
  }
  if (batch.length > 0) {
    await flush();
  }
  if (pg) {
    await sql`SELECT setval(pg_get_serial_sequence('assets', 'sequence'), ${N})`.execute(db);
    await sql`CREATE INDEX asset_search_document_idx ON asset_search USING gin (document)`.execute(db);
    await sql`VACUUM ANALYZE`.execute(db);
  } else {
    await sql`ANALYZE`.execute(db);
    await sql`INSERT INTO asset_search_fts(asset_search_fts) VALUES ('optimize')`.execute(db);
  }
  return df;
}

const pct = (sortedMs: number[], p: number): number => sortedMs[Math.min(sortedMs.length - 1, Math.floor((p / 100) * sortedMs.length))] ?? NaN;

async function measure(label: string, fn: () => Promise<number>): Promise<{ label: string; p50: number; p95: number; p99: number; rows: number }> {
  let rows = 0;
  for (let i = 0; i < 5; i++) {
    rows = await fn();
  }
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    rows = await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { label, p50: pct(times, 50), p95: pct(times, 95), p99: pct(times, 99), rows };
}

async function benchDatabase(kind: string, pgUrl: string | undefined): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'atelier-bench-search-'));
  try {
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', TOKEN_SECRET: 'bench-secret-bench-secret-bench-secret-01', ...(kind === 'postgres' && pgUrl ? { DATABASE_URL: pgUrl } : {}) });
    const deps = createDeps(config, { log: createLogger('silent') });
    await migrateToLatest(deps.db);
    const boot = await bootstrap(deps, 'Bench');
    const ctx: Ctx = { ...deps, actor: { userId: boot.user_id, apiKeyId: null, accountId: boot.account_id, accountRole: 'owner', workspaceId: boot.workspace_id, workspaceRole: 'admin' } };
    const t0 = performance.now();
    const df = await load(deps, boot.workspace_id, boot.user_id);
    const genSeconds = (performance.now() - t0) / 1000;
    // A rare word: the document frequency closest to 0.05% of the assets.
    const target = N * 0.0005;
    let rare = 'zz';
    let best = Infinity;
    for (const w of WORDS) {
      const f = df.get(w) ?? 0;
      if (f > 0 && Math.abs(f - target) < best) {
        best = Math.abs(f - target);
        rare = w;
      }
    }
    const commonTag = '10000000-0000-4000-8000-000000000000';
    const req = (r: Partial<SearchRequest>): SearchRequest => ({ filters: {}, locate: (f) => ({ in: 'query', pointer: `/${f}` }), ...r });
    const results = [
      await measure(`(a) "${rare}" (df ${df.get(rare)}) + type=image + tag, ids`, async () => (await searchAssetIds(ctx, req({ filters: { query: rare, types: ['image'], tags: [commonTag] } }))).items.length),
      await measure('(a) same, full assets (searchAssets)', async () => (await searchAssets(ctx, req({ filters: { query: rare, types: ['image'], tags: [commonTag] } }))).items.length),
      await measure(`(b) "png" (df ${df.get('png')}), relevance, ids`, async () => (await searchAssetIds(ctx, req({ filters: { query: 'png' } }))).items.length),
      await measure(`(b') "png", newest first, ids`, async () => (await searchAssetIds(ctx, req({ filters: { query: 'png' }, sort: 'created_at' }))).items.length),
      await measure('(c) no term, type=video, newest first, ids', async () => (await searchAssetIds(ctx, req({ filters: { types: ['video'] } }))).items.length),
    ];
    console.log(`\n${kind}: ${N.toLocaleString('en')} assets, generated + indexed in ${genSeconds.toFixed(1)} s; ${RUNS} runs per query`);
    console.log('| query | rows | p50 ms | p95 ms | p99 ms |');
    console.log('| --- | ---: | ---: | ---: | ---: |');
    for (const r of results) {
      console.log(`| ${r.label} | ${r.rows} | ${r.p50.toFixed(2)} | ${r.p95.toFixed(2)} | ${r.p99.toFixed(2)} |`);
    }
    await deps.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

let pgServer: { url: string; stop: () => void } | undefined;
try {
  for (const kind of DATABASES) {
    let url: string | undefined;
    if (kind === 'postgres') {
      if (process.env.TEST_PG_URL) {
        url = process.env.TEST_PG_URL;
      } else {
        pgServer = await startPostgres();
        url = pgServer.url;
      }
    }
    await benchDatabase(kind, url);
  }
} finally {
  pgServer?.stop();
}
