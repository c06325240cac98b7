import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DomainError, FieldProblem } from '../../../domain/errors.js';
import { STATUS_BY_KIND, toDomainError } from '../../framework-errors.js';
import { allowedMethods } from '../../plugins/allowed-methods.js';
import { clientWentAway } from '../../plugins/client-errors.js';

/*
 * Vionlabs' error shape (docs/vionlabs.md, "Errors"): FastAPI's. Every validation failure is
 *   422 {"detail": [{"loc": ["path"|"query"|"body"|"header", ...], "msg": "...", "type": "..."}]}
 * and every other error {"detail": "<text>"} with its status. A missing key is 401, a wrong or revoked one 403
 * (FastAPI's API-key security answers 403 to a key it does not accept).
 */

const PART: Record<FieldProblem['in'], string> = { params: 'path', query: 'query', body: 'body', headers: 'header' };

/** `/a/0/b` → ["a", 0, "b"] (pydantic's loc: array indices as numbers). */
function locOf(problem: FieldProblem): Array<string | number> {
  const steps = problem.pointer
    .split('/')
    .slice(1)
    .filter((s) => s !== '')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
  return [PART[problem.in], ...steps];
}

function typeOf(domain: DomainError, problem: FieldProblem): string {
  if (domain.code === 'product_not_available') {
    return 'value_error.product_not_available';
  }
  return /required|must have required/i.test(problem.message) ? 'missing' : 'value_error';
}

/** The status and body of a domain error on this surface. */
export function vionlabsError(domain: DomainError): { status: number; body: { detail: unknown } } {
  const fields = domain.details?.fields;
  if (domain.kind === 'invalid' && fields && fields.length > 0) {
    return { status: 422, body: { detail: fields.map((f) => ({ loc: locOf(f), msg: f.message, type: typeOf(domain, f) })) } };
  }
  if (domain.kind === 'invalid') {
    // A malformed body (not JSON, wrong content type): pydantic reports it on the body as a whole.
    return { status: 422, body: { detail: [{ loc: ['body'], msg: domain.message, type: 'value_error' }] } };
  }
  if (domain.code === 'invalid_credentials' || domain.code === 'invalid_token') {
    return { status: 403, body: { detail: 'Invalid API key.' } };
  }
  return { status: STATUS_BY_KIND[domain.kind], body: { detail: domain.message } };
}

/** Error and not-found handlers of the surface's encapsulated plugin (so they cover `/vionlabs/*` only). */
export function registerVionlabsErrors(app: FastifyInstance): void {
  app.setErrorHandler(async (err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (clientWentAway(request)) {
      request.log.info({ err }, 'client closed the connection before the answer');
      return reply.status(400).send({ detail: 'The client closed the connection.' });
    }
    const domain = toDomainError(err);
    if (!domain) {
      request.log.error({ err }, 'unhandled error');
      return reply.status(500).send({ detail: `Something went wrong on our side. Quote request id ${request.id} when reporting it.` });
    }
    const { status, body } = vionlabsError(domain);
    if (domain.details?.retryAfterSeconds !== undefined) {
      void reply.header('retry-after', String(domain.details.retryAfterSeconds));
    }
    if (status >= 500) {
      request.log.warn({ err: domain }, domain.message);
    }
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler(async (request, reply) => {
    const allow = allowedMethods(app, request.url);
    if (allow.length > 0) {
      return reply.status(405).header('allow', allow.join(', ')).send({ detail: 'Method Not Allowed' });
    }
    return reply.status(404).send({ detail: 'Not Found' });
  });
}
