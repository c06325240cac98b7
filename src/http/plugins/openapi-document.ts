import type { RouteScope } from '../types.js';

/*
 * How the OpenAPI document is shaped from the route schemas. Only the document changes here: validation and the
 * response serializers (shared-serializers.ts) keep seeing the routes' own inline schemas.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The same text for the same schema whatever its key order (TypeBox and @fastify/swagger order keys differently). */
/*
 * A schema's identity by content, whatever its key order (TypeBox and @fastify/swagger order keys differently): each
 * distinct value gets a small number, and a container's key is built from its children's numbers, so keying the whole
 * document costs about its size once (keying by full JSON text cost seconds of copying on the 1.75 MB document).
 */
class Keys {
  private readonly ids = new Map<string, number>();
  private readonly of = new WeakMap<object, { id: number; size: number }>();

  key(v: Json): { id: number; size: number } {
    if (typeof v !== 'object' || v === null) {
      const text = JSON.stringify(v);
      return { id: this.intern(text), size: text.length };
    }
    let k = this.of.get(v);
    if (k === undefined) {
      let size = 2;
      const parts: string[] = [];
      if (Array.isArray(v)) {
        for (const c of v) {
          const ck = this.key(c);
          size += ck.size + 1;
          parts.push(String(ck.id));
        }
        k = { id: this.intern(`[${parts.join(',')}]`), size };
      } else {
        for (const name of Object.keys(v).sort()) {
          const ck = this.key(v[name] ?? null);
          size += name.length + ck.size + 4;
          parts.push(`${JSON.stringify(name)}:${ck.id}`);
        }
        k = { id: this.intern(`{${parts.join(',')}}`), size };
      }
      this.of.set(v, k);
    }
    return k;
  }

  private intern(text: string): number {
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(text, id);
    }
    return id;
  }
}

/** A TypeBox schema as it appears in the document: plain JSON, without the `$id`s @fastify/swagger drops. */
const asDocumented = (schema: unknown): JsonObject =>
  JSON.parse(JSON.stringify(schema, (k, value: unknown) => (k === '$id' ? undefined : value))) as JsonObject;

export const ERROR_COMPONENT = 'Error';
const errorRef: JsonObject = { $ref: `#/components/schemas/${ERROR_COMPONENT}` };

/** Surfaces with an error body of their own (each surface renders its errors in its shape): path prefix → component. */
export const SURFACE_ERROR_COMPONENTS: ReadonlyArray<readonly [string, string]> = [
  ['/workstream/', 'WorkstreamError'],
  ['/vionlabs/', 'VionlabsError'],
  ['/api/', 'MedialoopsterError'],
];
const errorRefFor = (url: string): JsonObject => {
  const own = SURFACE_ERROR_COMPONENTS.find(([prefix]) => url.startsWith(prefix));
  return own ? { $ref: `#/components/schemas/${own[1]}` } : errorRef;
};

const uuidHeader = (description: string): JsonObject => ({ type: 'string', format: 'uuid', description });
const ACCOUNT_HEADER = uuidHeader('The account to act in (a UUID from `GET /users/accounts`).');
const WORKSPACE_HEADER = uuidHeader('The workspace to act in (a UUID from `GET /workspaces`).');

/*
 * What any route can answer besides its own statuses, by who may call it. The framework answers 414 (URL too long),
 * 431 (headers too large) and 408 (Node's headers timeout; on routes with a body, also a body that stops arriving for
 * REQUEST_BODY_IDLE_TIMEOUT_SECONDS, plugins/request-body.ts) before or outside the route; the auth hook answers 400 (missing or malformed tenancy header), 401,
 * 403 and 429; a body of another content type or over the size limit is 415 or 413 on every method that can carry
 * one.
 */
const ANY_ROUTE: Record<string, string> = {
  '400': 'Invalid request (the error lists the fields)',
  '408': 'The request took too long to arrive: its headers, or a body that stopped arriving for `REQUEST_BODY_IDLE_TIMEOUT_SECONDS`',
  '414': 'The URL is too long',
  '431': 'The request headers are too large',
};
const AUTHENTICATED: Record<string, string> = {
  '401': 'Missing, invalid or expired token',
  '403': 'Not a member of the account or workspace, or the role does not allow it',
  '404': 'Not found (another tenant’s ids read as not found)',
  '429': 'Too many failed authentication attempts (see `Retry-After`)',
};
const WITH_BODY: Record<string, string> = {
  '413': 'The request body is too large (a `Content-Length` over the limit is refused before the body is read)',
  '415': 'This content type is not accepted here',
};
const BODYLESS_METHODS = new Set(['GET', 'HEAD']);

const ERROR_DESCRIPTIONS: Record<string, string> = {
  ...ANY_ROUTE,
  ...AUTHENTICATED,
  ...WITH_BODY,
  '409': 'Conflict (a duplicate, the last owner, a trashed asset, a path taken...)',
  '412': 'A precondition failed (for example a missing `Tus-Resumable` header)',
  '406': 'The `Accept` header asks for a version or type this surface does not serve',
  '416': 'The range cannot be satisfied',
  '422': 'The request is well formed but its values are refused (the error says which)',
  '423': 'The asset is locked by someone else (on the core API, `details.locked_by_user_id` names them)',
  '503': 'Unavailable (the database cannot be reached)',
};

interface RouteInfo {
  schema?: unknown;
  url: string;
  route: { method: string | string[]; config?: { scope?: RouteScope } };
}

/**
 * @fastify/swagger's per-route `transform`: declares the tenancy headers the auth hook reads (and the bearer scheme,
 * or none on public routes), and the error statuses every route of that kind can answer, so the reference page can
 * "try it out" on tenant routes and a client sees every status it may get.
 */
export function documentRoute({ schema: given, url, route }: RouteInfo): { schema: Record<string, unknown>; url: string } {
  const schema: Record<string, unknown> = isObject(given) ? given : {};
  if (schema.hide === true) {
    return { schema, url };
  }
  const scope: RouteScope = route.config?.scope ?? 'workspace';
  const out: Record<string, unknown> = { ...schema };
  const tenancy: JsonObject = {};
  if (scope === 'account' || scope === 'workspace') {
    tenancy['x-account-id'] = ACCOUNT_HEADER;
  }
  if (scope === 'workspace') {
    tenancy['x-workspace-id'] = WORKSPACE_HEADER;
  }
  // The credential decides the tenant on the non-core surfaces; a workspace other than the default may be chosen.
  const optional: JsonObject =
    scope === 'credential' || scope === 'credential-optional' ? { 'x-workspace-id': uuidHeader('Optional: the workspace to act in instead of the default one (docs/workstream.md).') } : {};
  if (Object.keys(tenancy).length > 0 || Object.keys(optional).length > 0) {
    const headers: JsonObject = isObject(schema.headers) ? schema.headers : {};
    const properties = isObject(headers.properties) ? headers.properties : {};
    const required = Array.isArray(headers.required) ? headers.required : [];
    out.headers = { ...headers, type: 'object', properties: { ...properties, ...optional, ...tenancy }, required: [...required, ...Object.keys(tenancy)] };
  }
  // A public route (the auth hook does not run) may still authenticate the caller itself and say how in its schema
  // (GET /auth/session reads the session cookie): it is documented as the authenticated route it is.
  const isPublic = scope === 'public' && !(Array.isArray(schema.security) && schema.security.length > 0);
  if (isPublic) {
    out.security = [];
  }
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const statuses = {
    ...ANY_ROUTE,
    ...(isPublic ? {} : AUTHENTICATED),
    ...(methods.every((m) => BODYLESS_METHODS.has(m)) ? {} : WITH_BODY),
  };
  const responses: Record<string, unknown> = isObject(schema.response) ? { ...schema.response } : {};
  for (const [status, description] of Object.entries(statuses)) {
    if (responses[status] === undefined) {
      // The shared Error schema, by reference: shareSchemas keeps `$ref`s as they are.
      responses[status] = { description, content: { 'application/json': { schema: errorRefFor(url) } } };
    }
  }
  out.response = responses;
  return { schema: out, url };
}

/*
 * Sub-schemas worth a component: used at least twice, and big enough that a `$ref` is shorter than the copy.
 */
const MIN_SHARED_LENGTH = 120;

/** Keywords whose value is a schema, a list of schemas, or a map of name → schema (JSON Schema 2020-12). */
const SCHEMA_VALUE = ['items', 'additionalProperties', 'not', 'contains', 'propertyNames', 'if', 'then', 'else', 'unevaluatedItems', 'unevaluatedProperties'];
const SCHEMA_LIST = ['anyOf', 'oneOf', 'allOf', 'prefixItems'];
const SCHEMA_MAP = ['properties', 'patternProperties', '$defs', 'dependentSchemas'];

function forEachChild(schema: JsonObject, visit: (child: JsonObject) => void): void {
  for (const k of SCHEMA_VALUE) {
    const v = schema[k];
    if (isObject(v)) {
      visit(v);
    }
  }
  for (const k of [...SCHEMA_LIST, ...SCHEMA_MAP]) {
    const v = schema[k];
    for (const c of Array.isArray(v) ? v : isObject(v) ? Object.values(v) : []) {
      if (isObject(c)) {
        visit(c);
      }
    }
  }
}

/** Calls `visit` on each direct sub-schema of `schema`, with a name hint; `visit` returns the replacement. */
function mapChildren(schema: JsonObject, visit: (child: JsonObject, hint: string) => Json): JsonObject {
  const out: JsonObject = { ...schema };
  for (const k of SCHEMA_VALUE) {
    const v = schema[k];
    if (isObject(v)) {
      out[k] = visit(v, 'Item');
    }
  }
  for (const k of SCHEMA_LIST) {
    const v = schema[k];
    if (Array.isArray(v)) {
      out[k] = v.map((c) => (isObject(c) ? visit(c, 'Variant') : c));
    }
  }
  for (const k of SCHEMA_MAP) {
    const v = schema[k];
    if (isObject(v)) {
      out[k] = Object.fromEntries(Object.entries(v).map(([name, c]) => [name, isObject(c) ? visit(c, name) : c]));
    }
  }
  return out;
}

const pascal = (s: string): string =>
  s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('') || 'Schema';

/** Every schema root in the document: parameters, request bodies, responses and components. */
function eachSchemaRoot(doc: JsonObject, fn: (holder: JsonObject, key: string, hint: string) => void): void {
  const paths = isObject(doc.paths) ? doc.paths : {};
  for (const [url, item] of Object.entries(paths)) {
    if (!isObject(item)) {
      continue;
    }
    for (const [method, op] of Object.entries(item)) {
      if (!isObject(op)) {
        continue;
      }
      for (const p of Array.isArray(op.parameters) ? op.parameters : []) {
        if (isObject(p) && isObject(p.schema)) {
          fn(p, 'schema', typeof p.name === 'string' ? p.name : 'Parameter');
        }
      }
      const resource = url.split('/').filter((seg) => seg !== '' && !seg.startsWith('{')).pop() ?? 'root';
      const base = pascal(`${method} ${resource}`);
      const contents: Array<[Json | undefined, string]> = [[isObject(op.requestBody) ? op.requestBody.content : undefined, `${base}Body`]];
      for (const [status, r] of Object.entries(isObject(op.responses) ? op.responses : {})) {
        contents.push([isObject(r) ? r.content : undefined, `${base}${status}`]);
      }
      for (const [content, hint] of contents) {
        for (const media of Object.values(isObject(content) ? content : {})) {
          if (isObject(media) && isObject(media.schema)) {
            fn(media, 'schema', hint);
          }
        }
      }
    }
  }
}

/**
 * @fastify/swagger's `transformObject`: every sub-schema that occurs more than once (the Asset object in 40 routes,
 * its creator in each of them, the error body in every route...) becomes one entry in `components.schemas`, referred
 * to by `$ref`. `named` gives readable names to known schemas (matched by content); others are named after the
 * property they were first found under.
 */
export function shareSchemas(document: object, named: Record<string, unknown>): JsonObject {
  // Plain JSON from here on, and changed in place: @fastify/swagger builds the object anew for this call and keeps
  // only what this returns.
  const doc = document as JsonObject;
  const components = isObject(doc.components) ? { ...doc.components } : {};
  const schemas: JsonObject = isObject(components.schemas) ? { ...components.schemas } : {};

  const keys = new Keys();
  const counts = new Map<number, number>();
  const count = (s: JsonObject): void => {
    const { id } = keys.key(s);
    counts.set(id, (counts.get(id) ?? 0) + 1);
    forEachChild(s, count);
  };
  eachSchemaRoot(doc, (holder, k) => count(holder[k] as JsonObject));
  for (const s of Object.values(schemas)) {
    if (isObject(s)) {
      forEachChild(s, count);
    }
  }

  const original = Object.entries(schemas).filter((e): e is [string, JsonObject] => isObject(e[1]));
  const nameOf = new Map<number, string>();
  for (const [name, schema] of Object.entries(named)) {
    nameOf.set(keys.key(asDocumented(schema)).id, name);
    schemas[name] = null; // reserved; filled in when first met (or below, when never met)
  }
  const taken = new Set(Object.keys(schemas));
  const unique = (hint: string): string => {
    const base = pascal(hint);
    let name = base;
    for (let i = 2; taken.has(name); i++) {
      name = `${base}${i}`;
    }
    taken.add(name);
    return name;
  };

  const share = (s: JsonObject, hint: string): Json => {
    if (typeof s.$ref === 'string') {
      return s;
    }
    const { id, size } = keys.key(s);
    let name = nameOf.get(id);
    if (name === undefined && ((counts.get(id) ?? 0) < 2 || size < MIN_SHARED_LENGTH)) {
      return mapChildren(s, share);
    }
    if (name === undefined) {
      name = unique(hint);
      nameOf.set(id, name);
    }
    if (!isObject(schemas[name])) {
      schemas[name] = {}; // placeholder against recursion
      schemas[name] = mapChildren(s, share);
    }
    return { $ref: `#/components/schemas/${name}` };
  };

  for (const [name, s] of original) {
    schemas[name] = mapChildren(s, share);
  }
  const out: JsonObject = { ...doc };
  eachSchemaRoot(out, (holder, k, hint) => {
    holder[k] = share(holder[k] as JsonObject, hint);
  });
  for (const [name, schema] of Object.entries(named)) {
    if (!isObject(schemas[name])) {
      schemas[name] = mapChildren(asDocumented(schema), share);
    }
  }
  // A part of a shared schema was counted once per copy of its parent: now that the parent is shared, a component
  // referred to from one place only goes back inline there.
  const keep = new Set([...Object.keys(named), ...original.map(([name]) => name)]);
  const refs = new Map<string, number>();
  const countRefs = (v: Json): void => {
    if (Array.isArray(v)) {
      v.forEach(countRefs);
    } else if (isObject(v)) {
      if (typeof v.$ref === 'string') {
        refs.set(v.$ref, (refs.get(v.$ref) ?? 0) + 1);
      }
      Object.values(v).forEach(countRefs);
    }
  };
  countRefs(out.paths ?? null);
  countRefs(schemas);
  const PREFIX = '#/components/schemas/';
  const inline = (v: Json): Json => {
    if (Array.isArray(v)) {
      return v.map(inline);
    }
    if (!isObject(v)) {
      return v;
    }
    const target = typeof v.$ref === 'string' && v.$ref.startsWith(PREFIX) ? v.$ref.slice(PREFIX.length) : undefined;
    if (target !== undefined && !keep.has(target) && refs.get(v.$ref as string) === 1 && isObject(schemas[target])) {
      const body = schemas[target];
      delete schemas[target];
      return inline(body);
    }
    return Object.fromEntries(Object.entries(v).map(([k, c]) => [k, inline(c)]));
  };
  out.paths = inline(out.paths ?? null);
  for (const name of Object.keys(schemas)) {
    if (schemas[name] !== undefined) {
      schemas[name] = inline(schemas[name] ?? null);
    }
  }
  return { ...out, components: { ...components, schemas, responses: shareErrorResponses(out) } };
}

/** Every error body in the document (the core's and each surface's), by `$ref` → component name. */
const ERROR_BODIES = new Map([ERROR_COMPONENT, ...SURFACE_ERROR_COMPONENTS.map(([, name]) => name)].map((name) => [`#/components/schemas/${name}`, name]));

/**
 * Every error response that is just an error body (the core's Error or a surface's own) becomes a `$ref` to one
 * response per body and status in `components.responses` (`Error404`, `WorkstreamError404`...): ten of them on most
 * routes, in every operation. The description is the shared one for that status.
 */
function shareErrorResponses(doc: JsonObject): JsonObject {
  const shared: JsonObject = {};
  for (const item of Object.values(isObject(doc.paths) ? doc.paths : {})) {
    for (const op of Object.values(isObject(item) ? item : {})) {
      if (!isObject(op) || !isObject(op.responses)) {
        continue;
      }
      for (const [status, r] of Object.entries(op.responses)) {
        const content = isObject(r) && isObject(r.content) ? r.content : {};
        const json = isObject(content['application/json']) ? content['application/json'] : {};
        const body = Object.keys(content).length === 1 && isObject(json.schema) && typeof json.schema.$ref === 'string' ? ERROR_BODIES.get(json.schema.$ref) : undefined;
        if (body === undefined || !/^[45]\d\d$/.test(status)) {
          continue;
        }
        const name = `${body}${status}`;
        shared[name] ??= { description: ERROR_DESCRIPTIONS[status] ?? 'Error', content: { 'application/json': { schema: { $ref: `#/components/schemas/${body}` } } } };
        op.responses[status] = { $ref: `#/components/responses/${name}` };
      }
    }
  }
  return shared;
}
