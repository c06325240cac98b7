import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { Type } from '@sinclair/typebox';
import type { Ctx } from '../../../src/domain/context.js';
import { commitUpload } from '../../../src/domain/uploads/commit.service.js';
import { defineJob } from '../../../src/jobs/define.js';
import { createJobs } from '../../../src/jobs/queue.js';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { PNG_1x1, sha256, uploadRaw } from './assets-fixtures.js';

// Stand-ins for the media pipeline's jobs, recording what they were asked to make.
const seen: unknown[] = [];
const Payload = Type.Object({ workspace_id: Type.String(), version_id: Type.String(), derivative_id: Type.String() });
const defs = ['thumbnail', 'preview'].map((kind) =>
  defineJob({ name: `derivative.${kind}`, payload: Payload, handler: async (_ctx, p) => void seen.push({ kind, ...p }) }),
);

describeEachDatabase('commitUpload queues derivative jobs in its transaction', (t) => {
  // The app registers the real media jobs (src/job-definitions.ts); these stand-ins, by the same names, replace them here.
  const ctxFor = (ten: Tenant, definitions = defs): Ctx => ({
    ...t.deps,
    jobs: createJobs(definitions),
    actor: { userId: ten.userId, apiKeyId: null, accountId: ten.accountId, accountRole: 'owner', workspaceId: ten.workspaceId, workspaceRole: 'admin' },
  });

  test('one job per pending derivative row, run by the worker with the row\'s scope', async () => {
    const ten = await t.factory.tenant();
    const ctx = ctxFor(ten);
    const blob = await t.deps.blobs.put(Readable.from([PNG_1x1]));
    const { version } = await commitUpload(ctx, {
      workspaceId: ten.workspaceId,
      blob,
      contentType: 'image/png',
      originalFileName: 'a.png',
      declared: { sha256: sha256(PNG_1x1) },
      target: { newAsset: {} },
    });
    const rows = await t.deps.db.selectFrom('derivatives').select(['id', 'kind', 'state']).where('version_id', '=', version.id).orderBy('kind').execute();
    assert.deepEqual(rows.map((r) => [r.kind, r.state]), [['preview', 'pending'], ['thumbnail', 'pending']]);
    const jobs = [...(await t.jobs.list('derivative.preview')), ...(await t.jobs.list('derivative.thumbnail'))];
    assert.equal(jobs.length, 2);
    seen.length = 0;
    await t.jobs.runUntilIdle({ deps: ctx });
    const byKind = Object.fromEntries(rows.map((r) => [r.kind, r.id]));
    assert.deepEqual(
      [...seen].sort((a, b) => String((a as { kind: string }).kind).localeCompare((b as { kind: string }).kind)),
      ['preview', 'thumbnail'].map((kind) => ({ kind, workspace_id: ten.workspaceId, version_id: version.id, derivative_id: byKind[kind] })),
    );
  });

  test('a refused commit queues nothing; without registered jobs rows stay pending and no job is queued', async () => {
    const ten = await t.factory.tenant();
    const blob = await t.deps.blobs.put(Readable.from([PNG_1x1]));
    const jobsBefore = await t.count('jobs');
    await assert.rejects(
      commitUpload(ctxFor(ten), {
        workspaceId: ten.workspaceId,
        blob,
        contentType: 'image/png',
        originalFileName: 'a.png',
        declared: { size: 1 },
        target: { newAsset: {} },
      }),
      (err: Error & { code?: string }) => err.code === 'size_mismatch',
    );
    assert.equal(await t.count('jobs'), jobsBefore);
    // A build without derivative jobs registered: the rows wait, pending, and no job is queued.
    const { version } = await commitUpload(ctxFor(ten, []), {
      workspaceId: ten.workspaceId,
      blob,
      contentType: 'image/png',
      originalFileName: 'b.png',
      target: { newAsset: {} },
    });
    const states = await t.deps.db.selectFrom('derivatives').select('state').where('version_id', '=', version.id).execute();
    assert.deepEqual(states.map((d) => d.state), ['pending', 'pending']);
    assert.equal(await t.count('jobs'), jobsBefore);
    // Through HTTP the app's registry has the media pipeline: the upload queues its derivative jobs and the probe.
    const res = await uploadRaw(t, ten, PNG_1x1, { file_name: 'c.png' });
    assert.equal(res.status, 201);
    assert.equal(await t.count('jobs'), jobsBefore + 3);
  });
});
