import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { loadAssetShapes, loadVersionShapes } from '../../../domain/assets/asset-shapes.repo.js';
import { scopedWorkspaceId, type Ctx } from '../../../domain/context.js';
import { errors } from '../../../domain/errors.js';
import { listProjectAssets, requireProjectAsset } from '../../../domain/projects/project-links.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { mediaLinks, presentAssetVersions, presentFullAsset, presentMiniAsset } from './asset-shapes.js';
import { WsAssetVersion, WsFullAsset, WsMiniAsset } from './asset-shapes.schemas.js';
import { PagingQuery, paging } from './conventions.js';
import { rowId } from './ids.js';
import { ProjectParams } from './projects.routes.js';
import { wsErrors } from './schemas.js';
import { presentApprovalSummaries } from './approvals.present-many.js';

const tags = ['Workstream'];
const config = { scope: 'credential' } as const;

export const ProjectAssetParams = Type.Object({
  id: Type.String({ pattern: '^[0-9]{1,10}$', description: 'Project id' }),
  assetId: Type.String({ pattern: '^[0-9]{1,10}$', description: 'Asset id' }),
});

const AssetsQuery = Type.Object(
  {
    ...PagingQuery,
    approval_status: Type.Optional(Type.Union([Type.Literal('1'), Type.Literal('0'), Type.Literal('true'), Type.Literal('false')], { description: 'Adds `approval` to each asset' })),
  },
  { additionalProperties: false },
);

/** PUBLIC_URL, else the request's own origin: where signed media URLs point. */
export const baseUrlOf = (ctx: Ctx, request: FastifyRequest): string => ctx.config.uploads.publicUrl ?? `${request.protocol}://${request.host}`;

/** The project and the asset (linked to it) of a `/projects/{id}/assets/{assetId}` path, as UUIDs. */
export async function projectAssetOf(ctx: Ctx, params: { id: string; assetId: string }): Promise<{ projectId: string; assetId: string }> {
  const projectId = await rowId(ctx, 'projects', params.id, { field: 'id', part: 'params', what: 'project' });
  const assetId = await rowId(ctx, 'assets', params.assetId, { field: 'assetId', part: 'params', what: 'asset' });
  await requireProjectAsset(ctx, projectId, assetId);
  return { projectId, assetId };
}

async function shapeOf(ctx: Ctx, assetId: string) {
  const [d] = await loadAssetShapes(ctx.db, { workspaceId: scopedWorkspaceId(ctx), viewerId: ctx.actor.userId, assetIds: [assetId] });
  if (!d) {
    throw errors.notFound('asset', assetId);
  }
  return d;
}

/** A project's assets (P3, P4, P5 of spec §1.4.4), "using project permissions". */
export const projectAssetsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/projects/:id/assets',
    {
      config,
      schema: {
        tags,
        summary: 'List a project\'s assets (P3)',
        description: 'Mini assets, in the order they were linked. With `approval_status`, each carries `approval`: the summary of its latest approval, null when it has none the caller may see.',
        params: ProjectParams,
        querystring: AssetsQuery,
        response: { 200: Type.Array(WsMiniAsset), ...wsErrors },
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      const id = await rowId(ctx, 'projects', request.params.id, { field: 'id', part: 'params', what: 'project' });
      const rows = await listProjectAssets(ctx, id, paging(request.query));
      const shapes = await loadAssetShapes(ctx.db, { workspaceId: scopedWorkspaceId(ctx), viewerId: ctx.actor.userId, assetIds: rows.map((r) => r.id) });
      const links = mediaLinks(ctx, baseUrlOf(ctx, request));
      const withApproval = request.query.approval_status === '1' || request.query.approval_status === 'true';
      const approvals = withApproval ? await presentApprovalSummaries(ctx, shapes.map((d) => d.asset.id)) : undefined;
      return shapes.map((d) => (approvals ? { ...presentMiniAsset(links, d), approval: approvals.get(d.asset.id) ?? null } : presentMiniAsset(links, d)));
    },
  );

  app.get(
    '/projects/:id/assets/:assetId',
    {
      config,
      schema: {
        tags,
        summary: 'Get a project\'s asset (P4)',
        description: 'The full asset. 403 `asset_not_in_project` when the asset is not linked to the project.',
        params: ProjectAssetParams,
        response: { 200: WsFullAsset, ...wsErrors },
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      const { assetId } = await projectAssetOf(ctx, request.params);
      return presentFullAsset(mediaLinks(ctx, baseUrlOf(ctx, request)), await shapeOf(ctx, assetId));
    },
  );

  app.get(
    '/projects/:id/assets/:assetId/versions',
    {
      config,
      schema: {
        tags,
        summary: 'List a project asset\'s earlier versions (P5)',
        description: 'The versions before the current one, newest first. 403 `asset_not_in_project` when the asset is not linked to the project.',
        params: ProjectAssetParams,
        response: { 200: Type.Array(WsAssetVersion), ...wsErrors },
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      const { assetId } = await projectAssetOf(ctx, request.params);
      const d = await shapeOf(ctx, assetId);
      const versions = await loadVersionShapes(ctx.db, { workspaceId: scopedWorkspaceId(ctx), assetId });
      return presentAssetVersions(mediaLinks(ctx, baseUrlOf(ctx, request)), d, versions);
    },
  );
};
