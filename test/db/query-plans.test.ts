import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { createDatabase, type Database } from '../../src/db/database.js';
import type { DB } from '../../src/db/schema.js';
import { TestApp } from '../harness/app.js';
import type { Tenant } from '../harness/factories.js';

/*
 * SQLite's planner on a workspace that grew: without statistics it took the (workspace_id, …) indexes for
 * `workspace_id = ? AND id IN (…)` and walked the whole workspace (bench/web: 0.4 s per page of search results at
 * 100,000 assets). createDatabase runs `PRAGMA optimize` when it opens (and every two hours), and asset versions have
 * a (workspace_id, asset_id) index. SQLite only: PostgreSQL keeps its statistics itself (autovacuum's ANALYZE).
 */

const ROWS = 3000;
const pad = (n: number) => String(n).padStart(12, '0');

async function plan(db: Kysely<DB>, query: ReturnType<typeof sql>): Promise<string> {
  const rows = await sql<{ detail: string }>`explain query plan ${query}`.execute(db);
  return rows.rows.map((r) => r.detail).join(' | ');
}

describe('SQLite query plans on a grown workspace', () => {
  const t = new TestApp('sqlite');
  let ten: Tenant;
  let reopened: Database | undefined;

  before(async () => {
    await t.start();
    ten = await t.factory.tenant();
    const now = new Date().toISOString();
    for (let from = 0; from < ROWS; from += 500) {
      const n = Array.from({ length: 500 }, (_, k) => from + k);
      await t.deps.db
        .insertInto('assets')
        .values(n.map((i) => ({ id: `00000000-0000-4000-8000-${pad(i)}`, workspace_id: ten.workspaceId, name: `a${i}.png`, file_name: `a${i}.png`, asset_type_id: 'image', status_id: null, current_version_id: null, created_by_user_id: ten.userId, locked_by_user_id: null, deleted_at: null, deleted_by_user_id: null, created_at: now, updated_at: now })))
        .execute();
      await t.deps.db
        .insertInto('asset_versions')
        .values(n.map((i) => ({ id: `00000000-0000-4000-9000-${pad(i)}`, asset_id: `00000000-0000-4000-8000-${pad(i)}`, workspace_id: ten.workspaceId, version_number: 1, commit_parent_id: null, name: `a${i}.png`, blob_key: `k${i}`, size: i, checksum: 'x', content_type: 'image/png', original_file_name: `a${i}.png`, thumbnail_blob_key: null, created_by_user_id: ten.userId, created_at: now, deleted_at: null })))
        .execute();
    }
    if (t.config.database.kind !== 'sqlite') {
      throw new Error('SQLite only');
    }
    // A server (re)started on this database: what it opens with.
    reopened = createDatabase({ database: t.config.database });
  });

  after(async () => {
    try {
      await reopened?.close();
    } finally {
      await t.stop();
    }
  });

  test('opening the database gathers statistics for the tables that grew', async () => {
    const stats = await sql<{ tbl: string }>`select distinct tbl from sqlite_stat1`.execute(reopened!.db);
    const tables = stats.rows.map((r) => r.tbl);
    assert.ok(tables.includes('assets'), tables.join(', '));
    assert.ok(tables.includes('asset_versions'), tables.join(', '));
  });

  test('assets by id within a workspace are looked up by primary key, not by walking the workspace', async () => {
    const ids = [1, 2, 3].map((i) => `00000000-0000-4000-8000-${pad(i)}`);
    const detail = await plan(reopened!.db, sql`select * from assets where workspace_id = ${ten.workspaceId} and id in (${sql.join(ids)})`);
    assert.match(detail, /sqlite_autoindex_assets_1 \(id=\?\)/);
  });

  test('versions of a page of assets use the (workspace_id, asset_id) index', async () => {
    const ids = [1, 2, 3].map((i) => `00000000-0000-4000-8000-${pad(i)}`);
    const detail = await plan(reopened!.db, sql`select * from asset_versions where workspace_id = ${ten.workspaceId} and asset_id in (${sql.join(ids)}) and deleted_at is null`);
    assert.match(detail, /asset_versions_workspace_asset_idx \(workspace_id=\? AND asset_id=\?\)/);
  });

  test('the folder tree\'s counts of live assets per folder read the covering (workspace_id, is_active, file_location) index only', async () => {
    const detail = await plan(reopened!.db, sql`select f.id, c.n from folders as f left join (select file_location, count(*) as n from assets where workspace_id = ${ten.workspaceId} and is_active = 1 group by file_location) as c on c.file_location = f.path where f.workspace_id = ${ten.workspaceId} order by f.path`);
    assert.match(detail, /COVERING INDEX assets_workspace_active_location_idx/);
  });

  test('the storage figure of usage reads the covering (workspace_id, blob_key, size) index only', async () => {
    const detail = await plan(reopened!.db, sql`select sum(size) from (select distinct blob_key, size from asset_versions where workspace_id = ${ten.workspaceId})`);
    assert.match(detail, /COVERING INDEX asset_versions_workspace_blob_size_idx/);
  });
});
