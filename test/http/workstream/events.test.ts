import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { HttpSink, type SinkRequest } from '../../harness/http-sink.js';
import { SmtpSink } from '../../harness/smtp-sink.js';
import { uploadMultipart } from '../mudstack/assets-fixtures.js';
import { bearer, seqOf, wsStatuses } from './fixtures.js';
import { createForm } from './forms-fixtures.js';

// The SMTP sink must listen before the app reads SMTP_URL from its environment.
const smtp = new SmtpSink();
await smtp.start();
after(() => smtp.stop());

function verified(req: SinkRequest, secret: string): { type: string; data: Record<string, unknown> } {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${String(req.headers['webhook-id'])}.${String(req.headers['webhook-timestamp'])}.${req.body}`).digest('base64');
  assert.ok(String(req.headers['webhook-signature']).split(' ').includes(`v1,${expected}`), 'signed with the endpoint secret');
  return JSON.parse(req.body);
}

describeEachDatabase('workstream events: task created/updated, watchers, asset links reach notifications, e-mail and signed webhooks', (t) => {
  const sink = new HttpSink();
  before(() => sink.start());
  after(() => sink.stop());
  let a: Tenant;
  let editor: Tenant;
  let watcher: Tenant;
  let secret: string;

  before(async () => {
    a = await t.factory.tenant();
    editor = await t.factory.member(a, { workspace: 'editor' });
    watcher = await t.factory.member(a, { workspace: 'viewer' });
    const res = await t.req('POST', '/workspaces/webhooks', {
      headers: a.headers,
      json: { url: `${sink.url}/ws`, event_types: ['task_created', 'task_updated', 'task_watcher_added', 'task_watcher_removed', 'task_assets_linked', 'task_assets_unlinked'] },
    });
    assert.equal(res.status, 201, res.text);
    secret = res.body.secret;
  });

  const hooks = () => sink.requests.filter((r) => r.path === '/ws').map((r) => verified(r, secret));
  const mailsTo = (email: string) => smtp.messages.filter((m) => m.to.includes(email));

  test('the whole flow', async () => {
    const st = await wsStatuses(t, a);
    const form = await createForm(t, a, { name: 'Events' });
    const made = await t.req('POST', '/workstream/tasks', {
      headers: bearer(a),
      json: { form_id: form.sequence, name: 'Poster', status: st.Pending?.id, assignee_id: await seqOf(t, 'users', editor.userId) },
    });
    assert.equal(made.status, 200, made.text);
    const id = made.body.id;
    await t.jobs.runUntilIdle();
    await t.jobs.runUntilIdle();
    assert.ok(hooks().some((h) => h.type === 'task_created' && h.data.record_id !== undefined));
    assert.match(mailsTo(editor.email).at(-1)?.header('subject') ?? '', /You were assigned a task: Poster/);

    const watcherSeq = await seqOf(t, 'users', watcher.userId);
    const added = await t.req('PUT', `/workstream/tasks/${id}/watchers`, { headers: bearer(a), json: { user_ids: [watcherSeq], message: 'Please review the poster' } });
    assert.equal(added.status, 200, added.text);
    await t.jobs.runUntilIdle();
    await t.jobs.runUntilIdle();
    const addMail = mailsTo(watcher.email).at(-1);
    assert.match(addMail?.header('subject') ?? '', /added you as a watcher of the task: Poster/);
    assert.match(addMail?.body ?? '', /Message: Please review the poster/);
    const addHook = hooks().find((h) => h.type === 'task_watcher_added');
    assert.equal(addHook?.data.message, 'Please review the poster');

    const updated = await t.req('PUT', `/workstream/tasks/${id}`, { headers: bearer(a), json: { name: 'Poster v2' } });
    assert.equal(updated.status, 200, updated.text);
    const up = await uploadMultipart(t, a, { name: 'poster.txt', data: Buffer.from('poster') });
    const assetSeq = Number((await t.deps.db.selectFrom('assets').select('sequence').where('id', '=', up.body.id).executeTakeFirstOrThrow()).sequence);
    assert.equal((await t.req('POST', `/workstream/tasks/${id}/assets/${assetSeq}`, { headers: bearer(a) })).status, 200);
    await t.jobs.runUntilIdle();
    await t.jobs.runUntilIdle();
    const notes = await t.deps.db.selectFrom('notifications').select(['type', 'data']).where('user_id', '=', watcher.userId).where('type', '=', 'task_updated').execute();
    assert.deepEqual(notes.map((n) => JSON.parse(n.data).changes), [['title'], ['assets']]);
    assert.ok(mailsTo(watcher.email).some((m) => /A task you watch changed: Poster v2/.test(m.header('subject') ?? '')));
    assert.ok(hooks().some((h) => h.type === 'task_updated'));
    assert.ok(hooks().some((h) => h.type === 'task_assets_linked' && h.data.asset_id === up.body.id));

    const removed = await t.req('DELETE', `/workstream/tasks/${id}/watchers`, { headers: bearer(a), json: { user_ids: [watcherSeq], message: 'Thanks, done' } });
    assert.equal(removed.status, 200, removed.text);
    await t.jobs.runUntilIdle();
    await t.jobs.runUntilIdle();
    const removeMail = mailsTo(watcher.email).at(-1);
    assert.match(removeMail?.header('subject') ?? '', /removed you from the watchers of the task: Poster v2/);
    assert.match(removeMail?.body ?? '', /Message: Thanks, done/);
    assert.equal(hooks().find((h) => h.type === 'task_watcher_removed')?.data.message, 'Thanks, done');
    // The one who acted is told nothing about their own changes.
    const own = await t.deps.db.selectFrom('notifications').select('type').where('user_id', '=', a.userId).where('type', 'in', ['task_updated', 'task_watcher_added']).execute();
    assert.deepEqual(own, []);
  });
}, { WEBHOOK_ALLOW_PRIVATE: 'true', SMTP_URL: smtp.url, SMTP_FROM: 'Atelier Test <dam@example.test>' });
