import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { PassThrough, type Readable } from 'node:stream';
import { errors, type DomainError } from '../../domain/errors.js';

/*
 * Every request gets an answer in bounded time, and the answer reaches the client even when its body is not read:
 *
 * - A body that stops arriving for REQUEST_BODY_IDLE_TIMEOUT_SECONDS fails whoever reads it with `request_timeout`
 *   (408). The socket's idle timer measures it (node's HTTP parser refreshes it on every byte received).
 * - An answer sent before the body was fully received (413 up front, a failed upload) carries `Connection: close`,
 *   and the connection then closes gracefully: node would end and destroy the socket at once, and a client still
 *   sending gets a reset (with its unread answer lost) instead of the 413. Like nginx's lingering close, the rest of
 *   the body is read and discarded for a bounded time and size after the answer, then the socket is closed.
 * - Streamed bodies go to the domain through detachableBody: destroying a request stream destroys its socket, so
 *   the domain's "stop reading" (over a limit, a checksum mismatch) must not reach the request itself.
 */

/** After an early answer, at most this much of the rest of the body is read and discarded before closing. */
const LINGER_MAX_BYTES = 16 * 1024 * 1024;
/** ... and for at most this long. */
const LINGER_MS = 5000;

const detached = new WeakMap<IncomingMessage, PassThrough>();
const failures = new WeakMap<IncomingMessage, DomainError>();

function hasBody(raw: IncomingMessage): boolean {
  return raw.headers['transfer-encoding'] !== undefined || Number(raw.headers['content-length'] ?? 0) > 0;
}

/** Why the request's body was cut off by the server (the idle timeout), if it was. */
export function requestBodyFailure(request: FastifyRequest): DomainError | undefined {
  return failures.get(request.raw);
}

/**
 * The request body as a stream the domain may destroy without destroying the connection. Errors and an early end
 * of the request (client gone) are passed on as errors; destroying this stream only detaches it from the request.
 */
export function detachableBody(request: FastifyRequest, payload: Readable): Readable {
  const raw = request.raw;
  const body = new PassThrough({ highWaterMark: 256 * 1024 });
  const cutShort = (err?: Error): void => {
    if (!body.destroyed) {
      body.destroy(err ?? new Error('The request body ended before it was complete.'));
    }
  };
  const onError = (err: Error): void => cutShort(err);
  const onClose = (): void => {
    if (!raw.complete) {
      cutShort();
    }
  };
  payload.on('error', onError);
  raw.once('close', onClose);
  body.once('close', () => {
    payload.unpipe(body);
    payload.off('error', onError);
    raw.off('close', onClose);
  });
  payload.pipe(body);
  detached.set(raw, body);
  return body;
}

/** Fails whoever reads the body with `err`; false when nobody reads it yet. */
function failBody(raw: IncomingMessage, err: DomainError): boolean {
  const body = detached.get(raw);
  if (body) {
    failures.set(raw, err);
    body.destroy(err);
    return true;
  }
  if (raw.listenerCount('error') > 0) {
    failures.set(raw, err);
    // Not destroy(): that would destroy the socket, and the 408 could not be sent.
    raw.emit('error', err);
    return true;
  }
  return false;
}

/** Reads and discards the rest of the body for a bounded time and size, then closes (see the top of this file). */
function lingeringClose(socket: Socket, raw: IncomingMessage): void {
  if (socket.destroyed) {
    return;
  }
  socket.end();
  let drained = 0;
  const stop = (): void => {
    clearTimeout(timer);
    raw.off('data', onData);
    socket.destroy();
  };
  const onData = (chunk: Buffer): void => {
    drained += chunk.length;
    if (drained > LINGER_MAX_BYTES) {
      stop();
    }
  };
  const timer = setTimeout(stop, LINGER_MS);
  raw.unpipe();
  raw.on('data', onData);
  raw.once('end', stop);
  socket.once('close', stop);
  raw.resume();
}

/** Registers the body idle timeout and the graceful close after early answers, for every route. */
export function registerRequestBodyGuards(app: FastifyInstance): void {
  const seconds = app.deps.config.http.bodyIdleTimeoutSeconds;
  const idleMs = Math.round(seconds * 1000);

  app.addHook('onRequest', (request, reply, done) => {
    const raw = request.raw;
    const socket = raw.socket;
    // Only real connections (app.inject has none, and no idle time).
    if (!(socket instanceof Socket) || !hasBody(raw) || raw.complete) {
      done();
      return;
    }
    socket.setTimeout(idleMs);
    // node emits 'timeout' on the response of the socket's current request; with a listener it does not destroy.
    reply.raw.on('timeout', () => {
      if (raw.complete) {
        socket.setTimeout(0);
      } else if (!failures.has(raw) && !failBody(raw, errors.bodyTimeout(seconds))) {
        // Nobody reads the body yet (the handler is busy before it): look again after another idle period.
        socket.setTimeout(idleMs);
      }
    });
    // Once the answer is out, node owns the socket's timer again (its keep-alive timeout): leave it alone then.
    raw.once('end', () => {
      if (!reply.raw.writableFinished) {
        socket.setTimeout(0);
      }
    });
    done();
  });

  app.addHook('onSend', (request, reply, payload, done) => {
    const raw = request.raw;
    const socket = raw.socket;
    if (socket instanceof Socket && hasBody(raw) && !raw.complete && !reply.raw.headersSent) {
      void reply.header('connection', 'close');
      // node closes a `Connection: close` response's socket with destroySoon() once the answer is written.
      socket.destroySoon = () => lingeringClose(socket, raw);
    }
    done(null, payload);
  });
}
