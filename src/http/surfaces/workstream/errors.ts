import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DomainError, FieldProblem } from '../../../domain/errors.js';
import { STATUS_BY_KIND, toDomainError } from '../../framework-errors.js';
import { allowedMethods } from '../../plugins/allowed-methods.js';
import { clientWentAway } from '../../plugins/client-errors.js';

/*
 * Workstream's error shape (docs/workstream.md, "Errors"). Webdam documents none, so this is the Laravel shape the
 * reference was generated from (spec §1.1), plus our code and request id:
 *
 *   422 {"message": "The given data was invalid.", "errors": {"name": ["The name must be at most 255 characters."]},
 *        "code": "validation_failed", "request_id": "..."}
 *   4xx {"message": "...", "code": "...", "request_id": "..."}
 *   401 the same plus OAuth's {"error": "invalid_token", "error_description": "..."} and WWW-Authenticate: Bearer,
 *       because Webdam clients read `error_description` from failed calls.
 */

/** `/checklist_items/0/value` → `checklist_items.0.value` (Laravel's dotted field names). */
export function fieldName(problem: FieldProblem): string {
  const dotted = problem.pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
  return dotted === '' ? problem.in : dotted;
}

function fieldErrors(fields: readonly FieldProblem[]): Record<string, string[]> {
  // A Map, not an object: the field may be named `__proto__` (the very thing the error is about).
  const out = new Map<string, string[]>();
  for (const f of fields) {
    const name = fieldName(f);
    out.set(name, [...(out.get(name) ?? []), `The ${name} ${f.message.replace(/\.$/, '')}.`]);
  }
  return Object.fromEntries(out);
}

/** The status and body of a domain error on this surface. */
export function workstreamError(domain: DomainError, requestId: string): { status: number; body: Record<string, unknown> } {
  const fields = domain.details?.fields;
  if (domain.kind === 'invalid' && fields && fields.length > 0) {
    return {
      status: 422,
      body: { message: 'The given data was invalid.', errors: fieldErrors(fields), code: domain.code, request_id: requestId },
    };
  }
  const status = STATUS_BY_KIND[domain.kind];
  const body: Record<string, unknown> = { message: domain.message, code: domain.code, request_id: requestId };
  if (status === 401) {
    body.error = 'invalid_token';
    body.error_description = domain.message;
  }
  return { status, body };
}

/** Error and not-found handlers of the surface's encapsulated plugin (so they cover `/workstream/*` only). */
export function registerWorkstreamErrors(app: FastifyInstance): void {
  app.setErrorHandler(async (err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (clientWentAway(request)) {
      request.log.info({ err }, 'client closed the connection before the answer');
      return reply.status(400).send({ message: 'The client closed the connection.', code: 'request_aborted', request_id: request.id });
    }
    const domain = toDomainError(err);
    if (!domain) {
      request.log.error({ err }, 'unhandled error');
      return reply
        .status(500)
        .send({ message: 'Something went wrong on our side. Quote the request id when reporting it.', code: 'internal_error', request_id: request.id });
    }
    const { status, body } = workstreamError(domain, request.id);
    if (domain.details?.retryAfterSeconds !== undefined) {
      void reply.header('retry-after', String(domain.details.retryAfterSeconds));
    }
    if (status === 401) {
      void reply.header('www-authenticate', 'Bearer error="invalid_token"');
    }
    if (status >= 500) {
      request.log.warn({ err: domain }, domain.message);
    }
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler(async (request, reply) => {
    const allow = allowedMethods(app, request.url);
    if (allow.length > 0) {
      return reply
        .status(405)
        .header('allow', allow.join(', '))
        .send({ message: `${request.method} is not allowed here; use ${allow.join(', ')}.`, code: 'method_not_allowed', request_id: request.id });
    }
    return reply
      .status(404)
      .send({ message: `No route ${request.method} ${request.originalUrl.split('?')[0]}.`, code: 'route_not_found', request_id: request.id });
  });
}
