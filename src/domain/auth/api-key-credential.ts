import { createHash } from 'node:crypto';
import { BoundedMap } from '../../lib/bounded-map.js';
import type { Actor, Deps } from '../context.js';
import { resolveCredentialActor } from './credential-tenancy.js';
import { issueToken } from './tokens.service.js';

/*
 * Surfaces whose clients send one static API key on every request (Vionlabs: `?key=` or `X-API-Key`; docs/vionlabs.md,
 * "Authentication"). The key is an Atelier API key and its secret joined by a dot, `ak_….sk_…`; a core access token
 * is accepted in its place. The pair is exchanged for a core token (POST /auth/token's rules: scrypt, rate limits,
 * history) once per token lifetime and the token is remembered by the pair's SHA-256, so a request does not pay for
 * scrypt; the token then goes through the credential tenancy of every such surface (credential-tenancy.ts), which
 * reads the key's row on each request: a revoked key or a removed member is refused at once.
 */

const exchanged = new WeakMap<Uint8Array, BoundedMap<string, { token: string; renewAfterMs: number }>>();

/** `ak_x.sk_y` → its key and secret; undefined for anything else (then it is tried as a token). */
export function splitKeyPair(value: string): { key: string; secret: string } | undefined {
  const m = /^(ak_[A-Za-z0-9_-]+)\.(sk_[A-Za-z0-9_-]+)$/.exec(value);
  return m ? { key: m[1]!, secret: m[2]! } : undefined;
}

/** The core token a static key stands for (exchanged on first use, renewed a minute before it expires). */
async function tokenForKey(deps: Deps, pair: { key: string; secret: string }, clientAddress: string): Promise<string> {
  let memo = exchanged.get(deps.tokenKey);
  if (!memo) {
    memo = new BoundedMap(10_000);
    exchanged.set(deps.tokenKey, memo);
  }
  const id = createHash('sha256').update(`${pair.key}.${pair.secret}`).digest('hex');
  const nowMs = deps.clock.now().getTime();
  const hit = memo.get(id);
  if (hit && hit.renewAfterMs > nowMs) {
    return hit.token;
  }
  const issued = await issueToken(deps, { key: pair.key, secret: pair.secret, clientAddress });
  memo.set(id, { token: issued.token, renewAfterMs: nowMs + Math.max(0, issued.expiresIn - 60) * 1000 });
  return issued.token;
}

/** The Actor of a request carrying a static key (or a token), in the credential tenancy's account and workspace. */
export async function resolveStaticKeyActor(
  deps: Deps,
  req: { key: string | undefined; workspaceHeader: string | undefined; clientAddress: string },
): Promise<Actor> {
  const pair = req.key === undefined ? undefined : splitKeyPair(req.key);
  const token = pair ? await tokenForKey(deps, pair, req.clientAddress) : req.key;
  return resolveCredentialActor(deps, { token, workspaceHeader: req.workspaceHeader });
}
