import { createHmac } from 'node:crypto';
import { BoundedMap } from '../../lib/bounded-map.js';
import type { Deps } from '../context.js';
import { errors } from '../errors.js';
import { issueToken } from './tokens.service.js';

/*
 * HTTP Basic on the medialoopster surface (spec §2.1: its public client sends username:password). Atelier users have
 * no passwords, so the pair is an API key and its secret, exchanged for the core API's token as POST /auth/token
 * does (same rate limits, same history). The token is remembered for the pair until shortly before it expires, so a
 * client that sends Basic on every request costs one scrypt per token lifetime, not one per request. A revoked key is
 * still refused at once: every request's token goes through resolveActor, which reads the key's row.
 */

interface Remembered {
  token: string;
  /** Milliseconds since the epoch after which a new token is fetched. */
  renewAt: number;
}

const remembered = new WeakMap<Uint8Array, BoundedMap<string, Remembered>>();

/** `Basic <base64(key:secret)>` → `{ key, secret }`; undefined when the header is not Basic; 401 when malformed. */
export function parseBasic(header: string | undefined): { key: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)\s*$/i.exec(header?.trim() ?? '');
  if (!match) {
    if (/^Basic\b/i.test(header?.trim() ?? '')) {
      throw errors.invalidCredentials();
    }
    return undefined;
  }
  const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || colon === decoded.length - 1) {
    throw errors.invalidCredentials();
  }
  return { key: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/** The core token for a key + secret pair (issued, or remembered from an earlier request); 401 when wrong. */
export async function tokenForBasic(deps: Deps, pair: { key: string; secret: string }, clientAddress: string): Promise<string> {
  let memo = remembered.get(deps.tokenKey);
  if (!memo) {
    memo = new BoundedMap(10_000);
    remembered.set(deps.tokenKey, memo);
  }
  // Keyed by an HMAC of the pair, so the secret itself is never held in memory past this call.
  const id = createHmac('sha256', deps.tokenKey).update(pair.key).update('\u0000').update(pair.secret).digest('base64url');
  const now = deps.clock.now().getTime();
  const hit = memo.get(id);
  if (hit && hit.renewAt > now) {
    return hit.token;
  }
  const issued = await issueToken(deps, { key: pair.key, secret: pair.secret, clientAddress });
  memo.set(id, { token: issued.token, renewAt: now + Math.max(0, issued.expiresIn - 60) * 1000 });
  return issued.token;
}
