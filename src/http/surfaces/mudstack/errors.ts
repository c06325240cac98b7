import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorDetails } from '../../../domain/errors.js';
import { STATUS_BY_KIND, toDomainError } from '../../framework-errors.js';
import { allowedMethods } from '../../plugins/allowed-methods.js';
import { clientWentAway } from '../../plugins/client-errors.js';
import { sendAppShell, wantsAppShell } from '../../plugins/web-ui.js';

// Details a client may act on (who holds a file lock); everything else in DomainError.details stays internal.
const PUBLIC_DETAIL_KEYS = ['locked_by_user_id'] as const;

function publicDetails(details: ErrorDetails | undefined): { details?: Record<string, unknown> } {
  const picked = Object.fromEntries(PUBLIC_DETAIL_KEYS.filter((k) => details?.[k] !== undefined).map((k) => [k, details?.[k]]));
  return Object.keys(picked).length > 0 ? { details: picked } : {};
}

/**
 * The core API's error shape: `{ "error": { "code", "message", "fields"?, "details"? }, "request_id" }`.
 * Validation problems name the bad field as a JSON pointer within the request part.
 */
export function registerMudstackErrors(app: FastifyInstance): void {
  app.setErrorHandler(async (err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (clientWentAway(request)) {
      request.log.info({ err }, 'client closed the connection before the answer');
      return reply.status(400).send({ error: { code: 'request_aborted', message: 'The client closed the connection.' }, request_id: request.id });
    }
    const domain = toDomainError(err);
    if (!domain) {
      request.log.error({ err }, 'unhandled error');
      return reply.status(500).send({
        error: { code: 'internal_error', message: 'Something went wrong on our side. Quote the request id when reporting it.' },
        request_id: request.id,
      });
    }
    const status = STATUS_BY_KIND[domain.kind];
    if (domain.details?.retryAfterSeconds !== undefined) {
      void reply.header('retry-after', String(domain.details.retryAfterSeconds));
    }
    if (status >= 500) {
      request.log.warn({ err: domain }, domain.message);
    }
    return reply.status(status).send({
      error: {
        code: domain.code,
        message: domain.message,
        ...(domain.details?.fields ? { fields: domain.details.fields } : {}),
        ...publicDetails(domain.details),
      },
      request_id: request.id,
    });
  });
  app.setNotFoundHandler(async (request, reply) => {
    // A browser navigation to one of the web app's own paths (/browse, /a/<id>...) gets the app (plugins/web-ui.ts).
    if (wantsAppShell(request) && sendAppShell(reply)) {
      return reply;
    }
    const allow = allowedMethods(app, request.url);
    if (allow.length > 0) {
      return reply.status(405).header('allow', allow.join(', ')).send({
        error: { code: 'method_not_allowed', message: `${request.method} is not allowed here; use ${allow.join(', ')}.` },
        request_id: request.id,
      });
    }
    return reply.status(404).send({
      error: { code: 'route_not_found', message: `No route ${request.method} ${request.originalUrl.split('?')[0]}.` },
      request_id: request.id,
    });
  });
}
