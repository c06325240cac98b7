import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../harness/app.js';

/*
 * Routes kept out of the OpenAPI document on purpose. Every other route must be documented, with schemas, so a new
 * route without `schema` fails here. Add a hidden route to this list only with a reason.
 */
const HIDDEN: Array<[RegExp, string]> = [
  [/^\/v1\//, 'the /v1 alias of the core API serves the same routes as /'],
  [/^\/docs(\/|$)/, 'the API reference page and its assets'],
  [/^\/openapi\.json$/, 'the document itself'],
  [/^\/(healthz|readyz)$/, 'probes for load balancers and orchestrators'],
];

/** [method, path] pairs from Fastify's route tree (printRoutes with full segments), HEAD left out. */
function registeredRoutes(tree: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^((?:[│ ] {3})*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) {
      continue;
    }
    const depth = (m[1] ?? '').length / 4;
    stack.length = depth;
    const path = `${stack.join('')}${m[2] ?? ''}`;
    stack.push(m[2] ?? '');
    for (const method of (m[3] ?? '').split(',').map((s) => s.trim()).filter((s) => s && s !== 'HEAD')) {
      out.push([method, path]);
    }
  }
  return out;
}

const toOpenApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

interface Operation {
  requestBody?: { content?: Record<string, { schema?: object }> };
  responses?: Record<string, { content?: Record<string, { schema?: object }> }>;
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
    const tokenBody = token.requestBody.content['application/json'].schema as { properties?: Record<string, unknown> };
    assert.ok(tokenBody.properties?.key && tokenBody.properties.secret);
    const tokenOk = token.responses?.['200']?.content?.['application/json']?.schema as { properties?: Record<string, unknown> };
    assert.ok(tokenOk?.properties?.token && tokenOk.properties.expires_in, 'POST /auth/token documents its 200');

    const workspaces = doc.paths['/workspaces'];
    assert.ok(workspaces?.get?.responses?.['200']?.content?.['application/json']?.schema, 'GET /workspaces documents its 200');
    assert.ok(workspaces.post?.requestBody?.content?.['application/json']?.schema, 'POST /workspaces has a request body schema');
  });

  test('every registered route that is not deliberately hidden is in the document, with a response schema', async () => {
    const doc = (await t.req('GET', '/openapi.json')).body as { paths: Record<string, Record<string, Operation>> };
    const routes = registeredRoutes(t.app.printRoutes({ commonPrefix: false }));
    assert.ok(routes.some(([m, p]) => m === 'POST' && p === '/auth/token'), 'the route tree was parsed');
    assert.ok(routes.some(([m, p]) => m === 'GET' && p === '/v1/workspaces'));
    const problems: string[] = [];
    for (const [method, path] of routes) {
      if (HIDDEN.some(([re]) => re.test(path))) {
        assert.equal(doc.paths[toOpenApiPath(path)], undefined, `${path} is hidden but documented`);
        continue;
      }
      const op = doc.paths[toOpenApiPath(path)]?.[method.toLowerCase()];
      if (!op) {
        problems.push(`${method} ${path}: not in /openapi.json (give it a schema, or list it in HIDDEN with a reason)`);
        continue;
      }
      const success = Object.entries(op.responses ?? {}).filter(([status]) => /^2\d\d$/.test(status));
      const documented = success.some(([status, r]) => status === '204' || Object.values(r.content ?? {}).some((c) => c.schema));
      if (!documented) {
        problems.push(`${method} ${path}: no 2xx response schema`);
      }
    }
    assert.deepEqual(problems, []);
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
