import { Type, type TObject } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireApprovalAsset } from '../../../domain/approvals/approval-proofs.js';
import type { Ctx } from '../../../domain/context.js';
import { parseSurfaceId } from '../../../domain/ids/surface-ids.js';
import { requireProjectAsset } from '../../../domain/projects/project-links.service.js';
import { requireFolderAsset, requireTaskAsset } from '../../../domain/proofs/proof-scopes.js';
import type { ProofSource } from '../../../domain/proofs/proofs.service.js';
import { deleteProof, generateProof, getProof, proofViewPath } from '../../../domain/proofs/proofs.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { IntLike } from './conventions.js';
import { rowId } from './ids.js';
import { baseUrlOf } from './project-assets.routes.js';
import { PROOF_VIEW_PREFIX } from './proof-viewer.routes.js';
import { presentProof } from './proofs.present.js';
import { wsErrors } from './schemas.js';

const tags = ['Workstream'];
const config = { scope: 'credential' } as const;

const UnixText = Type.String({ pattern: '^[0-9]+$' });

/** §1.3.12 Proof. */
export const WsProof = Type.Object(
  {
    id: Type.Integer(),
    status: Type.Integer({ description: '1 ready, 2 pending, 3 not created (file type cannot be proofed), 4 not created (generation failed)' }),
    asset_id: Type.Integer(),
    version: Type.Integer({ description: 'The newest version proofed' }),
    cs_asset_id: Type.Integer(),
    owner_id: Type.Integer({ description: 'Who generated it' }),
    primary_source_id: Type.Integer({ description: 'The id of the folder, task, project or approval it was generated through' }),
    secondary_source_id: Type.Null(),
    source: Type.Integer({ description: '1 folder, 2 task, 3 project, 4 approval' }),
    url: Type.Null(),
    created_at: UnixText,
    updated_at: UnixText,
  },
  { additionalProperties: false },
);

const GenerateBody = Type.Object(
  { version: Type.Optional(IntLike) },
  { additionalProperties: false, description: '`version` (at least 1): the version to proof; the current one when left out.' },
);

/** The approvals scope proofs the current version: no `version` (spec §1.4.5). */
const NoVersionBody = Type.Object({}, { additionalProperties: false, description: 'No fields: the current version is proofed.' });

interface Scope {
  /** The path up to `/proof`. */
  url: string;
  /** "using <using> permissions" in the summaries. */
  using: string;
  params: TObject;
  /** Whether POST takes a `version` (the approvals scope proofs the approval's version: none). */
  versioned: boolean;
  /** The container check: the asset's UUID and where the proof is requested through, or a 403/404. */
  resolve: (ctx: Ctx, params: Record<string, string>) => Promise<{ assetId: string; source: ProofSource }>;
}

const Params = Type.Object({
  id: Type.String({ pattern: '^[0-9]{1,10}$', description: 'Folder, project or task id' }),
  assetId: Type.String({ pattern: '^[0-9]{1,10}$', description: 'Asset id' }),
});

const KeyParams = Type.Object({
  key: Type.String({ minLength: 1, maxLength: 200, description: 'An approval key (an approver\'s, or the owner\'s view-only key)' }),
  assetId: Type.String({ pattern: '^[0-9]{1,10}$', description: 'Asset id' }),
});

type Check = (ctx: Ctx, containerId: string, assetId: string) => Promise<unknown>;

/** A folder, project or task scope: resolves the path's container and asset in the caller's tenant, then checks. */
function containerScope(prefix: 'folders' | 'projects' | 'tasks', what: 'folder' | 'project' | 'task', check: Check): Scope {
  return {
    url: `/${prefix}/:id/assets/:assetId`,
    using: what,
    params: Params,
    versioned: true,
    resolve: async (ctx, params) => {
      const containerId = await rowId(ctx, prefix, params.id ?? '', { field: 'id', part: 'params', what });
      const assetId = await rowId(ctx, 'assets', params.assetId ?? '', { field: 'assetId', part: 'params', what: 'asset' });
      await check(ctx, containerId, assetId);
      return { assetId, source: { kind: what, containerSequence: Number(params.id) } };
    },
  };
}

const SCOPES: readonly Scope[] = [
  containerScope('folders', 'folder', requireFolderAsset),
  containerScope('projects', 'project', requireProjectAsset),
  containerScope('tasks', 'task', requireTaskAsset),
  {
    url: '/approvals/:key/assets/:assetId',
    using: 'approval key',
    params: KeyParams,
    versioned: false,
    resolve: (ctx, params) => requireApprovalAsset(ctx, params.key ?? '', () => rowId(ctx, 'assets', params.assetId ?? '', { field: 'assetId', part: 'params', what: 'asset' })),
  },
];

const resolve = (ctx: Ctx, scope: Scope, params: unknown) => scope.resolve(ctx, params as Record<string, string>);

/**
 * Proofing (spec §1.4.5) in the folder, project, task and approval-key scopes: the same four routes in each, each with its own
 * container check. The proof itself is the asset's, whichever scope it is reached through.
 */
export const proofsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  for (const scope of SCOPES) {
    const url = `${scope.url}/proof`;
    const using = `using ${scope.using} permissions`;
    const params = scope.params;

    app.get(
      url,
      {
        config,
        schema: { tags, summary: `Get an asset's proof, ${using}`, description: 'No proof yet: 404 `proof_not_found`.', params, response: { 200: WsProof, ...wsErrors } },
      },
      async (request) => {
        const ctx = ctxOf(request);
        const { assetId } = await resolve(ctx, scope, request.params);
        return presentProof(ctx, await getProof(ctx, assetId));
      },
    );

    app.get(
      `${url}/url`,
      {
        config,
        schema: {
          tags,
          summary: `Get the URL of an asset's proof viewer, ${using}`,
          description: 'A signed URL (no token needed) of an HTML page showing the proof\'s pages for every version proofed; it works for an hour and stops working when the proof is deleted.',
          params,
          response: { 200: Type.Object({ url: Type.String() }, { additionalProperties: false }), ...wsErrors },
        },
      },
      async (request) => {
        const ctx = ctxOf(request);
        const { assetId } = await resolve(ctx, scope, request.params);
        return { url: `${baseUrlOf(ctx, request)}${await proofViewPath(ctx, assetId, PROOF_VIEW_PREFIX)}` };
      },
    );

    app.post(
      url,
      {
        config,
        // Webdam's clients POST with no body at all when they send no `version`.
        preValidation: async (request) => {
          request.body ??= {};
        },
        schema: {
          tags,
          summary: `Generate an asset's proof, ${using}`,
          description:
            'Answers the proof, pending (status 2) until its job has rendered it (1) or failed (3: file type cannot be proofed, 4: generation failed). ' +
            '`version` (at least 1) proofs that version; the current one when left out. One proof per asset: a newer version adds its pages to it; ' +
            'an earlier version than the proof\'s answers 409 `proof_version_older`.',
          params,
          body: scope.versioned ? GenerateBody : NoVersionBody,
          response: { 200: WsProof, 409: wsErrors[422], ...wsErrors },
        },
      },
      async (request) => {
        const ctx = ctxOf(request);
        const raw = (request.body as { version?: string | number } | undefined)?.version;
        const version = raw === undefined ? undefined : parseSurfaceId(raw, 'version', 'body');
        const { assetId, source } = await resolve(ctx, scope, request.params);
        return presentProof(ctx, await generateProof(ctx, { assetId, version, source }));
      },
    );

    app.delete(
      url,
      {
        config,
        schema: {
          tags,
          summary: `Delete an asset's proof, ${using}`,
          description: 'Removes the proof of every version (its viewer URLs stop working). Editors, or whoever generated it. Answers 204.',
          params,
          response: { 204: Type.Null({ description: 'Done; no body' }), ...wsErrors },
        },
      },
      async (request, reply) => {
        const ctx = ctxOf(request);
        const { assetId } = await resolve(ctx, scope, request.params);
        await deleteProof(ctx, assetId);
        return reply.status(204).send(null);
      },
    );
  }
};

