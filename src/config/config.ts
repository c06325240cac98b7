import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * Every environment variable Atelier reads. Each key has a description: the configuration table of
 * docs/configuration.md is generated from this schema (`node scripts/config-table.js`), and a test keeps the two in
 * step.
 */
export const EnvSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080, description: 'TCP port the HTTP server listens on.' }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1', description: 'Interface the HTTP server binds to.' }),
  DATA_DIR: Type.String({
    minLength: 1,
    default: './data',
    description: 'Data directory: the SQLite database, the disk blob store and the generated token secret live here. A relative path is resolved against the working directory once, at start.',
  }),
  DATABASE_URL: Type.Optional(
    Type.String({
      pattern: '^(postgres|postgresql)://',
      description: 'Absent: embedded SQLite in DATA_DIR. `postgres://user:pass@host:port/db`: PostgreSQL.',
    }),
  ),
  STORAGE_URL: Type.Optional(
    Type.String({
      pattern: '^(file|s3)://',
      description:
        'Absent: blobs on disk under DATA_DIR/blobs. `file:///path`: blobs on disk there. `s3://bucket?endpoint=http://host:port&region=us-east-1&prefix=blobs/`: an S3-compatible store (endpoint optional for AWS; credentials from S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY, else the AWS SDK default chain).',
    }),
  ),
  S3_ACCESS_KEY_ID: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'Access key id for an `s3://` STORAGE_URL (with S3_SECRET_ACCESS_KEY). Absent: the AWS SDK default chain (AWS_ACCESS_KEY_ID, profiles, instance roles).',
    }),
  ),
  S3_SECRET_ACCESS_KEY: Type.Optional(
    Type.String({ minLength: 1, description: 'Secret access key for an `s3://` STORAGE_URL (with S3_ACCESS_KEY_ID).' }),
  ),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info', description: 'Log level of the structured JSON logs (fatal, error, warn, info, debug, trace, silent).' },
  ),
  CORS_ORIGINS: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        'Comma-separated origins (`https://app.example.com`) whose browser apps may call the API (CORS; preflights answered). Absent: CORS is off and browsers keep the same-origin rule.',
    }),
  ),
  TRUST_PROXY: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        'Comma-separated addresses or CIDR ranges of reverse proxies whose `X-Forwarded-For` is believed (e.g. `127.0.0.1,10.0.0.0/8`). Absent: the client address is the connection\'s peer. Set it behind a load balancer, or every client shares its address in the sign-in rate limits.',
    }),
  ),
  TOKEN_SECRET: Type.Optional(
    Type.String({
      minLength: 32,
      description:
        'Secret that signs access tokens (32+ characters). Absent: generated on first start and kept in DATA_DIR/token-secret. Set it when several machines serve the API or run workers (invite e-mails carry tokens made with it).',
    }),
  ),
  TOKEN_TTL_SECONDS: Type.Integer({
    minimum: 60,
    maximum: 86400,
    default: 3600,
    description: 'Lifetime of an access token from POST /auth/token, in seconds.',
  }),
  SESSION_TTL_SECONDS: Type.Integer({
    minimum: 300,
    maximum: 2592000,
    default: 604800,
    description: 'A browser session (web app sign-in) ends this long after its last use, in seconds; at most 30 days after sign-in whatever the use.',
  }),
  AUTH_RATE_LIMIT_MAX: Type.Integer({
    minimum: 1,
    default: 10,
    description: 'Failed token requests allowed per client address and API key within the window before 429 (per client address over all keys: 5 times this).',
  }),
  AUTH_RATE_LIMIT_WINDOW_SECONDS: Type.Integer({
    minimum: 1,
    default: 300,
    description: 'Window of the failed-authentication rate limit, in seconds.',
  }),
  MAX_UPLOAD_BYTES: Type.Integer({
    minimum: 1,
    default: 50 * 1024 ** 3,
    description: 'Largest file accepted by any upload path, in bytes (default 50 GiB); larger uploads get 413.',
  }),
  REQUEST_BODY_IDLE_TIMEOUT_SECONDS: Type.Number({
    exclusiveMinimum: 0,
    default: 60,
    description:
      'A request whose body stops arriving for this many seconds (a stalled or vanished client) is answered 408 and its connection closed; nothing it sent is kept, except by a tus PATCH, which keeps what arrived (its 408 carries Upload-Offset).',
  }),
  LIVE_RECHECK_SECONDS: Type.Number({
    exclusiveMinimum: 0,
    maximum: 3600,
    default: 30,
    description:
      'An open live event stream (GET /workspaces/events/stream) checks its credential and workspace membership again this often, in seconds, and ends when they no longer hold.',
  }),
  PUBLIC_URL: Type.Optional(
    Type.String({
      pattern: '^https?://[^/?#]+/?$',
      description: 'Base URL clients reach Atelier at, e.g. `https://dam.example.com` (used in signed upload URLs). Absent: taken from the request (Host header).',
    }),
  ),
  UPLOAD_URL_EXPIRY_SECONDS: Type.Integer({
    minimum: 60,
    maximum: 7 * 86400,
    default: 3600,
    description: 'Lifetime of a presigned upload URL (POST /workspaces/assets/upload) and of its upload session, in seconds.',
  }),
  TUS_UPLOAD_EXPIRY_SECONDS: Type.Integer({
    minimum: 60,
    default: 86400,
    description: 'How long a tus upload may take from its creation (Upload-Expires); abandoned uploads are deleted by the `uploads.expire` job.',
  }),
  IMPORT_ROOTS: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'Comma-separated absolute server paths that POST /workspaces/import may read from (`{path}`). Absent: path imports are disabled (403).',
    }),
  ),
  IMPORT_URL_ENABLED: Type.Boolean({
    default: false,
    description: 'Allow POST /workspaces/import with `{url}` (http/https downloads). Off: 403.',
  }),
  IMPORT_URL_ALLOW_PRIVATE: Type.Boolean({
    default: false,
    description: 'Allow URL imports from loopback, private and link-local addresses (checked after DNS resolution). Keep off in production (SSRF).',
  }),
  IMPORT_URL_TIMEOUT_SECONDS: Type.Integer({
    minimum: 1,
    default: 60,
    description: 'A URL import fails when the remote server sends nothing for this many seconds.',
  }),
  SHUTDOWN_TIMEOUT_SECONDS: Type.Integer({
    minimum: 1,
    default: 30,
    description: 'On SIGTERM, how long in-flight requests and jobs may take to finish before the process exits.',
  }),
  WORKER_CONCURRENCY: Type.Integer({
    minimum: 1,
    maximum: 256,
    default: 2,
    description: 'Jobs one process runs at the same time (`serve` with workers, and `worker`).',
  }),
  JOB_POLL_INTERVAL_MS: Type.Integer({
    minimum: 10,
    default: 500,
    description: 'How often an idle worker looks for due jobs, in milliseconds.',
  }),
  JOB_LEASE_SECONDS: Type.Integer({
    minimum: 1,
    default: 60,
    description:
      'Lease a worker holds on a running job, renewed while the handler runs; when a worker dies, its jobs run again after this long.',
  }),
  BLOB_SWEEP_GRACE_SECONDS: Type.Integer({
    minimum: 3600,
    default: 86400,
    description:
      'The hourly orphan-blob sweep (`blobs.sweep`) deletes only blobs and upload temp files older than this, so uploads still in flight are safe (at least 3600).',
  }),
  MEDIA_MAX_PIXELS: Type.Integer({
    minimum: 1,
    default: 268_402_689,
    description: 'Largest image (width x height) the media pipeline decodes; larger ones get a failed derivative (decompression-bomb guard).',
  }),
  SMTP_URL: Type.Optional(
    Type.String({
      pattern: '^smtps?://',
      description:
        'Absent: no e-mail. `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://user:pass@host:465`: every notification is also e-mailed to its recipient (job `email.send`, retried), and every new invite to its invitee (job `invite.email`).',
    }),
  ),
  SMTP_FROM: Type.String({
    minLength: 3,
    default: 'Atelier <atelier@localhost>',
    description: 'The From address of notification e-mails, e.g. `Atelier <dam@example.com>`.',
  }),
  WEBHOOK_ALLOW_PRIVATE: Type.Boolean({
    default: false,
    description: 'Allow webhook URLs on loopback, private and link-local addresses (checked on create and again after DNS resolution at delivery). Keep off in production (SSRF).',
  }),
  MEDIA_TOOL_TIMEOUT_SECONDS: Type.Number({
    exclusiveMinimum: 0,
    default: 3600,
    description: 'Time limit of one ffmpeg, ffprobe, pdftoppm or pdfinfo run, in seconds; the tool is killed after it and the derivative fails.',
  }),
  UPLOAD_COMMIT_CLAIM_SECONDS: Type.Integer({
    minimum: 1,
    default: 30,
    description:
      'A presigned or tus commit claim not renewed for this many seconds was left by a process that died mid-commit; the next attempt takes it over (see docs/crash-recovery.md). Lowered only by tests.',
  }),
  CRASH_AT: Type.Optional(
    Type.String({
      pattern: '^[a-z0-9.-]+$',
      description:
        'Test hook, never set in production: the process kills itself (SIGKILL) when it reaches the named step, e.g. `upload.stream.after-put` (the crash suite; docs/crash-recovery.md lists the points).',
    }),
  ),
});

export type Env = Static<typeof EnvSchema>;

export interface Config {
  readonly http: {
    readonly port: number;
    readonly host: string;
    readonly corsOrigins: readonly string[];
    readonly trustProxy: readonly string[];
    readonly bodyIdleTimeoutSeconds: number;
    readonly liveRecheckSeconds: number;
  };
  /** Absolute (loadConfig resolves a relative DATA_DIR against the working directory). */
  readonly dataDir: string;
  readonly database: { readonly kind: 'sqlite'; readonly file: string } | { readonly kind: 'postgres'; readonly url: string };
  readonly storageUrl: string | undefined;
  /** S3 credentials from S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY; undefined: the AWS SDK default chain. */
  readonly s3Credentials: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
  readonly logLevel: Env['LOG_LEVEL'];
  readonly auth: {
    readonly tokenSecret: string | undefined;
    readonly tokenTtlSeconds: number;
    readonly sessionTtlSeconds: number;
    readonly rateLimitMax: number;
    readonly rateLimitWindowSeconds: number;
  };
  readonly uploads: {
    readonly maxBytes: number;
    readonly publicUrl: string | undefined;
    readonly urlExpirySeconds: number;
    readonly tusExpirySeconds: number;
    /** A commit claim not renewed for this long belongs to a dead process (commit-claim.ts). */
    readonly commitClaimSeconds: number;
  };
  readonly imports: {
    readonly roots: readonly string[];
    readonly urlEnabled: boolean;
    readonly urlAllowPrivate: boolean;
    readonly urlTimeoutSeconds: number;
  };
  readonly shutdownTimeoutSeconds: number;
  readonly jobs: { readonly concurrency: number; readonly pollIntervalMs: number; readonly leaseSeconds: number };
  readonly blobSweep: { readonly graceSeconds: number };
  readonly media: { readonly maxPixels: number; readonly toolTimeoutSeconds: number };
  /** Notification e-mail; `smtpUrl` undefined: e-mail is off. */
  readonly email: { readonly smtpUrl: string | undefined; readonly from: string };
  readonly webhooks: { readonly allowPrivate: boolean };
  /** Test hooks (the crash suite); undefined in production. */
  readonly testing: { readonly crashAt: string | undefined };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const splitList = (value: unknown): string[] =>
  String(value ?? '').split(',').map((v) => v.trim()).filter((v) => v !== '');

/**
 * Reads and checks the environment; every bad key is reported at once. Pure: only main.ts passes process.env.
 * Relative paths (DATA_DIR, default `./data`) are made absolute here, once, against `cwd`: media tools run in temp
 * dirs and symlink blobs into them, so a path that depends on the process's cwd breaks them.
 */
export function loadConfig(env: Record<string, string | undefined>, options: { cwd?: string } = {}): Config {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') {
      raw[key] = value;
    }
  }
  const converted = Value.Convert(EnvSchema, Value.Default(EnvSchema, raw));
  const problems = [...Value.Errors(EnvSchema, converted)].map((e) => {
    const key = e.path.replace(/^\//, '') || '(root)';
    return `${key}: ${e.message}${key in raw ? ` (got ${JSON.stringify(raw[key])})` : ''}`;
  });
  for (const root of String(raw.IMPORT_ROOTS ?? '').split(',').map((r) => r.trim()).filter((r) => r !== '')) {
    if (!root.startsWith('/')) {
      problems.push(`IMPORT_ROOTS: ${JSON.stringify(root)} is not an absolute path`);
    }
  }
  for (const origin of splitList(raw.CORS_ORIGINS)) {
    if (!/^https?:\/\/[^/?#\s]+$/.test(origin)) {
      problems.push(`CORS_ORIGINS: ${JSON.stringify(origin)} is not an origin (scheme://host[:port], no path)`);
    }
  }
  for (const proxy of splitList(raw.TRUST_PROXY)) {
    const [address = '', bits, ...rest] = proxy.split('/');
    const family = isIP(address);
    const max = family === 6 ? 128 : 32;
    if (family === 0 || rest.length > 0 || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= max))) {
      problems.push(`TRUST_PROXY: ${JSON.stringify(proxy)} is not an IP address or CIDR range`);
    }
  }
  const storage = raw.STORAGE_URL === undefined ? undefined : String(raw.STORAGE_URL);
  // `file://data/blobs` parses as host "data" + path "/blobs", a different directory than meant: only an absolute path.
  if (storage?.startsWith('file:') && !/^file:\/\/\/./.test(storage)) {
    problems.push(`STORAGE_URL: ${JSON.stringify(storage)} is not file:///absolute/path (three slashes, then an absolute path)`);
  } else if (storage !== undefined && !storage.startsWith('file:') && !storage.startsWith('s3://')) {
    problems.push(`STORAGE_URL: ${JSON.stringify(storage)} is neither file:///absolute/path nor s3://bucket`);
  }
  if ((raw.S3_ACCESS_KEY_ID === undefined) !== (raw.S3_SECRET_ACCESS_KEY === undefined)) {
    problems.push('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY: set both or neither');
  }
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  const e = converted as Env;
  const dataDir = resolve(options.cwd ?? process.cwd(), e.DATA_DIR);
  return deepFreeze({
    http: {
      port: e.PORT,
      host: e.HOST,
      corsOrigins: splitList(e.CORS_ORIGINS),
      trustProxy: splitList(e.TRUST_PROXY),
      bodyIdleTimeoutSeconds: e.REQUEST_BODY_IDLE_TIMEOUT_SECONDS,
      liveRecheckSeconds: e.LIVE_RECHECK_SECONDS,
    },
    dataDir,
    database: e.DATABASE_URL ? { kind: 'postgres', url: e.DATABASE_URL } : { kind: 'sqlite', file: join(dataDir, 'atelier.db') },
    storageUrl: e.STORAGE_URL,
    s3Credentials:
      e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY } : undefined,
    logLevel: e.LOG_LEVEL,
    auth: {
      tokenSecret: e.TOKEN_SECRET,
      tokenTtlSeconds: e.TOKEN_TTL_SECONDS,
      sessionTtlSeconds: e.SESSION_TTL_SECONDS,
      rateLimitMax: e.AUTH_RATE_LIMIT_MAX,
      rateLimitWindowSeconds: e.AUTH_RATE_LIMIT_WINDOW_SECONDS,
    },
    uploads: {
      maxBytes: e.MAX_UPLOAD_BYTES,
      publicUrl: e.PUBLIC_URL?.replace(/\/$/, ''),
      urlExpirySeconds: e.UPLOAD_URL_EXPIRY_SECONDS,
      tusExpirySeconds: e.TUS_UPLOAD_EXPIRY_SECONDS,
      commitClaimSeconds: e.UPLOAD_COMMIT_CLAIM_SECONDS,
    },
    imports: {
      roots: (e.IMPORT_ROOTS ?? '').split(',').map((r) => r.trim()).filter((r) => r !== ''),
      urlEnabled: e.IMPORT_URL_ENABLED,
      urlAllowPrivate: e.IMPORT_URL_ALLOW_PRIVATE,
      urlTimeoutSeconds: e.IMPORT_URL_TIMEOUT_SECONDS,
    },
    shutdownTimeoutSeconds: e.SHUTDOWN_TIMEOUT_SECONDS,
    jobs: { concurrency: e.WORKER_CONCURRENCY, pollIntervalMs: e.JOB_POLL_INTERVAL_MS, leaseSeconds: e.JOB_LEASE_SECONDS },
    blobSweep: { graceSeconds: e.BLOB_SWEEP_GRACE_SECONDS },
    media: { maxPixels: e.MEDIA_MAX_PIXELS, toolTimeoutSeconds: e.MEDIA_TOOL_TIMEOUT_SECONDS },
    email: { smtpUrl: e.SMTP_URL, from: e.SMTP_FROM },
    webhooks: { allowPrivate: e.WEBHOOK_ALLOW_PRIVATE },
    testing: { crashAt: e.CRASH_AT },
  } satisfies Config);
}

/** The docs/configuration.md table: one row per key, from the schema's descriptions and defaults. */
export function configTableMarkdown(): string {
  const rows = Object.entries(EnvSchema.properties as Record<string, TSchema>).map(([key, schema]) => {
    const def = schema.default === undefined ? '' : `\`${String(schema.default)}\``;
    return `| \`${key}\` | ${def} | ${String(schema.description ?? '')} |`;
  });
  return ['| Variable | Default | Description |', '| --- | --- | --- |', ...rows].join('\n');
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) {
      deepFreeze(v);
    }
    Object.freeze(value);
  }
  return value;
}
