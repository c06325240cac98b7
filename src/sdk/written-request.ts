import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable, type Writable } from 'node:stream';

/** A request whose body the caller writes to the socket itself (Transport.sendWritten). */
export interface WrittenRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  /** Writes the whole body (with the stream's backpressure); must not end it. */
  write: (body: Writable) => Promise<void>;
}

/**
 * Performs `request` over node:http(s) and answers a fetch Response, so that its handling is the same as for fetch.
 * An answer that comes before the body is written (a refusal) ends the writing; a failed connection rejects.
 */
export async function writeRequest(request: WrittenRequest, headers: Headers, signal: AbortSignal | undefined): Promise<Response> {
  const url = new URL(request.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const req = send(url, { method: request.method, headers: Object.fromEntries(headers), ...(signal ? { signal } : {}) });
  const answered = new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
  // Settled either way, so an early answer or a failure never leaves the other promise unhandled.
  answered.catch(() => undefined);
  const written = request.write(req).then(
    () => 'written' as const,
    (err: unknown) => {
      req.destroy(err instanceof Error ? err : new Error(String(err)));
      throw err;
    },
  );
  written.catch(() => undefined);
  const first = await Promise.race([written, answered]);
  if (first === 'written') {
    req.end();
  }
  const res = await answered;
  const status = res.statusCode ?? 0;
  const responseHeaders = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
      responseHeaders.append(name, v);
    }
  }
  const empty = status === 204 || status === 304 || request.method === 'HEAD';
  if (first !== 'written') {
    // Answered mid-body (a refusal): its (small) body is read, then the request is ended, which stops the writing.
    const chunks: Buffer[] = [];
    for await (const chunk of res) {
      chunks.push(chunk as Buffer);
    }
    req.destroy();
    return new Response(empty ? null : Buffer.concat(chunks), { status, headers: responseHeaders });
  }
  if (empty) {
    res.resume();
  }
  return new Response(empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), { status, headers: responseHeaders });
}
