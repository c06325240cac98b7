import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import type { Tenant } from '../../harness/factories.js';
import type { TestApp } from '../../harness/app.js';

/** Authorization + x-account-id, without the workspace header (account-scoped routes). */
export const acct = (ten: Tenant): Record<string, string> => ({ authorization: ten.headers.authorization ?? '', 'x-account-id': ten.accountId });

/** A multipart/form-data payload built by hand, so tests control every byte. */
export function form(parts: Array<{ name: string; value: string | Buffer; filename?: string; contentType?: string }>): {
  payload: Buffer;
  headers: Record<string, string>;
} {
  const boundary = `----acct${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const file = p.filename !== undefined ? `; filename="${p.filename}"` : '';
    const type = p.contentType ? `Content-Type: ${p.contentType}\r\n` : '';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${file}\r\n${type}\r\n`));
    chunks.push(Buffer.isBuffer(p.value) ? p.value : Buffer.from(p.value));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

export const png = (width = 40, height = 20): Promise<Buffer> =>
  sharp({ create: { width, height, channels: 3, background: '#2060c0' } }).png().toBuffer();

/** History rows of one type for an account (or user-level rows: account_id null, by user), oldest first. */
export async function historyOf(t: TestApp, where: { accountId?: string; userId?: string; type: string }) {
  let q = t.deps.db.selectFrom('history_events').selectAll().where('type', '=', where.type);
  if (where.accountId !== undefined) {
    q = q.where('account_id', '=', where.accountId);
  }
  if (where.userId !== undefined) {
    q = q.where('user_id', '=', where.userId);
  }
  const rows = await q.orderBy('sequence').execute();
  return rows.map((r) => ({ ...r, data: JSON.parse(r.data) as Record<string, any> }));
}

/** The JSON keys of the Mudstack User object, for exact-shape checks. */
export const USER_KEYS = [
  'auth0UserID', 'avatar_file_id', 'city', 'company', 'country', 'defaultAvatar', 'email', 'emailVerified', 'firstName', 'id',
  'industry', 'invited_by_user', 'isActive', 'lastName', 'occupation', 'state', 'username', 'zipCode',
];
