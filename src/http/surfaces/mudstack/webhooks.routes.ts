import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhookDeliveries,
  listWebhooks,
  pingWebhook,
  redeliverWebhook,
  updateWebhook,
} from '../../../domain/webhooks/webhooks.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { authErrors, ErrorBody, Ok, PageQuery } from './common.schemas.js';
import { presentDelivery, presentWebhook } from './webhooks.present.js';
import { DeliveryParams, Webhook, WebhookCreateBody, WebhookDelivery, WebhookParams, WebhookPatchBody, WebhookPutBody } from './webhooks.schemas.js';

const tags = ['Webhooks'];
const config = { scope: 'workspace' } as const;
const writeErrors = { ...authErrors, 409: ErrorBody } as const;

/**
 * Webhooks (workspace admins): signed POSTs of history events, per the Standard Webhooks scheme (webhook-id,
 * webhook-timestamp, webhook-signature `v1,<base64 HMAC-SHA256>`), retried with backoff, with a delivery log.
 */
export const webhooksRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/workspaces/webhooks',
    {
      config,
      schema: {
        tags,
        summary: 'Register a webhook endpoint',
        description:
          'The answer carries the signing secret in full, the only time it is shown. URLs on private, loopback or ' +
          'link-local addresses are refused unless WEBHOOK_ALLOW_PRIVATE is on.',
        body: WebhookCreateBody,
        response: { 201: Webhook, ...authErrors },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const row = await createWebhook(ctxOf(request), {
        url: b.url, eventTypes: b.event_types, secret: b.secret, description: b.description, active: b.active,
      });
      return reply.code(201).send(presentWebhook(row, { revealSecret: true }));
    },
  );

  app.get(
    '/workspaces/webhooks',
    { config, schema: { tags, summary: 'List the workspace\'s webhooks (secrets masked)', response: { 200: Type.Array(Webhook), ...authErrors } } },
    async (request) => (await listWebhooks(ctxOf(request))).map((w) => presentWebhook(w)),
  );

  app.get(
    '/workspaces/webhooks/:webhook_id',
    { config, schema: { tags, summary: 'A webhook (secret masked)', params: WebhookParams, response: { 200: Webhook, ...authErrors } } },
    async (request) => presentWebhook(await getWebhook(ctxOf(request), request.params.webhook_id)),
  );

  for (const [method, body] of [['PUT', WebhookPutBody], ['PATCH', WebhookPatchBody]] as const) {
    app.route({
      method,
      url: '/workspaces/webhooks/:webhook_id',
      config,
      schema: {
        tags,
        summary: method === 'PUT' ? 'Replace a webhook\'s settings (url and event_types required)' : 'Change some of a webhook\'s settings',
        description: 'A new `secret` rotates the signing secret; `active: false` pauses deliveries.',
        params: WebhookParams,
        body,
        response: { 200: Webhook, ...authErrors },
      },
      handler: async (request) => {
        const b = request.body;
        const row = await updateWebhook(ctxOf(request), request.params.webhook_id, {
          url: b.url, eventTypes: b.event_types, secret: b.secret, description: b.description, active: b.active,
        });
        return presentWebhook(row);
      },
    });
  }

  app.delete(
    '/workspaces/webhooks/:webhook_id',
    { config, schema: { tags, summary: 'Delete a webhook and its delivery log', params: WebhookParams, response: { 200: Ok, ...authErrors } } },
    async (request) => {
      await deleteWebhook(ctxOf(request), request.params.webhook_id);
      return { ok: true };
    },
  );

  app.get(
    '/workspaces/webhooks/:webhook_id/deliveries',
    {
      config,
      schema: {
        tags,
        summary: 'Delivery log, newest first; the next page\'s cursor is in the x-next-cursor header',
        params: WebhookParams,
        querystring: PageQuery,
        response: { 200: Type.Array(WebhookDelivery), ...authErrors },
      },
    },
    async (request, reply) => {
      const page = await listWebhookDeliveries(ctxOf(request), request.params.webhook_id, { limit: request.query.limit ?? 100, before: request.query.cursor });
      if (page.nextCursor !== null) {
        void reply.header('x-next-cursor', String(page.nextCursor));
      }
      return page.items.map(presentDelivery);
    },
  );

  app.post(
    '/workspaces/webhooks/:webhook_id/test',
    {
      config,
      schema: { tags, summary: 'Queue a `ping` message to the endpoint', params: WebhookParams, response: { 202: WebhookDelivery, ...writeErrors } },
    },
    async (request, reply) => reply.code(202).send(presentDelivery(await pingWebhook(ctxOf(request), request.params.webhook_id))),
  );

  app.post(
    '/workspaces/webhooks/:webhook_id/deliveries/:delivery_id/redeliver',
    {
      config,
      schema: {
        tags,
        summary: 'Send a delivery\'s message again (same webhook-id), as a new delivery',
        params: DeliveryParams,
        response: { 202: WebhookDelivery, ...writeErrors },
      },
    },
    async (request, reply) =>
      reply.code(202).send(presentDelivery(await redeliverWebhook(ctxOf(request), request.params.webhook_id, request.params.delivery_id))),
  );
};
