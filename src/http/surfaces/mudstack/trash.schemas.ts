import { Type } from '@sinclair/typebox';

const Ids = Type.Array(Type.String({ minLength: 1 }), { maxItems: 1000 });

/** Body of the bulk trash calls: `{ids: [...]}` (`asset_ids` is accepted too). */
export const IdsBody = Type.Object(
  { ids: Type.Optional(Ids), asset_ids: Type.Optional(Ids) },
  { additionalProperties: false },
);

export const IdsQuery = Type.Object({
  ids: Type.Optional(Type.Array(Type.String(), { description: 'Repeat (`ids=a&ids=b`) or comma-separate (`ids=a,b`)', maxItems: 1000 })),
});

export const DeletedBody = Type.Object({ deleted: Type.Array(Type.String()) });
export const PurgedBody = Type.Object({ purged: Type.Integer({ description: 'Assets purged for good' }) });

export const TrashQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'The `x-next-cursor` of the previous page.' })),
});
