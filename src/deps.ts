import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { createBlobStore } from './blobs/create-blob-store.js';
import type { Config } from './config/config.js';
import { createDatabase } from './db/database.js';
import type { Deps } from './domain/context.js';
import type { AnyJobDefinition } from './jobs/define.js';
import { jobDefinitions } from './job-definitions.js';
import { createJobs } from './jobs/queue.js';
import { systemClock, type Clock } from './lib/clock.js';
import { serializeRequest } from './lib/log-url.js';
import { randomToken } from './lib/secrets.js';

/** Paths and fields whose values never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  '*.secret',
  '*.secret_hash',
  '*.token',
  '*.password',
  'secret',
  'token',
];

export function createLogger(level: Config['logLevel']): Logger {
  // serializers.req replaces Fastify's (which it reads from the instance): the same fields, credentials masked in URLs.
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, serializers: { req: serializeRequest } });
}

/** The token-signing key: TOKEN_SECRET, or a secret generated once and kept in the data directory. */
export function loadTokenKey(config: Config): Uint8Array {
  if (config.auth.tokenSecret) {
    return new TextEncoder().encode(config.auth.tokenSecret);
  }
  mkdirSync(config.dataDir, { recursive: true });
  const file = join(config.dataDir, 'token-secret');
  let secret: string;
  try {
    secret = readFileSync(file, 'utf8').trim();
  } catch {
    secret = randomToken(48);
    // `wx`: when two processes start at once, the second one reads the first one's secret.
    try {
      writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    } catch {
      secret = readFileSync(file, 'utf8').trim();
    }
  }
  return new TextEncoder().encode(secret);
}

export interface AppDeps extends Deps {
  close(): Promise<void>;
}

/** The one place that creates long-lived things. Tests call it with their own Config. */
export function createDeps(
  config: Config,
  options: {
    log?: Logger;
    clock?: Clock;
    /** Default: the app's jobDefinitions. */
    jobDefinitions?: readonly AnyJobDefinition[];
    /**
     * False for commands that sign nothing (migrate, bootstrap, keys): they get a random key that lives only in this
     * process instead of loading, and on first run creating, DATA_DIR/token-secret, which such a command run against
     * PostgreSQL from another directory would leave behind there. Anything signed with it verifies nowhere else.
     */
    signsTokens?: boolean;
  } = {},
): AppDeps {
  const database = createDatabase(config);
  return {
    config,
    db: database.db,
    dialect: database.dialect,
    cache: database.cache,
    clock: options.clock ?? systemClock,
    log: options.log ?? createLogger(config.logLevel),
    blobs: createBlobStore(config),
    tokenKey: options.signsTokens === false ? randomBytes(32) : loadTokenKey(config),
    jobs: createJobs(options.jobDefinitions ?? jobDefinitions),
    close: () => database.close(),
  };
}
