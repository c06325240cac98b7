import { createHash, randomBytes } from 'node:crypto';
import type { TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';

/** A valid 1x1 PNG: sniffable and decodable by sharp. */
export const PNG_1x1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** A minimal PDF header: enough for file-type to sniff application/pdf. */
export const PDF_BYTES = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

export const randomData = (n: number): Buffer => randomBytes(n);

/** A multipart/form-data body with text fields and an optional `file` part. */
export function multipart(
  fields: Record<string, string>,
  file?: { name: string; data: Buffer; type?: string; field?: string },
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----atelier${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'file'}"; filename="${file.name}"\r\nContent-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`,
      ),
      file.data,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** Uploads through POST /workspaces/assets as multipart; returns the response. */
export function uploadMultipart(
  t: TestApp,
  ten: Tenant,
  file: { name: string; data: Buffer; type?: string },
  fields: Record<string, string> = {},
  url = '/workspaces/assets',
) {
  const mp = multipart(fields, file);
  return t.req('POST', url, { headers: { ...ten.headers, ...mp.headers }, payload: mp.payload });
}

/** Uploads a raw body with metadata in the query string. */
export function uploadRaw(
  t: TestApp,
  ten: Tenant,
  data: Buffer,
  query: Record<string, string>,
  contentType = 'application/octet-stream',
  url = '/workspaces/assets',
) {
  return t.req('POST', url, { headers: { ...ten.headers, 'content-type': contentType }, payload: data, query });
}

/** Row counts of the upload tables, for "nothing was written" checks. */
export async function uploadCounts(t: TestApp): Promise<number[]> {
  return [await t.count('assets'), await t.count('asset_versions'), await t.count('derivatives'), await t.count('history_events')];
}
