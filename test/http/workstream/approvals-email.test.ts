import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { HttpSink } from '../../harness/http-sink.js';
import { SmtpSink } from '../../harness/smtp-sink.js';
import { assetInFolder, coreTeam, createApproval, keyOf, seq } from './approvals-fixtures.js';
import { assertWsError, bearer } from './fixtures.js';

// The sink must listen before the app reads SMTP_URL from its environment.
const smtp = new SmtpSink();
await smtp.start();
after(() => smtp.stop());

/** Spec §1.5 items 5-7 (e-mail), the guest's e-mail with their page link, and approval events on signed webhooks. */
describeEachDatabase('workstream: approval e-mail, reminders and events', (t) => {
  const hooks = new HttpSink();
  before(() => hooks.start());
  after(() => hooks.stop());
  let a: Tenant;
  let ann: Tenant;
  let ben: Tenant;
  let annSeq: number;
  let benSeq: number;
  const mailsAfter = (n: number) => smtp.messages.slice(n);

  test('setup', async () => {
    a = await t.factory.tenant();
    ann = await t.factory.member(a, { workspace: 'editor' });
    ben = await t.factory.member(a, { workspace: 'editor' });
    annSeq = await seq(t, 'users', ann.userId);
    benSeq = await seq(t, 'users', ben.userId);
  });

  test('creating mails every approver: users by notification, the guest with their own page link', async () => {
    const asset = await assetInFolder(t, a, 'mail.png', '/M/');
    const sent = smtp.messages.length;
    const ap = await createApproval(t, a, asset, { approvers: [annSeq, 'guest@outside.test'], comments: 'Have a look' });
    await t.jobs.runUntilIdle();
    const mails = mailsAfter(sent);
    assert.deepEqual(mails.map((m) => m.to[0]).sort(), [ann.email, 'guest@outside.test'].sort());
    const guest = mails.find((m) => m.to[0] === 'guest@outside.test');
    assert.match(guest?.header('subject') ?? '', /asks for your approval of mail\.png/);
    const link = /\/workstream\/approval-page\/(apr_[A-Za-z0-9_-]+)/.exec(guest?.body ?? '');
    assert.ok(link, guest?.body);
    const guestSlot = ap.current_stage_responses[1];
    assert.equal(guestSlot.user_email, 'guest@outside.test');
    // The link's key is the guest's slot key: the owner can open it and sees the guest's slot.
    const opened = await t.req('GET', `/workstream/approvals/${link[1]}`, { headers: bearer(a) });
    assert.equal(opened.status, 200, opened.text);
    assert.equal(opened.body.key, link[1]);
    assert.match(mails.find((m) => m.to[0] === ann.email)?.header('subject') ?? '', /Your approval is requested on mail\.png/);
  });

  test('item 7: remind type 5 reaches the approvers who have not answered on the current stage; 3 one slot; 4 one user', async () => {
    const tpl = (await t.req('POST', '/accounts/approvalTemplates', {
      headers: a.headers,
      json: { name: 'Remind', stages: [{ name: 'S1', approver_source: 'requester' }, { name: 'S2', approver_source: 'fixed', approvers: [{ type: 'email', email: 'later@outside.test' }] }] },
    })).body;
    const asset = await assetInFolder(t, a, 'remind.png', '/R/');
    const ap = await createApproval(t, a, asset, { template_id: tpl.sequence, approvers: [annSeq, benSeq, 'early@outside.test'] });
    const id = ap.current_stage_responses[0].approval_id;
    await t.req('POST', `/workstream/approvals/${await keyOf(t, ben, id)}/response`, { headers: bearer(ben), json: { response: 3 } });
    await t.jobs.runUntilIdle();
    let sent = smtp.messages.length;
    const r5 = await t.req('POST', `/workstream/approvals/${ap.key}/remind`, { headers: bearer(a), json: { recipient_type: 5, message: 'Please answer' } });
    assert.equal(r5.status, 200, r5.text);
    await t.jobs.runUntilIdle();
    assert.deepEqual(mailsAfter(sent).map((m) => m.to[0]).sort(), [ann.email, 'early@outside.test'].sort(), 'not Ben (answered), not the stage-2 guest');
    assert.ok(mailsAfter(sent).every((m) => /Reminder/.test(m.header('subject') ?? '') && m.body.includes('Please answer')));

    sent = smtp.messages.length;
    const benResponse = ap.current_stage_responses.find((r: any) => r.user_id === benSeq);
    const r3 = await t.req('POST', `/workstream/approvals/${ap.key}/remind`, { headers: bearer(a), json: { recipient_type: 3, recipient_id: benResponse.id } });
    assert.equal(r3.status, 200, r3.text);
    const r4 = await t.req('POST', `/workstream/approvals/${ap.key}/remind`, { headers: bearer(a), json: { recipient_type: '4', recipient_id: String(annSeq) } });
    assert.equal(r4.status, 200, r4.text);
    await t.jobs.runUntilIdle();
    assert.deepEqual(mailsAfter(sent).map((m) => m.to[0]).sort(), [ann.email, ben.email].sort());

    // Validation: 422 naming the field, nothing queued; approvers other than the owner may not remind.
    const jobs = await t.count('jobs');
    for (const [body, field] of [[{}, 'recipient_type'], [{ recipient_type: 6 }, 'recipient_type'], [{ recipient_type: 3 }, 'recipient_id'], [{ recipient_type: 3, recipient_id: 999999 }, 'recipient_id'], [{ recipient_type: 5, message: '' }, 'message']] as const) {
      const err = assertWsError(await t.req('POST', `/workstream/approvals/${ap.key}/remind`, { headers: bearer(a), json: body }), 422);
      assert.ok(Object.keys(err.errors).some((k) => k.startsWith(field)), JSON.stringify(err));
    }
    assert.equal(await t.count('jobs'), jobs);
    assertWsError(await t.req('POST', `/workstream/approvals/${await keyOf(t, ann, id)}/remind`, { headers: bearer(ann), json: { recipient_type: 5 } }), 403, 'not_approval_owner');
  });

  test('ad-hoc remind type 5 reaches every approver (as Webdam says); a team slot reaches its members', async () => {
    const team = await coreTeam(t, a, `Reviewers ${Date.now()}`, [ben.userId]);
    const asset = await assetInFolder(t, a, 'adhoc-remind.png', '/AR/');
    const ap = await createApproval(t, a, asset, { approvers: [annSeq, { type: 'team', id: team.sequence }] });
    await t.req('POST', `/workstream/approvals/${await keyOf(t, ann, ap.current_stage_responses[0].approval_id)}/response`, { headers: bearer(ann), json: { response: 2 } });
    await t.jobs.runUntilIdle();
    const sent = smtp.messages.length;
    await t.req('POST', `/workstream/approvals/${ap.key}/remind`, { headers: bearer(a), json: { recipient_type: 5 } });
    await t.jobs.runUntilIdle();
    assert.deepEqual(mailsAfter(sent).map((m) => m.to[0]).sort(), [ann.email, ben.email].sort());
  });

  test('item 6: resubmit with send_reminder mails that approver only; without it nobody', async () => {
    const asset = await assetInFolder(t, a, 'resubmit.png', '/RS/');
    const ap = await createApproval(t, a, asset, { approvers: [annSeq, 'g2@outside.test'] });
    await t.req('POST', `/workstream/approvals/${await keyOf(t, ann, ap.current_stage_responses[0].approval_id)}/response`, { headers: bearer(ann), json: { response: 4, message: 'Crop it' } });
    await t.jobs.runUntilIdle();
    let sent = smtp.messages.length;
    const quiet = await t.req('POST', `/workstream/approvals/${ap.key}/resubmit/${ap.current_stage_responses[0].id}`, { headers: bearer(a) });
    assert.equal(quiet.status, 200, quiet.text);
    await t.jobs.runUntilIdle();
    assert.equal(mailsAfter(sent).length, 0);
    await t.req('POST', `/workstream/approvals/${await keyOf(t, ann, ap.current_stage_responses[0].approval_id)}/response`, { headers: bearer(ann), json: { response: 3 } });
    await t.jobs.runUntilIdle();
    sent = smtp.messages.length;
    const loud = await t.req('POST', `/workstream/approvals/${ap.key}/resubmit/${ap.current_stage_responses[0].id}`, { headers: { ...bearer(a), 'content-type': 'application/x-www-form-urlencoded' }, payload: 'send_reminder=1&message=Cropped' });
    assert.equal(loud.status, 200, loud.text);
    await t.jobs.runUntilIdle();
    assert.deepEqual(mailsAfter(sent).map((m) => m.to[0]), [ann.email]);
    assert.ok(mailsAfter(sent)[0]?.body.includes('Cropped'));
  });

  test('item 5: cancel sends no notification and no e-mail; events reach signed webhooks', async () => {
    const hook = await t.req('POST', '/workspaces/webhooks', { headers: a.headers, json: { url: `${hooks.url}/approvals`, event_types: ['approval_created', 'approval_answered', 'approval_completed', 'approval_cancelled'] } });
    assert.equal(hook.status, 201, hook.text);
    const asset = await assetInFolder(t, a, 'cancel.png', '/C/');
    const ap = await createApproval(t, a, asset, { approvers: [annSeq, 'g3@outside.test'] });
    await t.req('POST', `/workstream/approvals/${await keyOf(t, ann, ap.current_stage_responses[0].approval_id)}/response`, { headers: bearer(ann), json: { response: 2 } });
    await t.jobs.runUntilIdle();
    const sent = smtp.messages.length;
    const notes = await t.count('notifications');
    const jobs = (await t.jobs.list('email.send')).length + (await t.jobs.list('approval.email')).length;
    const res = await t.req('PUT', `/workstream/approvals/${ap.key}/cancel`, { headers: bearer(a) });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, -1);
    assert.equal(await t.count('notifications'), notes, 'no notification');
    assert.equal((await t.jobs.list('email.send')).length + (await t.jobs.list('approval.email')).length, jobs, 'no e-mail job');
    await t.jobs.runUntilIdle();
    assert.equal(mailsAfter(sent).length, 0, 'no e-mail');
    const got = hooks.requests.filter((r) => r.path === '/approvals');
    const key = Buffer.from(String(hook.body.secret).replace(/^whsec_/, ''), 'base64');
    for (const r of got) {
      const expected = createHmac('sha256', key).update(`${r.headers['webhook-id']}.${r.headers['webhook-timestamp']}.${r.body}`).digest('base64');
      assert.ok(String(r.headers['webhook-signature']).includes(`v1,${expected}`));
    }
    const types = got.map((r) => JSON.parse(r.body) as { type: string; data: Record<string, unknown> });
    assert.deepEqual(types.map((x) => x.type).sort(), ['approval_answered', 'approval_cancelled', 'approval_created']);
    assert.ok(types.every((x) => x.data.asset_id === asset.id && x.data.subject_type === 'approval'));
    // Answering a cancelled approval is refused (§1.5 item 4), cancelling again changes nothing.
    assert.equal((await t.req('PUT', `/workstream/approvals/${ap.key}/cancel`, { headers: bearer(a) })).body.status, -1);
  });
}, { SMTP_URL: smtp.url, SMTP_FROM: 'Atelier Test <dam@example.test>', WEBHOOK_ALLOW_PRIVATE: 'true' });
