import { createHmac, timingSafeEqual } from 'node:crypto';

/*
 * Verification of the one kind of JWT Atelier issues (HS256, compact form; RFC 7519 + RFC 7515), synchronous with
 * node's HMAC. It runs on every authenticated request, where WebCrypto's async verify through jose cost about
 * 100 µs; signing stays with jose.
 */

const B64URL = /^[A-Za-z0-9_-]+$/;

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The payload of a valid token, or undefined: wrong shape, an `alg` other than HS256 (so `none` and key confusion
 * are refused), a `crit` header, a bad signature (constant-time compare), a wrong issuer, `exp` missing or not after
 * `now`, or `nbf` after `now`.
 */
export function verifyHs256(token: string, key: Uint8Array, options: { issuer: string; now: Date }): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) {
    return undefined;
  }
  const [h = '', p = '', s = ''] = parts;
  if (!B64URL.test(h) || !B64URL.test(p) || !B64URL.test(s)) {
    return undefined;
  }
  const header = decodeJson(h);
  if (!header || header.alg !== 'HS256' || 'crit' in header) {
    return undefined;
  }
  const expected = createHmac('sha256', key).update(`${h}.${p}`).digest();
  const given = Buffer.from(s, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return undefined;
  }
  const payload = decodeJson(p);
  const nowSeconds = Math.floor(options.now.getTime() / 1000);
  if (!payload || payload.iss !== options.issuer || typeof payload.exp !== 'number' || payload.exp <= nowSeconds) {
    return undefined;
  }
  if (payload.nbf !== undefined && (typeof payload.nbf !== 'number' || payload.nbf > nowSeconds)) {
    return undefined;
  }
  return payload;
}
