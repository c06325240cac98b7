import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TokenCache } from '../sdk/transport.js';
import { configDir, type Env, type Profile } from './profile.js';

/*
 * The access token a command fetched, kept for the next command (<config dir>/tokens/, 0600 like the profile that
 * holds the secret itself): a run of `atelier` then starts without a token exchange, which is a round trip and a
 * scrypt on the server. Keyed by server, account, key and secret, so a changed profile never uses another's token.
 */
function tokenFile(env: Env, profile: Profile): string {
  const key = createHash('sha256').update([profile.url, profile.account_id ?? '', profile.key, profile.secret].join('\n')).digest('hex').slice(0, 32);
  return join(configDir(env), 'tokens', `${key}.json`);
}

export function profileTokenCache(env: Env, profile: Profile): TokenCache {
  const file = tokenFile(env, profile);
  return {
    read() {
      try {
        const kept = JSON.parse(readFileSync(file, 'utf8')) as { token?: unknown; expires_at?: unknown };
        return typeof kept.token === 'string' && typeof kept.expires_at === 'number' ? { token: kept.token, expiresAt: kept.expires_at } : undefined;
      } catch {
        return undefined;
      }
    },
    write(token, expiresAt) {
      try {
        mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
        // Written aside and renamed into place: concurrent commands never read half a file.
        const aside = `${file}.${process.pid}.tmp`;
        writeFileSync(aside, JSON.stringify({ token, expires_at: expiresAt }), { mode: 0o600 });
        renameSync(aside, file);
      } catch {
        // A cache that cannot be written (read-only home) only costs the next command a token exchange.
      }
    },
  };
}
