import type { TestApp } from '../harness/app.js';
import { payloadOf, urlOf, type FuzzRequest } from './fuzz-requests.js';

export interface Finding {
  route: string;
  where: string;
  kind: string;
  problem: string;
  status: number;
  request: FuzzRequest;
  /** The error code of a 5xx, or the start of a badly shaped body, to tell causes apart. */
  detail: string;
  /** A write whose 5xx stored data that broke reads: this request failed after it, while the damage lasted. */
  cause?: Finding | undefined;
}

export interface Answer {
  status: number;
  text: string;
  contentType: string;
}

/** How long one request may take before it counts as "never answered" (issue #12 item 4). */
const ANSWER_WITHIN_MS = 10_000;

type Body = AsyncIterable<Buffer | string> & { destroy(): void };

async function readAll(body: Body, timeout: Promise<'no-answer'>): Promise<string | 'no-answer'> {
  const all = (async () => {
    const chunks: Buffer[] = [];
    for await (const c of body) {
      chunks.push(Buffer.from(c));
    }
    return Buffer.concat(chunks).toString('utf8');
  })();
  return Promise.race([all, timeout]);
}

/** An event stream never ends: its answer is what came up to its first event, then it is dropped. */
async function firstEvent(body: Body, timeout: Promise<'no-answer'>): Promise<string | 'no-answer'> {
  const first = (async () => {
    let text = '';
    for await (const c of body) {
      text += String(c);
      if (/(^|\n)event: [^\n]*\n(?:[^\n]+\n)*\n/.test(text)) {
        break;
      }
    }
    return text;
  })();
  try {
    return await Promise.race([first, timeout]);
  } finally {
    body.destroy();
  }
}

export async function send(t: TestApp, req: FuzzRequest): Promise<Answer | 'no-answer' | 'unsendable'> {
  const headers: Record<string, string> = { ...req.headers };
  if (req.contentType !== undefined) {
    headers['content-type'] = req.contentType;
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    // As a stream, so that an endless answer (text/event-stream: GET /workspaces/events/stream) is an answer too.
    const inject = t.app.inject({ method: req.method as 'GET', url: urlOf(req), headers, payload: payloadOf(req), payloadAsStream: true });
    const timeout = new Promise<'no-answer'>((resolve) => {
      timer = setTimeout(() => resolve('no-answer'), ANSWER_WITHIN_MS);
    });
    const res = await Promise.race([inject, timeout]);
    if (res === 'no-answer') {
      return res;
    }
    const contentType = String(res.headers['content-type'] ?? '');
    const body = res.stream();
    const text = contentType.startsWith('text/event-stream') ? await firstEvent(body, timeout) : await readAll(body, timeout);
    return text === 'no-answer' ? text : { status: res.statusCode, text, contentType };
  } catch (err) {
    // light-my-request refuses some requests before they reach the app (a header with a NUL, say): not a finding.
    if (err instanceof TypeError || (err as { code?: string }).code === 'ERR_INVALID_CHAR') {
      return 'unsendable';
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether a 4xx body has its surface's error shape: the core API's `{"error":{"code","message"},"request_id"}`;
 * Workstream's `{"message","code","request_id"}` (docs/workstream.md), or OAuth's `{"error","error_description"}` on
 * its token route; Vionlabs' FastAPI `{"detail": ...}` (docs/vionlabs.md).
 */
function hasErrorShape(path: string, body: unknown): boolean {
  const b = body as { error?: { code?: unknown; message?: unknown } | unknown; message?: unknown; code?: unknown; request_id?: unknown; error_description?: unknown } | null;
  if (path.startsWith('/vionlabs/')) {
    // FastAPI's shapes (docs/vionlabs.md, "Errors"): 422 {"detail":[{"loc","msg","type"}]}, else {"detail":"..."}.
    const detail = (b as { detail?: unknown } | null)?.detail;
    return (
      typeof detail === 'string' ||
      (Array.isArray(detail) &&
        detail.length > 0 &&
        detail.every((d: { loc?: unknown; msg?: unknown; type?: unknown }) => Array.isArray(d?.loc) && typeof d.msg === 'string' && typeof d.type === 'string'))
    );
  }
  if (path.startsWith('/api/')) {
    return hasMedialoopsterShape(body);
  }
  if (path.startsWith('/workstream/')) {
    if (path === '/workstream/oauth2/token') {
      return typeof b?.error === 'string' && typeof b.error_description === 'string';
    }
    return typeof b?.message === 'string' && typeof b.code === 'string' && typeof b.request_id === 'string';
  }
  const e = b?.error as { code?: unknown; message?: unknown } | undefined;
  return typeof e?.code === 'string' && typeof e.message === 'string' && typeof b?.request_id === 'string';
}

/**
 * medialoopster's two forms (docs/medialoopster.md, "Errors"): `{"errors":[{status,code,detail,title,source?}]}` with
 * `status` the HTTP status as a string, or the single `{"detail": "..."}` of seed 003.
 */
function hasMedialoopsterShape(body: unknown): boolean {
  const b = body as { errors?: unknown; detail?: unknown } | null;
  if (b !== null && typeof b === 'object' && Object.keys(b).length === 1 && typeof b.detail === 'string') {
    return true;
  }
  if (!Array.isArray(b?.errors) || b.errors.length === 0) {
    return false;
  }
  return b.errors.every((e: { status?: unknown; code?: unknown; detail?: unknown; title?: unknown; source?: { pointer?: unknown } }) => {
    const source = e.source === undefined || typeof e.source?.pointer === 'string';
    return typeof e.status === 'string' && /^[1-5][0-9]{2}$/.test(e.status) && typeof e.code === 'string' && typeof e.detail === 'string' && typeof e.title === 'string' && source;
  });
}

/** What is wrong with an answer: a 5xx, no answer, or a 4xx outside its surface's error shape (hasErrorShape). */
export function problemOf(method: string, answer: Answer | 'no-answer', path = '/'): { problem: string; detail: string } | undefined {
  if (answer === 'no-answer') {
    return { problem: 'no answer', detail: `none within ${ANSWER_WITHIN_MS} ms` };
  }
  if (answer.status >= 500) {
    let code = '';
    try {
      code = String(JSON.parse(answer.text)?.error?.code ?? '');
    } catch {
      code = answer.text.slice(0, 80);
    }
    return { problem: `${answer.status}`, detail: code };
  }
  if (answer.status < 400 || method === 'HEAD') {
    return undefined;
  }
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return { problem: `${answer.status} not JSON`, detail: `${answer.contentType}: ${answer.text.slice(0, 80)}` };
  }
  return hasErrorShape(path, body) ? undefined : { problem: `${answer.status} bad shape`, detail: answer.text.slice(0, 120) };
}
