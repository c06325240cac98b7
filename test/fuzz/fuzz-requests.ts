/*
 * Requests for one operation of /openapi.json: a valid-ish baseline drawn from its schemas, and that baseline with
 * exactly one hostile change (one path parameter, one query parameter, one body field, the whole body or its
 * content type, or a tenant header). One change per request keeps every failing request close to minimal.
 */
import { asText, encodeComponent, mutationsFor, PATH_MUTATIONS, RawJson, toJson, validValue, type GenContext, type Mutation, type Resolver, type Rng, type Schema } from './schema-gen.js';

export interface Param {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

export interface Operation {
  method: string;
  path: string;
  params: Param[];
  jsonBody?: { schema: Schema; required: boolean };
}

export interface FuzzRequest {
  method: string;
  path: string;
  pathValues: Record<string, string>;
  query: Array<[string, string]>;
  headers: Record<string, string>;
  /** A JSON value (serialized with toJson) or a raw payload; undefined: no body. */
  body?: { json: unknown } | { raw: string };
  contentType?: string;
  /** Where the one hostile change is, and what it is ("valid" for the baseline). */
  where: string;
  kind: string;
}

interface Candidate {
  where: string;
  mutation: Mutation;
}

const CONTENT_TYPE_MUTATIONS: Array<{ kind: string; contentType: string | undefined; raw?: string }> = [
  { kind: 'content-type:text/plain', contentType: 'text/plain' },
  { kind: 'content-type:form-urlencoded', contentType: 'application/x-www-form-urlencoded', raw: 'a=1&b=2' },
  { kind: 'content-type:multipart-no-boundary', contentType: 'multipart/form-data' },
  { kind: 'content-type:xml', contentType: 'application/xml', raw: '<a>1</a>' },
  { kind: 'content-type:json-utf16', contentType: 'application/json; charset=utf-16' },
  { kind: 'content-type:json-garbage-params', contentType: 'application/json; ;;=;' },
  { kind: 'content-type:none', contentType: undefined },
];

const WHOLE_BODY_MUTATIONS: Mutation[] = [
  { kind: 'body:not-json', value: new RawJson('{"a":') },
  { kind: 'body:empty', value: new RawJson('') },
  { kind: 'body:null', value: null },
  { kind: 'body:array', value: [] },
  { kind: 'body:string', value: 'text' },
  { kind: 'body:number', value: 123 },
  { kind: 'body:1e309', value: new RawJson('1e309') },
  { kind: 'body:deep-nesting', value: new RawJson(`${'['.repeat(5000)}${']'.repeat(5000)}`) },
  { kind: 'body:bom', value: new RawJson('\ufeff{}') },
  { kind: 'body:duplicate-keys', value: new RawJson('{"a":1,"a":2}') },
];

/** Real JSON-body properties of the operation, resolved; null branches dropped (the folder body is `object | null`). */
function objectSchema(schema: Schema, resolve: Resolver): Schema {
  const s = resolve(schema);
  const branches = s.anyOf ?? s.oneOf;
  if (branches) {
    const obj = branches.map(resolve).find((b) => b.properties || b.type === 'object');
    return obj ?? s;
  }
  return s;
}

/** Body fields to mutate: every top-level property, and the properties of objects one level down. */
function bodyLocations(schema: Schema, resolve: Resolver): Array<{ pointer: string[]; schema: Schema }> {
  const out: Array<{ pointer: string[]; schema: Schema }> = [];
  const top = objectSchema(schema, resolve);
  for (const [key, prop] of Object.entries(top.properties ?? {})) {
    out.push({ pointer: [key], schema: prop });
    const inner = objectSchema(prop, resolve);
    const items = inner.items ? objectSchema(inner.items, resolve) : undefined;
    for (const [k2, p2] of Object.entries(items?.properties ?? {})) {
      out.push({ pointer: [key, '0', k2], schema: p2 });
    }
    for (const [k2, p2] of Object.entries(inner.properties ?? {})) {
      out.push({ pointer: [key, k2], schema: p2 });
    }
  }
  return out;
}

function setAt(root: unknown, pointer: string[], value: unknown): unknown {
  const base = root !== null && typeof root === 'object' ? root : {};
  let node = base as Record<string, unknown>;
  pointer.forEach((key, i) => {
    if (i === pointer.length - 1) {
      node[key] = value;
      return;
    }
    const next = node[key];
    if (next === null || typeof next !== 'object') {
      node[key] = /^\d+$/.test(pointer[i + 1] ?? '') ? [{}] : {};
    } else if (Array.isArray(next) && next.length === 0) {
      next.push({});
    }
    node = node[key] as Record<string, unknown>;
  });
  return base;
}

/** Every single change this operation can get, interleaved so a small budget still reaches every location. */
export function candidatesFor(op: Operation, resolve: Resolver, rng: Rng): Candidate[] {
  const perLocation: Candidate[][] = [];
  for (const p of op.params) {
    if (p.in === 'path') {
      perLocation.push(PATH_MUTATIONS.map((mutation) => ({ where: `path:${p.name}`, mutation })));
    } else if (p.in === 'query') {
      const list = mutationsFor(p.schema ?? {}, resolve).filter((m) => m.kind !== 'huge-string' || rng.chance(0.3));
      list.push({ kind: 'query:repeated', value: ['1', '2'] }, { kind: 'query:bracket-array', value: '[]' });
      perLocation.push(list.map((mutation) => ({ where: `query:${p.name}`, mutation })));
    }
  }
  if (op.jsonBody) {
    for (const loc of bodyLocations(op.jsonBody.schema, resolve)) {
      perLocation.push(mutationsFor(loc.schema, resolve).map((mutation) => ({ where: `body:/${loc.pointer.join('/')}`, mutation })));
    }
    const extra = [
      { kind: 'body:extra-property', value: 'fuzz_extra' },
      { kind: 'proto-key:__proto__', value: '__proto__' },
      { kind: 'proto-key:constructor', value: 'constructor' },
      { kind: 'proto-key:prototype', value: 'prototype' },
    ];
    perLocation.push([...WHOLE_BODY_MUTATIONS, ...extra].map((mutation) => ({ where: 'body', mutation })));
  }
  if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(op.method)) {
    perLocation.push(CONTENT_TYPE_MUTATIONS.map((c) => ({ where: 'content-type', mutation: { kind: c.kind, value: c } })));
  }
  if (!op.path.startsWith('/auth/') && !op.path.startsWith('/uploads/')) {
    const headerValues = PATH_MUTATIONS.filter((m) => /^[\x20-\x7e]*$/.test(String(m.value)));
    perLocation.push(headerValues.map((mutation) => ({ where: `header:${rng.chance(0.5) ? 'x-workspace-id' : 'x-account-id'}`, mutation })));
  }
  for (const list of perLocation) {
    for (let i = list.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [list[i], list[j]] = [list[j] as Candidate, list[i] as Candidate];
    }
  }
  for (let i = perLocation.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [perLocation[i], perLocation[j]] = [perLocation[j] as Candidate[], perLocation[i] as Candidate[]];
  }
  const out: Candidate[] = [];
  for (let round = 0; perLocation.some((l) => l.length > round); round++) {
    for (const list of perLocation) {
      const c = list[round];
      if (c) {
        out.push(c);
      }
    }
  }
  return out;
}

/** The baseline request: required parameters always, optional ones half the time, ids of the caller's own objects. */
export function baselineFor(op: Operation, g: GenContext, headers: Record<string, string>): FuzzRequest {
  const pathValues: Record<string, string> = {};
  const query: Array<[string, string]> = [];
  for (const p of op.params) {
    if (p.in === 'path') {
      pathValues[p.name] = asText(validValue(p.schema ?? {}, p.name, g));
    } else if (p.in === 'query' && (p.required || g.rng.chance(0.4))) {
      const v = validValue(p.schema ?? {}, p.name, g);
      for (const item of Array.isArray(v) ? v : [v]) {
        query.push([p.name, asText(item)]);
      }
    }
  }
  const req: FuzzRequest = { method: op.method, path: op.path, pathValues, query, headers: { ...headers }, where: '-', kind: 'valid' };
  if (op.jsonBody) {
    req.body = { json: validValue(op.jsonBody.schema, 'body', g) };
    req.contentType = 'application/json';
  }
  return req;
}

export function applyCandidate(base: FuzzRequest, c: Candidate, op: Operation, g: GenContext): FuzzRequest {
  const req: FuzzRequest = { ...base, pathValues: { ...base.pathValues }, query: [...base.query], headers: { ...base.headers }, where: c.where, kind: c.mutation.kind };
  const [area, name = ''] = c.where.split(/:(.*)/s);
  const value = c.mutation.value;
  if (area === 'path') {
    req.pathValues[name] = asText(value);
  } else if (area === 'query') {
    req.query = req.query.filter(([k]) => k !== name);
    if (c.mutation.kind === 'query:repeated' && Array.isArray(value)) {
      req.query.push(...value.map((v): [string, string] => [name, String(v)]));
    } else if (c.mutation.kind === 'query:bracket-array') {
      req.query.push([`${name}[]`, 'x']);
    } else {
      req.query.push([name, asText(value)]);
    }
  } else if (area === 'header') {
    req.headers[name] = asText(value);
  } else if (area === 'content-type') {
    const ct = value as (typeof CONTENT_TYPE_MUTATIONS)[number];
    req.contentType = ct.contentType;
    req.body = ct.raw !== undefined ? { raw: ct.raw } : { json: req.body && 'json' in req.body ? req.body.json : {} };
  } else if (c.where === 'body') {
    const current = req.body && 'json' in req.body ? structuredClone(req.body.json) : {};
    req.contentType = 'application/json';
    if (typeof value === 'string' && (c.mutation.kind.startsWith('proto-key:') || c.mutation.kind === 'body:extra-property')) {
      // An extra top-level key spliced in as JSON text: an object literal could not carry an own `__proto__` key.
      const fields = current !== null && typeof current === 'object' && !Array.isArray(current) ? toJson(current).slice(1, -1) : '';
      const extra = `${JSON.stringify(value)}:{"polluted":true,"prototype":{"polluted":true}}`;
      req.body = { json: new RawJson(`{${[fields, extra].filter(Boolean).join(',')}}`) };
    } else {
      req.body = { json: value };
    }
  } else if (area === 'body') {
    const pointer = c.where.slice('body:/'.length).split('/');
    const base0 = req.body && 'json' in req.body ? structuredClone(req.body.json) : validValue(op.jsonBody?.schema ?? {}, 'body', g);
    req.body = { json: setAt(base0, pointer, value) };
    req.contentType = 'application/json';
  }
  return req;
}

export function urlOf(req: FuzzRequest): string {
  const path = req.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeComponent(req.pathValues[name] ?? ''));
  const qs = req.query.map(([k, v]) => `${encodeComponent(k)}=${encodeComponent(v)}`).join('&');
  return qs ? `${path}?${qs}` : path;
}

export function payloadOf(req: FuzzRequest): string | undefined {
  if (!req.body) {
    return undefined;
  }
  return 'raw' in req.body ? req.body.raw : toJson(req.body.json);
}

/** The request as one line a person can paste into curl's arguments; long values cut. */
export function describeRequest(req: FuzzRequest): string {
  const cut = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}…(${s.length} chars)` : s);
  const payload = payloadOf(req);
  const headers = Object.entries(req.headers)
    .filter(([k]) => k !== 'authorization')
    .map(([k, v]) => `${k}: ${cut(v)}`);
  return [
    `${req.method} ${cut(urlOf(req))}`,
    ...(req.contentType ? [`content-type: ${req.contentType}`] : []),
    ...headers,
    ...(payload !== undefined ? [`body: ${cut(JSON.stringify(payload))}`] : []),
  ].join('\n    ');
}
