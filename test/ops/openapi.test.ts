import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describeEachDatabase } from '../harness/app.js';

/*
 * Every route Fastify registers, with whether its schema hides it from the OpenAPI document. Recorded from Fastify's
 * router (find-my-way) before the app is built, because an onRoute hook cannot be added to an app that buildApp has
 * already filled. Every route that is not hidden must be documented with schemas, so a new route without `schema`
 * fails here.
 */
const registered: Array<{ router: unknown; method: string; url: string; hidden: boolean }> = [];
{
  const fromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'));
  const Router = fromFastify('find-my-way') as { prototype: { on: (...args: unknown[]) => unknown } };
  const on = Router.prototype.on;
  Router.prototype.on = function (this: unknown, ...args: unknown[]) {
    const [method, url, , , store] = args as [string | string[], string, unknown, unknown, { schema?: { hide?: boolean } } | undefined];
    for (const m of Array.isArray(method) ? method : [method]) {
      registered.push({ router: this, method: m, url, hidden: store?.schema?.hide === true });
    }
    return on.apply(this, args);
  };
}

const toOpenApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

interface Operation {
  parameters?: Array<{ in: string; name: string; required?: boolean; schema?: object }>;
  security?: Array<Record<string, unknown>>;
  requestBody?: { content?: Record<string, { schema?: object }> };
  responses?: Record<string, { $ref?: string; description?: string; content?: Record<string, { schema?: object }> }>;
}
type Doc = { paths: Record<string, Record<string, Operation>>; components: Record<string, Record<string, unknown>> };

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);
function* operations(doc: Doc): Generator<[string, string, Operation]> {
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (METHODS.has(method)) {
        yield [path, method, op];
      }
    }
  }
}

/** Follows a local `$ref` (`#/components/...`) as a JSON pointer; undefined when it leads nowhere. */
function resolve(doc: unknown, ref: string): unknown {
  let node: unknown = doc;
  for (const part of ref.replace(/^#\//, '').split('/')) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node;
}

describeEachDatabase('OpenAPI document and reference page', (t) => {
  test('GET /openapi.json is OpenAPI 3.1 with request and response schemas, and no /v1 duplicates', async () => {
    const res = await t.req('GET', '/openapi.json');
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    const doc = res.body as { openapi: string; info: { title: string }; paths: Record<string, Record<string, Operation>> };
    assert.match(doc.openapi, /^3\.1\.\d+$/);
    assert.equal(doc.info.title, 'Atelier API');
    assert.deepEqual(Object.keys(doc.paths).filter((p) => p.startsWith('/v1')), []);

    const token = doc.paths['/auth/token']?.post;
    assert.ok(token?.requestBody?.content?.['application/json']?.schema, 'POST /auth/token has a request body schema');
    const deref = (s: object | undefined) => ('$ref' in (s ?? {}) ? resolve(doc, (s as { $ref: string }).$ref) : s) as { properties?: Record<string, unknown> };
    const tokenBody = deref(token.requestBody.content['application/json'].schema);
    assert.ok(tokenBody.properties?.key && tokenBody.properties.secret);
    const tokenOk = deref(token.responses?.['200']?.content?.['application/json']?.schema);
    assert.ok(tokenOk?.properties?.token && tokenOk.properties.expires_in, 'POST /auth/token documents its 200');

    const workspaces = doc.paths['/workspaces'];
    assert.ok(workspaces?.get?.responses?.['200']?.content?.['application/json']?.schema, 'GET /workspaces documents its 200');
    assert.ok(workspaces.post?.requestBody?.content?.['application/json']?.schema, 'POST /workspaces has a request body schema');
  });

  test('every registered route that is not deliberately hidden is in the document, with a response schema', async () => {
    const doc = (await t.req('GET', '/openapi.json')).body as { paths: Record<string, Record<string, Operation>> };
    // Fastify keeps its not-found handlers in a second router: only the router that holds the API's routes counts.
    const main = registered.find((r) => r.url === '/auth/token')?.router;
    const routes = registered.filter((r) => r.router === main && r.method !== 'HEAD');
    assert.ok(routes.some((r) => r.method === 'POST' && r.url === '/auth/token' && !r.hidden), 'routes were recorded');
    assert.ok(!routes.some((r) => r.url.startsWith('/v1')), 'the /v1 alias is a rewrite, not a second set of routes');
    const problems: string[] = [];
    for (const { method, url, hidden } of routes) {
      const op = doc.paths[toOpenApiPath(url)]?.[method.toLowerCase()];
      if (hidden) {
        if (op) {
          problems.push(`${method} ${url}: hidden but documented`);
        }
        continue;
      }
      if (!op) {
        problems.push(`${method} ${url}: not in /openapi.json`);
        continue;
      }
      const success = Object.entries(op.responses ?? {}).filter(([status]) => /^2\d\d$/.test(status));
      // A route without a `response` schema gets @fastify/swagger's placeholder "Default Response".
      const documented = success.some(([, r]) => r.description !== 'Default Response' || Object.values(r.content ?? {}).some((c) => c.schema));
      if (!documented) {
        problems.push(`${method} ${url}: no 2xx response schema`);
      }
    }
    assert.deepEqual(problems, []);
  });

  test('the document is small, shares its schemas as components, and every $ref resolves', async () => {
    const res = await t.req('GET', '/openapi.json');
    const doc = res.body as Doc;
    // A budget per operation, so the check scales with the API and still catches schemas being inlined again. Each
    // operation costs about 1 KB by design (ten `$ref`s to the shared error responses, the two tenancy headers, its
    // parameters); 247 operations took 1,840 bytes each on average (455 KB) in December 2026, with every object and
    // error body shared as a component. When every route inlined its schemas the document was 1.75 MB, over 7 KB per
    // operation. 2,500 leaves room for richer routes (the Workstream approvals and forms to come) without hiding that.
    const operationCount = [...operations(doc)].length;
    assert.ok(res.text.length < 2_500 * operationCount, `document is ${res.text.length} bytes for ${operationCount} operations`);
    const asset = doc.components.schemas?.Asset as { properties?: Record<string, unknown> } | undefined;
    assert.ok(asset?.properties?.id, 'the Asset object is one component');
    assert.deepEqual(doc.paths['/workspaces/assets/{asset_id}']?.get?.responses?.['200']?.content?.['application/json']?.schema, { $ref: '#/components/schemas/Asset' });
    const refs: string[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) {
        v.forEach(walk);
      } else if (v !== null && typeof v === 'object') {
        const ref = (v as { $ref?: unknown }).$ref;
        if (typeof ref === 'string') {
          refs.push(ref);
        }
        Object.values(v).forEach(walk);
      }
    };
    walk(doc);
    assert.ok(refs.length > 1000, `${refs.length} references`);
    assert.deepEqual([...new Set(refs.filter((r) => !r.startsWith('#/') || resolve(doc, r) === undefined))], []);
  });

  test('every operation declares the error statuses the server can answer, with the shared Error body', async () => {
    // Each surface has its own error body (Workstream: docs/workstream.md; Vionlabs: docs/vionlabs.md; medialoopster:
    // docs/medialoopster.md), chosen by path prefix; the OAuth token route answers 400 in OAuth's shape
    // ({"error","error_description"}), as Webdam clients expect.
    const surfaceErrors: Array<[string, string]> = [
      ['/workstream/', 'WorkstreamError'],
      ['/vionlabs/', 'VionlabsError'],
      ['/api/', 'MedialoopsterError'],
    ];
    const errorComponentOf = (path: string): string => `#/components/schemas/${surfaceErrors.find(([prefix]) => path.startsWith(prefix))?.[1] ?? 'Error'}`;
    const doc = (await t.req('GET', '/openapi.json')).body as Doc;
    const problems: string[] = [];
    for (const [path, method, op] of operations(doc)) {
      const isPublic = Array.isArray(op.security) && op.security.length === 0;
      const expected = ['400', '408', '414', '431', ...(isPublic ? [] : ['401', '403', '404', '429']), ...(method === 'get' || method === 'head' ? [] : ['413', '415'])];
      for (const status of expected) {
        const r = op.responses?.[status];
        const body = r?.$ref ? resolve(doc, r.$ref) : r;
        const schema = (body as { content?: Record<string, { schema?: { $ref?: string } }> } | undefined)?.content?.['application/json']?.schema;
        if (!schema) {
          problems.push(`${method.toUpperCase()} ${path}: ${status} not declared`);
        } else if (schema.$ref !== errorComponentOf(path) && status !== '412' && !(path === '/workstream/oauth2/token' && status === '400')) {
          problems.push(`${method.toUpperCase()} ${path}: ${status} is not the Error body`);
        }
      }
    }
    assert.deepEqual(problems, []);
    const error = doc.components.schemas?.Error as { properties?: Record<string, unknown>; required?: string[] };
    assert.deepEqual(error.required, ['error', 'request_id']);
    // medialoopster's error body is either DRF form (docs/medialoopster.md, "Errors"): the list and the single `detail`.
    const ml = doc.components.schemas?.MedialoopsterError as { anyOf?: Array<{ required?: string[]; $ref?: string }> };
    // A form may itself be a shared component (the single form is also a 422 body of its own).
    const required = (form: { required?: string[]; $ref?: string }) =>
      form.$ref ? (doc.components.schemas?.[form.$ref.replace('#/components/schemas/', '')] as { required?: string[] } | undefined)?.required : form.required;
    assert.deepEqual(ml.anyOf?.map(required), [['errors'], ['detail']]);
    // The tus route answers 412 for a missing Tus-Resumable header, and says so.
    assert.ok(doc.paths['/workspaces/assets/tus']?.post?.responses?.['412']);
  });

  test('each operation declares exactly the tenancy headers the server requires of it', async () => {
    const doc = (await t.req('GET', '/openapi.json')).body as Doc;
    const owner = await t.factory.tenant();
    const problems: string[] = [];
    let checked = 0;
    for (const [path, method, op] of operations(doc)) {
      const declared = new Set((op.parameters ?? []).filter((p) => p.in === 'header' && p.required).map((p) => p.name));
      const url = path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
      // Without a header the auth hook refuses before anything else: 400 header_missing names the first one needed.
      for (const header of ['x-account-id', 'x-workspace-id'] as const) {
        const headers: Record<string, string> = { authorization: `Bearer ${owner.token}` };
        if (header === 'x-workspace-id') {
          headers['x-account-id'] = owner.accountId;
        }
        const res = await t.req(method.toUpperCase() as 'GET', url, { headers });
        // HEAD answers carry no body: the status alone tells.
        const named = method === 'head' || (res.body?.error?.code === 'header_missing' && res.body.error.fields?.[0]?.pointer === `/${header}`);
        const required = res.status === 400 && named;
        if (required !== declared.has(header)) {
          problems.push(`${method.toUpperCase()} ${path}: ${header} ${required ? 'required but not declared' : 'declared but not required'}`);
        }
        checked += 1;
      }
      // `[]` is public; a `{}` among the alternatives makes a token optional (invite acceptance): neither is 401 without one.
      const isPublic = Array.isArray(op.security) && (op.security.length === 0 || op.security.some((s) => Object.keys(s).length === 0));
      const anonymous = await t.req(method.toUpperCase() as 'GET', url);
      if ((anonymous.status === 401) === isPublic) {
        problems.push(`${method.toUpperCase()} ${path}: answers ${anonymous.status} without a token but security is ${JSON.stringify(op.security ?? 'bearer')}`);
      }
    }
    assert.ok(checked > 300);
    // GET /auth/session is authenticated by the session cookie alone (its handler reads it), not by a bearer token.
    assert.deepEqual(doc.paths['/auth/session']?.get?.security, [{ session: [] }]);
    assert.equal((doc.components.securitySchemes?.session as { in?: string } | undefined)?.in, 'cookie');
    assert.deepEqual(problems, []);
    const assetGet = doc.paths['/workspaces/assets/{asset_id}']?.get;
    assert.deepEqual(
      assetGet?.parameters?.filter((p) => p.in === 'header').map((p) => [p.name, p.required, p.schema]),
      [
        ['x-account-id', true, { type: 'string', format: 'uuid' }],
        ['x-workspace-id', true, { type: 'string', format: 'uuid' }],
      ],
    );
  });

  test('the document is served compressed when the client accepts it, with an ETag', async () => {
    const plain = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.match(String(plain.headers.vary), /accept-encoding/i);
    const etag = String(plain.headers.etag);
    assert.match(etag, /^"[\w-]+"$/);
    const gz = await t.app.inject({ method: 'GET', url: '/openapi.json', headers: { 'accept-encoding': 'gzip, deflate' } });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(gz.rawPayload).toString(), plain.body);
    const br = await t.app.inject({ method: 'GET', url: '/openapi.json', headers: { 'accept-encoding': 'gzip;q=0.5, br' } });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(brotliDecompressSync(br.rawPayload).toString(), plain.body);
    // Brotli packs the repeated per-operation boilerplate to about 150 bytes an operation (40 KB for 280).
    const operationCount = [...operations(JSON.parse(plain.body) as Doc)].length;
    assert.ok(br.rawPayload.length < 200 * operationCount, `brotli: ${br.rawPayload.length} bytes for ${operationCount} operations`);
    const refused = await t.app.inject({ method: 'GET', url: '/openapi.json', headers: { 'accept-encoding': 'br;q=0, gzip;q=0' } });
    assert.equal(refused.headers['content-encoding'], undefined);
    const again = await t.app.inject({ method: 'GET', url: '/openapi.json', headers: { 'if-none-match': etag } });
    assert.equal(again.statusCode, 304);
    assert.equal(again.rawPayload.length, 0);
    const weak = await t.app.inject({ method: 'GET', url: '/openapi.json', headers: { 'if-none-match': `"other", W/${etag}` } });
    assert.equal(weak.statusCode, 304);
    const stale = await t.app.inject({ method: 'GET', url: '/openapi.json', headers: { 'if-none-match': '"other"' } });
    assert.equal(stale.statusCode, 200);
    // The reference page loads the same bytes from /docs/json.
    const ui = await t.app.inject({ method: 'GET', url: '/docs/json', headers: { 'accept-encoding': 'gzip' } });
    assert.equal(ui.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(ui.rawPayload).toString(), plain.body);
  });

  test('GET /docs and /docs/ serve the HTML reference page', async () => {
    for (const url of ['/docs', '/docs/']) {
      const res = await t.req('GET', url);
      assert.equal(res.status, 200, url);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.match(res.text, /<html/i);
    }
  });
});
