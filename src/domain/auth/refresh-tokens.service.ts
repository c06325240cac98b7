import { newId } from '../../lib/ids.js';
import { randomToken, sha256Hex } from '../../lib/secrets.js';
import type { Deps } from '../context.js';

/*
 * Refresh tokens of the Workstream OAuth2 token endpoint (docs/workstream.md "Authentication"). Webdam's are reusable
 * (spec §1.7.1), so one is made per grant (client_credentials or password) and the client keeps sending it. It belongs
 * to the API key that was the client; `tokens.service.ts` honours it only with that key's secret, while the key is not
 * revoked, its user active and still a member of the key's account. Only its SHA-256 is stored (256 random bits: a slow
 * hash would add nothing).
 */

/** Refresh tokens kept per API key; a new grant beyond this drops the oldest (a client that never refreshes leaks none). */
export const REFRESH_TOKENS_PER_KEY = 20;

const PREFIX = 'rt_';

/** A new refresh token for the grant that just authenticated `apiKeyId`. */
export async function issueRefreshToken(deps: Pick<Deps, 'db' | 'clock'>, grant: { apiKeyId: string; accountId: string; userId: string }): Promise<string> {
  const token = PREFIX + randomToken(32);
  await deps.db
    .insertInto('oauth_refresh_tokens')
    .values({
      id: newId(),
      account_id: grant.accountId,
      api_key_id: grant.apiKeyId,
      user_id: grant.userId,
      token_hash: sha256Hex(token),
      created_at: deps.clock.now().toISOString(),
      last_used_at: null,
    })
    .execute();
  const keep = await deps.db
    .selectFrom('oauth_refresh_tokens')
    .select('id')
    .where('api_key_id', '=', grant.apiKeyId)
    .orderBy('created_at', 'desc')
    .orderBy('sequence', 'desc')
    .limit(REFRESH_TOKENS_PER_KEY)
    .execute();
  if (keep.length === REFRESH_TOKENS_PER_KEY) {
    await deps.db
      .deleteFrom('oauth_refresh_tokens')
      .where('api_key_id', '=', grant.apiKeyId)
      .where(
        'id',
        'not in',
        keep.map((r) => r.id),
      )
      .execute();
  }
  return token;
}

/**
 * True when `token` is a live refresh token of this API key (and so of its account and user) whose user is still a
 * member of the key's account; marks it used. The key's revocation and the user's deactivation are checked by the
 * caller with the secret.
 */
export async function consumeRefreshToken(deps: Pick<Deps, 'db' | 'clock'>, token: string, apiKeyId: string): Promise<boolean> {
  if (!token.startsWith(PREFIX) || token.length > 200) {
    return false;
  }
  const row = await deps.db
    .selectFrom('oauth_refresh_tokens as r')
    .innerJoin('account_members as am', (j) => j.onRef('am.account_id', '=', 'r.account_id').onRef('am.user_id', '=', 'r.user_id'))
    .select('r.id')
    .where('r.token_hash', '=', sha256Hex(token))
    .where('r.api_key_id', '=', apiKeyId)
    .executeTakeFirst();
  if (!row) {
    return false;
  }
  await deps.db.updateTable('oauth_refresh_tokens').set({ last_used_at: deps.clock.now().toISOString() }).where('id', '=', row.id).execute();
  return true;
}
