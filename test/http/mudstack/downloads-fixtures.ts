import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type { TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { uploadRaw } from './assets-fixtures.js';

const bases = new WeakMap<TestApp, string>();

/** The app on a real loopback socket (streaming and ranges are checked on the wire, not through inject). */
export async function baseUrl(t: TestApp): Promise<string> {
  let base = bases.get(t);
  if (!base) {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = address;
    bases.set(t, base);
  }
  return base;
}

/** fetch against the listening app; the body is read fully as bytes. */
export async function wire(
  t: TestApp,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; json?: unknown; redirect?: RequestRedirect } = {},
): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const res = await fetch(`${await baseUrl(t)}${path}`, {
    method,
    headers: { ...(opts.json !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
    ...(opts.json !== undefined ? { body: JSON.stringify(opts.json) } : {}),
    redirect: opts.redirect ?? 'manual',
  });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

/** Uploads `data` as `fileName` in `folder`; returns the created asset JSON. */
export async function uploadFile(t: TestApp, ten: Tenant, fileName: string, data: Buffer, folder = '/'): Promise<{ id: string; [k: string]: any }> {
  const res = await uploadRaw(t, ten, data, { file_name: fileName, file_location: folder });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

/** Reads a ZIP with python3's zipfile (a real, independent reader): entry names in order and their bytes. */
export function readZip(zip: Buffer): Array<{ name: string; data: Buffer }> {
  const dir = mkdtempSync(join(tmpdir(), 'atelier-zip-'));
  try {
    const file = join(dir, 'a.zip');
    writeFileSync(file, zip);
    const script =
      'import sys, zipfile, json, base64\n' +
      'z = zipfile.ZipFile(sys.argv[1])\n' +
      'assert z.testzip() is None\n' +
      'print(json.dumps([[i.filename, base64.b64encode(z.read(i)).decode()] for i in z.infolist()]))\n';
    const out = execFileSync('python3', ['-c', script, file], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    return (JSON.parse(out) as Array<[string, string]>).map(([name, b64]) => ({ name, data: Buffer.from(b64, 'base64') }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `unzip -l` sees the same entry names (Info-ZIP, the other common reader). */
export function unzipList(zip: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'atelier-zip-'));
  try {
    const file = join(dir, 'a.zip');
    writeFileSync(file, zip);
    return execFileSync('unzip', ['-l', file], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
