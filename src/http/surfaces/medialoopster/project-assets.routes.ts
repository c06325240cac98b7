import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors } from '../../../domain/errors.js';
import { addAssetsToProject } from '../../../domain/project-assets/project-asset-links.service.js';
import { submitProjectAsset } from '../../../domain/project-assets/project-asset-submit.service.js';
import { getProjectAsset, listProjectAssetsOf, requestProjectAssetDelete } from '../../../domain/project-assets/project-assets.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { paging, setPageHeaders } from './conventions.js';
import { baseUrl } from './ids.js';
import { AddAssetBody, AddAssetResult, CreateBody, CreateQuery, IdParams, ListQuery, ProjectAsset, ProjectAssetList } from './project-assets.schemas.js';
import { presentProjectAsset } from './project-assets.present.js';
import { MlDetail, MlErrors, mlErrors, tags } from './schemas.js';

/** Project assets (seed 003; docs/medialoopster-bundles.md): NLE project bundles in productions. */
export const projectAssetsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const config = { scope: 'credential-account' } as const;

  app.get(
    '/projectassets/',
    { config, schema: { tags, summary: 'List project assets (every production the caller can read)', querystring: ListQuery, response: { 200: ProjectAssetList, ...mlErrors } } },
    async (request, reply) => {
      const page = paging(request.query);
      const { items, total } = await listProjectAssetsOf(ctxOf(request), { ...page, bundleRoot: request.query.bundle_root });
      setPageHeaders(request, reply, page, total);
      return items.map((v) => presentProjectAsset(v, baseUrl(request)));
    },
  );

  app.get(
    '/projectassets/:id/',
    { config, schema: { tags, summary: 'Get one project asset', params: IdParams, response: { 200: ProjectAsset, ...mlErrors } } },
    async (request) => presentProjectAsset(await getProjectAsset(ctxOf(request), request.params.id), baseUrl(request)),
  );

  app.post(
    '/projectassets/',
    {
      config,
      schema: {
        tags,
        summary: 'Create a project asset (201, status_asset 6), or copy one with copy_of (201, status_asset 0; files copied by a job)',
        querystring: CreateQuery,
        body: CreateBody,
        response: { 201: ProjectAsset, ...mlErrors },
      },
    },
    async (request, reply) => {
      const view = await submitProjectAsset(ctxOf(request), request.body, request.query.share_linked_assets);
      return reply.status(201).send(presentProjectAsset(view, baseUrl(request)));
    },
  );

  app.post(
    '/projectassets/:id/addasset/',
    {
      config,
      schema: {
        tags,
        summary: 'Link media assets (audio, image, video) to a project asset (JSON only)',
        params: IdParams,
        body: AddAssetBody,
        // 400 is either DRF form (MedialoopsterError covers both); 422 is the single form only.
        response: { 200: AddAssetResult, 422: MlDetail, ...mlErrors },
      },
    },
    async (request) => {
      // Seed 003: "The request body must be sent as JSON formatted raw data."
      if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(String(request.headers['content-type'] ?? ''))) {
        throw errors.unsupportedMedia(`Unsupported media type "${String(request.headers['content-type'] ?? '')}" in request: send the body as application/json.`);
      }
      return addAssetsToProject(ctxOf(request), request.params.id, request.body);
    },
  );

  app.delete(
    '/projectassets/:id/',
    {
      config,
      schema: { tags, summary: 'Delete a project asset and its bundle\'s files, asynchronously (202); linked media stay', params: IdParams, response: { 202: Type.Null({ description: 'No body.' }), ...mlErrors } },
    },
    async (request, reply) => {
      await requestProjectAssetDelete(ctxOf(request), request.params.id);
      // Seed 003: 202 Accepted with no body at all (not `null`).
      return reply.status(202).send(undefined as unknown as null);
    },
  );
};
