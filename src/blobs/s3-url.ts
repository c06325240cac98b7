/** Where and how to reach an S3 bucket, from an `s3://` STORAGE_URL. */
export interface S3Location {
  bucket: string;
  /** Empty, or ends with `/`: every object key starts with it. */
  prefix: string;
  region: string;
  /** Absent: AWS itself. */
  endpoint: string | undefined;
  /** Path-style URLs (`endpoint/bucket/key`): needed by most S3-compatible servers, and by s3rver. */
  forcePathStyle: boolean;
  /** Create the bucket at startup when it is missing (tests); otherwise a missing bucket fails verify(). */
  createBucket: boolean;
}

const BOOL: Record<string, boolean> = { true: true, '1': true, false: false, '0': false };

/**
 * Parses `s3://bucket?endpoint=http://127.0.0.1:9000&region=us-east-1&prefix=blobs/` (all parameters optional;
 * region defaults to us-east-1, forcePathStyle to true when an endpoint is given). Throws on anything unknown so a
 * typo fails at startup instead of silently writing somewhere else.
 */
export function parseS3Url(url: string): S3Location {
  const u = new URL(url);
  if (u.protocol !== 's3:' || !u.hostname) {
    throw new Error(`STORAGE_URL must look like s3://bucket?region=...: got ${url}`);
  }
  if (u.pathname && u.pathname !== '/') {
    throw new Error('STORAGE_URL: put the key prefix in `?prefix=`, not in the path');
  }
  const known = new Set(['endpoint', 'region', 'prefix', 'forcePathStyle', 'createBucket']);
  for (const key of u.searchParams.keys()) {
    if (!known.has(key)) {
      throw new Error(`STORAGE_URL: unknown parameter ${key} (known: ${[...known].join(', ')})`);
    }
  }
  const flag = (name: string, fallback: boolean): boolean => {
    const raw = u.searchParams.get(name);
    if (raw === null) {
      return fallback;
    }
    const value = BOOL[raw];
    if (value === undefined) {
      throw new Error(`STORAGE_URL: ${name} must be true or false`);
    }
    return value;
  };
  const endpoint = u.searchParams.get('endpoint') ?? undefined;
  if (endpoint !== undefined && !/^https?:\/\//.test(endpoint)) {
    throw new Error('STORAGE_URL: endpoint must be an http:// or https:// URL');
  }
  let prefix = (u.searchParams.get('prefix') ?? '').replace(/^\/+/, '');
  if (prefix && !prefix.endsWith('/')) {
    prefix += '/';
  }
  return {
    bucket: decodeURIComponent(u.hostname),
    prefix,
    region: u.searchParams.get('region') ?? 'us-east-1',
    endpoint,
    forcePathStyle: flag('forcePathStyle', endpoint !== undefined),
    createBucket: flag('createBucket', false),
  };
}
