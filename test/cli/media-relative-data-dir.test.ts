import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DATABASES } from '../harness/databases.js';
import { makePdf, makeVideo } from '../media/fixtures.js';
import { CliEnv, tokenFor, type ServerProcess } from './cli-harness.js';

/*
 * The README's quick start: `npm start` in a directory, no DATA_DIR (the default `./data`, a relative path). The
 * media jobs run their tools in a temp dir, so any path they are handed must not depend on the cwd.
 */

interface VersionJson {
  metadata: Record<string, unknown>;
  derivatives: Array<{ kind: string; state: string; error: string | null; content_type: string | null }>;
}

for (const kind of DATABASES) {
  describe(`media pipeline on the default relative DATA_DIR (./data) [${kind}]`, () => {
    const cli = new CliEnv(kind);
    let server: ServerProcess;
    let headers: Record<string, string>;
    before(async () => {
      await cli.start({ relativeDataDir: true, env: { JOB_POLL_INTERVAL_MS: '50' } });
      server = await cli.serve();
      const tenant = await cli.json<{ account_id: string; workspace_id: string; key: string; secret: string }>(['bootstrap', '--json']);
      const tok = await tokenFor(server, tenant);
      assert.equal(tok.status, 200);
      headers = { authorization: `Bearer ${tok.body.token}`, 'x-account-id': tenant.account_id, 'x-workspace-id': tenant.workspace_id };
    });
    after(() => cli.stop());

    async function uploadAndWait(data: Buffer, fileName: string): Promise<VersionJson> {
      const res = await fetch(`${server.url}/workspaces/assets?file_name=${encodeURIComponent(fileName)}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/octet-stream' },
        body: new Uint8Array(data),
      });
      const asset = (await res.json()) as { id: string; currentVersion: { id: string } };
      assert.equal(res.status, 201, JSON.stringify(asset));
      // Until every derivative has settled and the probe has written its facts (a failing probe is retried, so it
      // gets a bounded wait of its own once the derivatives are done).
      const deadline = Date.now() + 120_000;
      let probeDeadline = Infinity;
      for (;;) {
        const v = await server.req<VersionJson>('GET', `/workspaces/assets/${asset.id}/versions/${asset.currentVersion.id}`, { headers });
        assert.equal(v.status, 200);
        const settled = v.body.derivatives.every((d) => d.state !== 'pending');
        if (settled && ('detected_type' in v.body.metadata || Date.now() > probeDeadline)) {
          return v.body;
        }
        if (settled && probeDeadline === Infinity) {
          probeDeadline = Date.now() + 10_000;
        }
        assert.ok(Date.now() < deadline, `derivatives still pending: ${JSON.stringify(v.body)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }

    test('the data lives in ./data under the working directory', () => {
      assert.ok(existsSync(join(cli.dataDir, 'data', 'blobs')), 'blob store under ./data');
      if (kind === 'sqlite') {
        assert.ok(existsSync(join(cli.dataDir, 'data', 'atelier.db')), 'database under ./data');
      }
    });

    test('a video gets its probe, poster, thumbnail and proxy', async () => {
      const v = await uploadAndWait(await makeVideo({ seconds: 1, size: '320x240' }), 'clip.mp4');
      assert.equal(v.metadata.detected_type, 'video/mp4', `probe: ${JSON.stringify(v.metadata)}`);
      assert.deepEqual([v.metadata.width, v.metadata.height, v.metadata.video_codec], [320, 240, 'h264']);
      assert.deepEqual(
        v.derivatives.map((d) => [d.kind, d.state, d.error]).sort(),
        [
          ['poster', 'ready', null],
          ['proxy', 'ready', null],
          ['thumbnail', 'ready', null],
        ],
      );
    });

    test('a PDF gets its probe, page and thumbnail', async () => {
      const v = await uploadAndWait(makePdf(), 'doc.pdf');
      assert.equal(v.metadata.detected_type, 'application/pdf', `probe: ${JSON.stringify(v.metadata)}`);
      assert.deepEqual([v.metadata.page_count, v.metadata.page_width_pt], [1, 612]);
      assert.deepEqual(
        v.derivatives.map((d) => [d.kind, d.state, d.error]).sort(),
        [
          ['page', 'ready', null],
          ['thumbnail', 'ready', null],
        ],
      );
    });
  });
}
