import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Readable } from 'node:stream';
import type { ProofPageRow, ProofRow } from '../../../db/schema.js';
import { openProofPage, openProofView } from '../../../domain/proofs/proofs.service.js';
import { WsError } from './schemas.js';

/** Where the signed proof viewer URLs point (`…/proof/url`). */
export const PROOF_VIEW_PREFIX = '/workstream/proofs/view';

const Uuid = Type.String({ pattern: '^[0-9a-fA-F-]{36}$' });
const ViewParams = {
  workspace_id: Uuid,
  proof_id: Uuid,
  expires: Type.String({ pattern: '^[0-9]{1,12}$' }),
  sig: Type.String({ pattern: '^[A-Za-z0-9_-]{1,100}$' }),
};
const viewErrors = { 403: WsError, 404: WsError, 422: WsError };

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STATUS_TEXT: Record<number, string> = {
  1: 'ready',
  2: 'being generated; reload in a moment',
  3: 'not created: this file type cannot be proofed',
  4: 'not created: generating it failed',
};

/** The viewer page: every version proofed, newest first, its pages as images (links under the same signature). */
function renderPage(proof: ProofRow, pages: ProofPageRow[], assetName: string, base: string): string {
  const versions = [...new Set(pages.map((p) => p.version_number))];
  const sections = versions
    .map((v) => {
      const imgs = pages
        .filter((p) => p.version_number === v)
        .map((p) => `<figure><img src="${base}/pages/${p.id}" width="${p.width}" height="${p.height}" alt="Version ${v}, page ${p.page}"><figcaption>Page ${p.page}</figcaption></figure>`)
        .join('\n');
      return `<section><h2>Version ${v}</h2>\n${imgs}</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>Proof: ${escapeHtml(assetName)}</title>
<style>body{font-family:system-ui,sans-serif;margin:1rem;background:#f4f4f5}img{max-width:100%;height:auto;background:#fff;box-shadow:0 1px 3px #0003}figure{margin:0 0 1.5rem}</style>
</head><body><h1>Proof: ${escapeHtml(assetName)}</h1><p>Status: ${escapeHtml(STATUS_TEXT[proof.status] ?? String(proof.status))}. Latest version proofed: ${proof.version_number}.</p>
${sections}
</body></html>
`;
}

/**
 * The proof viewer behind `…/proof/url`: no token, the path's signature is the capability (an hour long). The page's
 * image links carry the same signature.
 */
export const proofViewerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/proofs/view/:workspace_id/:proof_id/:expires/:sig',
    {
      config: { scope: 'public' },
      schema: {
        tags: ['Workstream'],
        summary: 'The proof viewer (signed URL from …/proof/url)',
        description: 'An HTML page of the proof\'s pages, for every version proofed. Forged or expired: 403; the proof deleted: 404.',
        params: Type.Object(ViewParams),
        response: { 200: Type.String({ description: 'text/html' }), ...viewErrors },
      },
    },
    async (request, reply) => {
      const p = request.params;
      const { proof, pages, assetName } = await openProofView(request.server.deps, { workspaceId: p.workspace_id, proofId: p.proof_id, expires: p.expires, sig: p.sig });
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'private, no-store')
        .header('content-security-policy', "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'")
        .send(renderPage(proof, pages, assetName, `${PROOF_VIEW_PREFIX}/${p.workspace_id}/${p.proof_id}/${p.expires}/${p.sig}`));
    },
  );

  app.get(
    '/proofs/view/:workspace_id/:proof_id/:expires/:sig/pages/:page_id',
    {
      config: { scope: 'public' },
      schema: {
        tags: ['Workstream'],
        summary: 'One page image of a proof (signed URL)',
        params: Type.Object({ ...ViewParams, page_id: Uuid }),
        response: { 200: Type.Unsafe<Readable>({ type: 'string', format: 'binary' }), ...viewErrors },
      },
    },
    async (request, reply) => {
      const p = request.params;
      const { page, open } = await openProofPage(request.server.deps, { workspaceId: p.workspace_id, proofId: p.proof_id, expires: p.expires, sig: p.sig, pageId: p.page_id });
      return reply
        .type(page.content_type)
        .header('cache-control', 'private, max-age=3600')
        .header('x-content-type-options', 'nosniff')
        .send(await open());
    },
  );
};
