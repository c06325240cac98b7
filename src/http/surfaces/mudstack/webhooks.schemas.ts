import { Type, type Static } from '@sinclair/typebox';
import { NullableString } from './common.schemas.js';

const EventTypes = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
  minItems: 1,
  maxItems: 100,
  description: 'History event types to receive (asset_created, version_created, derivatives_ready, comment_created...), or ["*"] for all',
});
const Url = Type.String({ minLength: 1, maxLength: 2000, description: 'http(s) URL the messages are POSTed to' });
const Secret = Type.String({ maxLength: 200, description: 'whsec_ + base64 of 24-64 bytes; generated when omitted' });
const Description = Type.Union([Type.String({ maxLength: 1000 }), Type.Null()]);

export const Webhook = Type.Object(
  {
    id: Type.String(),
    sequence: Type.Integer(),
    workspace_id: Type.String(),
    url: Type.String(),
    event_types: Type.Array(Type.String()),
    active: Type.Boolean(),
    description: NullableString,
    secret: Type.String({ description: 'In full only in the answer to POST /workspaces/webhooks; masked afterwards' }),
    created_by_user_id: NullableString,
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { description: 'Webhook endpoint' },
);
export type WebhookJson = Static<typeof Webhook>;

export const WebhookDelivery = Type.Object(
  {
    id: Type.String(),
    sequence: Type.Integer(),
    webhook_id: Type.String(),
    event_id: Type.String({ description: 'The message id (webhook-id header): the history event id, or a generated id for pings' }),
    event_type: Type.String(),
    payload: Type.Object({}, { additionalProperties: true, description: 'The JSON body sent: {type, timestamp, data}' }),
    state: Type.Union(['pending', 'succeeded', 'failed', 'dead'].map((s) => Type.Literal(s)), {
      description: 'pending: not tried yet; failed: the last attempt failed and another is scheduled; dead: no attempts left',
    }),
    attempts: Type.Integer(),
    response_status: Type.Union([Type.Integer(), Type.Null()]),
    response_body: Type.Union([Type.String({ description: 'First 2 KB' }), Type.Null()]),
    error: NullableString,
    duration_ms: Type.Union([Type.Integer(), Type.Null()]),
    created_at: Type.String(),
    delivered_at: NullableString,
    next_attempt_at: NullableString,
  },
  { description: 'Webhook delivery' },
);
export type WebhookDeliveryJson = Static<typeof WebhookDelivery>;

export const WebhookParams = Type.Object({ webhook_id: Type.String() });
export const DeliveryParams = Type.Object({ webhook_id: Type.String(), delivery_id: Type.String() });

export const WebhookCreateBody = Type.Object(
  {
    url: Url,
    event_types: EventTypes,
    secret: Type.Optional(Secret),
    description: Type.Optional(Description),
    active: Type.Optional(Type.Boolean({ default: true })),
  },
  { additionalProperties: false },
);

export const WebhookPutBody = WebhookCreateBody;

export const WebhookPatchBody = Type.Object(
  {
    url: Type.Optional(Url),
    event_types: Type.Optional(EventTypes),
    secret: Type.Optional(Secret),
    description: Type.Optional(Description),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
