/** The one catalogue of domain errors. Surfaces map `kind` to a status and render their own shape. */

export const ERROR_KINDS = [
  'not_found',
  'invalid',
  'conflict',
  'forbidden',
  'unauthenticated',
  'locked',
  'too_large',
  'unsupported_media',
  'precondition_failed',
  'rate_limited',
  'unavailable',
  'timed_out',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** One bad field: `pointer` is a JSON pointer into the request part named by `in`. */
export interface FieldProblem {
  in: 'body' | 'query' | 'params' | 'headers';
  pointer: string;
  message: string;
}

export interface ErrorDetails {
  fields?: FieldProblem[];
  retryAfterSeconds?: number;
  [key: string]: unknown;
}

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetails,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DomainError';
  }
}

export function isDomainError(err: unknown): err is DomainError {
  return err instanceof DomainError;
}

export const errors = {
  notFound: (what: string, id?: string) =>
    new DomainError('not_found', `${what}_not_found`, id ? `No ${what.replace(/_/g, ' ')} with id ${id}.` : `No such ${what.replace(/_/g, ' ')}.`),
  invalid: (code: string, message: string, fields?: FieldProblem[], cause?: unknown) =>
    new DomainError('invalid', code, message, fields ? { fields } : undefined, { cause }),
  invalidField: (part: FieldProblem['in'], field: string, message: string) =>
    new DomainError('invalid', 'validation_failed', `${field}: ${message}`, {
      fields: [{ in: part, pointer: `/${field}`, message }],
    }),
  conflict: (code: string, message: string, cause?: unknown) => new DomainError('conflict', code, message, undefined, { cause }),
  forbidden: (code = 'forbidden', message = 'You do not have permission to do this.') => new DomainError('forbidden', code, message),
  unauthenticated: (message = 'Authentication is required.') => new DomainError('unauthenticated', 'unauthenticated', message),
  invalidCredentials: () => new DomainError('unauthenticated', 'invalid_credentials', 'The key or secret is not valid.'),
  /** E-mail + password sign-in refused: the same answer whether the e-mail, the password or the user is wrong. */
  invalidSignIn: () => new DomainError('unauthenticated', 'invalid_credentials', 'The e-mail or password is not valid.'),
  /** A cookie-authenticated write without this session's CSRF token, or from another origin (docs/web.md). */
  csrfRejected: (message: string) => new DomainError('forbidden', 'csrf_rejected', message),
  /** OAuth2 refresh grant (Workstream) with a refresh token that is unknown, of another client, or whose user left. */
  invalidGrant: () => new DomainError('unauthenticated', 'invalid_grant', 'The refresh token is invalid or revoked.'),
  invalidToken: () => new DomainError('unauthenticated', 'invalid_token', 'The access token is invalid, expired or revoked.'),
  /** An invite for an e-mail that already has a user, accepted without that user's token (docs/api-core.md,
   * Invites). */
  inviteRequiresSignIn: () =>
    new DomainError(
      'unauthenticated',
      'invite_requires_sign_in',
      'This e-mail address already has a user: accept the invite with an access token of that user (Authorization: Bearer).',
    ),
  inviteForAnotherUser: () =>
    new DomainError('forbidden', 'invite_for_another_user', 'This invite was made for another e-mail address than the signed-in user\'s.'),
  rateLimited: (retryAfterSeconds: number) =>
    new DomainError('rate_limited', 'too_many_attempts', 'Too many failed attempts; try again later.', { retryAfterSeconds }),
  missingHeader: (header: string) =>
    new DomainError('invalid', 'header_missing', `The ${header} header is required.`, {
      fields: [{ in: 'headers', pointer: `/${header}`, message: 'is required' }],
    }),
  malformedHeader: (header: string) =>
    new DomainError('invalid', 'header_malformed', `The ${header} header must be a UUID.`, {
      fields: [{ in: 'headers', pointer: `/${header}`, message: 'must be a UUID' }],
    }),
  tooLarge: (message: string) => new DomainError('too_large', 'payload_too_large', message),
  unsupportedMedia: (message: string) => new DomainError('unsupported_media', 'unsupported_media_type', message),
  unavailable: (message: string) => new DomainError('unavailable', 'unavailable', message),
  /** A request that reached a server after it began draining (SIGTERM): nothing of it ran, so it is safe to retry. */
  shuttingDown: () =>
    new DomainError('unavailable', 'shutting_down', 'This server is shutting down and did not process the request; send it again.', {
      retryAfterSeconds: 1,
    }),
  /** The client stopped sending the request body (REQUEST_BODY_IDLE_TIMEOUT_SECONDS). */
  bodyTimeout: (seconds: number) =>
    new DomainError('timed_out', 'request_timeout', `The request body stopped arriving: nothing came for ${seconds} s.`),
  /** A multipart/form-data body that ended before its closing boundary. */
  multipartTruncated: () =>
    new DomainError('invalid', 'multipart_truncated', 'The multipart body ended before its closing boundary; send the whole form.'),
  /** A derivative that is still being made or could not be made: 404 whose message says which. */
  derivativeNotReady: (kind: string, state: string, reason: string | null) =>
    new DomainError(
      'not_found',
      'derivative_not_ready',
      state === 'failed' ? `The ${kind} could not be made (state: failed): ${reason ?? 'no reason recorded'}` : `The ${kind} is not ready yet (state: ${state}).`,
      { state },
    ),
  /** An upload session past its expiry: 404 with its own code (tus allows 404 or 410; we have no 410 kind). */
  uploadExpired: (id: string) => new DomainError('not_found', 'upload_expired', `The upload ${id} has expired; start a new one.`),
};
