import { request } from 'node:http';
import { connect } from 'node:net';

/** What came back on a raw TCP connection, parsed as one HTTP/1.1 response (status undefined: nothing came back). */
export interface RawAnswer {
  status: number | undefined;
  headers: Record<string, string>;
  /** The response body, parsed as JSON when it is JSON. */
  body: any;
  /** How the exchange ended: the server closed the connection, reset it, or the client gave up waiting. */
  ended: 'closed' | 'reset' | 'gave_up';
  /** Milliseconds from the last byte the client sent to the end of the exchange. */
  ms: number;
}

function parseAnswer(raw: Buffer): Pick<RawAnswer, 'status' | 'headers' | 'body'> {
  const text = raw.toString('latin1');
  const split = text.indexOf('\r\n\r\n');
  if (split < 0) {
    return { status: undefined, headers: {}, body: undefined };
  }
  const [statusLine = '', ...lines] = text.slice(0, split).split('\r\n');
  const headers = Object.fromEntries(
    lines.map((l) => {
      const i = l.indexOf(':');
      return [l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim()];
    }),
  );
  const payload = raw.subarray(Buffer.byteLength(text.slice(0, split + 4), 'latin1'));
  const length = headers['content-length'] !== undefined ? Number(headers['content-length']) : payload.length;
  const bodyText = payload.subarray(0, length).toString('utf8');
  let body: unknown = bodyText;
  try {
    body = JSON.parse(bodyText);
  } catch {
    // not JSON: keep the text
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

/**
 * Sends `head` (request line and headers; `Host` and the blank line are added) and then `body` over a raw TCP
 * connection, then either half-closes the connection (`then: 'half-close'`, a client whose body ended early) or
 * just waits (`'stall'`, a client that stopped sending). Resolves when the server closes the connection or after
 * `waitMs`, with what the server answered.
 */
export async function rawExchange(
  base: string,
  input: { head: string[]; body?: Buffer; then: 'half-close' | 'stall'; waitMs: number },
): Promise<RawAnswer> {
  const url = new URL(base);
  const socket = connect(Number(url.port), url.hostname);
  const chunks: Buffer[] = [];
  socket.on('data', (d: Buffer) => chunks.push(d));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const [requestLine = '', ...headers] = input.head;
  socket.write([requestLine, `Host: ${url.host}`, ...headers, '', ''].join('\r\n'));
  if (input.body) {
    socket.write(input.body);
  }
  if (input.then === 'half-close') {
    socket.end();
  }
  const sent = Date.now();
  const ended = await new Promise<RawAnswer['ended']>((resolve) => {
    const timer = setTimeout(() => resolve('gave_up'), input.waitMs);
    socket.once('error', () => {
      clearTimeout(timer);
      resolve('reset');
    });
    socket.once('close', () => {
      clearTimeout(timer);
      resolve('closed');
    });
  });
  const ms = Date.now() - sent;
  socket.destroy();
  return { ...parseAnswer(Buffer.concat(chunks)), ended, ms };
}

/**
 * Streams `prefix` and then `bytes` filler bytes (in 64 KiB writes) with node's HTTP client, as a real uploading client does: it keeps sending
 * after the server answers. `chunked`: no Content-Length (Transfer-Encoding: chunked); `declared`: the
 * Content-Length to send (default `bytes`). Resolves with the response (status undefined when none arrived) and
 * whether the connection failed.
 */
export function streamingClient(
  base: string,
  input: { method: string; path: string; headers: Record<string, string>; bytes: number; chunked?: boolean; prefix?: Buffer },
): Promise<{ status: number | undefined; headers: Record<string, string | string[] | undefined>; body: any; error: string | undefined }> {
  return new Promise((resolve) => {
    let error: string | undefined;
    let settled = false;
    const finish = (out: { status: number | undefined; headers: Record<string, string | string[] | undefined>; body: any }): void => {
      if (!settled) {
        settled = true;
        resolve({ ...out, error });
      }
    };
    const headers: Record<string, string> = { ...input.headers };
    if (!input.chunked) {
      headers['content-length'] = String(input.bytes + (input.prefix?.length ?? 0));
    }
    const req = request(`${base}${input.path}`, { method: input.method, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      const done = (): void => {
        const text = Buffer.concat(parts).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON
        }
        finish({ status: res.statusCode, headers: res.headers, body });
      };
      res.on('end', done);
      res.on('error', done);
    });
    req.on('error', (err) => {
      error = (err as NodeJS.ErrnoException).code ?? err.message;
      // Give a response that is on its way the chance to arrive.
      setTimeout(() => finish({ status: undefined, headers: {}, body: undefined }), 500);
    });
    // A client that neither got an answer nor an error by now has hung: that is a failure to report, not to wait on.
    setTimeout(() => {
      error ??= 'no answer';
      req.destroy();
      finish({ status: undefined, headers: {}, body: undefined });
    }, 15_000).unref();
    const chunk = Buffer.alloc(64 * 1024, 1);
    if (input.prefix) {
      req.write(input.prefix);
    }
    let left = input.bytes;
    const pump = (): void => {
      while (left > 0 && !req.destroyed) {
        const n = Math.min(left, chunk.length);
        left -= n;
        if (!req.write(chunk.subarray(0, n))) {
          req.once('drain', pump);
          return;
        }
      }
      if (!req.destroyed) {
        req.end();
      }
    };
    pump();
  });
}

/**
 * Sends `head` with a `Content-Length` of `bytes`, waits for the server's answer, and only then sends the body, as
 * a client does that ignores an early answer. Resolves with the answer's status and the socket error the client
 * got while sending (undefined: none, the server read the rest and closed cleanly).
 */
export async function bodyAfterEarlyAnswer(base: string, head: string[], bytes: number): Promise<{ status: number | undefined; error: string | undefined }> {
  const url = new URL(base);
  const socket = connect(Number(url.port), url.hostname);
  let error: string | undefined;
  socket.on('error', (err: NodeJS.ErrnoException) => {
    error ??= err.code ?? err.message;
  });
  const chunks: Buffer[] = [];
  const answered = new Promise<void>((resolve) => {
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      if (Buffer.concat(chunks).includes('\r\n\r\n')) {
        resolve();
      }
    });
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const [requestLine = '', ...headers] = head;
  socket.write([requestLine, `Host: ${url.host}`, ...headers, `Content-Length: ${bytes}`, '', ''].join('\r\n'));
  await Promise.race([answered, new Promise((r) => setTimeout(r, 3000))]);
  const chunk = Buffer.alloc(64 * 1024, 2);
  for (let left = bytes; left > 0 && !socket.destroyed; left -= chunk.length) {
    if (!socket.write(chunk.subarray(0, Math.min(left, chunk.length)))) {
      await Promise.race([new Promise((r) => socket.once('drain', r)), closed]);
    }
  }
  await Promise.race([closed, new Promise((r) => setTimeout(r, 5000))]);
  socket.destroy();
  return { status: parseAnswer(Buffer.concat(chunks)).status, error };
}
