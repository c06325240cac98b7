import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { describeEachDatabase, type TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { makeAudio, makeImage } from '../../media/fixtures.js';
import { uploadRaw } from '../mudstack/assets-fixtures.js';
import { assertWsError, bearer, coreTask, form, FORM } from './fixtures.js';
import { coreProject, projectCounts, sequenceOf, uploadAsset } from './projects-fixtures.js';
import { assertSameTypes, seedResponse } from './seed.js';

/** A PDF of `pages` Letter pages, each with a filled rectangle (pdftoppm renders real content). */
function makePdfPages(pages: number): Buffer {
  const content = '0 0 1 rg 100 100 300 400 re f';
  const kids = Array.from({ length: pages }, (_, i) => `${3 + i * 2} 0 R`).join(' ');
  const objects = ['<< /Type /Catalog /Pages 2 0 R >>', `<< /Type /Pages /Kids [${kids}] /Count ${pages} >>`];
  for (let i = 0; i < pages; i++) {
    objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${4 + i * 2} 0 R >>`, `<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
  }
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

const PROOF_KEYS = ['asset_id', 'created_at', 'cs_asset_id', 'id', 'owner_id', 'primary_source_id', 'secondary_source_id', 'source', 'status', 'updated_at', 'url', 'version'];

/** GET without any credential (as a browser following the proof URL). */
async function open(t: TestApp, url: string) {
  const res = await t.app.inject({ method: 'GET', url: new URL(url).pathname });
  return { status: res.statusCode, type: String(res.headers['content-type']), body: res.rawPayload, text: res.payload };
}

/** The image URLs of the viewer page. */
const imagesOf = (html: string): string[] => [...html.matchAll(/<img src="([^"]+)"/g)].map((m) => m[1] as string);

describeEachDatabase('workstream: proofs in the folder, project and task scopes (§1.4.5, §1.5 item 12)', (t) => {
  let a: Tenant;
  let viewer: Tenant;
  let b: Tenant;
  let folderSeq: number;
  let pdf: { id: string; seq: number };
  let image: { id: string; seq: number };
  let audio: { id: string; seq: number };
  let foreign: { id: string; seq: number };
  let project: { id: string; sequence: number };
  let task: { id: string; sequence: number };

  test('setup', async () => {
    a = await t.factory.tenant();
    viewer = await t.factory.member(a, { workspace: 'viewer' });
    b = await t.factory.tenant();
    pdf = await uploadAsset(t, a, makePdfPages(3), { file_name: 'brochure.pdf', file_location: '/Proofs/' });
    image = await uploadAsset(t, a, await makeImage('jpeg', 1200, 900), { file_name: 'hero.jpg' });
    const v2 = await uploadRaw(t, a, await makeImage('png', 800, 800), { file_name: 'hero-v2.png' }, 'application/octet-stream', `/workspaces/assets/${image.id}/versions`);
    assert.ok(v2.status === 200 || v2.status === 201, v2.text);
    audio = await uploadAsset(t, a, await makeAudio(1), { file_name: 'tone.wav', file_location: '/Proofs/' });
    foreign = await uploadAsset(t, b, await makeImage('png', 100, 100), { file_name: 'theirs.png' });
    await t.jobs.runUntilIdle();
    const folder = await t.deps.db.selectFrom('folders').select('sequence').where('workspace_id', '=', a.workspaceId).where('path', '=', '/Proofs/').executeTakeFirstOrThrow();
    folderSeq = Number(folder.sequence);
    project = await coreProject(t, a, { name: 'Proof project' });
    const link = await t.req('POST', `/workstream/projects/${project.sequence}/assets`, { headers: bearer(a), json: { assetids: [image.seq, pdf.seq] } });
    assert.equal(link.status, 204, link.text);
    task = await coreTask(t, a, { title: 'Review the brochure', asset_id: pdf.id });
  });

  test('a real PDF proofed through the folder scope: pending, then every page rendered by the job; the URL shows them', async () => {
    const post = await t.req('POST', `/workstream/folders/${folderSeq}/assets/${pdf.seq}/proof`, { headers: bearer(viewer) });
    assert.equal(post.status, 200, post.text);
    assertSameTypes(post.body, seedResponse('GET workstream/folders/{id}/assets/{assetId}/proof'));
    assert.deepEqual(Object.keys(post.body).sort(), PROOF_KEYS);
    const p = post.body;
    assert.deepEqual(
      [p.status, p.asset_id, p.version, p.source, p.primary_source_id, p.secondary_source_id, p.url, p.cs_asset_id, p.owner_id],
      [2, pdf.seq, 1, 1, folderSeq, null, null, p.id, await sequenceOf(t, 'users', viewer.userId)],
    );
    assert.equal((await t.jobs.list('proof.generate')).length, 1);
    await t.jobs.runUntilIdle();
    const got = await t.req('GET', `/workstream/folders/${folderSeq}/assets/${pdf.seq}/proof`, { headers: bearer(a) });
    assert.equal(got.status, 200, got.text);
    assert.deepEqual([got.body.id, got.body.status, got.body.version], [p.id, 1, 1]);

    const url = await t.req('GET', `/workstream/folders/${folderSeq}/assets/${pdf.seq}/proof/url`, { headers: bearer(a) });
    assert.equal(url.status, 200, url.text);
    assert.deepEqual(Object.keys(url.body), ['url']);
    assert.ok(new URL(url.body.url).pathname.startsWith('/workstream/proofs/view/'), url.body.url);
    const page = await open(t, url.body.url);
    assert.equal(page.status, 200, page.text);
    assert.ok(page.type.startsWith('text/html'), page.type);
    assert.ok(page.text.includes('brochure.pdf'), page.text);
    const imgs = imagesOf(page.text);
    assert.equal(imgs.length, 3);
    for (const src of imgs) {
      const img = await t.app.inject({ method: 'GET', url: src });
      assert.equal(img.statusCode, 200, img.payload);
      assert.equal(img.headers['content-type'], 'image/png');
      const m = await sharp(img.rawPayload).metadata();
      // Letter (612x792 pt) with its longest side scaled to 1600 px.
      assert.deepEqual([m.format, m.width, m.height], ['png', 1237, 1600]);
    }
  });

  test('§1.5 item 12: one proof per asset, shared by its versions and scopes; an older version after a proof fails (409)', async () => {
    // No proof yet: version 1 (not the current version 2) may be proofed, through the project scope.
    const v1 = await t.req('POST', `/workstream/projects/${project.sequence}/assets/${image.seq}/proof`, { headers: { ...bearer(a), ...FORM }, payload: form([['version', 1]]) });
    assert.equal(v1.status, 200, v1.text);
    assert.deepEqual([v1.body.status, v1.body.version, v1.body.source, v1.body.primary_source_id], [2, 1, 3, project.sequence]);
    await t.jobs.runUntilIdle();
    // The current version (2) joins the same proof.
    const v2 = await t.req('POST', `/workstream/projects/${project.sequence}/assets/${image.seq}/proof`, { headers: bearer(a), json: {} });
    assert.deepEqual([v2.body.id, v2.body.status, v2.body.version], [v1.body.id, 2, 2]);
    await t.jobs.runUntilIdle();
    const ready = await t.req('GET', `/workstream/projects/${project.sequence}/assets/${image.seq}/proof`, { headers: bearer(viewer) });
    assert.deepEqual([ready.body.id, ready.body.status, ready.body.version], [v1.body.id, 1, 2]);
    const pages = await t.deps.db.selectFrom('proof_pages').select(['version_number', 'content_type', 'width', 'height']).where('proof_id', 'in', t.deps.db.selectFrom('proofs').select('id').where('asset_id', '=', image.id)).orderBy('version_number').execute();
    assert.deepEqual(pages, [
      { version_number: 1, content_type: 'image/webp', width: 1200, height: 900 },
      { version_number: 2, content_type: 'image/webp', width: 800, height: 800 },
    ]);
    // The viewer shows both versions' pages.
    const url = await t.req('GET', `/workstream/projects/${project.sequence}/assets/${image.seq}/proof/url`, { headers: bearer(viewer) });
    const html = await open(t, url.body.url);
    assert.ok(html.text.includes('Version 2') && html.text.includes('Version 1'), html.text);
    for (const src of imagesOf(html.text)) {
      const img = await t.app.inject({ method: 'GET', url: src });
      assert.equal((await sharp(img.rawPayload).metadata()).format, 'webp');
    }
    // Asking again for the proofed version changes nothing (no new job).
    const jobs = (await t.jobs.list('proof.generate')).length;
    const again = await t.req('POST', `/workstream/projects/${project.sequence}/assets/${image.seq}/proof`, { headers: bearer(a), json: { version: 2 } });
    assert.deepEqual([again.status, again.body.status], [200, 1]);
    assert.equal((await t.jobs.list('proof.generate')).length, jobs);
    // An earlier version than the proof's: 409, nothing written.
    const before = await projectCounts(t);
    const older = await t.req('POST', `/workstream/projects/${project.sequence}/assets/${image.seq}/proof`, { headers: bearer(a), json: { version: '1' } });
    assertWsError(older, 409, 'proof_version_older');
    assert.deepEqual(await projectCounts(t), before);
    // The PDF's proof, made through its folder, is the same one through the project and the task.
    const viaFolder = await t.req('GET', `/workstream/folders/${folderSeq}/assets/${pdf.seq}/proof`, { headers: bearer(a) });
    const viaProject = await t.req('GET', `/workstream/projects/${project.sequence}/assets/${pdf.seq}/proof`, { headers: bearer(a) });
    const viaTask = await t.req('GET', `/workstream/tasks/${task.sequence}/assets/${pdf.seq}/proof`, { headers: bearer(a) });
    assert.deepEqual(viaProject.body, viaFolder.body);
    assert.deepEqual(viaTask.body, viaFolder.body);
    assert.equal(await t.count('proofs'), 2);
  });

  test('§1.5 item 12: DELETE removes the proof of every version (204); its URLs stop working', async () => {
    const url = (await t.req('GET', `/workstream/tasks/${task.sequence}/assets/${pdf.seq}/proof/url`, { headers: bearer(a) })).body.url as string;
    const imageUrl = (await t.req('GET', `/workstream/projects/${project.sequence}/assets/${image.seq}/proof/url`, { headers: bearer(a) })).body.url as string;
    const pageSrc = imagesOf((await open(t, imageUrl)).text);
    assert.equal(pageSrc.length, 2);
    // A viewer who did not generate it may not delete it.
    assertWsError(await t.req('DELETE', `/workstream/projects/${project.sequence}/assets/${image.seq}/proof`, { headers: bearer(viewer) }), 403, 'permission_denied');
    const del = await t.req('DELETE', `/workstream/projects/${project.sequence}/assets/${image.seq}/proof`, { headers: bearer(a) });
    assert.deepEqual([del.status, del.text], [204, '']);
    assertWsError(await t.req('GET', `/workstream/projects/${project.sequence}/assets/${image.seq}/proof`, { headers: bearer(a) }), 404, 'proof_not_found');
    assert.equal((await open(t, imageUrl)).status, 404);
    for (const src of pageSrc) {
      assert.equal((await t.app.inject({ method: 'GET', url: src })).statusCode, 404);
    }
    assert.equal(await t.deps.db.selectFrom('proof_pages').select('id').where('proof_id', 'not in', t.deps.db.selectFrom('proofs').select('id')).execute().then((r) => r.length), 0);
    // The whole asset and its versions are untouched; the other asset's proof still works.
    assert.equal((await t.req('GET', `/workspaces/assets/${image.id}`, { headers: a.headers })).status, 200);
    assert.equal((await open(t, url)).status, 200);
    // The person who generated a proof may delete it (the PDF's was made by the viewer).
    const own = await t.req('DELETE', `/workstream/folders/${folderSeq}/assets/${pdf.seq}/proof`, { headers: bearer(viewer) });
    assert.equal(own.status, 204, own.text);
    assert.equal((await open(t, url)).status, 404);
    assertWsError(await t.req('DELETE', `/workstream/tasks/${task.sequence}/assets/${pdf.seq}/proof`, { headers: bearer(a) }), 404, 'proof_not_found');
    // After a delete, an earlier version may be proofed again.
    const fresh = await t.req('POST', `/workstream/projects/${project.sequence}/assets/${image.seq}/proof`, { headers: bearer(a), json: { version: 1 } });
    assert.deepEqual([fresh.status, fresh.body.version], [200, 1]);
    await t.jobs.runUntilIdle();
  });

  test('a file type that cannot be proofed settles as status 3', async () => {
    const post = await t.req('POST', `/workstream/folders/${folderSeq}/assets/${audio.seq}/proof`, { headers: bearer(a) });
    assert.equal(post.body.status, 2);
    await t.jobs.runUntilIdle();
    const got = await t.req('GET', `/workstream/folders/${folderSeq}/assets/${audio.seq}/proof`, { headers: bearer(a) });
    assert.equal(got.body.status, 3);
    // A retry of the same version after a failure queues a new run.
    const retry = await t.req('POST', `/workstream/folders/${folderSeq}/assets/${audio.seq}/proof`, { headers: bearer(a) });
    assert.equal(retry.body.status, 2);
    await t.jobs.runUntilIdle();
  });

  test('container checks: 403 when the asset is not reachable through the folder, project or task', async () => {
    assertWsError(await t.req('GET', `/workstream/folders/${folderSeq}/assets/${image.seq}/proof`, { headers: bearer(a) }), 403, 'asset_not_in_folder');
    assertWsError(await t.req('POST', `/workstream/projects/${project.sequence}/assets/${audio.seq}/proof`, { headers: bearer(a) }), 403, 'asset_not_in_project');
    assertWsError(await t.req('GET', `/workstream/tasks/${task.sequence}/assets/${image.seq}/proof/url`, { headers: bearer(a) }), 403, 'asset_not_in_task');
    assertWsError(await t.req('DELETE', `/workstream/tasks/${task.sequence}/assets/${audio.seq}/proof`, { headers: bearer(a) }), 403, 'asset_not_in_task');
    // Linked to the task (T9, the task_assets table), the asset's proof is reachable through it.
    const linked = await t.req('POST', `/workstream/tasks/${task.sequence}/assets/${audio.seq}`, { headers: bearer(a) });
    assert.equal(linked.status, 200, linked.text);
    const viaTask = await t.req('GET', `/workstream/tasks/${task.sequence}/assets/${audio.seq}/proof`, { headers: bearer(a) });
    assert.deepEqual([viaTask.status, viaTask.body.asset_id], [200, audio.seq]);
  });

  test('bad input: 422 naming `version`, nothing written; forged or expired URLs 403', async () => {
    const before = await projectCounts(t);
    for (const json of [{ version: 0 }, { version: 'abc' }, { version: -1 }, { version: 99 }, { version: 1.5 }, { other: 1 }]) {
      const res = await t.req('POST', `/workstream/folders/${folderSeq}/assets/${pdf.seq}/proof`, { headers: bearer(a), json });
      const body = assertWsError(res, 422);
      assert.ok(Object.keys(body.errors).some((k) => k === 'version' || k === 'other'), `${JSON.stringify(json)}: ${res.text}`);
    }
    assert.deepEqual(await projectCounts(t), before);
    const url = (await t.req('GET', `/workstream/folders/${folderSeq}/assets/${audio.seq}/proof/url`, { headers: bearer(a) })).body.url as string;
    const forged = url.replace(/\/([A-Za-z0-9_-]+)$/, (_m, sig: string) => `/${sig.slice(0, -2)}xx`);
    assertWsError({ ...(await open(t, forged)), body: JSON.parse((await open(t, forged)).text) }, 403, 'proof_signature_invalid');
  });

  test('another tenant: 404 for every scope and route; no token or a wrong one: 401', async () => {
    const routes: Array<[string, string]> = [];
    for (const prefix of [`folders/${folderSeq}`, `projects/${project.sequence}`, `tasks/${task.sequence}`]) {
      for (const [method, suffix] of [['GET', ''], ['GET', '/url'], ['POST', ''], ['DELETE', '']] as const) {
        routes.push([method, `/workstream/${prefix}/assets/${pdf.seq}/proof${suffix}`]);
      }
    }
    for (const [method, path] of routes) {
      const res = await t.req(method as 'GET', path, { headers: bearer(b) });
      assertWsError(res, 404);
      assert.match(res.body.code, /^(folder|project|task)_not_found$/);
      assertWsError(await t.req(method as 'GET', path, {}), 401);
      assertWsError(await t.req(method as 'GET', path, { headers: { authorization: 'Bearer nope' } }), 401);
    }
    // Tenant B's own folder route with tenant A's asset: the asset is not found.
    const bFolder = await uploadAsset(t, b, await makeImage('png', 50, 50), { file_name: 'x.png', file_location: '/Mine/' });
    const bFolderSeq = Number((await t.deps.db.selectFrom('folders').select('sequence').where('workspace_id', '=', b.workspaceId).where('path', '=', '/Mine/').executeTakeFirstOrThrow()).sequence);
    assertWsError(await t.req('GET', `/workstream/folders/${bFolderSeq}/assets/${pdf.seq}/proof`, { headers: bearer(b) }), 404, 'asset_not_found');
    assert.ok(bFolder.seq > 0 && foreign.seq > 0);
    await t.jobs.runUntilIdle();
    // Last, as it outlives every token: an hour later the URL has expired.
    const url = (await t.req('GET', `/workstream/folders/${folderSeq}/assets/${audio.seq}/proof/url`, { headers: bearer(a) })).body.url as string;
    t.clock.advance(3601);
    const expired = await open(t, url);
    assertWsError({ ...expired, body: JSON.parse(expired.text) }, 403, 'proof_url_expired');
  });
});
