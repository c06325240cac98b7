import { Type, type Static } from '@sinclair/typebox';

/* Core-API routes of the medialoopster surface's sequences of shots (docs/medialoopster.md "Shots and sequences"). */

const ShotId = Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'A shot\'s integer id, as GET /api/videoassets/{id}/shots/ shows it' });

export const Sequence = Type.Object({
  id: Type.String(),
  sequence: Type.Integer(),
  asset_id: Type.String(),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  keywords: Type.Array(Type.String()),
  timecode_start: Type.Integer({ description: 'Milliseconds: the earliest start of its shots' }),
  timecode_end: Type.Integer({ description: 'Milliseconds: the latest end of its shots' }),
  duration: Type.Integer({ description: 'Milliseconds: timecode_end - timecode_start' }),
  shot_ids: Type.Array(Type.Integer(), { description: 'Its shots\' integer ids, by start time' }),
  created_at: Type.String(),
});
export type SequenceJson = Static<typeof Sequence>;

const fields = {
  name: Type.String({ maxLength: 1024, description: 'Not blank; at most 255 bytes' }),
  description: Type.Optional(Type.Union([Type.String({ maxLength: 10_000 }), Type.Null()])),
  keywords: Type.Optional(Type.Array(Type.String({ maxLength: 255 }), { maxItems: 100 })),
  shot_ids: Type.Array(ShotId, {
    minItems: 1,
    maxItems: 10_000,
    description: 'Shots of the asset\'s current version (400 otherwise), none already in another sequence (409)',
  }),
};

export const SequenceCreateBody = Type.Object(fields, { additionalProperties: false });
export const SequencePatchBody = Type.Partial(Type.Object(fields), { additionalProperties: false, minProperties: 1 });
export const SequenceAssetParams = Type.Object({ asset_id: Type.String({ maxLength: 64 }) });
export const SequenceParams = Type.Object({ asset_id: Type.String({ maxLength: 64 }), sequence_id: Type.String({ maxLength: 64 }) });
