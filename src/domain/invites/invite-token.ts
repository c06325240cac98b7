import { createHmac } from 'node:crypto';

/**
 * An invite's token, derived from the token-signing key (TOKEN_SECRET) and the invite's id rather than drawn at
 * random, so the job that e-mails it can make it again: only its SHA-256 is stored, as before, and a token
 * made before this (random) still matches its stored hash. Without the key the token cannot be guessed from the id.
 */
export function inviteToken(tokenKey: Uint8Array, inviteId: string): string {
  return `inv_${createHmac('sha256', tokenKey).update(`invite:${inviteId}`).digest('base64url')}`;
}
