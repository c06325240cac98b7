import { apiHeaders, currentTenancy } from '../api/client';

/*
 * A small tus 1.0.0 client (https://tus.io/protocols/resumable-upload) for /workspaces/assets/tus: create, then PATCH
 * in chunks with XMLHttpRequest (fetch reports no upload progress), and on a retry or after a page reload HEAD the
 * remembered upload URL and continue from its offset. The URL is remembered in localStorage under the file's
 * identity (workspace, folder, name, size, modification time): dropping the same file again resumes it.
 * (tus-js-client does the same and more; it is not a dependency of this project yet: docs/web.md.)
 */

const TUS = '/workspaces/assets/tus';
const CHUNK = 8 * 1024 * 1024;

export interface TusResult {
  assetId: string | null;
  resumedFrom: number;
}

const b64 = (s: string) => btoa(String.fromCharCode(...new TextEncoder().encode(s)));

function storageKey(file: File, fileLocation: string): string {
  return `atelier.tus:${currentTenancy().workspaceId}:${fileLocation}:${file.name}:${file.size}:${file.lastModified}`;
}

function tusHeaders(method: string, extra: Record<string, string> = {}): Record<string, string> {
  return apiHeaders(method, { 'tus-resumable': '1.0.0', ...extra });
}

async function offsetOf(url: string): Promise<number | null> {
  const res = await fetch(url, { method: 'HEAD', headers: tusHeaders('HEAD'), credentials: 'same-origin' });
  const offset = Number(res.headers.get('upload-offset'));
  return res.ok && Number.isFinite(offset) ? offset : null;
}

async function create(file: File, fileLocation: string): Promise<string> {
  const meta = [`filename ${b64(file.name)}`, `file_location ${b64(fileLocation)}`].join(',');
  const res = await fetch(TUS, {
    method: 'POST',
    headers: tusHeaders('POST', { 'upload-length': String(file.size), 'upload-metadata': meta }),
    credentials: 'same-origin',
  });
  const location = res.headers.get('location');
  if (res.status !== 201 || !location) {
    let message = `upload refused (${res.status})`;
    try {
      message = ((await res.json()) as { error?: { message?: string } }).error?.message ?? message;
    } catch {
      // keep the status
    }
    throw new Error(message);
  }
  return new URL(location, window.location.href).pathname;
}

/** The server said no (a 4xx answer, e.g. 423 when someone else holds the asset's lock): retrying will not help. */
class RefusedError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

/** A refused PATCH, with the API's message and code when the body is the API's JSON error shape. */
function refusal(status: number, text: string): RefusedError {
  let error: { code?: string; message?: string } | undefined;
  try {
    error = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
  } catch {
    // not the API's error shape (a proxy's page): the status is all there is
  }
  return new RefusedError(status, error?.message || `upload stopped (${status})`, error?.code ?? null);
}

function patch(url: string, blob: Blob, offset: number, onProgress: (sent: number) => void, signal: AbortSignal): Promise<{ offset: number; assetId: string | null }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PATCH', url);
    xhr.withCredentials = true;
    for (const [k, v] of Object.entries(tusHeaders('PATCH', { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }))) {
      xhr.setRequestHeader(k, v);
    }
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => {
      const next = Number(xhr.getResponseHeader('upload-offset'));
      if (xhr.status === 204 && Number.isFinite(next)) {
        resolve({ offset: next, assetId: xhr.getResponseHeader('atelier-asset-id') });
      } else {
        reject(refusal(xhr.status, xhr.responseText));
      }
    };
    xhr.onerror = () => reject(new Error('the connection dropped'));
    xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'));
    signal.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(blob);
  });
}

/** Uploads (or resumes) one file into `fileLocation`; a known name there becomes a new version, as the API does. */
export async function tusUpload(file: File, fileLocation: string, onProgress: (bytes: number) => void, signal: AbortSignal): Promise<TusResult> {
  const key = storageKey(file, fileLocation);
  let url = localStorage.getItem(key);
  let offset = url ? await offsetOf(url) : null;
  if (url === null || offset === null) {
    url = await create(file, fileLocation);
    localStorage.setItem(key, url);
    offset = 0;
  }
  const resumedFrom = offset;
  onProgress(offset);
  let assetId: string | null = null;
  let attempts = 0;
  // An empty file still needs one PATCH to commit.
  while (offset < file.size || (file.size === 0 && assetId === null)) {
    const base = offset;
    try {
      const answer = await patch(url, file.slice(offset, offset + CHUNK), offset, (sent) => onProgress(base + sent), signal);
      offset = answer.offset;
      assetId = answer.assetId ?? assetId;
      attempts = 0;
      if (file.size === 0) {
        break;
      }
    } catch (err) {
      // A refusal is final (a 423 for a locked asset too), except 409 (the offset disagrees) and 423 `upload_locked`
      // (an earlier request, e.g. from before a page reload, is still writing this upload), which asking the server
      // below repairs; a drop is retried.
      const refused = err instanceof RefusedError && err.status >= 400 && err.status < 500 && err.status !== 409 && err.code !== 'upload_locked';
      if (signal.aborted || refused || ++attempts > 3) {
        throw err;
      }
      // A dropped connection: ask the server where it got to, then go on from there.
      await new Promise((r) => setTimeout(r, 1000 * attempts));
      offset = (await offsetOf(url)) ?? offset;
    }
  }
  localStorage.removeItem(key);
  onProgress(file.size);
  return { assetId, resumedFrom };
}
