import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { listWorkspaceSettings, updateWorkspaceSetting } from '../../../domain/settings/settings.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { Setting, SettingBody, SettingParams } from './account-settings.schemas.js';
import { presentSetting } from './accounts.present.js';
import { authErrors } from './common.schemas.js';

const config = { scope: 'workspace' } as const;
const tags = ['Workspace settings'];

/** Mudstack §4 workspace settings: the account settings' shape and rules, over the workspace catalogue. */
export const workspaceSettingsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/workspaces/settings',
    { config, schema: { tags, summary: 'Every workspace setting with its value and default', response: { 200: Type.Array(Setting), ...authErrors } } },
    async (request) => (await listWorkspaceSettings(ctxOf(request))).map(presentSetting),
  );

  app.put(
    '/workspaces/settings/:setting_id',
    {
      config,
      schema: {
        tags,
        summary: 'Set one workspace setting (workspace admins): {value}; setting_id is the key',
        params: SettingParams,
        body: SettingBody,
        response: { 200: Setting, ...authErrors },
      },
    },
    async (request) => presentSetting(await updateWorkspaceSetting(ctxOf(request), { key: request.params.setting_id, value: request.body.value })),
  );
};
