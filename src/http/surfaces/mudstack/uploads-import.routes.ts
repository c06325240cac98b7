import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { getImport, startImport } from '../../../domain/uploads/import.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { authErrors } from './common.schemas.js';
import { ImportBody, ImportParams, ImportState } from './uploads.schemas.js';
import { presentImport } from './uploads.present.js';

const tags = ['Importing'];

/** "Importing (upload alternative)": files from a server path under IMPORT_ROOTS or from a URL, run as a job. */
export const uploadsImportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/workspaces/import',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'Import from a server path or a URL',
        description:
          '`{path}`: a file or directory inside one of IMPORT_ROOTS (symlinks are resolved and must stay inside; `..` is ' +
          'refused); a directory is imported recursively, its sub-directories becoming folders below `file_location`. ' +
          '`{url}`: an http(s) download (IMPORT_URL_ENABLED; private addresses refused unless IMPORT_URL_ALLOW_PRIVATE), ' +
          'size-capped by MAX_UPLOAD_BYTES. Runs as the `import.run` job: 202, then poll GET /workspaces/import/{import_id}.',
        body: ImportBody,
        response: { 202: ImportState, ...authErrors },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const row = await startImport(ctxOf(request), { path: b.path, url: b.url, fileLocation: b.file_location });
      return reply.status(202).send(presentImport(row));
    },
  );

  app.get(
    '/workspaces/import/:import_id',
    {
      config: { scope: 'workspace' },
      schema: { tags, summary: 'Import progress', params: ImportParams, response: { 200: ImportState, ...authErrors } },
    },
    async (request) => presentImport(await getImport(ctxOf(request), request.params.import_id)),
  );
};
