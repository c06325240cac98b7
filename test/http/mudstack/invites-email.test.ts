import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, test } from 'node:test';
import { describeEachDatabase, type TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { SmtpSink } from '../../harness/smtp-sink.js';
import { acct } from './accounts-fixtures.js';

// The sink must listen before the app reads SMTP_URL from its environment.
const sink = new SmtpSink();
await sink.start();
after(() => sink.stop());

const invite = async (t: TestApp, ten: Tenant, email: string): Promise<{ id: string; token?: string }> => {
  const res = await t.req('POST', '/accounts/invites', { headers: acct(ten), json: { invites: [{ email, roles: ['admin'] }] } });
  assert.equal(res.status, 200, res.text);
  return res.body[0];
};

/** A message's text: quoted-printable soft line breaks and escapes undone. */
const text = (body: string): string => body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
const tokenIn = (body: string): string | undefined => /Your invite token: (\S+)/.exec(text(body))?.[1];

/** The invite e-mails among the sink's messages from `from` on (accepting an invite also notifies, by e-mail too). */
const inviteMails = (from: number) => sink.messages.slice(from).filter((m) => m.header('x-atelier-invite') !== undefined);

const sentAt = async (t: TestApp, ten: Tenant, id: string): Promise<string | null> => {
  const list = await t.req('GET', '/accounts/invites', { headers: acct(ten) });
  assert.equal(list.status, 200);
  return list.body.find((i: { id: string }) => i.id === id).sent_at;
};

describeEachDatabase('invite e-mail over SMTP (SMTP_URL set)', (t) => {
  test('a new invite is e-mailed to the invitee with its token, which accepts it; sent_at is stamped; the inviter never sees the token', async () => {
    const ten = await t.factory.tenant();
    await t.deps.db.updateTable('users').set({ first_name: 'Robin', last_name: 'Owner' }).where('id', '=', ten.userId).execute();
    const account = await t.deps.db.selectFrom('accounts').select('name').where('id', '=', ten.accountId).executeTakeFirstOrThrow();
    const sent = sink.messages.length;
    const inv = await invite(t, ten, 'New.Person@Example.test');
    // Only the mailbox gets the token: the inviter cannot accept for an e-mail with no user and so create that user.
    assert.equal(inv.token, undefined);
    assert.equal(inviteMails(sent).length, 0);
    const jobs = (await t.jobs.list('invite.email')).filter((j) => JSON.parse(j.payload).invite_id === inv.id);
    assert.equal(jobs.length, 1, 'queued in the transaction that made the invite');
    assert.deepEqual(JSON.parse(jobs[0]!.payload), { account_id: ten.accountId, invite_id: inv.id });
    assert.equal(await sentAt(t, ten, inv.id), null);
    await t.jobs.runUntilIdle();
    const mails = inviteMails(sent);
    assert.equal(mails.length, 1);
    const m = mails[0]!;
    assert.deepEqual(m.to, ['new.person@example.test']);
    assert.equal(m.from, 'dam@example.test');
    assert.equal(m.header('subject'), `[Atelier] Robin Owner invited you to ${account.name}`);
    assert.equal(m.header('message-id'), `<invite-${inv.id}@atelier>`);
    assert.equal(m.header('x-atelier-invite'), inv.id);
    assert.match(text(m.body), new RegExp(`^Robin Owner invited you to join ${account.name} on Atelier \\(role: admin\\)\\.\r\n`));
    const token = tokenIn(m.body);
    assert.match(token ?? '', /^inv_[\w-]{43}$/);
    assert.ok(text(m.body).includes(`  POST https://dam.example.test/accounts/invites/accept\r\n  {"token": "${token}"}\r\n`), text(m.body));
    assert.ok(text(m.body).includes('already has a user on this Atelier, send it signed in as that user\r\n(with the header Authorization: Bearer'), text(m.body));
    // The token in the mail (made again from the key) is the invite's, and it works.
    const row = await t.deps.db.selectFrom('invites').select('token_hash').where('id', '=', inv.id).executeTakeFirstOrThrow();
    assert.equal(createHash('sha256').update(token ?? '').digest('hex'), row.token_hash);
    assert.notEqual(await sentAt(t, ten, inv.id), null);
    const accepted = await t.req('POST', '/accounts/invites/accept', { json: { token } });
    assert.equal(accepted.status, 200, accepted.text);
    assert.equal(accepted.body.account_id ?? ten.accountId, ten.accountId);
  });

  test('an invite revoked or superseded before its e-mail goes is not sent; SMTP down means a retry', async () => {
    const ten = await t.factory.tenant();
    const sent = sink.messages.length;
    const revoked = await invite(t, ten, 'gone@example.test');
    assert.equal((await t.req('DELETE', `/accounts/invites/${revoked.id}`, { headers: acct(ten) })).status, 200);
    await invite(t, ten, 'twice@example.test');
    const latest = await invite(t, ten, 'twice@example.test');
    await t.jobs.runUntilIdle();
    const mails = inviteMails(sent);
    assert.deepEqual(mails.map((m) => m.to), [['twice@example.test']]);
    assert.equal(mails[0]!.header('x-atelier-invite'), latest.id);
    assert.match(tokenIn(mails[0]!.body) ?? '', /^inv_/);
    assert.equal(await sentAt(t, ten, revoked.id), null);

    // With the SMTP server unreachable the job fails and is retried later; the invite itself stands.
    await sink.stop();
    const later = await invite(t, ten, 'later@example.test');
    const reports = await t.jobs.runUntilIdle({ allowFailures: true });
    assert.deepEqual(reports.filter((r) => r.name === 'invite.email').map((r) => r.outcome), ['retry']);
    assert.equal(await sentAt(t, ten, later.id), null);
    await sink.start();
    const before = sink.messages.length;
    t.clock.advance(61);
    await t.jobs.runUntilIdle();
    assert.deepEqual(inviteMails(before).map((m) => m.to), [['later@example.test']], 'sent on the retry');
    assert.notEqual(await sentAt(t, ten, later.id), null);
  });

  test('a token the job cannot make again (another signing key) is never mailed: the job fails and is retried', async () => {
    const ten = await t.factory.tenant();
    const sent = sink.messages.length;
    const inv = await invite(t, ten, 'other-key@example.test');
    // As if made by a process with another TOKEN_SECRET.
    await t.deps.db.updateTable('invites').set({ token_hash: 'f'.repeat(64) }).where('id', '=', inv.id).execute();
    const reports = await t.jobs.runUntilIdle({ allowFailures: true });
    const run = reports.find((r) => r.name === 'invite.email');
    assert.equal(run?.outcome, 'retry');
    assert.match(run?.error ?? '', /another token-signing key; give every process the same TOKEN_SECRET/);
    assert.deepEqual(inviteMails(sent), []);
    assert.equal(await sentAt(t, ten, inv.id), null);
    // Revoked, its retry ends quietly.
    assert.equal((await t.req('DELETE', `/accounts/invites/${inv.id}`, { headers: acct(ten) })).status, 200);
    t.clock.advance(61);
    await t.jobs.runUntilIdle();
    assert.deepEqual(inviteMails(sent), []);
  });

  test('an invite that expired before its e-mail could go is not sent', async () => {
    const ten = await t.factory.tenant();
    const sent = sink.messages.length;
    const stale = await invite(t, ten, 'stale@example.test');
    t.clock.advance(7 * 24 * 3600 + 1);
    await t.jobs.runUntilIdle();
    assert.deepEqual(inviteMails(sent), []);
    // (Read from the table: the tenant's token has expired too.)
    const row = await t.deps.db.selectFrom('invites').select('sent_at').where('id', '=', stale.id).executeTakeFirstOrThrow();
    assert.equal(row.sent_at, null);
  });
}, { SMTP_URL: sink.url, SMTP_FROM: 'Atelier Test <dam@example.test>', PUBLIC_URL: 'https://dam.example.test' });

describeEachDatabase('invite e-mail: off without SMTP_URL', (t) => {
  test('invites are made with their token in the answer (the admin hands it over), and no invite.email job is queued', async () => {
    const ten = await t.factory.tenant();
    const inv = await invite(t, ten, 'quiet@example.test');
    assert.match(inv.token ?? '', /^inv_[\w-]{43}$/);
    assert.deepEqual(await t.jobs.list('invite.email'), []);
  });
});
