import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { listShareOptions } from '../../../domain/teams/share-options.service.js';
import { errors } from '../../../domain/errors.js';
import { ctxOf } from '../../plugins/auth.js';
import { BoolLike, isTrue } from './approvals.routes.js';
import { FilterQuery, filterValues, IntLike } from './conventions.js';
import { presentUser } from './present.js';
import { wsErrors } from './schemas.js';

const ShareOption = Type.Object(
  {
    id: Type.String({ pattern: '^[0-9]+$' }),
    firstname: Type.String(),
    lastname: Type.String(),
    email: Type.String(),
    type: Type.Union([Type.Literal('user'), Type.Literal('team')]),
    color: Type.String(),
    image: Type.Union([Type.String(), Type.Literal(false)]),
  },
  { additionalProperties: false },
);

/** M1 (spec §1.4.3). */
export const shareOptionsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/shareoptions',
    {
      config: { scope: 'credential' },
      schema: {
        tags: ['Workstream'],
        summary: 'Users and teams to share with or name as approvers (M1)',
        description:
          'Mixed, by name. `q` matches a user\'s name or e-mail or a team\'s name; `limit` 1-100 (50); `filter[roles][]` user roles (1, 3, 4, 5); `teams_enabled` (default true); `project_id` is accepted and ignored until projects exist. Teams carry their name in `firstname`.',
        querystring: Type.Object(
          {
            q: Type.Optional(Type.String({ maxLength: 255 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
            filter: FilterQuery(['roles']),
            project_id: Type.Optional(IntLike),
            teams_enabled: Type.Optional(BoolLike),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(ShareOption), ...wsErrors },
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      const q = request.query;
      const roles = filterValues(q.filter?.roles)?.map(Number);
      if (roles?.some((r) => ![1, 2, 3, 4, 5].includes(r))) {
        throw errors.invalidField('query', 'filter/roles', 'must be role ids (1, 3, 4, 5)');
      }
      const options = await listShareOptions(ctx, {
        q: q.q,
        limit: q.limit ?? 50,
        teamsEnabled: q.teams_enabled === undefined || q.teams_enabled === '' ? true : isTrue(q.teams_enabled),
        roles,
        roleOf: (u) => presentUser(u).role,
      });
      return options.map((o) =>
        o.kind === 'team'
          ? { id: String(o.team.sequence), firstname: o.team.name, lastname: '', email: '', type: 'team' as const, color: o.team.color, image: false as const }
          : (() => {
              const u = presentUser(o.user);
              return { id: u.id, firstname: u.firstname, lastname: u.lastname, email: u.email, type: 'user' as const, color: u.color, image: false as const };
            })(),
      );
    },
  );
};
