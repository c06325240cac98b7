/*
 * Typed errors of the SDK. Every error answer of the core API is `{"error": {"code", "message", "fields"?,
 * "details"?}, "request_id"}`; an AtelierApiError carries those (and the HTTP status) so a caller can branch on
 * `code` and quote `requestId` to an operator, who finds the same id in the server's logs.
 */

/** One bad input field of a 400 `validation_failed`. */
export interface ApiErrorField {
  in?: string;
  pointer?: string;
  message?: string;
}

/** Base class of everything the SDK throws on purpose. */
export class AtelierError extends Error {
  override name = 'AtelierError';
}

/** The server answered with an error status. */
export class AtelierApiError extends AtelierError {
  override name = 'AtelierApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | undefined,
    readonly fields: ApiErrorField[] = [],
    readonly details: Record<string, unknown> | undefined = undefined,
    /** Seconds the server asked us to wait (`Retry-After`), for 429 and 503. */
    readonly retryAfterSeconds: number | undefined = undefined,
  ) {
    super(message);
  }

  /** Reads an error response's body (JSON in the core API's shape, or anything else) into an AtelierApiError. */
  static async from(response: Response): Promise<AtelierApiError> {
    const text = await response.text().catch(() => '');
    let body: { error?: { code?: unknown; message?: unknown; fields?: unknown; details?: unknown }; request_id?: unknown } = {};
    try {
      body = text ? (JSON.parse(text) as typeof body) : {};
    } catch {
      // Not JSON (a proxy's HTML page, say): the status line is all we know.
    }
    const err = body.error ?? {};
    const code = typeof err.code === 'string' ? err.code : `http_${response.status}`;
    const message = typeof err.message === 'string' ? err.message : `${response.status} ${response.statusText || 'error'}`.trim();
    const requestId = typeof body.request_id === 'string' ? body.request_id : (response.headers.get('x-request-id') ?? undefined);
    return new AtelierApiError(
      response.status,
      code,
      message,
      requestId,
      Array.isArray(err.fields) ? (err.fields as ApiErrorField[]) : [],
      err.details && typeof err.details === 'object' ? (err.details as Record<string, unknown>) : undefined,
      parseRetryAfter(response.headers.get('retry-after')),
    );
  }
}

/** The server could not be reached (refused, reset, DNS, timeout) after the retries. */
export class AtelierNetworkError extends AtelierError {
  override name = 'AtelierNetworkError';
  constructor(
    readonly url: string,
    override readonly cause: unknown,
  ) {
    super(`cannot reach ${url}: ${describeCause(cause)}`);
  }
}

/** Bytes did not arrive intact: a download or upload whose SHA-256 or size is not what the server says. */
export class AtelierIntegrityError extends AtelierError {
  override name = 'AtelierIntegrityError';
}

/** `Retry-After` as seconds (delta-seconds or an HTTP date), or undefined. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (!value) {
    return undefined;
  }
  if (/^\d+$/.test(value.trim())) {
    return Number(value.trim());
  }
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

function describeCause(cause: unknown): string {
  // undici wraps the socket error: "fetch failed" with the useful part (ECONNREFUSED ...) in `cause`.
  const inner = cause instanceof Error && cause.cause instanceof Error ? cause.cause : cause;
  if (inner instanceof Error) {
    const code = (inner as { code?: unknown }).code;
    return typeof code === 'string' && !inner.message.includes(code) ? `${inner.message} (${code})` : inner.message;
  }
  return String(inner);
}
