import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DATABASES } from '../harness/databases.js';
import { PeopleEnv, type Tenant } from './people-harness.js';

/*
 * `atelier teams`, `atelier templates`, `atelier forms` and `atelier projects` as child processes against a real
 * server: what they print, what the server then holds (read back over the core API and the Workstream surface), and
 * the documented exit codes for a refused value (2), an unknown or another tenant's name or id (5).
 */

for (const kind of DATABASES) {
  describe(`atelier CLI for Workstream administrators [${kind}]`, () => {
    const env = new PeopleEnv(kind);
    let otherEnv: Record<string, string>;
    let headers: Record<string, string>;
    let ownerEmail: string;
    before(async () => {
      await env.start();
      await env.login();
      const other = await env.cli.json<Tenant>(['bootstrap', '--json', '--account', 'Other Studio']);
      otherEnv = { ATELIER_URL: env.server.url, ATELIER_KEY: other.key, ATELIER_SECRET: other.secret, ATELIER_ACCOUNT_ID: other.account_id, ATELIER_WORKSPACE_ID: other.workspace_id };
      headers = await env.headers();
      const members = await env.server.req('GET', '/accounts/members', { headers });
      ownerEmail = members.body.find((m: { user_id: string }) => m.user_id === env.tenant.user_id).user.email;
    });
    after(() => env.stop());

    test('teams add (members by e-mail), list and show; templates add with stages naming a team, a member and a guest', async () => {
      const [team] = await env.jsonLines(['teams', 'add', 'Editors', '--member', ownerEmail.toUpperCase(), '--color', '#112233']);
      assert.deepEqual([team?.name, team?.color, team?.member_ids], ['Editors', '#112233', [env.tenant.user_id]]);
      const onServer = await env.server.req('GET', `/accounts/teams/${team?.id}`, { headers });
      assert.deepEqual(onServer.body.member_ids, [env.tenant.user_id]);
      const empty = await env.run(['teams', 'add', 'Legal']);
      assert.equal(empty.code, 0, empty.stderr);
      assert.match(empty.stdout, /^added team [0-9a-f-]{36}\t\d+\tLegal\t0 members\n$/);

      const listed = await env.run(['teams', 'list']);
      assert.equal(listed.code, 0, listed.stderr);
      assert.deepEqual(listed.stdout.trim().split('\n').map((l) => l.split('\t').slice(2).join(' ')), ['Editors 1 member', 'Legal 0 members']);
      // By Workstream id; members with their e-mails.
      const shown = await env.run(['teams', 'show', String(team?.sequence)]);
      assert.equal(shown.code, 0, shown.stderr);
      assert.equal(shown.stdout.split('\n')[1], `member\t${env.tenant.user_id}\t${ownerEmail}`);

      const [tpl] = await env.jsonLines(['templates', 'add', 'Two step', '--stage', 'First look:uploader', '--stage', `Sign-off:fixed:team:Editors,${ownerEmail},outside@example.org`]);
      assert.equal(tpl?.version, 1);
      assert.deepEqual(tpl?.stages.map((s: { name: string; approver_source: string }) => [s.name, s.approver_source]), [['First look', 'uploader'], ['Sign-off', 'fixed']]);
      assert.deepEqual(tpl?.stages[1].approvers, [{ type: 'team', id: team?.id }, { type: 'user', id: env.tenant.user_id }, { type: 'email', email: 'outside@example.org' }]);
      // Workstream shows it (A1's template ids come from the same rows): the template is the account's.
      const all = await env.server.req('GET', '/accounts/approvalTemplates', { headers });
      assert.deepEqual(all.body.map((x: { name: string }) => x.name), ['Two step']);
      const show = await env.run(['templates', 'show', 'Two step']);
      assert.equal(show.code, 0, show.stderr);
      assert.deepEqual(show.stdout.trim().split('\n').slice(1), ['stage 1\tFirst look\tuploader\tall', `stage 2\tSign-off\tfixed\tteam:Editors,${ownerEmail},outside@example.org\tall`]);
      const tlist = await env.run(['templates', 'list']);
      assert.match(tlist.stdout, /^[0-9a-f-]{36}\t\d+\tTwo step\tv1\t2 stages\n$/);

      // Refusals: bad stage specs and a bad colour (2), an unknown member or team (5); nothing written.
      for (const args of [
        ['templates', 'add', 'Bad', '--stage', 'Only a name'],
        ['templates', 'add', 'Bad', '--stage', 'X:sideways'],
        ['templates', 'add', 'Bad', '--stage', 'X:fixed'],
        ['templates', 'add', 'Bad', '--stage', 'X:uploader:someone@example.org'],
        ['templates', 'add', 'Bad'],
        ['teams', 'add', 'Bad', '--color', 'red'],
      ]) {
        const r = await env.run(args);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, /^atelier: /);
      }
      const noMember = await env.run(['teams', 'add', 'Ghosts', '--member', 'nobody@example.org']);
      assert.equal(noMember.code, 5);
      assert.match(noMember.stderr, /^atelier: no member with e-mail "nobody@example.org" in this account\n$/);
      const noTeam = await env.run(['templates', 'add', 'Bad', '--stage', 'X:fixed:team:Nope']);
      assert.equal(noTeam.code, 5);
      assert.match(noTeam.stderr, /no team "Nope" \(Editors, Legal\)/);
      assert.equal((await env.jsonLines(['teams', 'list'])).length, 2);
      assert.equal((await env.jsonLines(['templates', 'list'])).length, 1);

      // Another account sees none of it, and cannot name our team.
      assert.deepEqual(await env.jsonLines(['teams', 'list'], otherEnv), []);
      const foreign = await env.run(['teams', 'show', String(team?.id)], otherEnv);
      assert.equal(foreign.code, 5);
      const foreignTpl = await env.run(['templates', 'add', 'Theirs', '--stage', `X:fixed:${env.tenant.user_id}`], otherEnv);
      assert.equal(foreignTpl.code, 5, foreignTpl.stderr);
    });

    test('forms add, list and show; a form made here takes Workstream requests (T8)', async () => {
      const [made] = await env.jsonLines(['forms', 'add', 'Design request', '--field', '22*:Your brief', '--field', '15:Format:Print|Web', '--field', '27:Project']);
      assert.equal(made?.status, 1);
      assert.deepEqual(
        made?.fields.map((f: { type: number; content: { question: string; required?: boolean; options?: Array<{ label: string }> } }) => [
          f.type,
          f.content.question,
          f.content.required === true,
          f.content.options?.map((o) => o.label) ?? null,
        ]),
        [[29, 'Task name', true, null], [22, 'Your brief', true, null], [15, 'Format', false, ['Print', 'Web']], [27, 'Project', false, null]],
      );
      const off = await env.run(['forms', 'add', 'Later', '--inactive', '--guests']);
      assert.equal(off.code, 0, off.stderr);
      assert.match(off.stdout, /^added form [0-9a-f-]{36}\t\d+\tinactive\tLater\t1 field\tguests\n$/);
      const listed = await env.run(['forms', 'list']);
      assert.deepEqual(listed.stdout.trim().split('\n').map((l) => l.split('\t').slice(2, 5).join(' ')).sort(), ['active Design request 4 fields', 'inactive Later 1 field']);
      const shown = await env.run(['forms', 'show', 'Design request']);
      assert.equal(shown.code, 0, shown.stderr);
      const lines = shown.stdout.trim().split('\n').slice(1).map((l) => l.split('\t').slice(1));
      assert.deepEqual(lines, [['29', 'Task name', 'required'], ['22', 'Your brief', 'required'], ['15', 'Format', 'Print|Web'], ['27', 'Project']]);

      // Workstream lists it and takes a request from it.
      const ws = await env.server.req('GET', '/workstream/forms', { headers: { authorization: headers.authorization ?? '' } });
      assert.equal(ws.status, 200, JSON.stringify(ws.body));
      assert.ok(ws.body.some((f: { id: number; name: string }) => f.id === made?.sequence && f.name === 'Design request'));

      for (const args of [
        ['forms', 'add', 'Bad', '--field', 'brief'],
        ['forms', 'add', 'Bad', '--field', '99:Nope'],
        ['forms', 'add', '', '--field', '22:x'],
      ]) {
        const r = await env.run(args);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      }
      const unknown = await env.run(['forms', 'show', 'Nope']);
      assert.equal(unknown.code, 5);
      assert.equal((await env.jsonLines(['forms', 'list'])).length, 2);
      assert.deepEqual(await env.jsonLines(['forms', 'list'], otherEnv), []);
      assert.equal((await env.run(['forms', 'show', String(made?.id)], otherEnv)).code, 5);
    });

    test('projects add, list and show; sponsor by e-mail; refusals exit 2 and 5', async () => {
      const [p] = await env.jsonLines(['projects', 'add', 'Spring launch', '--sponsor', ownerEmail, '--status', 'on_hold', '--launch', '2027-03-01', '--description', '<p>Big</p>']);
      assert.deepEqual([p?.name, p?.status, p?.sponsor_id, p?.owner_id, p?.description], ['Spring launch', 'on_hold', env.tenant.user_id, env.tenant.user_id, '<p>Big</p>']);
      assert.match(String(p?.launch_date), /^2027-03-01/);
      await env.jsonLines(['projects', 'add', 'Autumn']);
      const listed = await env.run(['projects', 'list']);
      assert.equal(listed.code, 0, listed.stderr);
      assert.deepEqual(listed.stdout.trim().split('\n').map((l) => l.split('\t').slice(2, 4).join(' ')).sort(), ['active Autumn', 'on_hold Spring launch']);
      const shown = await env.run(['projects', 'show', String(p?.sequence)]);
      assert.equal(shown.code, 0, shown.stderr);
      assert.deepEqual(shown.stdout.trim().split('\n').slice(1), [`sponsor\t${ownerEmail}`, `owner\t${ownerEmail}`, 'tasks\t0\t0% done']);
      // Workstream shows it under its integer id.
      const ws = await env.server.req('GET', `/workstream/projects/${p?.sequence}`, { headers: { authorization: headers.authorization ?? '' } });
      assert.equal(ws.status, 200, JSON.stringify(ws.body));
      assert.equal(ws.body.title ?? ws.body.name, 'Spring launch');

      const badStatus = await env.run(['projects', 'add', 'X', '--status', 'paused']);
      assert.equal(badStatus.code, 2);
      const badDate = await env.run(['projects', 'add', 'X', '--launch', 'someday']);
      assert.equal(badDate.code, 2, badDate.stderr);
      const noSponsor = await env.run(['projects', 'add', 'X', '--sponsor', 'nobody@example.org']);
      assert.equal(noSponsor.code, 5);
      assert.equal((await env.jsonLines(['projects', 'list'])).length, 2);
      assert.deepEqual(await env.jsonLines(['projects', 'list'], otherEnv), []);
      assert.equal((await env.run(['projects', 'show', 'Autumn'], otherEnv)).code, 5);
      const foreignSponsor = await env.run(['projects', 'add', 'Theirs', '--sponsor', env.tenant.user_id], otherEnv);
      assert.notEqual(foreignSponsor.code, 0);
      assert.deepEqual(await env.jsonLines(['projects', 'list'], otherEnv), []);
    });
  });
}
