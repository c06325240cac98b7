import { DomainError, errors, isDomainError, type FieldProblem } from '../domain/errors.js';

interface AjvIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

interface FrameworkError {
  code?: string;
  statusCode?: number;
  validation?: AjvIssue[];
  validationContext?: string;
  message?: string;
}

const PARTS: Record<string, FieldProblem['in']> = { body: 'body', querystring: 'query', params: 'params', headers: 'headers' };

function fieldProblems(err: FrameworkError): FieldProblem[] {
  const part = PARTS[err.validationContext ?? 'body'] ?? 'body';
  return (err.validation ?? []).map((issue) => {
    const missing = issue.params?.missingProperty;
    const extra = issue.params?.additionalProperty;
    const base = issue.instancePath ?? '';
    const pointer =
      typeof missing === 'string' ? `${base}/${missing}` : typeof extra === 'string' ? `${base}/${extra}` : base || '/';
    const message =
      typeof missing === 'string'
        ? 'is required'
        : typeof extra === 'string'
          ? 'is not allowed'
          : (issue.message ?? 'is invalid');
    return { in: part, pointer, message };
  });
}

/**
 * Turns Fastify's own errors (validation, body size, content type, malformed JSON) into DomainErrors, so every
 * surface renders them in its own shape. Anything unknown comes back undefined and becomes a 500.
 */
export function toDomainError(err: unknown): DomainError | undefined {
  if (isDomainError(err)) {
    return err;
  }
  const e = err as FrameworkError;
  if (Array.isArray(e.validation)) {
    const fields = fieldProblems(e);
    const first = fields[0];
    const where = first ? `${first.in}${first.pointer === '/' ? '' : first.pointer.replace(/\//g, '.')}` : 'request';
    return errors.invalid('validation_failed', `Invalid ${where}: ${first?.message ?? 'is invalid'}.`, fields, err);
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return errors.tooLarge('The request body is too large.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return errors.unsupportedMedia('This content type is not accepted here.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return errors.invalid('body_empty', 'The JSON body is empty.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return errors.invalid('malformed_json', 'The body is not valid JSON.');
    default:
      break;
  }
  if (err instanceof SyntaxError && typeof e.statusCode === 'number' && e.statusCode === 400) {
    return errors.invalid('malformed_json', 'The body is not valid JSON.');
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    if (e.statusCode === 413) {
      return errors.tooLarge('The request body is too large.');
    }
    if (e.statusCode === 415) {
      return errors.unsupportedMedia('This content type is not accepted here.');
    }
    return errors.invalid('bad_request', 'The request is malformed.');
  }
  return undefined;
}

export const STATUS_BY_KIND: Record<DomainError['kind'], number> = {
  not_found: 404,
  invalid: 400,
  conflict: 409,
  forbidden: 403,
  unauthenticated: 401,
  locked: 423,
  too_large: 413,
  unsupported_media: 415,
  precondition_failed: 412,
  rate_limited: 429,
  unavailable: 503,
  timed_out: 408,
};
