import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requestArchives, requestRestores } from '../../../domain/asset-imports/archive.service.js';
import { getImportLog, listImportLogsOf, startAssetImport } from '../../../domain/asset-imports/asset-imports.service.js';
import { viewImportLogs } from '../../../domain/asset-imports/import-log-views.js';
import { ctxOf } from '../../plugins/auth.js';
import { PagingQuery, paging, setPageHeaders } from './conventions.js';
import { ActivityBody, ImportAccepted, ImportBody, ImportLog } from './imports.schemas.js';
import { presentImportLog } from './imports.present.js';
import { IdParams } from './project-assets.schemas.js';
import { mlErrors, tags } from './schemas.js';
import { Type } from '@sinclair/typebox';

/** The asynchronous import and its ImportLogs (spec §2.3.7; docs/medialoopster-bundles.md). */
export const importsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const config = { scope: 'credential-account' } as const;

  app.post(
    '/asset/import/',
    {
      config,
      schema: {
        tags,
        summary: 'Queue the import of a file the server can read (inside IMPORT_ROOTS) into a production; 202 with its ImportLog',
        body: ImportBody,
        response: { 202: ImportAccepted, ...mlErrors },
      },
    },
    async (request, reply) => {
      const ctx = ctxOf(request);
      const [view] = await viewImportLogs(ctx, [await startAssetImport(ctx, request.body)]);
      if (!view) {
        throw new Error('the import log just written is missing');
      }
      return reply.status(202).send({ asset_import_id: Number(view.row.sequence), import_log: presentImportLog(view) });
    },
  );

  app.get(
    '/importlogs/',
    { config, schema: { tags, summary: 'List ImportLogs (imports, archives, restores) of the productions the caller can read', querystring: Type.Object(PagingQuery), response: { 200: Type.Array(ImportLog), ...mlErrors } } },
    async (request, reply) => {
      const ctx = ctxOf(request);
      const page = paging(request.query);
      const { rows, total } = await listImportLogsOf(ctx, page);
      setPageHeaders(request, reply, page, total);
      return (await viewImportLogs(ctx, rows)).map(presentImportLog);
    },
  );

  app.get(
    '/importlogs/:id/',
    { config, schema: { tags, summary: 'One ImportLog: poll it until `state` is completed or failed', params: IdParams, response: { 200: ImportLog, ...mlErrors } } },
    async (request) => {
      const ctx = ctxOf(request);
      const [view] = await viewImportLogs(ctx, [await getImportLog(ctx, request.params.id)]);
      if (!view) {
        throw new Error('unreachable: the log was just read');
      }
      return presentImportLog(view);
    },
  );

  for (const [path, run, what] of [
    ['/archiveactivities/', requestArchives, 'Queue archives: each asset\'s high-res file moves to its production\'s archive device; 202 with one ImportLog per entry'],
    ['/restoreactivities/', requestRestores, 'Queue restores: each archived asset moves back to where it was archived from; 202 with one ImportLog per entry'],
  ] as const) {
    app.post(
      path,
      { config, schema: { tags, summary: what, body: ActivityBody, response: { 202: Type.Array(ImportLog), ...mlErrors } } },
      async (request, reply) => {
        const ctx = ctxOf(request);
        const rows = await run(ctx, request.body);
        return reply.status(202).send((await viewImportLogs(ctx, rows)).map(presentImportLog));
      },
    );
  }
};
