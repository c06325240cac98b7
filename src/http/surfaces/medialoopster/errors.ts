import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type FieldProblem } from '../../../domain/errors.js';
import { STATUS_BY_KIND, toDomainError } from '../../framework-errors.js';
import { allowedMethods } from '../../plugins/allowed-methods.js';
import { clientWentAway } from '../../plugins/client-errors.js';

/*
 * medialoopster's error shapes (spec §2.1; docs/medialoopster.md, "Errors"). The server it copies is Django REST
 * Framework with JSON:API-style error objects, so there are two forms:
 *
 *   list form   {"errors":[{"status":"404","code":"not_found","detail":"...","title":"Not Found"}]}
 *               field errors add "source":{"pointer":"/name"} and the title "Validation Error";
 *   single form {"detail":"..."} (the addasset 400 and 422 of seed 003), chosen by the DomainError (singleForm()).
 *
 * Codes are DRF's: not_found, required, invalid, max_length, not_authenticated, authentication_failed,
 * permission_denied, method_not_allowed, not_acceptable, parse_error, unsupported_media_type, throttled, error.
 */

export interface ErrorObject {
  status: string;
  code: string;
  detail: string;
  title: string;
  source?: { pointer: string };
}

/** Marks a DomainError to be rendered in the single `{"detail"}` form (seed 003, addasset). */
export function singleForm(err: DomainError): DomainError {
  return new DomainError(err.kind, err.code, err.message, { ...err.details, medialoopsterForm: 'detail' }, { cause: err.cause });
}

/** `<Model> object with pk=u'<id>' does not exist.` (404, code `not_found`): DRF's text, which clients match on. */
export function modelNotFound(model: string, id: string | number): DomainError {
  return new DomainError('not_found', 'not_found', `${model} object with pk=u'${String(id)}' does not exist.`);
}

interface AjvIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

const FIELD_TITLE = 'Validation Error';

/** DRF's code and text for one JSON-schema failure. */
function drfField(issue: AjvIssue): { code: string; detail: string } {
  const p = issue.params ?? {};
  switch (issue.keyword) {
    case 'required':
      return { code: 'required', detail: 'This field is required.' };
    case 'type': {
      const t = String(p.type ?? '');
      if (t.includes('null') && t.split(',').length === 1) {
        return { code: 'invalid', detail: 'This field must be null.' };
      }
      if (t.startsWith('integer') || t.startsWith('number')) {
        return { code: 'invalid', detail: 'A valid integer is required.' };
      }
      if (t.startsWith('boolean')) {
        return { code: 'invalid', detail: 'Must be a valid boolean.' };
      }
      if (t.startsWith('object')) {
        return { code: 'invalid', detail: 'Expected a dictionary of items.' };
      }
      if (t.startsWith('array')) {
        return { code: 'not_a_list', detail: 'Expected a list of items.' };
      }
      return { code: 'invalid', detail: 'Not a valid string.' };
    }
    case 'maxLength':
      return { code: 'max_length', detail: `Ensure this field has no more than ${String(p.limit)} characters.` };
    case 'minLength':
      return Number(p.limit) === 1 ? { code: 'blank', detail: 'This field may not be blank.' } : { code: 'min_length', detail: `Ensure this field has at least ${String(p.limit)} characters.` };
    case 'minimum':
      return { code: 'min_value', detail: `Ensure this value is greater than or equal to ${String(p.limit)}.` };
    case 'maximum':
      return { code: 'max_value', detail: `Ensure this value is less than or equal to ${String(p.limit)}.` };
    case 'maxItems':
      return { code: 'max_length', detail: `Ensure this field has no more than ${String(p.limit)} elements.` };
    case 'enum':
    case 'const':
      return { code: 'invalid_choice', detail: 'This is not a valid choice.' };
    case 'additionalProperties':
      return { code: 'invalid', detail: 'This field is not allowed.' };
    default:
      return { code: 'invalid', detail: 'Enter a valid value.' };
  }
}

/** Unions report one issue per branch; DRF reports one error per field, so the first per pointer is kept. */
function fieldObjects(status: number, domain: DomainError): ErrorObject[] | undefined {
  const cause = domain.cause as { validation?: AjvIssue[] } | undefined;
  const issues = Array.isArray(cause?.validation) ? cause.validation : undefined;
  const out = new Map<string, ErrorObject>();
  if (issues) {
    for (const issue of issues) {
      if (issue.keyword === 'anyOf' || issue.keyword === 'oneOf' || issue.keyword === 'if') {
        continue;
      }
      const named = issue.params?.missingProperty ?? issue.params?.additionalProperty;
      const pointer = typeof named === 'string' ? `${issue.instancePath ?? ''}/${named}` : issue.instancePath || '/';
      if (!out.has(pointer)) {
        out.set(pointer, { status: String(status), source: { pointer }, ...drfField(issue), title: FIELD_TITLE });
      }
    }
  }
  const fields: readonly FieldProblem[] = domain.details?.fields ?? [];
  if (out.size === 0) {
    for (const f of fields) {
      if (!out.has(f.pointer)) {
        const code = f.message === 'is required' ? 'required' : 'invalid';
        const detail = code === 'required' ? 'This field is required.' : sentence(f.message);
        out.set(f.pointer, { status: String(status), source: { pointer: f.pointer }, code, detail, title: FIELD_TITLE });
      }
    }
  }
  return out.size > 0 ? [...out.values()] : undefined;
}

const sentence = (s: string): string => {
  const t = s.charAt(0).toUpperCase() + s.slice(1);
  return /[.!?]$/.test(t) ? t : `${t}.`;
};

/** DRF's code for a problem that is not about one field. */
function drfCode(domain: DomainError, status: number): string {
  switch (status) {
    case 401:
      return domain.code === 'unauthenticated' ? 'not_authenticated' : 'authentication_failed';
    case 403:
      return 'permission_denied';
    case 404:
      return domain.code === 'does_not_exist' ? 'does_not_exist' : 'not_found';
    case 405:
      return 'method_not_allowed';
    case 406:
      return 'not_acceptable';
    case 415:
      return 'unsupported_media_type';
    case 429:
      return 'throttled';
    default:
      break;
  }
  if (domain.code === 'malformed_json' || domain.code === 'body_empty') {
    return 'parse_error';
  }
  return /^[a-z_]+$/.test(domain.code) ? domain.code : 'error';
}

/** The status and body of a domain error on this surface. */
export function medialoopsterError(domain: DomainError): { status: number; body: Record<string, unknown> } {
  const status = domain.details?.status === 406 ? 406 : STATUS_BY_KIND[domain.kind];
  if (domain.details?.medialoopsterForm === 'detail') {
    return { status: domain.kind === 'invalid' && domain.details.status === 422 ? 422 : status, body: { detail: domain.message } };
  }
  const fields = domain.kind === 'invalid' ? fieldObjects(status, domain) : undefined;
  if (fields) {
    return { status, body: { errors: fields } };
  }
  const title = STATUS_CODES[status] ?? 'Error';
  return { status, body: { errors: [{ status: String(status), code: drfCode(domain, status), detail: sentence(domain.message), title }] } };
}

/** A bare list-form body for errors raised outside a DomainError (not found, 405, 500). */
export function errorBody(status: number, code: string, detail: string): { errors: ErrorObject[] } {
  return { errors: [{ status: String(status), code, detail, title: STATUS_CODES[status] ?? 'Error' }] };
}

/**
 * Error and not-found handlers of the surface's encapsulated plugin (so they cover `/api/*` only). A path without
 * its trailing slash is redirected (GET, HEAD: 301, as Django's APPEND_SLASH does) or refused with 404 naming the
 * right path (other methods, whose body a redirect would lose).
 */
export function registerMedialoopsterErrors(app: FastifyInstance): void {
  app.setErrorHandler(async (err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (clientWentAway(request)) {
      request.log.info({ err }, 'client closed the connection before the answer');
      return reply.status(400).send(errorBody(400, 'request_aborted', 'The client closed the connection.'));
    }
    const domain = toDomainError(err);
    if (!domain) {
      request.log.error({ err }, 'unhandled error');
      return reply.status(500).send(errorBody(500, 'error', `A server error occurred. Quote the request id ${request.id} when reporting it.`));
    }
    const { status, body } = medialoopsterError(domain);
    if (domain.details?.retryAfterSeconds !== undefined) {
      void reply.header('retry-after', String(domain.details.retryAfterSeconds));
    }
    if (status === 401) {
      // DRF's TokenAuthentication answers 401 with this challenge.
      void reply.header('www-authenticate', 'Token');
    }
    if (status >= 500) {
      request.log.warn({ err: domain }, domain.message);
    }
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler(async (request, reply) => {
    const [path = '/', query] = request.url.split(/\?(.*)/s);
    const allow = allowedMethods(app, path);
    if (allow.length > 0) {
      return reply
        .status(405)
        .header('allow', allow.join(', '))
        .send(errorBody(405, 'method_not_allowed', `Method "${request.method}" not allowed.`));
    }
    if (!path.endsWith('/') && allowedMethods(app, `${path}/`).length > 0) {
      const slashed = `${path}/${query !== undefined ? `?${query}` : ''}`;
      if (request.method === 'GET' || request.method === 'HEAD') {
        return reply.status(301).header('location', slashed).send(errorBody(301, 'moved_permanently', `Every path ends with a slash: ${path}/.`));
      }
      return reply.status(404).send(errorBody(404, 'not_found', `Every path ends with a slash: use ${request.method} ${path}/.`));
    }
    return reply.status(404).send(errorBody(404, 'not_found', `No route ${request.method} ${path}.`));
  });
}
