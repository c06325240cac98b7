import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { InjectOptions } from 'fastify';
import { describeEachDatabase, type TestApp } from '../harness/app.js';
import type { Tenant } from '../harness/factories.js';
import { videoWithCuts, uploadTo } from './medialoopster/media-fixtures.js';
import { productionId, upload, wav } from './medialoopster/project-assets-fixtures.js';
import { populateTenant } from './tenant-matrix-fixtures.js';
import { assetInFolder, createApproval, keyOf, seq } from './workstream/approvals-fixtures.js';
import { bearer } from './workstream/fixtures.js';
import { createForm } from './workstream/forms-fixtures.js';
import { coreProject } from './workstream/projects-fixtures.js';

/*
 * The tenant matrix for the integer-id surfaces (/workstream/ and /api/, docs/integer-ids.md), which the UUID matrix
 * (tenant-matrix.test.ts) cannot probe. Every operation of /openapi.json under them with a path id is called by tenant
 * B with tenant A's ids (integer `sequence`s, approval keys) in one slot at a time, B's own ids in the others. B must
 * get exactly the answer it gets for an id that exists nowhere (same status, same body once the id is masked), never a
 * 2xx; no answer to B (lists included) may hold A's marker name, A's keys or A's UUIDs; and no write may change A's rows.
 * Slots are matched to tables by the route's segment (or the slot's own name), so a new route of a known kind is
 * covered the day it is added; a new kind of slot fails the test until it is named in SLOT_TABLES.
 */

type Doc = { paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string }>; security?: unknown[] }>> };
type Tables = 'tasks' | 'folders' | 'projects' | 'forms' | 'workspaces' | 'devices' | 'assets' | 'custom_metadata_fields' | 'project_assets' | 'import_logs' | 'approval_responses' | 'shots';

/** The slot's key (the segment before it, or the slot's own name) → the tables whose `sequence` it holds. */
const SLOT_TABLES: Record<string, Tables[]> = {
  tasks: ['tasks'],
  folders: ['folders'],
  projects: ['projects'],
  forms: ['forms'],
  productions: ['workspaces'],
  devices: ['devices'],
  audioassets: ['assets'],
  imageassets: ['assets'],
  videoassets: ['assets'],
  custommetadata: ['custom_metadata_fields'],
  projectassets: ['project_assets'],
  importlogs: ['import_logs'],
  assetId: ['assets'],
  approvalResponseId: ['approval_responses'],
  shot: ['shots'],
};
/** Slots that are not ids: a file name under a media asset. */
const NOT_IDS = new Set(['file']);
const UNKNOWN_SEQUENCE = '2147483000';
/** Where medialoopster imports may read from (IMPORT_ROOTS). */
const IMPORTS = mkdtempSync(join(tmpdir(), 'atelier-matrix-import-'));

interface Ids {
  /** Slot key → this tenant's values for it. */
  bySlot: Record<string, string[]>;
  keys: string[];
  marker: string;
}

/** Everything populateTenant makes, plus a row of each kind the integer surfaces address, named with a marker. */
async function populate(t: TestApp, ten: Tenant): Promise<Ids> {
  await populateTenant(t, ten);
  const marker = `marker${randomBytes(4).toString('hex')}`;
  const approver = await t.factory.member(ten, { workspace: 'editor' });
  const asset = await assetInFolder(t, ten, `${marker}.png`, `/${marker}/`);
  const approval = await createApproval(t, ten, asset, { approvers: [await seq(t, 'users', approver.userId)], comments: marker });
  const approverKey = await keyOf(t, approver, await seq(t, 'approvals', (await t.deps.db.selectFrom('approvals').select('id').where('workspace_id', '=', ten.workspaceId).orderBy('sequence', 'desc').executeTakeFirstOrThrow()).id));
  const project = await coreProject(t, ten, { name: `${marker} project` });
  const linked = await t.req('POST', `/workstream/projects/${project.sequence}/assets/${asset.seq}`, { headers: bearer(ten) });
  assert.ok(linked.status < 300, linked.text);
  await createForm(t, ten, { name: `${marker} form`, fields: [{ type: 22, question: marker }] });
  const task = await t.deps.db.selectFrom('tasks').select('sequence').where('workspace_id', '=', ten.workspaceId).executeTakeFirstOrThrow();
  const taskAsset = await t.req('POST', `/workstream/tasks/${Number(task.sequence)}/assets/${asset.seq}`, { headers: bearer(ten) });
  assert.ok(taskAsset.status < 300, taskAsset.text);
  // medialoopster: a video cut into shots on a device with shot detection, and an NLE project bundle.
  const dev = await t.req('POST', '/workspaces/devices', { headers: ten.headers, json: { name: 'Rushes', path: `/rushes-${marker}/`, autoshot_detection: true } });
  assert.equal(dev.status, 201, dev.text);
  await uploadTo(t, ten, await videoWithCuts(), `/rushes-${marker}/`, `${marker}.mp4`);
  const root = `/bundles/${marker}/`;
  await upload(t, ten, root, 'edit.prproj', '<?xml version="1.0"?><PremiereData/>');
  const bundle = await t.req('POST', '/api/projectassets/', {
    headers: { authorization: `Token ${ten.token}` },
    json: { name: `${marker} bundle`, bundle_root: root, production_id: await productionId(t, ten.workspaceId), path_file: `${root}edit.prproj` },
  });
  assert.equal(bundle.status, 201, bundle.text);
  const source = join(IMPORTS, `${marker}.wav`);
  writeFileSync(source, wav(440));
  const imported = await t.req('POST', '/api/asset/import/', {
    headers: { authorization: `Token ${ten.token}` },
    json: { type: 'audio', production: await productionId(t, ten.workspaceId), move_asset: false, asset: { asset_meta: { name: marker, approval: 0, path_file: source, meta_field_store: {} } } },
  });
  assert.equal(imported.status, 202, imported.text);
  await t.jobs.runUntilIdle({ allowFailures: true });

  const bySlot: Record<string, string[]> = {};
  for (const [slot, tables] of Object.entries(SLOT_TABLES)) {
    const values: string[] = [];
    for (const table of tables) {
      const scoped =
        table === 'workspaces'
          ? t.deps.db.selectFrom('workspaces').select('sequence').where('id', '=', ten.workspaceId)
          : table === 'custom_metadata_fields' || table === 'project_assets'
            ? t.deps.db.selectFrom(table).select('sequence').where('account_id', '=', ten.accountId)
            : t.deps.db.selectFrom(table).select('sequence').where('workspace_id', '=', ten.workspaceId);
      const rows = (await (scoped as typeof scoped & { orderBy: (c: 'sequence') => typeof scoped }).orderBy('sequence').execute()) as Array<{ sequence: number | string }>;
      values.push(...rows.map((r) => String(r.sequence)));
    }
    bySlot[slot] = values;
  }
  return { bySlot, keys: [approval.key, approverKey], marker };
}

/** Rows of every table that name the tenant's workspace or account, for "nothing changed" checks. */
async function ownRows(t: TestApp, ten: Tenant): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const tb of await t.deps.db.introspection.getTables()) {
    const cols = new Set(tb.columns.map((c) => c.name));
    if (!cols.has('workspace_id') && !cols.has('account_id')) {
      continue;
    }
    let q = t.deps.db.selectFrom(tb.name as 'assets').selectAll();
    q = cols.has('workspace_id') ? q.where('workspace_id', '=', ten.workspaceId) : q.where('account_id' as 'workspace_id', '=', ten.accountId);
    const rows = (await q.execute()).map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? String(v) : v)));
    out[tb.name] = rows.sort().join('\n');
  }
  return out;
}

const slotKey = (path: string, name: string): string => {
  if (SLOT_TABLES[name]) {
    return name;
  }
  const parts = path.split('/');
  const at = parts.indexOf(`{${name}}`);
  return parts[at - 1] ?? name;
};

describeEachDatabase('tenant matrix, integer-id surfaces: /workstream/ and /api/ with another tenant\'s ids', (t) => {
  test('B gets for A\'s ids exactly what it gets for unknown ids, never A\'s data, and changes none of A\'s rows', async (ctx) => {
    const doc = (await t.req('GET', '/openapi.json')).body as Doc;
    const a = await t.factory.tenant();
    const b = await t.factory.tenant();
    const aIds = await populate(t, a);
    const bIds = await populate(t, b);
    for (const slot of Object.keys(SLOT_TABLES)) {
      assert.ok(aIds.bySlot[slot]!.length > 0, `A has no rows for slot ${slot}`);
    }
    const secrets = [aIds.marker, ...aIds.keys, a.accountId, a.workspaceId];
    let before = await ownRows(t, a);

    const problems: string[] = [];
    let operations = 0;
    let requests = 0;
    const send = async (method: string, url: string) => {
      requests += 1;
      const auth = url.startsWith('/api/') ? `Token ${b.token}` : `Bearer ${b.token}`;
      const body = ['POST', 'PUT', 'PATCH'].includes(method) ? '{}' : undefined;
      const res = await t.app.inject({
        method: method as InjectOptions['method'],
        url,
        headers: { authorization: auth, ...(body ? { 'content-type': 'application/json' } : {}) },
        payload: body,
      });
      return { status: res.statusCode, body: res.body };
    };
    for (const [path, item] of Object.entries(doc.paths)) {
      if (!path.startsWith('/workstream/') && !path.startsWith('/api/')) {
        continue;
      }
      for (const [m, op] of Object.entries(item)) {
        const method = m.toUpperCase();
        if (!['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(method) || (Array.isArray(op.security) && op.security.length === 0)) {
          continue;
        }
        operations += 1;
        const slots = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
        const fill = (target: string | undefined, value: string) =>
          slots.reduce((url, s) => {
            const v = NOT_IDS.has(s) ? 'file.bin' : s === target ? value : s === 'key' ? bIds.keys[0]! : bIds.bySlot[slotKey(path, s)]?.[0] ?? UNKNOWN_SEQUENCE;
            return url.replace(`{${s}}`, encodeURIComponent(v));
          }, path);
        const calls: Array<{ label: string; url: string; control?: string; value?: string }> = [];
        if (slots.length === 0 && method === 'GET') {
          calls.push({ label: 'list', url: path });
        }
        for (const s of slots.filter((x) => !NOT_IDS.has(x))) {
          const key = slotKey(path, s);
          if (s !== 'key' && !SLOT_TABLES[key]) {
            problems.push(`${method} ${path}: slot {${s}} (${key}) is not in SLOT_TABLES`);
            continue;
          }
          const unknown = s === 'key' ? `apv_${randomBytes(16).toString('hex')}` : UNKNOWN_SEQUENCE;
          for (const value of (s === 'key' ? aIds.keys : aIds.bySlot[key]!).slice(0, 3)) {
            calls.push({ label: `{${s}}=A ${value}`, url: fill(s, value), control: fill(s, unknown), value });
          }
        }
        for (const c of calls) {
          const res = await send(method, c.url);
          const leaked = secrets.find((x) => res.body.includes(x));
          if (leaked) {
            problems.push(`${method} ${path} [${c.label}]: the answer holds A's ${leaked === aIds.marker ? 'marked names' : leaked}`);
            continue;
          }
          if (!c.control) {
            continue;
          }
          const control = await send(method, c.control);
          // The id itself and the request's own id are the only parts that may differ.
          const mask = (text: string, v: string) => text.split(v).join('<id>').replace(/"request_id":"[^"]*"/g, '');
          const unknownValue = decodeURIComponent(c.control.split('/').find((p, i) => p !== c.url.split('/')[i]) ?? '');
          if (res.status < 400 || res.status !== control.status || mask(res.body, c.value!) !== mask(control.body, unknownValue)) {
            problems.push(`${method} ${path} [${c.label}]: ${res.status} ${res.body.slice(0, 160)} (an unknown id: ${control.status} ${control.body.slice(0, 120)})`);
          }
        }
        if (method !== 'GET') {
          const now = await ownRows(t, a);
          for (const table of Object.keys(now)) {
            if (now[table] !== before[table]) {
              problems.push(`${method} ${path}: changed A's ${table} rows`);
            }
          }
          before = now;
        }
      }
    }
    ctx.diagnostic(`integer tenant matrix: ${operations} operations, ${requests} requests`);
    assert.deepEqual(problems, []);
    assert.ok(operations > 80, `${operations} operations`);
  });
}, { WEBHOOK_ALLOW_PRIVATE: 'true', IMPORT_ROOTS: IMPORTS });
