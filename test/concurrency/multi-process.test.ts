import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { loadConfig } from '../../src/config/config.js';
import { createDatabase } from '../../src/db/database.js';
import { insertAccountMember, insertWorkspaceMember } from '../../src/domain/accounts/accounts.service.js';
import { createUser } from '../../src/domain/users/users.service.js';
import { systemClock } from '../../src/lib/clock.js';
import { DATABASES } from '../harness/databases.js';
import { pngImage } from '../harness/multipart.js';
import { startS3Server, type S3TestServer } from '../harness/s3-server.js';
import { CliEnv, ROOT, ServerProcess, freePort } from '../cli/cli-harness.js';

/*
 * Two API processes (`serve --no-workers`) and two workers (`worker`) on one PostgreSQL database and one
 * S3-compatible store, with the same TOKEN_SECRET, as docs/deployment.md describes. Many clients write to the same few
 * assets through both API processes at once: tags (first uses of the same new names included), comments, locks,
 * statuses and new versions. Two users share the workspace, so locks really contend: a lock the other user holds
 * answers 423, and so does their new version. Nothing may answer 5xx, no row may be duplicated, every job must
 * settle, and every 423 must name the other user.
 *
 * PostgreSQL only: contention between processes is what the suite is about, and on SQLite writers are serialised by
 * the database file itself (one writer at a time), which the single-process tests already cover.
 */

const BIN = join(ROOT, 'bin/atelier.js');
const CLIENTS = 16;
const OPS_PER_CLIENT = 22;
const SAME_PATH_UPLOADS = 8;

/** A small deterministic PRNG, so a failing run can be replayed with the same sequence of operations. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Outcome {
  op: string;
  server: number;
  user: number;
  status: number;
  body: string;
}

const skip = DATABASES.includes('postgres') ? false : 'PostgreSQL only (DATABASES excludes postgres): SQLite serialises writers in one file';

describe('contended writes across 2 API processes and 2 workers [postgres]', { skip }, () => {
  const cli = new CliEnv('postgres');
  let s3: S3TestServer;
  const apis: ServerProcess[] = [];
  const workers: ServerProcess[] = [];
  let db: pg.Client;
  let headers: Record<string, string>;
  /** The same workspace, as a second user (an editor). */
  let headers2: Record<string, string>;
  let secondUserId = '';

  before(async () => {
    s3 = await startS3Server();
    await cli.start({ env: { TOKEN_SECRET: randomBytes(32).toString('hex'), LOG_LEVEL: 'warn', JOB_POLL_INTERVAL_MS: '200', ...s3.env } });
    const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...cli.env };
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const child = spawn(process.execPath, [BIN, 'serve', '--no-workers'], { cwd: ROOT, env: { ...base, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      apis.push(new ServerProcess(child, `http://127.0.0.1:${port}`));
    }
    for (let i = 0; i < 2; i++) {
      workers.push(new ServerProcess(spawn(process.execPath, [BIN, 'worker'], { cwd: ROOT, env: base, stdio: ['ignore', 'pipe', 'pipe'] }), ''));
    }
    await Promise.all(apis.map((a) => a.waitHealthy()));
    const tenant = await cli.json<{ account_id: string; workspace_id: string; key: string; secret: string }>(['bootstrap', '--json', '--account', 'Contention Studio']);
    const token = await apis[1]!.req<{ token: string }>('POST', '/auth/token', { json: { account_id: tenant.account_id, key: tenant.key, secret: tenant.secret } });
    assert.equal(token.status, 200);
    headers = { authorization: `Bearer ${token.body.token}`, 'x-account-id': tenant.account_id, 'x-workspace-id': tenant.workspace_id };
    // A second member, made the way an accepted invite makes one, with a key of their own.
    const app = createDatabase(loadConfig(cli.env));
    try {
      const deps = { db: app.db, clock: systemClock };
      const second = await createUser(deps, { email: 'second@example.test' });
      await insertAccountMember(deps, { accountId: tenant.account_id, userId: second.id, role: 'member' });
      await insertWorkspaceMember(deps, { workspaceId: tenant.workspace_id, userId: second.id, role: 'editor' });
    } finally {
      await app.close();
    }
    const key2 = await cli.json<{ key: string; secret: string; user_id: string }>(['keys', 'create', '--account', tenant.account_id, '--user', 'second@example.test']);
    const token2 = await apis[0]!.req<{ token: string }>('POST', '/auth/token', { json: { account_id: tenant.account_id, key: key2.key, secret: key2.secret } });
    assert.equal(token2.status, 200);
    headers2 = { ...headers, authorization: `Bearer ${token2.body.token}` };
    secondUserId = key2.user_id;
    db = new pg.Client({ connectionString: cli.env.DATABASE_URL });
    await db.connect();
  });

  after(async () => {
    await db?.end();
    await Promise.all([...apis, ...workers].map((p) => p.kill()));
    await cli.stop();
    await s3?.stop();
  });

  test('zero 5xx, one asset per path, one tag per name, contiguous version numbers, every job settled', { timeout: 150_000 }, async () => {
    const outcomes: Outcome[] = [];
    /** One request to API process `server`; the outcome is recorded, never thrown. */
    async function call(op: string, server: number, method: string, path: string, body?: { json?: unknown; bytes?: Buffer }, user = 0): Promise<{ status: number; json: any }> {
      const res = await fetch(`${apis[server]!.url}${path}`, {
        method,
        headers: {
          ...(user === 0 ? headers : headers2),
          ...(body?.json !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(body?.bytes ? { 'content-type': 'application/octet-stream' } : {}),
        },
        ...(body?.json !== undefined ? { body: JSON.stringify(body.json) } : {}),
        ...(body?.bytes ? { body: new Uint8Array(body.bytes) } : {}),
      });
      const text = await res.text();
      // Whole error bodies (they are parsed below); a success body is cut, it is only printed.
      outcomes.push({ op, server, user, status: res.status, body: res.status >= 300 ? text : text.slice(0, 300) });
      return { status: res.status, json: text ? JSON.parse(text) : undefined };
    }
    const started = Date.now();

    // First uploads of one path from 8 clients at once, through both processes: one asset, 8 versions.
    const images = await Promise.all(Array.from({ length: 64 }, (_, i) => pngImage(8 + (i % 8), 8 + (i >> 3), `#${(0x102030 + i * 0x030507).toString(16).slice(-6)}`)));
    const firsts = await Promise.all(
      Array.from({ length: SAME_PATH_UPLOADS }, (_, i) =>
        call('upload same path', i % 2, 'POST', '/workspaces/assets?file_name=same.png&file_location=/contended/', { bytes: images[i]! }),
      ),
    );
    assert.deepEqual(firsts.map((r) => r.status).filter((s) => s !== 200 && s !== 201), [], JSON.stringify(outcomes));
    const sameId = firsts[0]!.json.id as string;
    assert.ok(firsts.every((r) => r.json.id === sameId), 'every first upload of one path landed on one asset');

    const assetIds = [sameId];
    for (let i = 0; i < 3; i++) {
      const r = await call('upload', i % 2, 'POST', `/workspaces/assets?file_name=asset-${i}.png&file_location=/contended/`, { bytes: images[10 + i]! });
      assert.equal(r.status, 201, JSON.stringify(r.json));
      assetIds.push(r.json.id as string);
    }
    const statuses: string[] = [];
    for (const name of ['Draft', 'Approved']) {
      const r = await call('create status', 0, 'POST', '/workspaces/assetStatuses', { json: { name: `${name} ${randomBytes(3).toString('hex')}` } });
      assert.ok(r.status === 200 || r.status === 201, JSON.stringify(r.json));
      statuses.push(r.json.id as string);
    }

    // The contended phase: every client picks operations on the same 4 assets; tag names are shared per round, so
    // several clients create the same new name at the same moment on different processes.
    const tagIdsByAsset = new Map<string, Set<string>>(assetIds.map((id) => [id, new Set<string>()]));
    let versionsPosted = 0;
    let commentsPosted = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        const rnd = prng(1000 + client);
        // Odd clients act as the second user.
        const user = client % 2;
        for (let n = 0; n < OPS_PER_CLIENT; n++) {
          const server = (client + n) % 2;
          const asset = assetIds[Math.floor(rnd() * assetIds.length)]!;
          const roll = rnd();
          if (roll < 0.3) {
            const names = [`round-${Math.floor(n / 4)}`, `shared-${Math.floor(rnd() * 4)}`];
            const r = await call('add tags', server, 'POST', `/workspaces/assets/${asset}/tags`, { json: { names } }, user);
            for (const tag of Array.isArray(r.json) ? r.json : (r.json?.tags ?? [])) {
              tagIdsByAsset.get(asset)!.add(tag.id as string);
            }
          } else if (roll < 0.45) {
            const known = [...tagIdsByAsset.get(asset)!];
            if (known.length > 0) {
              await call('remove tag', server, 'DELETE', `/workspaces/assets/${asset}/tags/${known[Math.floor(rnd() * known.length)]}`, undefined, user);
            }
          } else if (roll < 0.65) {
            const r = await call('comment', server, 'POST', `/workspaces/assets/${asset}/comments`, { json: { content: `client ${client} op ${n}` } }, user);
            commentsPosted += r.status === 201 || r.status === 200 ? 1 : 0;
          } else if (roll < 0.75) {
            const lock = rnd() < 0.5;
            await call(lock ? 'lock' : 'unlock', server, lock ? 'POST' : 'DELETE', `/workspaces/assets/${asset}/lock`, undefined, user);
          } else if (roll < 0.85) {
            await call('set status', server, 'POST', `/workspaces/assets/${asset}/status`, { json: { status_id: statuses[Math.floor(rnd() * 2)] } }, user);
          } else {
            const r = await call('new version', server, 'POST', `/workspaces/assets/${asset}/versions?file_name=v.png`, { bytes: images[16 + Math.floor(rnd() * 48)]! }, user);
            versionsPosted += r.status === 201 ? 1 : 0;
          }
        }
      }),
    );
    const took = Date.now() - started;

    const byOp = new Map<string, number>();
    for (const o of outcomes) {
      byOp.set(`${o.op} ${o.status}`, (byOp.get(`${o.op} ${o.status}`) ?? 0) + 1);
    }
    const summary = [...byOp].sort().map(([k, v]) => `${k}: ${v}`).join(', ');
    process.stderr.write(`multi-process: ${outcomes.length} requests in ${took} ms (${summary})\n`);
    assert.ok(outcomes.length >= 300, `${outcomes.length} requests`);
    // A 5xx names its cause: the API processes' log lines that carry its request id.
    const failures = outcomes.filter((o) => o.status >= 500);
    const logged = failures.map((o) => {
      const id = (JSON.parse(o.body) as { request_id?: string }).request_id ?? '';
      const log = `${apis[o.server]!.stdout}${apis[o.server]!.stderr}`;
      return log.split('\n').filter((l) => id !== '' && l.includes(id)).join('\n');
    });
    assert.deepEqual(failures, [], `${summary}\n${logged.join('\n')}`);
    // Every answer is one a single client would get too: 2xx, or (removing a tag another client removed first) a
    // 404, or 423 where the other user holds the lock; never a uniqueness conflict.
    const lockedOut = (o: Outcome) => o.status === 423 && ['lock', 'unlock', 'new version'].includes(o.op);
    const unexpected = outcomes.filter((o) => o.status >= 300 && !(o.status === 404 && o.op === 'remove tag') && !lockedOut(o));
    assert.deepEqual(unexpected, [], summary);
    const refusals = outcomes.filter(lockedOut);
    assert.ok(refusals.some((o) => o.op === 'lock') && refusals.some((o) => o.op === 'new version'), `locks contended: ${summary}`);
    for (const o of refusals) {
      const error = (JSON.parse(o.body) as { error: { code: string; details?: { locked_by_user_id?: string } } }).error;
      assert.equal(error.code, 'asset_locked', o.body);
      // The holder named is the other user, never the caller.
      assert.equal(error.details?.locked_by_user_id === secondUserId, o.user === 0, o.body);
    }
    assert.ok(outcomes.some((o) => o.op === 'add tags' && o.status === 200), summary);
    assert.ok(versionsPosted > 0 && commentsPosted > 0, summary);

    // No duplicate rows.
    const dupAssets = await db.query(`select file_location, file_name, count(*)::int as n from assets where is_active = 1 group by 1, 2 having count(*) > 1`);
    assert.deepEqual(dupAssets.rows, []);
    const assets = await db.query(`select count(*)::int as n from assets`);
    assert.equal(assets.rows[0].n, 4);
    const dupTags = await db.query(`select name_key, count(*)::int as n from tags group by 1 having count(*) > 1`);
    assert.deepEqual(dupTags.rows, []);
    const tagNames = await db.query<{ name: string }>(`select name from tags order by name`);
    assert.ok(tagNames.rows.some((t) => t.name === 'round-0') && tagNames.rows.some((t) => t.name === 'shared-0'), JSON.stringify(tagNames.rows));
    const versions = await db.query<{ asset_id: string; n: number; lo: number; hi: number; distinct_n: number }>(
      `select asset_id, count(*)::int as n, min(version_number)::int as lo, max(version_number)::int as hi, count(distinct version_number)::int as distinct_n
         from asset_versions group by asset_id`,
    );
    for (const v of versions.rows) {
      assert.deepEqual({ lo: v.lo, hi: v.hi, distinct: v.distinct_n }, { lo: 1, hi: v.n, distinct: v.n }, `versions of ${v.asset_id}`);
    }
    const totalVersions = versions.rows.reduce((s, v) => s + v.n, 0);
    assert.equal(totalVersions, SAME_PATH_UPLOADS + 3 + versionsPosted);
    const comments = await db.query(`select count(*)::int as n from comments`);
    assert.equal(comments.rows[0].n, commentsPosted);
    // Each asset's tags as the API reads them are the rows in the database.
    for (const id of assetIds) {
      const r = await call('read tags', 0, 'GET', `/workspaces/assets/${id}/tags`);
      const rows = await db.query<{ tag_id: string }>(`select tag_id from asset_tags where asset_id = $1 order by tag_id`, [id]);
      const listed = ((Array.isArray(r.json) ? r.json : r.json.data) as Array<{ id: string }>).map((t) => t.id).sort();
      assert.deepEqual(listed, rows.rows.map((row) => row.tag_id));
    }

    // Every job the writes queued settles (completed; nothing dead, nothing left running), and no derivative waits.
    const deadline = Date.now() + 60_000;
    let open = -1;
    while (Date.now() < deadline) {
      const r = await db.query(`select count(*)::int as n from jobs where state in ('available', 'running') and run_at <= $1`, [new Date(Date.now() + 1000).toISOString()]);
      open = r.rows[0].n as number;
      if (open === 0) {
        break;
      }
      await new Promise((res) => setTimeout(res, 250));
    }
    const jobs = await db.query<{ name: string; state: string; n: number }>(`select name, state, count(*)::int as n from jobs group by 1, 2 order by 1, 2`);
    assert.equal(open, 0, JSON.stringify(jobs.rows));
    assert.deepEqual(jobs.rows.filter((j) => j.state === 'dead'), [], JSON.stringify(jobs.rows));
    assert.ok(jobs.rows.some((j) => j.state === 'completed'), JSON.stringify(jobs.rows));
    const pending = await db.query(`select count(*)::int as n from derivatives where state = 'pending'`);
    assert.equal(pending.rows[0].n, 0);
    for (const p of [...apis, ...workers]) {
      assert.equal(p.child.exitCode, null, `a process exited: ${p.stderr}`);
    }
  });
});
