import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { findCustomField, pageCustomFields, type ContentType, type CustomFieldRecord } from '../../../domain/media-assets/custom-metadata.service.js';
import { errors } from '../../../domain/errors.js';
import { ctxOf } from '../../plugins/auth.js';
import { PagingQuery, paging, setPageHeaders } from './conventions.js';
import { modelNotFound } from './errors.js';
import { IdParams, pathId } from './ids.js';
import { mlErrors, tags } from './schemas.js';

const config = { scope: 'credential-account' } as const;

/**
 * Django's content types of the asset models, by name and by the fixed ids Atelier gives them (docs/medialoopster.md
 * "Custom metadata").
 */
const CONTENT_TYPE_NAMES: Record<string, ContentType> = { audioasset: 'audio', imageasset: 'image', videoasset: 'video', projectasset: 'project' };
const CONTENT_TYPE_IDS: Record<number, ContentType> = { 1: 'audio', 2: 'image', 3: 'video', 4: 'project' };

export const MlCustomMetadata = Type.Object({
  id: Type.Integer(),
  key: Type.String(),
  value: Type.String({ description: 'The display name.' }),
  order: Type.Integer(),
  custom_metadata_set: Type.Integer(),
  validation_rule: Type.Union([Type.Integer(), Type.Null()]),
});

const present = (r: CustomFieldRecord) => ({
  id: r.sequence, key: r.key, value: r.value, order: r.order, custom_metadata_set: r.setSequence, validation_rule: r.ruleSequence,
});

/** Custom metadata definitions (spec §2.3.6). */
export const customMetadataRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/custommetadata/',
    {
      config,
      schema: {
        tags,
        summary: 'Custom metadata fields of the account, by order',
        description: 'Filter with `content_type_name` (`audioasset`, `imageasset`, `videoasset`, `projectasset`) or `content_type_id` (1-4 in that order), not both.',
        querystring: Type.Object({
          ...PagingQuery,
          content_type_name: Type.Optional(Type.Union(Object.keys(CONTENT_TYPE_NAMES).map((n) => Type.Literal(n)))),
          content_type_id: Type.Optional(Type.Integer({ minimum: 1, maximum: 4 })),
        }),
        response: { 200: Type.Array(MlCustomMetadata), ...mlErrors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      if (q.content_type_name !== undefined && q.content_type_id !== undefined) {
        throw errors.invalidField('query', 'content_type_id', 'use content_type_name or content_type_id, not both');
      }
      const contentType = q.content_type_name !== undefined ? CONTENT_TYPE_NAMES[q.content_type_name] : q.content_type_id !== undefined ? CONTENT_TYPE_IDS[q.content_type_id] : undefined;
      const page = paging(q);
      const { items, total } = await pageCustomFields(ctxOf(request), { ...page, contentType });
      setPageHeaders(request, reply, page, total);
      return items.map(present);
    },
  );

  app.get(
    '/custommetadata/:id/',
    { config, schema: { tags, summary: 'One custom metadata field', params: IdParams, response: { 200: MlCustomMetadata, ...mlErrors } } },
    async (request) => {
      const row = await findCustomField(ctxOf(request), pathId(request.params.id, 'CustomMetadata'));
      if (!row) {
        throw modelNotFound('CustomMetadata', request.params.id);
      }
      return present(row);
    },
  );
};
