import { createHmac, randomBytes } from 'node:crypto';

/*
 * Standard Webhooks (https://www.standardwebhooks.com, spec "Signature scheme"): secrets are `whsec_` + base64 of
 * 24-64 random bytes; the signature is `v1,` + base64(HMAC-SHA256(secret bytes, `${id}.${timestamp}.${body}`)).
 */

const PREFIX = 'whsec_';
const SECRET_RE = /^whsec_[A-Za-z0-9+/]+={0,2}$/;

/** A new endpoint secret: `whsec_` + base64 of 24 random bytes. */
export function generateWebhookSecret(): string {
  return PREFIX + randomBytes(24).toString('base64');
}

/** Whether a caller-supplied secret has the Standard Webhooks form and 24-64 bytes of key. */
export function isValidWebhookSecret(secret: string): boolean {
  if (!SECRET_RE.test(secret)) {
    return false;
  }
  const bytes = Buffer.from(secret.slice(PREFIX.length), 'base64').length;
  return bytes >= 24 && bytes <= 64;
}

/** `webhook-signature` value for one message. */
export function signWebhook(secret: string, msgId: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.slice(PREFIX.length), 'base64');
  const mac = createHmac('sha256', key).update(`${msgId}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** The secret as list views show it: prefix and last four characters. */
export function maskWebhookSecret(secret: string): string {
  return `${PREFIX}****${secret.slice(-4)}`;
}
