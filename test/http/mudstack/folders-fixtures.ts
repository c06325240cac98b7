import assert from 'node:assert/strict';
import type { TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { uploadRaw } from './assets-fixtures.js';

/** Uploads a small text file into `fileLocation` (201 asserted); returns the Asset JSON. */
export async function uploadTo(t: TestApp, ten: Tenant, fileName: string, fileLocation: string, body = `content of ${fileName}`) {
  const res = await uploadRaw(t, ten, Buffer.from(body), { file_name: fileName, file_location: fileLocation });
  assert.equal(res.status, 201, res.text);
  return res.body as { id: string; file_location: string; [k: string]: any };
}
