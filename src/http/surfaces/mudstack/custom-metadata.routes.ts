import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { CONTENT_TYPES, createCustomField, createCustomRule, createCustomSet, deleteCustomField, listCustomMetadata } from '../../../domain/media-assets/custom-metadata.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { authErrors, ErrorBody, Ok } from './common.schemas.js';

const tags = ['Custom metadata (medialoopster)'];
const config = { scope: 'account' } as const;

const ContentType = Type.Union(CONTENT_TYPES.map((c) => Type.Literal(c)), { description: 'The asset kind the set\'s fields apply to.' });
const Stamp = { id: Type.String(), sequence: Type.Integer(), created_at: Type.String() };
const Set = Type.Object({ ...Stamp, name: Type.String(), content_type: Type.String() });
const Rule = Type.Object({ ...Stamp, name: Type.String(), regex: Type.String(), message: Type.String() });
const Field = Type.Object({ ...Stamp, set_id: Type.String(), key: Type.String(), value: Type.String(), order: Type.Integer(), rule_id: Type.Union([Type.String(), Type.Null()]) });

type Row = { id: string; sequence: number; created_at: string };
const stamp = (r: Row) => ({ id: r.id, sequence: Number(r.sequence), created_at: r.created_at });
const presentSet = (r: Row & { name: string; content_type: string }) => ({ ...stamp(r), name: r.name, content_type: r.content_type });
const presentRule = (r: Row & { name: string; regex: string; message: string }) => ({ ...stamp(r), name: r.name, regex: r.regex, message: r.message });
const presentField = (r: Row & { set_id: string; key: string; value: string; order: number; rule_id: string | null }) => ({
  ...stamp(r), set_id: r.set_id, key: r.key, value: r.value, order: Number(r.order), rule_id: r.rule_id,
});

/**
 * Custom metadata definitions of the account (docs/medialoopster.md "Custom metadata"), administered through the core
 * API by account admins; the medialoopster surface reads them at /api/custommetadata/ and checks asset values against
 * them.
 */
export const customMetadataRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/accounts/custom-metadata',
    {
      config,
      schema: { tags, summary: 'The account\'s custom metadata sets, validation rules and fields', response: { 200: Type.Object({ sets: Type.Array(Set), rules: Type.Array(Rule), fields: Type.Array(Field) }), ...authErrors } },
    },
    async (request) => {
      const all = await listCustomMetadata(ctxOf(request));
      return { sets: all.sets.map(presentSet), rules: all.rules.map(presentRule), fields: all.fields.map(presentField) };
    },
  );

  app.post(
    '/accounts/custom-metadata/sets',
    {
      config,
      schema: {
        tags, summary: 'Add a custom metadata set (account admins)',
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 255 }), content_type: ContentType }, { additionalProperties: false }),
        response: { 201: Set, ...authErrors },
      },
    },
    async (request, reply) => reply.code(201).send(presentSet(await createCustomSet(ctxOf(request), { name: request.body.name, contentType: request.body.content_type }))),
  );

  app.post(
    '/accounts/custom-metadata/rules',
    {
      config,
      schema: {
        tags, summary: 'Add a validation rule: a regular expression the whole value must match (account admins)',
        body: Type.Object(
          { name: Type.String({ minLength: 1, maxLength: 255 }), regex: Type.String({ minLength: 1, maxLength: 1000 }), message: Type.Optional(Type.String({ maxLength: 1000 })) },
          { additionalProperties: false },
        ),
        response: { 201: Rule, ...authErrors },
      },
    },
    async (request, reply) => {
      const b = request.body;
      return reply.code(201).send(presentRule(await createCustomRule(ctxOf(request), { name: b.name, regex: b.regex, message: b.message ?? '' })));
    },
  );

  app.post(
    '/accounts/custom-metadata/fields',
    {
      config,
      schema: {
        tags, summary: 'Add a custom metadata field (account admins); `key` is unique in the account (409)',
        body: Type.Object(
          {
            set_id: Type.String({ maxLength: 64 }),
            key: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,255}$', description: 'Internal name, e.g. `company.cvams.director`.' }),
            value: Type.String({ minLength: 1, maxLength: 255, description: 'The display name.' }),
            order: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
            rule_id: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
          },
          { additionalProperties: false },
        ),
        response: { 201: Field, ...authErrors, 409: ErrorBody },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const row = await createCustomField(ctxOf(request), { setId: b.set_id, key: b.key, value: b.value, order: b.order ?? 0, ruleId: b.rule_id ?? null });
      return reply.code(201).send(presentField(row));
    },
  );

  app.delete(
    '/accounts/custom-metadata/fields/:field_id',
    { config, schema: { tags, summary: 'Remove a custom metadata field (account admins)', params: Type.Object({ field_id: Type.String({ maxLength: 64 }) }), response: { 200: Ok, ...authErrors } } },
    async (request) => {
      await deleteCustomField(ctxOf(request), request.params.field_id);
      return { ok: true };
    },
  );
};
