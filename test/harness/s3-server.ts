import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** s3rver accepts any request signed with its built-in account. */
const ACCESS_KEY = 'S3RVER';

export interface S3TestServer {
  /** A STORAGE_URL for the server's bucket, e.g. `s3://atelier?endpoint=http://127.0.0.1:PORT&region=us-east-1&prefix=blobs/`. */
  url: string;
  endpoint: string;
  bucket: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** The environment an app needs to use this server (STORAGE_URL and the S3_* credentials). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

// Runs in a child process so that s3rver's CPU and memory do not count against the code under test (bench/RSS
// checks) and its event loop does not compete with the test's. It exits when the parent's stdin pipe closes, so a
// crashed test run leaves no server behind.
//
// s3rver removes a key's parent directories when a delete leaves them empty; a put into the same directory at that
// moment (Atelier's temp objects all live under <prefix>tmp/) then fails with ENOENT on an unhandled stream error,
// which kills the server. Empty directories are invisible to S3 listings, so they are simply left in place.
const CHILD = `
const path = require('path');
const fsExtra = require(require.resolve('fs-extra', { paths: [path.dirname(process.env.S3RVER_PATH)] }));
fsExtra.rmdir = async () => undefined;
const S3rver = require(process.env.S3RVER_PATH);
const server = new S3rver({
  address: '127.0.0.1', port: 0, silent: true, directory: process.env.S3RVER_DIR,
  configureBuckets: process.env.S3RVER_BUCKET ? [{ name: process.env.S3RVER_BUCKET }] : [],
});
server.run().then((address) => process.stdout.write(JSON.stringify({ port: address.port }) + '\\n'));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

/**
 * Starts s3rver (a local S3-compatible server) on 127.0.0.1 on a free port with a temp directory, with `bucket`
 * created unless `createBucket` is false.
 */
export async function startS3Server(options: { bucket?: string; createBucket?: boolean; prefix?: string } = {}): Promise<S3TestServer> {
  const bucket = options.bucket ?? 'atelier';
  const dir = mkdtempSync(join(tmpdir(), 'atelier-s3rver-'));
  const child = spawn(process.execPath, ['-e', CHILD], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: {
      ...process.env,
      S3RVER_PATH: createRequire(import.meta.url).resolve('s3rver'),
      S3RVER_DIR: dir,
      S3RVER_BUCKET: options.createBucket === false ? '' : bucket,
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`s3rver exited early (code ${code})`)));
    child.once('error', reject);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const prefix = options.prefix ?? 'blobs/';
  const url = `s3://${bucket}?endpoint=${encodeURIComponent(endpoint)}&region=us-east-1&prefix=${encodeURIComponent(prefix)}`;
  const credentials = { accessKeyId: ACCESS_KEY, secretAccessKey: ACCESS_KEY };
  return {
    url,
    endpoint,
    bucket,
    credentials,
    env: { STORAGE_URL: url, S3_ACCESS_KEY_ID: credentials.accessKeyId, S3_SECRET_ACCESS_KEY: credentials.secretAccessKey },
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.stdin.end();
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
