import { createHmac, timingSafeEqual } from 'node:crypto';

/*
 * Self-signed upload URLs for the disk store (DESIGN.md: "an HMAC-signed URL to Atelier itself"): the signature is
 * the capability, so the PUT needs no token. HMAC-SHA256 over method, path and expiry, keyed with the token key.
 */

/** The path a signed PUT goes to; the signature covers it, so a signature cannot be moved to another upload. */
export const signedUploadPath = (sessionId: string): string => `/uploads/${sessionId}`;

function signature(key: Uint8Array, method: string, path: string, expires: number): string {
  return createHmac('sha256', key).update(`${method.toUpperCase()}\n${path}\n${expires}`).digest('base64url');
}

/** `?expires=<unix seconds>&sig=<base64url>` for `method path`. */
export function signUploadQuery(key: Uint8Array, input: { method: string; path: string; expiresAt: Date }): string {
  const expires = Math.floor(input.expiresAt.getTime() / 1000);
  return `expires=${expires}&sig=${signature(key, input.method, input.path, expires)}`;
}

export type SignatureCheck = 'ok' | 'forged' | 'expired';

/** Checks a signed URL's query in constant time; an expired signature is only reported once it is authentic. */
export function checkUploadSignature(
  key: Uint8Array,
  input: { method: string; path: string; expires: string | undefined; sig: string | undefined; now: Date },
): SignatureCheck {
  if (input.expires === undefined || input.sig === undefined || !/^\d{1,12}$/.test(input.expires)) {
    return 'forged';
  }
  const expected = Buffer.from(signature(key, input.method, input.path, Number(input.expires)));
  const given = Buffer.from(input.sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return 'forged';
  }
  return Number(input.expires) * 1000 <= input.now.getTime() ? 'expired' : 'ok';
}
