import { Type } from '@sinclair/typebox';

export const LiveStreamHeaders = Type.Object({
  'last-event-id': Type.Optional(
    Type.String({
      maxLength: 40,
      description: 'The `id` of the last event received (`<history sequence>.<notification sequence>`): the stream first sends what came after it.',
    }),
  ),
});

export const LIVE_STREAM_DESCRIPTION = [
  'Server-sent events (`text/event-stream`) about the current workspace, pushed as they happen, for the web app and',
  'for scripts (docs/live-updates.md). Events: `ready` (the stream is live; data `{workspace_id, user_id}`),',
  '`history` (a history event of this workspace, the shape of `GET /workspaces/history` plus `asset_id` and',
  '`sequence`: e.g. `comment_created`, `asset_locked`, `derivatives_ready` when a version\'s thumbnails and previews',
  'are made), `notification` (one of your notifications in this account, the shape of `GET /accounts/notifications`),',
  '`reset` (more was missed than can be replayed: read again what you show). Every event has an `id`; reconnect with',
  '`Last-Event-ID` to get what came meanwhile. A comment line (`: ping`) comes every 15 s. At most 8 streams per user',
  'are open per server process (429 `too_many_streams`). The stream ends when the credential stops being valid or the',
  'caller leaves the workspace, and when the server shuts down; reconnect.',
].join(' ');

/** What the OpenAPI document says of the 200 answer: a stream, not JSON. */
export const LiveStreamBody = {
  description: 'An endless `text/event-stream` of `ready`, `history`, `notification` and `reset` events (see the description).',
  content: { 'text/event-stream': { schema: { type: 'string', description: 'Server-sent events (https://html.spec.whatwg.org/multipage/server-sent-events.html).' } } },
} as const;
