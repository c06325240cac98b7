import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { answerOnPage, issuePageToken, openPageByKey, openPageByToken, openPagePreview, type ApprovalPage } from '../../../domain/approvals/approval-page.service.js';
import { isDomainError } from '../../../domain/errors.js';
import { STATUS_BY_KIND } from '../../framework-errors.js';
import { ctxOf } from '../../plugins/auth.js';
import { rowId } from './ids.js';
import { PAGE_CSP, renderPage, renderProblem } from './approval-page.html.js';
import { wsErrors } from './schemas.js';

const BASE = '/workstream/approval-page';

function sendHtml(reply: FastifyReply, status: number, html: string) {
  return reply.status(status).header('content-type', 'text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').send(html);
}

/** Domain problems as an HTML page (the visitor is a person in a browser, not a client reading JSON). */
async function page(reply: FastifyReply, run: () => Promise<ApprovalPage>, flash?: string) {
  try {
    return sendHtml(reply, 200, renderPage(await run(), BASE, flash));
  } catch (err) {
    if (isDomainError(err)) {
      const status = err.kind === 'invalid' ? 422 : STATUS_BY_KIND[err.kind];
      return sendHtml(reply, status, renderProblem(status, err.message));
    }
    throw err;
  }
}

const credential = (q: { token?: string | undefined; key?: string | undefined }) =>
  q.token !== undefined ? { kind: 'token' as const, value: q.token } : { kind: 'key' as const, value: q.key ?? '' };
const Cred = { token: Type.Optional(Type.String({ maxLength: 200 })), key: Type.Optional(Type.String({ maxLength: 200 })) };

/** A12 and the approval page it links to (docs/approvals.md "The approval page"). */
export const approvalPageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // A12 through a folder (Webdam's route) or a project (an asset linked to it), as the check routes A9/A10.
  for (const c of [
    { path: 'folders', kind: 'folder', table: 'folders', what: 'folder' },
    { path: 'projects', kind: 'project', table: 'projects', what: 'project' },
  ] as const) {
    app.get(
      `/${c.path}/:id/assets/:assetId/approvals/url`,
      {
        config: { scope: 'credential' },
        schema: {
          tags: ['Workstream'],
          summary: `A single-use link to the approval page of an asset (A12${c.kind === 'project' ? ', through a project' : ''}), valid 5 minutes`,
          description: `403 when the asset is not reachable through the ${c.kind}; 404 when the ${c.kind} or the asset is missing or there is an approval the caller may not see.`,
          params: Type.Object({ id: Type.String({ pattern: '^[0-9]{1,10}$' }), assetId: Type.String({ pattern: '^[0-9]{1,10}$' }) }),
          response: { 200: Type.Object({ url: Type.String() }, { additionalProperties: false }), ...wsErrors },
        },
      },
      async (request) => {
        const ctx = ctxOf(request);
        const container = await rowId(ctx, c.table, request.params.id, { field: 'id', part: 'params', what: c.what });
        const asset = await rowId(ctx, 'assets', request.params.assetId, { field: 'assetId', part: 'params', what: 'asset' });
        const token = await issuePageToken(ctx, { kind: c.kind, id: container }, asset);
        return { url: `${ctx.config.uploads.publicUrl ?? ''}${BASE}/t/${token}` };
      },
    );
  }

  // The page routes are for browsers (HTML), not API clients: hidden from the OpenAPI document.
  app.get(
    '/approval-page/t/:token',
    {
      config: { scope: 'public' },
      schema: { tags: ['Workstream'], summary: 'The approval page by a single-use link (HTML)', params: Type.Object({ token: Type.String({ maxLength: 200 }) }), hide: true },
    },
    async (request, reply) => page(reply, () => openPageByToken(app.deps, request.params.token)),
  );

  app.get(
    '/approval-page/:key',
    {
      config: { scope: 'public' },
      schema: { tags: ['Workstream'], summary: 'The approval page of an approver key: guests need no account (HTML)', params: Type.Object({ key: Type.String({ maxLength: 200 }) }), hide: true },
    },
    async (request, reply) => page(reply, () => openPageByKey(app.deps, request.params.key)),
  );

  app.post(
    '/approval-page/answer',
    {
      config: { scope: 'public' },
      schema: {
        tags: ['Workstream'],
        summary: 'The approval page\'s form: answer (HTML)',
        body: Type.Object(
          { ...Cred, response: Type.String({ pattern: '^[234]$' }), message: Type.Optional(Type.String({ maxLength: 3000 })) },
          { additionalProperties: false },
        ),
        hide: true,
      },
    },
    async (request, reply) =>
      page(reply, () => answerOnPage(app.deps, { form: credential(request.body), response: Number(request.body.response), message: request.body.message ?? '' }), 'Thank you: your answer was recorded.'),
  );

  app.get(
    '/approval-page/preview',
    {
      config: { scope: 'public' },
      schema: {
        tags: ['Workstream'],
        summary: 'The approval page\'s preview image',
        querystring: Type.Object(Cred, { additionalProperties: false }),
        hide: true,
      },
    },
    async (request, reply) => {
      try {
        const img = await openPagePreview(app.deps, credential(request.query));
        if (!img) {
          return sendHtml(reply, 404, renderProblem(404, 'The preview is not ready yet.'));
        }
        return reply.header('content-type', img.contentType).header('cache-control', 'private, no-store').header('x-content-type-options', 'nosniff').send(img.stream);
      } catch (err) {
        if (isDomainError(err) && err.kind === 'not_found') {
          return sendHtml(reply, 404, renderProblem(404, err.message));
        }
        throw err;
      }
    },
  );
};
