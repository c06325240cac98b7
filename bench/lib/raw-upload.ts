import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, statSync } from 'node:fs';
import { request } from 'node:http';

const MiB = 1024 * 1024;

export const HAS_CURL = spawnSync('curl', ['--version']).status === 0;

/**
 * POSTs `file` as the raw body and answers the status and body text: how bench:ingest (and bench:cli's baseline)
 * send one large file. With curl when it is installed: it streams a file to a socket for about a third of the CPU of
 * a Node client, and on two cores the client competes with the server it measures. Otherwise a Node client (a file
 * stream piped into the request).
 */
export async function rawUpload(url: string, headers: Record<string, string>, file: string): Promise<{ status: number; body: string }> {
  const all = { ...headers, 'content-type': 'application/octet-stream', 'content-length': String(statSync(file).size) };
  if (HAS_CURL) {
    const args = ['-s', '-X', 'POST', '-T', file, '-w', '\n%{http_code}', ...Object.entries(all).flatMap(([k, v]) => ['-H', `${k}: ${v}`]), url];
    const child = spawn('curl', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const [code] = (await once(child, 'close')) as [number];
    if (code !== 0) {
      throw new Error(`curl exited with ${code}`);
    }
    const cut = out.lastIndexOf('\n');
    return { status: Number(out.slice(cut + 1)), body: out.slice(0, cut) };
  }
  const req = request(url, { method: 'POST', headers: all });
  const response = new Promise<{ status: number; body: string }>((res, rej) => {
    req.on('response', (r) => {
      let body = '';
      r.on('data', (d: Buffer) => (body += d.toString()));
      r.on('end', () => res({ status: r.statusCode ?? 0, body }));
    });
    req.on('error', rej);
  });
  createReadStream(file, { highWaterMark: MiB }).pipe(req);
  return response;
}

