import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  listMyNotifications,
  markAllNotificationsRead,
  markNotificationRead,
} from '../../../domain/notifications/notifications.service.js';
import { listAccountSettings, updateAccountSetting } from '../../../domain/settings/settings.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { Notification, NotificationParams, Setting, SettingBody, SettingParams } from './account-settings.schemas.js';
import { presentNotification, presentSetting } from './accounts.present.js';
import { authErrors, PageQuery } from './common.schemas.js';

const config = { scope: 'account' } as const;

const NotificationsQuery = Type.Composite([
  PageQuery,
  Type.Object({ unread: Type.Optional(Type.Boolean({ description: 'true: only unread notifications' })) }),
]);

/** Mudstack §3 settings and notifications (the caller's own, in the account of x-account-id). */
export const accountSettingsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/accounts/settings',
    { config, schema: { tags: ['Account settings'], summary: 'Every account setting with its value and default', response: { 200: Type.Array(Setting), ...authErrors } } },
    async (request) => (await listAccountSettings(ctxOf(request))).map(presentSetting),
  );

  app.put(
    '/accounts/settings/:setting_id',
    {
      config,
      schema: {
        tags: ['Account settings'],
        summary: 'Set one account setting: {value}; setting_id is the key',
        params: SettingParams,
        body: SettingBody,
        response: { 200: Setting, ...authErrors },
      },
    },
    async (request) => presentSetting(await updateAccountSetting(ctxOf(request), { key: request.params.setting_id, value: request.body.value })),
  );

  const ntags = ['Account notifications'];
  app.get(
    '/accounts/notifications',
    {
      config,
      schema: {
        tags: ntags,
        summary: 'The caller\'s notifications, newest first; the next page\'s cursor is in the x-next-cursor header',
        querystring: NotificationsQuery,
        response: { 200: Type.Array(Notification), ...authErrors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const page = await listMyNotifications(ctxOf(request), { limit: q.limit ?? 100, before: q.cursor, unreadOnly: q.unread === true });
      if (page.nextCursor !== null) {
        void reply.header('x-next-cursor', String(page.nextCursor));
      }
      return page.items.map(presentNotification);
    },
  );

  app.post(
    '/accounts/notifications/:notification_id/read',
    {
      config,
      schema: { tags: ntags, summary: 'Mark one notification read', params: NotificationParams, response: { 200: Notification, ...authErrors } },
    },
    async (request) => presentNotification(await markNotificationRead(ctxOf(request), request.params.notification_id)),
  );

  app.post(
    '/accounts/notifications/read',
    {
      config,
      schema: {
        tags: ntags,
        summary: 'Mark all of the caller\'s notifications in the account read',
        response: { 200: Type.Object({ ok: Type.Boolean(), updated: Type.Integer() }), ...authErrors },
      },
    },
    async (request) => ({ ok: true, updated: await markAllNotificationsRead(ctxOf(request)) }),
  );
};
