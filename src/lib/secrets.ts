import { randomBytes, scrypt, timingSafeEqual, createHash } from 'node:crypto';

/** Random URL-safe token of `bytes` bytes of entropy. */
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

/** SHA-256 hex; for high-entropy tokens (invite tokens) where a slow hash adds nothing. */
export const sha256Hex = (value: string): string => createHash('sha256').update(value).digest('hex');

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 } as const;

function scryptAsync(secret: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** scrypt hash as `scrypt$N$r$p$salt$hash` (base64url parts). */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(secret, salt);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/**
 * A well-formed hash that no secret matches (its salt and hash are random bytes, not the output of any secret). A key
 * that does not exist is checked against it, so an unknown key costs the same scrypt run as a wrong secret for a real
 * one and the answer's timing does not tell which keys exist.
 */
export const UNMATCHABLE_SECRET_HASH = 'scrypt$16384$8$1$Jq3Xh0tS5vYF2m9wQe1LkA$3vWb7QX1cR0o8lYt2pKzN6sD4fHjU9aEwZmVgBqTyIc';

/** Constant-time check of a secret against `hashSecret` output. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  const [algo, , , , saltB64, hashB64] = parts;
  if (algo !== 'scrypt' || !saltB64 || !hashB64) {
    return false;
  }
  const expected = Buffer.from(hashB64, 'base64url');
  const actual = await scryptAsync(secret, Buffer.from(saltB64, 'base64url'));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
