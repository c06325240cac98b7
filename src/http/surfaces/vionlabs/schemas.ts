import { Type } from '@sinclair/typebox';
import { ITEM_TYPES, PRODUCT_TYPES, TASK_PRIORITIES, TASK_STATUSES, VERSION_PATTERN } from '../../../domain/processing/products.js';

/* TypeBox schemas shared by the Vionlabs routes (spec §3.2-3.5; docs/vionlabs.md). */

export const tags = ['Vionlabs'];
export const config = { scope: 'credential' } as const;

/** The API key in the query (`?key=`), accepted on every route (the `X-API-Key` header works too). */
export const KeyQuery = { key: Type.Optional(Type.String({ maxLength: 2000, description: 'API key: `<Atelier API key>.<secret>` (or send X-API-Key).' })) };

export const ItemId = Type.String({ minLength: 1, maxLength: 255, description: "The customer's own catalog id." });

export const Product = Type.Union(
  PRODUCT_TYPES.map((p) => Type.Literal(p)),
  { description: 'Product name (Vionlabs ProductType).' },
);
export const Version = Type.String({ pattern: VERSION_PATTERN, description: 'Product version, MAJOR.MINOR.PATCH (e.g. 1.0.1).' });

export const TaskParams = Type.Object({ inventory_id: ItemId, product: Product, version: Version });

export const Link = Type.Object({ href: Type.String(), method: Type.String() });
export const TaskStatusJson = Type.Object({
  status: Type.Union(TASK_STATUSES.map((s) => Type.Literal(s))),
  error: Type.Union([Type.String(), Type.Null()]),
  _links: Type.Record(Type.String(), Link),
});

export const ValidationError = Type.Object({
  detail: Type.Array(Type.Object({ loc: Type.Array(Type.Union([Type.String(), Type.Integer()])), msg: Type.String(), type: Type.String() })),
});
export const DetailError = Type.Object({ detail: Type.String() });
/** `200 null`: what FastAPI answers for a handler that returns nothing. */
export const NullOk = Type.Null({ description: 'null' });
/** Every error body of this surface (FastAPI's two shapes), named in `/openapi.json` (plugins/openapi.ts). */
export const VionlabsError = Type.Union([DetailError, ValidationError]);
/** The statuses the document adds (400, 401, 403, 404, …) use VionlabsError too (plugins/openapi-document.ts). */
export const errorResponses = { 422: VionlabsError } as const;
export const vionlabsComponents: Record<string, unknown> = { VionlabsError };

export const Priority = Type.Union(TASK_PRIORITIES.map((p) => Type.Literal(p)));

export const ItemType = Type.Union(ITEM_TYPES.map((t) => Type.Literal(t)));

/** The catalog item as PUT (docs/vionlabs.md "Catalog": each field and what Atelier does with it). */
export const ItemBody = Type.Object(
  {
    id: ItemId,
    type: ItemType,
    title: Type.String({ minLength: 1, maxLength: 1000 }),
    virtual: Type.Optional(Type.Boolean({ default: false })),
    tags: Type.Optional(Type.Array(Type.String({ maxLength: 255 }), { maxItems: 500 })),
    external_ids: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 255 }))),
    poster_urls: Type.Optional(Type.Array(Type.String({ pattern: '^https://', maxLength: 2000 }), { maxItems: 50 })),
    video_uri: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 2000, description: 'atelier://assets/<asset id>: the Atelier video asset.' })])),
    series_id: Type.Optional(Type.Union([Type.Null(), ItemId])),
    season_id: Type.Optional(Type.Union([Type.Null(), ItemId])),
    season_number: Type.Optional(Type.Union([Type.Null(), Type.Integer({ minimum: 0, maximum: 100000 })])),
    episode_number: Type.Optional(Type.Union([Type.Null(), Type.Integer({ minimum: 0, maximum: 100000 })])),
    availability_start: Type.Optional(Type.Union([Type.Null(), Type.String({ format: 'date-time' })])),
    availability_end: Type.Optional(Type.Union([Type.Null(), Type.String({ format: 'date-time' })])),
  },
  { additionalProperties: false },
);
