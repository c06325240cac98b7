import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { createSequence, deleteSequence, listSequences, updateSequence, type SequenceView } from '../../../domain/media-assets/sequences.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { authErrors, ErrorBody, Ok } from './common.schemas.js';
import { Sequence, SequenceAssetParams, SequenceCreateBody, SequenceParams, SequencePatchBody, type SequenceJson } from './sequences.schemas.js';

const tags = ['Productions (medialoopster)'];
const config = { scope: 'workspace' } as const;

function presentSequence({ row, shots }: SequenceView): SequenceJson {
  const start = Number(row.timecode_start);
  const end = Number(row.timecode_end);
  return {
    id: row.id,
    sequence: Number(row.sequence),
    asset_id: row.asset_id,
    name: row.name,
    description: row.description,
    keywords: JSON.parse(row.keywords) as string[],
    timecode_start: start,
    timecode_end: end,
    duration: end - start,
    shot_ids: shots.map((s) => Number(s.sequence)),
    created_at: row.created_at,
  };
}

/**
 * Sequences of a video asset's shots (docs/medialoopster.md "Shots and sequences"): editors of the workspace group
 * the shots GET /api/videoassets/{id}/shots/ lists into named sequences, which that surface then shows on
 * GET /api/videoassets/{id}/sequences/. Any member lists them.
 */
export const sequencesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/workspaces/assets/:asset_id/sequences',
    { config, schema: { tags, summary: 'The sequences of a video asset, by start time', params: SequenceAssetParams, response: { 200: Type.Array(Sequence), ...authErrors } } },
    async (request) => (await listSequences(ctxOf(request), request.params.asset_id)).map(presentSequence),
  );

  app.post(
    '/workspaces/assets/:asset_id/sequences',
    {
      config,
      schema: {
        tags,
        summary: 'Group shots of a video asset into a named sequence (editors)',
        description: 'Timecodes and duration are derived from the shots. A shot belongs to at most one sequence (409 `shot_in_other_sequence`).',
        params: SequenceAssetParams,
        body: SequenceCreateBody,
        response: { 201: Sequence, ...authErrors, 409: ErrorBody, 423: ErrorBody },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const view = await createSequence(ctxOf(request), request.params.asset_id, { name: b.name, description: b.description, keywords: b.keywords, shotIds: b.shot_ids });
      return reply.code(201).send(presentSequence(view));
    },
  );

  app.patch(
    '/workspaces/assets/:asset_id/sequences/:sequence_id',
    {
      config,
      schema: {
        tags,
        summary: 'Change a sequence (editors); `shot_ids` replaces its shots',
        params: SequenceParams,
        body: SequencePatchBody,
        response: { 200: Sequence, ...authErrors, 409: ErrorBody, 423: ErrorBody },
      },
    },
    async (request) => {
      const b = request.body;
      const view = await updateSequence(ctxOf(request), request.params.asset_id, request.params.sequence_id, {
        name: b.name, description: b.description, keywords: b.keywords, shotIds: b.shot_ids,
      });
      return presentSequence(view);
    },
  );

  app.delete(
    '/workspaces/assets/:asset_id/sequences/:sequence_id',
    {
      config,
      schema: { tags, summary: 'Remove a sequence (editors); its shots stay', params: SequenceParams, response: { 200: Ok, ...authErrors, 409: ErrorBody, 423: ErrorBody } },
    },
    async (request) => {
      await deleteSequence(ctxOf(request), request.params.asset_id, request.params.sequence_id);
      return { ok: true };
    },
  );
};
