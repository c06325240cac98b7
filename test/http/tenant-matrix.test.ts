import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { InjectOptions } from 'fastify';
import { describeEachDatabase, type TestApp } from '../harness/app.js';
import type { Tenant } from '../harness/factories.js';
import { multipart, PNG_1x1 } from './mudstack/assets-fixtures.js';
import { populateTenant } from './tenant-matrix-fixtures.js';

/*
 * The tenant matrix: every operation of /openapi.json, called by tenant B's owner with tenant A's ids in every id slot
 * (path, query and body fields named `id`, `ids`, `*_id`, `*_ids`) and with A's account or workspace in the tenancy
 * headers. Each must answer 404 (403 for the headers), never 2xx with A's data, and leave A's rows as they were. It
 * reads the routes from the document, so a new route is covered the day it is added. Public operations (`security:
 * []`) have no caller to cross tenants with, and an operation with neither an id slot nor a tenancy header has nothing
 * to substitute: both are skipped by that rule, not by a list.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = { [key: string]: any };
interface Parameter {
  in: string;
  name: string;
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  parameters?: Parameter[];
  security?: unknown[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
interface Doc {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

/**
 * Fields a body needs that its schema does not require (the handler checks them), keyed by path; `id(name)` is the
 * id the call puts in slots of that name.
 */
const JSON_FALLBACK: Record<string, (id: (name: string) => string | undefined) => Record<string, Json>> = {
  '/workspaces/assets/{asset_id}/rename': () => ({ name: 'renamed.png' }),
  '/workspaces/folders': () => ({ name: 'Elsewhere' }),
  '/workspaces/members/{user_id}': () => ({ roles: ['viewer'] }),
  '/workspaces/webhooks/{webhook_id}': () => ({ url: 'http://127.0.0.1:9/y' }),
  '/workspaces/assets/{asset_id}/comments': () => ({ content: 'From B' }),
  '/workspaces/assets/{asset_id}/reviews': () => ({ content: 'From B' }),
  '/workspaces/assets/{asset_id}/tags': () => ({ names: ['From B'] }),
  '/workspaces/assets/{asset_id}/reviewRequests': (id) => ({ user_ids: [id('user_ids') ?? ''] }),
  '/workspaces/assets/{asset_id}/sequences/{sequence_id}': () => ({ name: 'From B' }),
};

/** Bodies the document cannot describe (uploads whose bytes are read by the handler), keyed by path. */
const UPLOAD_BODY = (): { payload: Buffer; headers: Record<string, string> } =>
  multipart({}, { name: 'other.png', data: Buffer.concat([PNG_1x1, Buffer.from(String(Math.random()))]), type: 'image/png' });
const BODY_FALLBACK: Record<string, () => { payload: Buffer; headers: Record<string, string> }> = {
  '/workspaces/assets/tus/{upload_id}': () => ({
    payload: Buffer.from('0123456789'),
    headers: { 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' },
  }),
  '/workspaces/assets': UPLOAD_BODY,
  '/workspaces/assets/{asset_id}/versions': UPLOAD_BODY,
  '/workspaces/assets/{asset_id}/attachments': UPLOAD_BODY,
  '/workspaces/assets/{asset_id}/versions/{version_id}/thumbnail': UPLOAD_BODY,
};

const isIdName = (name: string): boolean => /(^|_)ids?$/i.test(name);
/** An integer (or integer list) id field names a row by its integer `sequence` (docs/integer-ids.md), never a UUID slot. */
function isIntegerIds(doc: Doc, s: Schema | undefined): boolean {
  const r = resolveRef(doc, s);
  return (r.type === 'array' ? resolveRef(doc, r.items).type : r.type) === 'integer';
}
const USERISH = /user|member|assignee|creator|mention|owner/;

const singular = (table: string): string =>
  table.endsWith('ies') ? `${table.slice(0, -3)}y` : /(ss|sh|ch|x|us)es$/.test(table) ? table.slice(0, -2) : table.replace(/s$/, '');

interface TenantRows {
  /** Table → this tenant's rows, normalized and sorted, for before/after comparison. */
  rows: Record<string, string[]>;
  /** Table → ids of this tenant's rows. */
  idsByTable: Record<string, string[]>;
  userIds: string[];
  allIds: Set<string>;
}

const normalize = (v: unknown): unknown =>
  v instanceof Date ? v.toISOString() : Buffer.isBuffer(v) ? v.toString('hex') : typeof v === 'bigint' ? String(v) : v;

/**
 * Everything a tenant owns: rows whose workspace_id or account_id is the tenant's, then (twice over) rows whose id or
 * `*_id` column points at one of those (versions of its assets, tags on them, its users...).
 */
async function tenantRows(t: TestApp, ten: Tenant): Promise<TenantRows> {
  const tables = (await t.deps.db.introspection.getTables()).filter((tb) => !tb.name.startsWith('kysely_'));
  const all: Record<string, Array<Record<string, unknown>>> = {};
  for (const tb of tables) {
    const rows = (await t.deps.db.selectFrom(tb.name as 'assets').selectAll().execute()) as Array<Record<string, unknown>>;
    all[tb.name] = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, normalize(v)])));
  }
  const mine = new Map<string, Set<Record<string, unknown>>>();
  const ids = new Set<string>([ten.accountId, ten.workspaceId]);
  const idColumns = (r: Record<string, unknown>) => Object.entries(r).filter(([k, v]) => (k === 'id' || k.endsWith('_id')) && typeof v === 'string');
  for (let round = 0; round < 3; round++) {
    for (const [table, rows] of Object.entries(all)) {
      for (const r of rows) {
        // A row that names another tenant's workspace or account is theirs even when it points at one of ours.
        const elsewhere =
          (typeof r.workspace_id === 'string' && r.workspace_id !== ten.workspaceId) || (typeof r.account_id === 'string' && r.account_id !== ten.accountId);
        const owned =
          round === 0
            ? r.workspace_id === ten.workspaceId || r.account_id === ten.accountId
            : !elsewhere && (idColumns(r).some(([k, v]) => ids.has(v as string) && k !== 'id') || (typeof r.id === 'string' && ids.has(r.id) && table === 'users'));
        if (owned) {
          const set = mine.get(table) ?? new Set();
          set.add(r);
          mine.set(table, set);
        }
      }
    }
    for (const [, set] of mine) {
      for (const r of set) {
        for (const [k, v] of idColumns(r)) {
          if (k === 'id' || k.endsWith('user_id')) {
            ids.add(v as string);
          }
        }
      }
    }
  }
  const rows: Record<string, string[]> = {};
  const idsByTable: Record<string, string[]> = {};
  for (const [table, set] of mine) {
    rows[table] = [...set].map((r) => JSON.stringify(r)).sort();
    idsByTable[table] = [...set].map((r) => r.id).filter((v): v is string => typeof v === 'string');
  }
  const userIds = [...(mine.get('account_members') ?? [])].map((r) => String(r.user_id));
  return { rows, idsByTable, userIds, allIds: ids };
}

/** The tenant's ids a slot of this name can hold: by table name (`tag_id` → tags, `version_id` → asset_versions). */
function candidates(name: string, of: TenantRows): string[] {
  const stem = name.replace(/_?ids?$/i, '').toLowerCase();
  if (USERISH.test(stem)) {
    return of.userIds;
  }
  // The closest tables win: `asset` is assets (not asset_versions); `version` is asset_versions; `upload` is
  // upload_sessions.
  const tiers: Array<(table: string) => boolean> = [
    (s) => s === stem,
    (s) => s.endsWith(`_${stem}`) || stem.endsWith(`_${s}`),
    (s) => s.startsWith(`${stem}_`),
  ];
  const found =
    stem === ''
      ? []
      : (tiers
          .map((tier) => Object.entries(of.idsByTable).filter(([table]) => tier(singular(table))).flatMap(([, ids]) => ids))
          .find((ids) => ids.length > 0) ?? []);
  // A name that matches no table still gets ids: every id the tenant has (a few), so a new kind is not missed.
  return found.length > 0 ? found : [...of.allIds].slice(0, 12);
}

function resolveRef(doc: Doc, s: Schema | undefined): Schema {
  let out = s ?? {};
  while (typeof out.$ref === 'string') {
    out = doc.components.schemas[out.$ref.replace('#/components/schemas/', '')] ?? {};
  }
  return out;
}

/**
 * Which id goes in a slot; `required` says whether the field must be sent. An optional id field is sent only when
 * the variant is about it (undefined otherwise), so each variant puts one foreign id where it matters.
 */
type Ids = (name: string, required: boolean) => string | undefined;

/** A minimal valid value for a schema, with `value(name)` in every id-named field. */
function example(doc: Doc, given: Schema | undefined, name: string, value: Ids, required = true): Json | undefined {
  const s = resolveRef(doc, given);
  const variants = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (variants) {
    const pick = variants.map((v) => resolveRef(doc, v)).find((v) => v.type !== 'null') ?? {};
    return example(doc, pick, name, value, required);
  }
  if (s.const !== undefined) {
    return s.const as Json;
  }
  if (Array.isArray(s.enum)) {
    return s.enum[0] as Json;
  }
  const type = Array.isArray(s.type) ? s.type.find((x: string) => x !== 'null') : s.type;
  if (type === 'object' || s.properties) {
    const out: Record<string, Json> = {};
    const requiredProps = new Set<string>(s.required ?? []);
    for (const [prop, ps] of Object.entries((s.properties ?? {}) as Record<string, Schema>)) {
      if (requiredProps.has(prop) || (isIdName(prop) && value(prop, false) !== undefined)) {
        const v = example(doc, ps, prop, value, requiredProps.has(prop));
        if (v !== undefined) {
          out[prop] = v;
        }
      }
    }
    return out;
  }
  if (type === 'array') {
    const id = isIdName(name) && !isIntegerIds(doc, s) ? value(name, required) : undefined;
    if (id !== undefined) {
      return [id];
    }
    const item = example(doc, s.items, name.replace(/s$/, ''), value, required);
    return Array.from({ length: Math.max(1, s.minItems ?? 0) }, () => item ?? 'x');
  }
  if (type === 'integer' || type === 'number') {
    return s.minimum ?? 1;
  }
  if (type === 'boolean') {
    return false;
  }
  if (type === 'null') {
    return null;
  }
  if (isIdName(name) || s.format === 'uuid') {
    return value(name, required) ?? '00000000-0000-4000-8000-000000000000';
  }
  switch (s.format) {
    case 'date-time':
      return new Date().toISOString();
    case 'email':
      return 'someone@example.test';
    case 'uri':
      return 'http://127.0.0.1:9/x';
    default:
      return 'x'.repeat(Math.max(1, s.minLength ?? 1));
  }
}

interface Call {
  label: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: Buffer | string;
  expect: number;
  /**
   * When A's id is only in a query or body field: the same request with an id that exists nowhere. A route may answer
   * both alike (an empty filtered list, "cannot be changed"), which tells B nothing about A; answering A's id
   * differently from an unknown one would.
   */
  control?: Omit<Call, 'label' | 'expect' | 'control' | 'slot'>;
  /** The field that holds A's id when only a query or body field does. */
  slot?: string;
}

/** The id slots of an operation: path parameters, query parameters and JSON body fields with id names. */
function idSlots(doc: Doc, op: Operation): { path: string[]; other: string[] } {
  const path = (op.parameters ?? []).filter((p) => p.in === 'path' && isIdName(p.name)).map((p) => p.name);
  const other = new Set((op.parameters ?? []).filter((p) => p.in === 'query' && isIdName(p.name)).map((p) => p.name));
  const walk = (s: Schema | undefined, depth: number): void => {
    const r = resolveRef(doc, s);
    for (const v of [...(r.anyOf ?? []), ...(r.oneOf ?? [])] as Schema[]) {
      walk(v, depth);
    }
    for (const [prop, ps] of Object.entries((r.properties ?? {}) as Record<string, Schema>)) {
      if (isIdName(prop) && !isIntegerIds(doc, ps)) {
        other.add(prop);
      } else if (depth < 3) {
        walk(ps, depth + 1);
      }
    }
    if (r.items) {
      walk(r.items, depth + 1);
    }
  };
  walk(op.requestBody?.content?.['application/json']?.schema, 0);
  return { path, other: [...other].filter((n) => !path.includes(n)) };
}

function buildCall(
  doc: Doc,
  path: string,
  method: string,
  op: Operation,
  value: Ids,
  headers: Record<string, string>,
): Omit<Call, 'label' | 'expect' | 'control' | 'slot'> {
  let url = path;
  const query = new URLSearchParams();
  for (const p of op.parameters ?? []) {
    if (p.in === 'path') {
      url = url.replace(`{${p.name}}`, encodeURIComponent(String(example(doc, p.schema, p.name, value))));
    } else if (p.in === 'query' && (p.required || (isIdName(p.name) && value(p.name, false) !== undefined))) {
      const v = example(doc, p.schema, p.name, value, p.required === true);
      for (const one of Array.isArray(v) ? v : [v]) {
        query.append(p.name, String(one));
      }
    }
  }
  const q = query.toString();
  const json = op.requestBody?.content?.['application/json']?.schema;
  const fallback = BODY_FALLBACK[path];
  // Tus routes refuse a request without its protocol header before anything else; every other route ignores it.
  const out = { method: method.toUpperCase(), url: q ? `${url}?${q}` : url, headers: { 'tus-resumable': '1.0.0', ...headers } };
  if (json && method !== 'get') {
    const body = example(doc, json, 'body', value);
    const merged = body !== null && typeof body === 'object' && !Array.isArray(body) ? { ...body, ...JSON_FALLBACK[path]?.((n) => value(n, true)) } : body;
    return { ...out, headers: { ...out.headers, 'content-type': 'application/json' }, payload: JSON.stringify(merged) };
  }
  if (fallback && (method === 'post' || method === 'patch')) {
    const body = fallback();
    return { ...out, headers: { ...out.headers, ...body.headers }, payload: body.payload };
  }
  return out;
}

/** Every call of the matrix for one operation. */
function callsFor(doc: Doc, path: string, method: string, op: Operation, a: Tenant, b: Tenant, aRows: TenantRows, bRows: TenantRows): Call[] {
  const slots = idSlots(doc, op);
  const names = [...slots.path, ...slots.other];
  const headerNames = new Set((op.parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name));
  const bHeaders: Record<string, string> = { authorization: `Bearer ${b.token}` };
  if (headerNames.has('x-account-id')) {
    bHeaders['x-account-id'] = b.accountId;
  }
  if (headerNames.has('x-workspace-id')) {
    bHeaders['x-workspace-id'] = b.workspaceId;
  }
  const own = (n: string) => candidates(n, bRows)[0];
  const calls: Call[] = [];
  /** `focus`: the optional id field this call is about; `aInPath`: whether any path parameter holds A's id. */
  const add = (label: string, pick: (n: string) => string | undefined, headers: Record<string, string>, expect: number, focus: string, aInPath: boolean) => {
    const value: Ids = (m, required) => (required || m === focus ? pick(m) : undefined);
    const call: Call = { label, expect, ...buildCall(doc, path, method, op, value, headers) };
    if (expect === 404 && !aInPath) {
      const unknown = randomUUID();
      call.control = buildCall(doc, path, method, op, (m, required) => (m === focus ? unknown : value(m, required)), headers);
      call.slot = focus;
    }
    calls.push(call);
  };
  // A's ids in every slot (optional fields one at a time), each candidate in turn (status_id: asset and task statuses).
  for (const n of names) {
    for (const [i, id] of candidates(n, aRows).entries()) {
      add(`${n}=A#${i}`, (m) => (m === n ? id : candidates(m, aRows)[0]), bHeaders, 404, n, slots.path.length > 0);
    }
  }
  // A's id in one slot, B's own in the others: a child of A's under a parent of B's.
  if (names.length > 1) {
    for (const n of names) {
      add(`${n}=A, rest B`, (m) => (m === n ? candidates(m, aRows)[0] : own(m)), bHeaders, 404, n, slots.path.includes(n));
    }
  }
  // B's own ids, with A's account (and workspace) in the headers; then B's account with A's workspace.
  if (headerNames.has('x-account-id')) {
    const h = { ...bHeaders, 'x-account-id': a.accountId, ...(headerNames.has('x-workspace-id') ? { 'x-workspace-id': a.workspaceId } : {}) };
    add('headers=A', own, h, 403, '', false);
  }
  if (headerNames.has('x-workspace-id')) {
    add('x-workspace-id=A', own, { ...bHeaders, 'x-workspace-id': a.workspaceId }, 403, '', false);
  }
  return calls;
}

const METHODS = ['get', 'head', 'post', 'put', 'patch', 'delete'];

describeEachDatabase('tenant matrix: every route of /openapi.json with another tenant\'s ids and headers', (t) => {
  test('answers 404 (403 for tenancy headers), never 2xx with the other tenant\'s data, and changes none of its rows', async (ctx) => {
    const doc = (await t.req('GET', '/openapi.json')).body as Doc;
    const a = await t.factory.tenant();
    const b = await t.factory.tenant();
    await populateTenant(t, a);
    await populateTenant(t, b);
    const before = await tenantRows(t, a);
    const bRows = await tenantRows(t, b);
    assert.ok(Object.keys(before.idsByTable).length >= 20, `A owns rows in ${Object.keys(before.idsByTable).join(', ')}`);

    const problems: string[] = [];
    let routes = 0;
    let requests = 0;
    const sameAsUnknown: string[] = [];
    const skipped: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of METHODS) {
        const op = item[method];
        if (!op) {
          continue;
        }
        if (Array.isArray(op.security) && op.security.length === 0) {
          skipped.push(`${method.toUpperCase()} ${path} (public)`);
          continue;
        }
        // Integer-id surfaces: their ids are sequences resolved in the credential's tenant (docs/integer-ids.md), so
        // they have a matrix of their own, tenant-matrix-integer.test.ts.
        if (path.startsWith('/workstream/') || path.startsWith('/api/')) {
          skipped.push(`${method.toUpperCase()} ${path} (integer-id surface: tenant-matrix-integer.test.ts)`);
          continue;
        }
        // TODO(#17): Vionlabs names items by the customer's own ids (strings chosen by the client), not UUIDs, so the
        // matrix has no other-tenant id to put in its slots; cross-tenant 404s are in test/http/vionlabs/*.test.ts.
        if (path.startsWith('/vionlabs/')) {
          skipped.push(`${method.toUpperCase()} ${path} (customer-id surface, #17)`);
          continue;
        }
        const calls = callsFor(doc, path, method, op, a, b, before, bRows);
        if (calls.length === 0) {
          skipped.push(`${method.toUpperCase()} ${path} (no id, no tenancy header)`);
          continue;
        }
        routes += 1;
        const send = async (c: Omit<Call, 'label' | 'expect' | 'control' | 'slot'>) => {
          requests += 1;
          const res = await t.app.inject({ method: c.method as InjectOptions['method'], url: c.url, headers: c.headers, payload: c.payload });
          const error = (JSON.parse(res.body || 'null') as { error?: { code?: string; fields?: Array<{ pointer?: string }> } } | null)?.error;
          return { status: res.statusCode, body: res.body, code: error?.code, pointer: error?.fields?.[0]?.pointer };
        };
        for (const c of calls) {
          const res = await send(c);
          const leaked = [...before.allIds].find((id) => res.body.includes(id) && !c.url.includes(id) && !String(c.payload ?? '').includes(id));
          if (leaked) {
            problems.push(`${c.method} ${path} [${c.label}]: the answer holds A's ${leaked}`);
          } else if (res.status !== c.expect) {
            const control = c.control ? await send(c.control) : undefined;
            if (!control || control.status !== res.status || control.code !== res.code) {
              const differs = control ? ` (an unknown id: ${control.status} ${control.code ?? ''})` : '';
              problems.push(`${c.method} ${path} [${c.label}]: ${res.status} ${res.body.slice(0, 160)}${differs}`);
            } else if (res.status === 400 && !(res.pointer ?? '').split('/').includes(c.slot ?? '')) {
              // Refused for another field: the body template is wrong and the id was never looked at.
              problems.push(`${c.method} ${path} [${c.label}]: the body needs a JSON_FALLBACK entry: ${res.body.slice(0, 160)}`);
            } else {
              sameAsUnknown.push(`${c.method} ${path} [${c.label}]: ${res.status} ${res.code ?? ''}`);
            }
          }
        }
        if (method !== 'get' && method !== 'head') {
          const now = await tenantRows(t, a);
          for (const table of new Set([...Object.keys(before.rows), ...Object.keys(now.rows)])) {
            if (JSON.stringify(now.rows[table] ?? []) !== JSON.stringify(before.rows[table] ?? [])) {
              problems.push(`${method.toUpperCase()} ${path}: changed A's ${table} rows`);
              before.rows[table] = now.rows[table] ?? [];
            }
          }
        }
      }
    }
    // And nothing of B's now points at A's rows (an A tag on a B asset, an A user in a B workspace...).
    const bAfter = await tenantRows(t, b);
    for (const [table, rows] of Object.entries(bAfter.rows)) {
      for (const row of rows) {
        const hit = [...before.allIds].find((id) => row.includes(id));
        if (hit && table !== 'users') {
          problems.push(`B's ${table} row refers to A's ${hit}: ${row.slice(0, 200)}`);
        }
      }
    }
    if (process.env.MATRIX_DUMP) {
      // MATRIX_DUMP=<file>: the problems, then the calls that passed by answering as for an unknown id.
      (await import('node:fs')).writeFileSync(process.env.MATRIX_DUMP, [...problems, '--', ...sameAsUnknown].join('\n'));
    }
    ctx.diagnostic(`tenant matrix: ${routes} operations covered, ${skipped.length} skipped by rule, ${requests} requests, ${sameAsUnknown.length} answered as for an unknown id`);
    ctx.diagnostic(`skipped: ${skipped.join('; ')}`);
    assert.deepEqual(problems, []);
    assert.ok(routes > 140, `${routes} operations covered`);
  });
}, { WEBHOOK_ALLOW_PRIVATE: 'true' });
