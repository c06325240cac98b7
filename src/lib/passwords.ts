import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/*
 * Password hashing for people's sign-in (docs/web.md "Sessions"). scrypt is memory-hard and ships with Node (no native
 * add-on to build, unlike argon2). Parameters are OWASP's scrypt row "N=2^15, r=8, p=3": 32 MiB per hash, about as
 * costly to attack as its 128 MiB row while keeping a sign-in under half a second on a small server. They are written
 * into every hash (`scrypt$N$r$p$salt$hash`), so raising them later leaves old hashes verifiable.
 *
 * API secrets (lib/secrets.ts) use a cheaper setting: they are 256 random bits, which no KDF setting needs to protect.
 */
export const PASSWORD_SCRYPT = { N: 32768, r: 8, p: 3, keylen: 32 } as const;

/** Shortest and longest password accepted (NIST SP 800-63B: at least 8; long passphrases allowed). */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;

function derive(password: string, salt: Buffer, p: { N: number; r: number; p: number; keylen: number }): Promise<Buffer> {
  // scrypt needs 128 * N * r bytes; Node refuses above `maxmem` (32 MiB by default), so it is raised to fit.
  const options: ScryptOptions = { N: p.N, r: p.r, p: p.p, maxmem: 256 * p.N * p.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, p.keylen, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** scrypt hash of a password as `scrypt$N$r$p$salt$hash` (base64url parts). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, PASSWORD_SCRYPT);
  return ['scrypt', PASSWORD_SCRYPT.N, PASSWORD_SCRYPT.r, PASSWORD_SCRYPT.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/*
 * Checked when an e-mail has no user or no password, so a sign-in for an unknown e-mail costs the same scrypt run as a
 * wrong password and its timing does not tell which e-mails have accounts. Its hash is random bytes: nothing matches.
 */
export const UNMATCHABLE_PASSWORD_HASH = 'scrypt$32768$8$3$9dkf0Q2mXc7rLw1pZs8vYg$Hq3m1VxK8cT0pWd5sN2yRb7uJf4aLe9oZi6gQhCtXwU';

/** Constant-time check of a password against `hashPassword` output, with the parameters written in the hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [algo, n, r, p, saltB64, hashB64] = stored.split('$');
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  if (algo !== 'scrypt' || !saltB64 || !hashB64 || !Object.values(params).every((v) => Number.isSafeInteger(v) && v > 0)) {
    return false;
  }
  const expected = Buffer.from(hashB64, 'base64url');
  const actual = await derive(password, Buffer.from(saltB64, 'base64url'), { ...params, keylen: expected.length || 32 });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
