import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import type { FastifyBaseLogger, FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { API_CSP, SECURITY_HEADERS } from './security-headers.js';

/*
 * Requests that fail before a route runs, so no surface's error handler sees them, answered in the core API's error
 * shape `{"error":{"code","message"},"request_id"}` with the usual headers (docs/api-core.md "Authentication,
 * tenancy and errors"): URLs Fastify cannot route (bad percent-encoding, a path segment over the router's limit) and
 * requests Node's HTTP parser refuses before Fastify exists for them (headers or URL too large, malformed HTTP,
 * timeouts).
 */

interface ShapedError {
  status: number;
  code: string;
  message: string;
}

const errorBody = (e: ShapedError, requestId: string): string =>
  JSON.stringify({ error: { code: e.code, message: e.message }, request_id: requestId });

/** Fastify's `frameworkErrors` option: routing failures (FST_ERR_BAD_URL, FST_ERR_MAX_PARAM_LENGTH, ...). */
export function frameworkErrors(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  let e: ShapedError;
  if (err.code === 'FST_ERR_BAD_URL') {
    e = { status: 400, code: 'bad_url', message: 'The URL is not validly percent-encoded.' };
  } else if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    e = { status: 414, code: 'uri_too_long', message: 'A segment of the URL path is too long.' };
  } else {
    request.log.error({ err }, 'routing failed');
    e = { status: 500, code: 'internal_error', message: 'Something went wrong on our side. Quote the request id when reporting it.' };
  }
  // No onRequest hook ran for this request, so the headers every reply carries are set here.
  void reply
    .headers(SECURITY_HEADERS)
    .header('content-security-policy', API_CSP)
    .header('x-request-id', request.id)
    .header('content-type', 'application/json; charset=utf-8')
    .status(e.status)
    .send(
      // Routing failed, so no surface's error handler runs: the Workstream surface's shape is chosen by its prefix
      // (http/surfaces/workstream/errors.ts).
      // (http/surfaces/workstream/errors.ts), medialoopster's likewise (http/surfaces/medialoopster/errors.ts).
      (request.url ?? '').startsWith('/workstream/')
        ? { message: e.message, code: e.code, request_id: request.id }
        : (request.url ?? '').startsWith('/api/')
          ? { errors: [{ status: String(e.status), code: e.code, detail: e.message, title: STATUS_CODES[e.status] ?? 'Error' }] }
          : errorBody(e, request.id),
    );
}

/** What Node's parser error means for the client (https://nodejs.org/api/http.html#event-clienterror). */
function parserError(code: string): ShapedError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: 'headers_too_large', message: 'The request headers (the URL included) are too large.' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'request_timeout', message: 'The request took too long to arrive.' };
    // The client half-closed its side of the connection before the body it declared had arrived (while a route
    // was reading it): not malformed HTTP, a cut-off body.
    case 'HPE_INVALID_EOF_STATE':
      return { status: 400, code: 'body_incomplete', message: 'The request body ended before its declared length: the connection was closed early.' };
    default:
      return { status: 400, code: 'bad_request', message: 'The request is not valid HTTP.' };
  }
}

/**
 * Fastify's `clientErrorHandler` (Node's `clientError` event): writes the error shape straight to the socket, since
 * there is no request object yet, then closes it. A client that went away (ECONNRESET) gets nothing, and none of this
 * is a server fault, so it is logged at debug level.
 */
export function clientErrorHandler(log: FastifyBaseLogger): (err: Error & { code?: string }, socket: Socket) => void {
  return (err, socket) => {
    const code = err.code ?? 'unknown';
    if (code === 'ECONNRESET' || socket.destroyed) {
      log.debug({ code }, 'client connection closed');
      return;
    }
    // An answer to the in-flight request has begun: another response on this socket would corrupt it.
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (inFlight?.headersSent === true) {
      log.debug({ code }, 'client error after the answer began');
      socket.destroy();
      return;
    }
    const e = parserError(code);
    const requestId = randomUUID();
    log.debug({ code, status: e.status, reqId: requestId }, 'client error');
    if (socket.writable) {
      const body = errorBody(e, requestId);
      const headers = {
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(Buffer.byteLength(body)),
        'x-request-id': requestId,
        ...SECURITY_HEADERS,
        'content-security-policy': API_CSP,
        connection: 'close',
      };
      const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
      // Destroyed once the answer is flushed: the parser cannot continue on this connection.
      socket.end(`HTTP/1.1 ${e.status} ${STATUS_CODES[e.status] ?? ''}\r\n${head}\r\n${body}`, () => socket.destroy());
      return;
    }
    socket.destroy();
  };
}

/**
 * Whether the client closed the connection before its answer (an aborted upload, a dropped connection). The error
 * that follows (ECONNRESET "aborted", a body stream ending early) is the client's doing, not a server fault, and no
 * one will read the answer: surfaces log it at info level instead of as an unhandled error.
 */
export function clientWentAway(request: FastifyRequest): boolean {
  return request.raw.aborted || request.raw.socket?.destroyed === true;
}
