import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { errors, isDomainError } from '../../domain/errors.js';
import { assertJsonInput } from './json-body.js';
import { assertNoNul } from './reject-nul.js';
import { requestBodyFailure } from './request-body.js';

/** Registers multipart parsing with limits; files are streamed to whoever consumes them, never buffered. */
export async function registerMultipart(app: FastifyInstance): Promise<void> {
  await app.register(multipart, {
    // One byte over the server limit: the upload's own limit (which may be the account's, lower) refuses first and
    // stores nothing, rather than the parser cutting the file at the limit and calling it complete.
    limits: { fileSize: app.deps.config.uploads.maxBytes + 1, files: 1, fields: 50, fieldSize: 1024 * 1024, parts: 60 },
  });
}

export interface MultipartForm<T> {
  /** Plain fields, as strings. */
  fields: Record<string, string>;
  /** The `body` field parsed as a JSON object (Mudstack sends `body={...}`), when present. */
  body: Record<string, unknown> | undefined;
  /** What `onFile` returned for the part named `file`, when one was sent. */
  file: T | undefined;
}

export const isMultipart = (request: FastifyRequest): boolean => request.isMultipart();

/**
 * `--<boundary>--`, the delimiter that closes a form (RFC 2046 §5.1.1), from the request's Content-Type; undefined
 * when it has no boundary parameter (busboy would throw a bare Error, a 500).
 */
function closingDelimiter(contentType: string | undefined): Buffer | undefined {
  const boundary = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  const value = boundary?.[1] ?? boundary?.[2];
  return value ? Buffer.from(`--${value}--`, 'latin1') : undefined;
}

/**
 * Watches the request body (alongside the parser) for the form's closing delimiter. The multipart parser treats a
 * body that ends without it as a complete form, so without this a cut-off form would lose its last fields silently.
 */
function watchForClosingDelimiter(request: FastifyRequest): () => boolean {
  const delimiter = closingDelimiter(request.headers['content-type']);
  if (!delimiter) {
    return () => false;
  }
  let seen = false;
  let carry = Buffer.alloc(0);
  const onData = (chunk: Buffer): void => {
    const window = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, delimiter.length)]) : Buffer.alloc(0);
    if (window.includes(delimiter) || chunk.includes(delimiter)) {
      seen = true;
      request.raw.off('data', onData);
      return;
    }
    const tail = chunk.length >= delimiter.length ? chunk : Buffer.concat([carry, chunk]);
    carry = Buffer.from(tail.subarray(Math.max(0, tail.length - delimiter.length + 1)));
  };
  request.raw.on('data', onData);
  return () => seen;
}

/**
 * Reads a multipart/form-data request part by part. The `file` part is handed to `onFile` as a stream, which must
 * consume it (e.g. into the blob store) before the next part can be read. A form that ends before its closing
 * delimiter is 400 `multipart_truncated` (nothing of it is kept); a body that stopped arriving is the idle
 * timeout's 408.
 */
export async function readMultipart<T>(
  request: FastifyRequest,
  onFile: (stream: Readable, info: { filename: string; mimetype: string }) => Promise<T>,
): Promise<MultipartForm<T>> {
  const fields: Record<string, string> = {};
  let file: T | undefined;
  await walkParts(request, {}, {
    onField: (name, value) => {
      fields[name] = value;
    },
    onFile: async (stream, info) => {
      file = await onFile(stream, info);
    },
  });
  let body: Record<string, unknown> | undefined;
  if (fields.body !== undefined && fields.body !== '') {
    try {
      const parsed: unknown = JSON.parse(fields.body);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new Error('not an object');
      }
      body = parsed as Record<string, unknown>;
    } catch {
      throw errors.invalidField('body', 'body', 'must be a JSON object');
    }
    // JSON too: the same reserved keys and lone surrogates are refused as in a JSON body (plugins/json-body.ts).
    assertJsonInput(body, 'body', '/body');
    assertNoNul(body, 'body', '/body');
  }
  return { fields, body, file };
}

/**
 * Reads a form of several `file` parts (at most `maxFiles`) and fields, in the order they come: `onField` sees each
 * field as it arrives (a field that must come before the files can be checked there), `onFile` each file, which it
 * must consume. The same checks as readMultipart (boundary, NUL, truncation, the upload limit's cut-off).
 */
export async function readMultipartParts(
  request: FastifyRequest,
  maxFiles: number,
  handlers: { onField(name: string, value: string): void; onFile(stream: Readable, info: { filename: string; mimetype: string }): Promise<void> },
): Promise<void> {
  await walkParts(request, { files: maxFiles, parts: maxFiles + 10 }, handlers);
}

async function walkParts(
  request: FastifyRequest,
  limits: { files?: number; parts?: number },
  handlers: { onField(name: string, value: string): void; onFile(stream: Readable, info: { filename: string; mimetype: string }): Promise<void> },
): Promise<void> {
  if (!closingDelimiter(request.headers['content-type'])) {
    throw errors.invalid('multipart_boundary_missing', 'The multipart/form-data Content-Type has no boundary parameter.');
  }
  const iterator = (limits.files === undefined ? request.parts() : request.parts({ limits }))[Symbol.asyncIterator]();
  // The first next() pipes the body into the parser; the watcher is attached after it, so both see every chunk.
  let next = iterator.next();
  const complete = watchForClosingDelimiter(request);
  // A plain error (no domain kind, no HTTP status: a part cut short) from a form that never closed is the cut.
  const hasStatus = (err: unknown): boolean => typeof (err as { statusCode?: unknown } | null)?.statusCode === 'number';
  const cutOff = (err: unknown): unknown =>
    requestBodyFailure(request) ?? (isDomainError(err) || hasStatus(err) || complete() ? err : errors.multipartTruncated());
  try {
    for (let step = await next; !step.done; step = await next) {
      const part = step.value;
      if (part.type === 'file') {
        if (part.fieldname !== 'file') {
          part.file.resume();
          throw errors.invalidField('body', part.fieldname, 'unexpected file part; send the file as `file`');
        }
        if (part.filename.includes('\u0000')) {
          part.file.resume();
          assertNoNul(part.filename, 'body', '/file');
        }
        await handlers.onFile(part.file, { filename: part.filename, mimetype: part.mimetype });
        if (part.file.truncated) {
          throw errors.tooLarge('The file is larger than the upload limit.');
        }
      } else {
        // Form fields bypass the NUL hook (plugins/reject-nul.ts): PostgreSQL cannot store U+0000 in text.
        // A field sent as application/json comes parsed (@fastify/multipart): its text again, as for any field.
        const value = typeof part.value === 'string' ? part.value : JSON.stringify(part.value);
        assertNoNul({ [part.fieldname]: value }, 'body', '');
        handlers.onField(part.fieldname, value);
      }
      next = iterator.next();
    }
  } catch (err) {
    await iterator.return?.(undefined).catch(() => undefined);
    throw cutOff(err);
  }
  if (!complete()) {
    throw requestBodyFailure(request) ?? errors.multipartTruncated();
  }
}
