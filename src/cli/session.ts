import { AtelierClient } from '../sdk/client.js';
import { permissionWarning, resolveProfile, type Env, type Profile } from './profile.js';
import { profileTokenCache } from './token-cache.js';

/** What a command for people works with: the client for its profile, and how to print. */
export interface Session {
  client: AtelierClient;
  profile: Profile & { name: string };
  json: boolean;
  env: Env;
  /** A line for people (suppressed under --json). */
  say(line: string): void;
  /** A JSON value as one line (only under --json). */
  emit(value: unknown): void;
}

export interface CommonOptions {
  profile?: string;
  json?: boolean;
}

export const USER_AGENT = 'atelier-cli/0.1.0';

export function openSession(opts: CommonOptions, env: Env = process.env): Session {
  const profile = resolveProfile(env, opts.profile);
  const warning = permissionWarning(env);
  if (warning) {
    process.stderr.write(warning);
  }
  const client = new AtelierClient({
    baseUrl: profile.url,
    accountId: profile.account_id,
    workspaceId: profile.workspace_id,
    credentials: { key: profile.key, secret: profile.secret },
    tokenCache: profileTokenCache(env, profile),
    userAgent: USER_AGENT,
    // A person waits for an answer; a script can rerun. Two retries of a failed connection, not four.
    retries: Number(env.ATELIER_RETRIES ?? 2),
  });
  const json = Boolean(opts.json);
  return {
    client,
    profile,
    json,
    env,
    say: (line) => {
      if (!json) process.stdout.write(`${line}\n`);
    },
    emit: (value) => {
      if (json) process.stdout.write(`${JSON.stringify(value)}\n`);
    },
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string): boolean => UUID.test(s);

/** A folder path as the server writes it: `/a/b/` (and `/` for the root). */
export function normaliseFolder(path: string): string {
  const parts = path.split('/').filter((p) => p && p !== '.');
  return parts.length ? `/${parts.join('/')}/` : '/';
}
