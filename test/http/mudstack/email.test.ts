import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { SmtpSink } from '../../harness/smtp-sink.js';
import { uploadMultipart } from './assets-fixtures.js';

// The sink must listen before the app reads SMTP_URL from its environment.
const sink = new SmtpSink();
await sink.start();
after(() => sink.stop());

const mentionOn = async (t: Parameters<Parameters<typeof describeEachDatabase>[1]>[0], ten: Tenant, assetId: string, userId: string) => {
  const res = await t.req('POST', `/workspaces/assets/${assetId}/comments`, { headers: ten.headers, json: { content: `Look @[${userId}]` } });
  assert.equal(res.status, 201, res.text);
  return res.body as { id: string };
};

describeEachDatabase('e-mail: notifications over SMTP (SMTP_URL set)', (t) => {
  test('a mention is e-mailed to the mentioned user with a sensible subject and body; one job per notification', async () => {
    const ten = await t.factory.tenant();
    const ann = await t.factory.member(ten, { workspace: 'editor' });
    await t.deps.db.updateTable('users').set({ first_name: 'Robin', last_name: 'Owner' }).where('id', '=', ten.userId).execute();
    const up = await uploadMultipart(t, ten, { name: 'hero.psd', data: Buffer.from('layers') });
    const sent = sink.messages.length;
    const comment = await mentionOn(t, ten, up.body.id, ann.userId);
    const jobs = await t.jobs.list('email.send');
    assert.equal(jobs.length, 1, 'queued in the transaction of the change');
    const [n] = await t.deps.db.selectFrom('notifications').selectAll().where('user_id', '=', ann.userId).execute();
    assert.deepEqual(JSON.parse(jobs[0]!.payload), { account_id: ten.accountId, notification_id: n?.id });
    await t.jobs.runUntilIdle();
    const mails = sink.messages.slice(sent);
    assert.equal(mails.length, 1);
    const m = mails[0]!;
    assert.deepEqual(m.to, [ann.email]);
    assert.equal(m.from, 'dam@example.test');
    assert.equal(m.header('subject'), '[Atelier] You were mentioned on hero.psd');
    assert.equal(m.header('to'), ann.email);
    assert.equal(m.header('from'), 'Atelier Test <dam@example.test>');
    assert.equal(m.header('message-id'), `<${n?.id}@atelier>`);
    assert.equal(m.header('x-atelier-notification-type'), 'mention');
    assert.match(m.body, /^You were mentioned on hero\.psd\.\r\n\r\nAsset: hero\.psd\r\nBy: Robin Owner\r\n/);
    assert.ok(m.body.includes(`Notification ${n?.id} (mention)`));
    assert.ok(comment.id);
  });

  test('a subscriber hears of someone else\'s change by e-mail too; the actor gets none; SMTP down means retries', async () => {
    const ten = await t.factory.tenant();
    const watcher = await t.factory.member(ten, { workspace: 'viewer' });
    const up = await uploadMultipart(t, ten, { name: 'set.blend', data: Buffer.from('blend') });
    await t.req('POST', `/workspaces/assets/${up.body.id}/subscriptions`, { headers: watcher.headers });
    await t.jobs.runUntilIdle();
    const sent = sink.messages.length;
    await t.req('PATCH', `/workspaces/assets/${up.body.id}`, { headers: ten.headers, json: { name: 'set-v2.blend' } });
    await t.jobs.runUntilIdle();
    await t.jobs.runUntilIdle();
    const mails = sink.messages.slice(sent);
    assert.deepEqual(mails.map((m) => m.to), [[watcher.email]]);
    assert.match(mails[0]!.header('subject') ?? '', /^\[Atelier\] set-v2\.blend changed \(asset_renamed\) by /);

    // With the SMTP server unreachable the job fails and is retried later (the notification is already stored).
    await sink.stop();
    const ann = await t.factory.member(ten, { workspace: 'viewer' });
    await mentionOn(t, ten, up.body.id, ann.userId);
    const reports = await t.jobs.runUntilIdle({ allowFailures: true });
    // Two notifications: ann's mention, and the watcher's subscribed_asset_changed (comment_created).
    const failed = reports.filter((r) => r.name === 'email.send');
    assert.deepEqual(failed.map((r) => r.outcome), ['retry', 'retry']);
    const waiting = await t.jobs.list('email.send').then((j) => j.filter((x) => x.state === 'available'));
    assert.deepEqual(waiting.map((j) => j.attempts), [1, 1], 'scheduled for another attempt');
    await sink.start();
    const before = sink.messages.length;
    t.clock.advance(61);
    await t.jobs.runUntilIdle();
    assert.deepEqual(sink.messages.slice(before).map((m) => m.to[0]).sort(), [ann.email, watcher.email].sort(), 'sent on the retry');
  });
}, { SMTP_URL: sink.url, SMTP_FROM: 'Atelier Test <dam@example.test>' });

describeEachDatabase('e-mail: off without SMTP_URL', (t) => {
  test('notifications are stored but no email.send job is queued', async () => {
    const ten = await t.factory.tenant();
    const ann = await t.factory.member(ten, { workspace: 'editor' });
    const up = await uploadMultipart(t, ten, { name: 'hero.psd', data: Buffer.from('layers') });
    await mentionOn(t, ten, up.body.id, ann.userId);
    const stored = await t.deps.db.selectFrom('notifications').select('type').where('user_id', '=', ann.userId).execute();
    assert.deepEqual(stored, [{ type: 'mention' }]);
    assert.deepEqual(await t.jobs.list('email.send'), []);
  });
});
