import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { loadAssetShapes, loadVersionShapes } from '../../../domain/assets/asset-shapes.repo.js';
import { scopedWorkspaceId, type Ctx } from '../../../domain/context.js';
import { errors } from '../../../domain/errors.js';
import { linkTaskAssets, listTaskAssetIds, requireTaskAsset, unlinkTaskAssets } from '../../../domain/tasks/task-assets.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { mediaLinks, presentAssetVersions, presentFullAsset, presentMiniAsset, type MediaLinks } from './asset-shapes.js';
import { WsAssetVersion, WsFullAsset, WsMiniAsset } from './asset-shapes.schemas.js';
import { IntLike, PagingQuery, paging } from './conventions.js';
import { rowId, rowIds } from './ids.js';
import { wsErrors } from './schemas.js';
import { presentApprovalSummaries } from './approvals.present-many.js';

const tags = ['Workstream'];
const config = { scope: 'credential' } as const;

const TaskParams = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,10}$', description: 'Task id' }) });
const TaskAssetParams = Type.Object({
  id: Type.String({ pattern: '^[0-9]{1,10}$', description: 'Task id' }),
  assetId: Type.String({ pattern: '^[0-9]{1,10}$', description: 'Asset id' }),
});
const AssetIdsBody = Type.Object({ assetids: Type.Array(IntLike, { minItems: 1, maxItems: 100, description: 'Asset ids' }) }, { additionalProperties: false });
const Flag = Type.Union([Type.Literal('1'), Type.Literal('0'), Type.Literal('true'), Type.Literal('false'), Type.Boolean(), Type.Integer({ minimum: 0, maximum: 1 })]);
const ListQuery = Type.Object(
  { ...PagingQuery, approval_status: Type.Optional(Flag) },
  { additionalProperties: false },
);

/** The request's own origin for absolute media URLs (PUBLIC_URL when set). */
export function linksFor(request: FastifyRequest, ctx: Ctx): MediaLinks {
  return mediaLinks(ctx, ctx.config.uploads.publicUrl ?? `${request.protocol}://${request.host}`);
}

const taskId = (ctx: Ctx, id: string) => rowId(ctx, 'tasks', id, { field: 'id', part: 'params', what: 'task' });
const assetId = (ctx: Ctx, id: string) => rowId(ctx, 'assets', id, { field: 'assetId', part: 'params', what: 'asset' });
const isOn = (v: unknown): boolean => v === true || v === 1 || v === '1' || v === 'true';

async function miniAssets(ctx: Ctx, links: MediaLinks, task: string, page: { offset: number; limit: number }, withApproval: boolean) {
  const ids = await listTaskAssetIds(ctx, task, page);
  const shapes = await loadAssetShapes(ctx.db, { workspaceId: scopedWorkspaceId(ctx), viewerId: ctx.actor.userId, assetIds: ids });
  const approvals = withApproval ? await presentApprovalSummaries(ctx, shapes.map((d) => d.asset.id)) : undefined;
  return shapes.map((d) => (approvals ? { ...presentMiniAsset(links, d), approval: approvals.get(d.asset.id) ?? null } : presentMiniAsset(links, d)));
}

/** A task's assets (T3-T5, T9, T10, T14, T15 of spec §1.4.7): links only; assets are never deleted here. */
export const taskAssetsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/tasks/:id/assets',
    {
      config,
      schema: {
        tags,
        summary: 'List a task\'s assets (T3)',
        description: 'Mini assets in the order they were linked. With `approval_status=1` each carries `approval` (null when the asset has no approval).',
        params: TaskParams,
        querystring: ListQuery,
        response: { 200: Type.Array(WsMiniAsset), ...wsErrors },
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      return miniAssets(ctx, linksFor(request, ctx), await taskId(ctx, request.params.id), paging(request.query), isOn(request.query.approval_status));
    },
  );

  app.get(
    '/tasks/:id/assets/:assetId',
    { config, schema: { tags, summary: 'Get one of a task\'s assets (T4)', params: TaskAssetParams, response: { 200: WsFullAsset, ...wsErrors } } },
    async (request) => {
      const ctx = ctxOf(request);
      const task = await taskId(ctx, request.params.id);
      const asset = await assetId(ctx, request.params.assetId);
      await requireTaskAsset(ctx, task, asset);
      const [d] = await loadAssetShapes(ctx.db, { workspaceId: scopedWorkspaceId(ctx), viewerId: ctx.actor.userId, assetIds: [asset] });
      if (!d) {
        throw errors.notFound('asset', request.params.assetId);
      }
      return presentFullAsset(linksFor(request, ctx), d);
    },
  );

  app.get(
    '/tasks/:id/assets/:assetId/versions',
    {
      config,
      schema: {
        tags,
        summary: 'List the older versions of one of a task\'s assets (T5)',
        description: 'Newest first; the current version is the asset itself (T4).',
        params: TaskAssetParams,
        response: { 200: Type.Array(WsAssetVersion), ...wsErrors },
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      const task = await taskId(ctx, request.params.id);
      const asset = await assetId(ctx, request.params.assetId);
      await requireTaskAsset(ctx, task, asset);
      const workspaceId = scopedWorkspaceId(ctx);
      const [d] = await loadAssetShapes(ctx.db, { workspaceId, viewerId: ctx.actor.userId, assetIds: [asset] });
      if (!d) {
        throw errors.notFound('asset', request.params.assetId);
      }
      return presentAssetVersions(linksFor(request, ctx), d, await loadVersionShapes(ctx.db, { workspaceId, assetId: asset }));
    },
  );

  const answer = { 200: Type.Array(WsMiniAsset, { description: 'The task\'s assets after the change (the first 100)' }), ...wsErrors };

  app.post(
    '/tasks/:id/assets/:assetId',
    { config, schema: { tags, summary: 'Link one asset to a task (T9)', params: TaskAssetParams, response: answer } },
    async (request) => {
      const ctx = ctxOf(request);
      const task = await taskId(ctx, request.params.id);
      const asset = await assetId(ctx, request.params.assetId);
      await linkTaskAssets(ctx, task, [asset], () => ({ part: 'params', field: 'assetId' }));
      return miniAssets(ctx, linksFor(request, ctx), task, { offset: 0, limit: 100 }, false);
    },
  );

  app.post(
    '/tasks/:id/assets',
    { config, schema: { tags, summary: 'Link assets to a task (T10)', params: TaskParams, body: AssetIdsBody, response: answer } },
    async (request) => {
      const ctx = ctxOf(request);
      const task = await taskId(ctx, request.params.id);
      const assets = await rowIds(ctx, 'assets', request.body.assetids, { field: 'assetids', what: 'asset' });
      await linkTaskAssets(ctx, task, assets, (i) => ({ part: 'body', field: `assetids/${i}` }));
      return miniAssets(ctx, linksFor(request, ctx), task, { offset: 0, limit: 100 }, false);
    },
  );

  app.delete(
    '/tasks/:id/assets/:assetId',
    {
      config,
      schema: { tags, summary: 'Unlink one asset from a task; the asset stays (T14)', description: 'An asset not linked to the task: 404.', params: TaskAssetParams, response: answer },
    },
    async (request) => {
      const ctx = ctxOf(request);
      const task = await taskId(ctx, request.params.id);
      const asset = await assetId(ctx, request.params.assetId);
      if ((await unlinkTaskAssets(ctx, task, [asset])).length === 0) {
        throw errors.notFound('asset', request.params.assetId);
      }
      return miniAssets(ctx, linksFor(request, ctx), task, { offset: 0, limit: 100 }, false);
    },
  );

  app.delete(
    '/tasks/:id/assets',
    {
      config,
      schema: {
        tags,
        summary: 'Unlink assets from a task; the assets stay (T15)',
        description: '`assetids[]` in the body (form or JSON). Assets of the account that are not linked are ignored.',
        params: TaskParams,
        body: AssetIdsBody,
        response: answer,
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      const task = await taskId(ctx, request.params.id);
      const assets = await rowIds(ctx, 'assets', request.body.assetids, { field: 'assetids', what: 'asset' });
      await unlinkTaskAssets(ctx, task, assets);
      return miniAssets(ctx, linksFor(request, ctx), task, { offset: 0, limit: 100 }, false);
    },
  );
};
