import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
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
  requestBody?: { content?: Record<string, { schema?: object }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: object }> }>;
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

  test('GET /docs and /docs/ serve the HTML reference page', async () => {
    for (const url of ['/docs', '/docs/']) {
      const res = await t.req('GET', url);
      assert.equal(res.status, 200, url);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.match(res.text, /<html/i);
    }
  });
});
