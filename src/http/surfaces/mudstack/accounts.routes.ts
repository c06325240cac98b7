import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { FastifyRequest } from 'fastify';
import {
  deleteAccount,
  getAccountOverview,
  listVisibleWorkspaces,
  openAccountThumbnail,
  updateAccount,
  type AccountFormReader,
} from '../../../domain/accounts/account-profile.service.js';
import {
  getAccountLimits,
  getSubscription,
  listAccountHistory,
  SELF_HOSTED_TIER,
  SELF_HOSTED_TYPE,
  updateSubscription,
} from '../../../domain/accounts/plan.service.js';
import { errors } from '../../../domain/errors.js';
import { THUMBNAIL_CONTENT_TYPE } from '../../../domain/thumbnails/thumbnails.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { isMultipart, readMultipart } from '../../plugins/multipart.js';
import { authErrors, ErrorBody, Ok, PageQuery } from './common.schemas.js';
import { presentAccount, presentAccountHistory, presentSubscription } from './accounts.present.js';
import {
  Account,
  AccountHistory,
  AccountLimits,
  AccountSubscription,
  AccountTier,
  AccountType,
  AccountUpdateBody,
  SubscriptionQuery,
} from './accounts.schemas.js';
import { Workspace } from './workspaces.schemas.js';
import { presentWorkspace } from './workspaces.present.js';

const tags = ['Accounts'];
const config = { scope: 'account' } as const;

/** The JSON object of PUT /accounts, from a JSON body or a multipart `body` part, checked against one schema. */
function accountBody(value: unknown): Static<typeof AccountUpdateBody> {
  const body = value ?? {};
  const problems = [...Value.Errors(AccountUpdateBody, body)].map((e) => ({ in: 'body' as const, pointer: e.path || '/', message: e.message }));
  const first = problems[0];
  if (first || !Value.Check(AccountUpdateBody, body)) {
    throw errors.invalid('validation_failed', `Invalid body${first ? ` ${first.pointer}: ${first.message}` : ''}.`, problems);
  }
  return body;
}

/** Reads PUT /accounts as JSON `{name, defaultAvatar}` or multipart `file` + `body` (Mudstack's thumbnail form). */
function accountForm(request: FastifyRequest): AccountFormReader {
  return async (storeImage) => {
    if (!isMultipart(request)) {
      const body = accountBody(request.body);
      return { name: body.name, defaultAvatar: body.defaultAvatar };
    }
    const form = await readMultipart(request, (stream) => storeImage(stream));
    const body = accountBody(form.body ?? (form.fields.name !== undefined ? { name: form.fields.name } : {}));
    return { name: body.name, defaultAvatar: body.defaultAvatar, thumbnailKey: form.file };
  };
}

/** Mudstack §3: the account named by x-account-id, its plan, usage limits and history. */
export const accountsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/accounts',
    { config, schema: { tags, summary: 'The current account (as a one-item array)', response: { 200: Type.Array(Account), ...authErrors } } },
    async (request) => [presentAccount(await getAccountOverview(ctxOf(request)))],
  );

  app.put(
    '/accounts',
    {
      config,
      schema: {
        tags,
        summary: 'Update the account: JSON {name, defaultAvatar}, or multipart `file` (thumbnail) + `body` JSON',
        body: { content: { 'application/json': { schema: AccountUpdateBody } } },
        response: { 200: Account, ...authErrors, 413: ErrorBody, 415: ErrorBody },
      },
    },
    async (request) => presentAccount(await updateAccount(ctxOf(request), accountForm(request))),
  );

  app.delete(
    '/accounts',
    { config, schema: { tags, summary: 'Delete the account (owners only); history is kept', response: { 200: Ok, ...authErrors } } },
    async (request) => {
      await deleteAccount(ctxOf(request));
      return { ok: true };
    },
  );

  app.get(
    '/accounts/thumbnail',
    {
      config,
      schema: { tags, summary: 'The account thumbnail (image/webp)', response: { 200: Type.Unknown({ description: 'image/webp bytes' }), ...authErrors } },
    },
    async (request, reply) => {
      const thumb = await openAccountThumbnail(ctxOf(request));
      return reply.type(THUMBNAIL_CONTENT_TYPE).header('etag', `"${thumb.key}"`).header('cache-control', 'private, max-age=60').send(thumb.stream);
    },
  );

  app.get(
    '/accounts/workspaces',
    { config, schema: { tags, summary: 'Workspaces of the account the caller can see', response: { 200: Type.Array(Workspace), ...authErrors } } },
    async (request) => (await listVisibleWorkspaces(ctxOf(request))).map(presentWorkspace),
  );

  app.get(
    '/accounts/history',
    {
      config,
      schema: {
        tags,
        summary: 'Account history, newest first; the next page\'s cursor is in the x-next-cursor header',
        querystring: PageQuery,
        response: { 200: Type.Array(AccountHistory), ...authErrors },
      },
    },
    async (request, reply) => {
      const page = await listAccountHistory(ctxOf(request), { limit: request.query.limit ?? 100, cursor: request.query.cursor });
      if (page.nextCursor !== null) {
        void reply.header('x-next-cursor', String(page.nextCursor));
      }
      return page.items.map(presentAccountHistory);
    },
  );

  app.get(
    '/accounts/limits',
    { config, schema: { tags, summary: 'Usage against plan limits (self-hosted: no maximum)', response: { 200: AccountLimits, ...authErrors } } },
    async (request) => getAccountLimits(ctxOf(request)),
  );

  app.get(
    '/accounts/subscriptions',
    { config, schema: { tags, summary: 'The subscription (the self-hosted plan)', response: { 200: AccountSubscription, ...authErrors } } },
    async (request) => presentSubscription(await getSubscription(ctxOf(request))),
  );

  app.put(
    '/accounts/subscriptions',
    {
      config,
      schema: {
        tags,
        summary: 'Change the subscription (owners): only tier self-hosted; email becomes the contact',
        querystring: SubscriptionQuery,
        response: { 200: AccountSubscription, ...authErrors },
      },
    },
    async (request) => {
      const q = request.query;
      return presentSubscription(
        await updateSubscription(ctxOf(request), { tier: q.tier, frequency: q.frequency, email: q.email, paymentMethodId: q.payment_method_id }),
      );
    },
  );

  app.get(
    '/accounts/tiers',
    { config, schema: { tags, summary: 'Account tiers (one: self-hosted)', response: { 200: Type.Array(AccountTier), ...authErrors } } },
    async () => [{ ...SELF_HOSTED_TIER }],
  );

  app.get(
    '/accounts/types',
    { config, schema: { tags, summary: 'Account types (one: self-hosted)', response: { 200: Type.Array(AccountType), ...authErrors } } },
    async () => [{ ...SELF_HOSTED_TYPE }],
  );
};
