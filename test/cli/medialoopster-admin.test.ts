import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DATABASES } from '../harness/databases.js';
import { PeopleEnv, type Tenant } from './people-harness.js';

/*
 * `atelier devices`, `atelier production` and `atelier custom-metadata` as child processes against a real server:
 * what they print, what the server then holds (read back over the core API), and the documented exit codes for a
 * refused value (2), an unknown or another tenant's id (5) and a conflict (6).
 */

for (const kind of DATABASES) {
  describe(`atelier CLI for medialoopster administrators [${kind}]`, () => {
    const env = new PeopleEnv(kind);
    let other: Tenant;
    /** ATELIER_* for the other account's owner (no profile file needed). */
    let otherEnv: Record<string, string>;
    before(async () => {
      await env.start();
      await env.login();
      other = await env.cli.json<Tenant>(['bootstrap', '--json', '--account', 'Other Studio']);
      otherEnv = { ATELIER_URL: env.server.url, ATELIER_KEY: other.key, ATELIER_SECRET: other.secret, ATELIER_ACCOUNT_ID: other.account_id, ATELIER_WORKSPACE_ID: other.workspace_id };
    });
    after(() => env.stop());

    test('devices add, list, edit and remove; production set and show name devices by name; refusals exit 2, 5 and 6', async () => {
      const [store] = await env.jsonLines(['devices', 'add', 'Store', '/Media/Store/', '--display-name', 'Main store', '--autoshot', '--protocol', 'smb', '--server', 'nas.local']);
      assert.equal(store?.name, 'Store');
      assert.deepEqual([store?.path, store?.display_name, store?.autoshot_detection, store?.protocol, store?.server, store?.is_archive], ['/Media/Store/', 'Main store', true, 'smb', 'nas.local', false]);
      const archive = await env.run(['devices', 'add', 'Vault', '/Vault', '--archive', '--archive-connector', 'lto']);
      assert.equal(archive.code, 0, archive.stderr);
      assert.match(archive.stdout, /^added [0-9a-f-]{36}\tVault\t\/Vault\/\tcopy\tinternal,archive\n$/);

      const listed = await env.run(['devices', 'list']);
      assert.equal(listed.code, 0, listed.stderr);
      assert.deepEqual(listed.stdout.trim().split('\n').map((l) => l.split('\t').slice(1).join(' ')), ['Store /Media/Store/ smb internal,autoshot', 'Vault /Vault/ copy internal,archive']);

      // Edit by path: --no-autoshot turns the flag off, options left out keep their values.
      const [edited] = await env.jsonLines(['devices', 'edit', '/Media/Store', '--no-autoshot', '--passthrough-profile', 'h264', 'prores']);
      assert.deepEqual([edited?.id, edited?.autoshot_detection, edited?.passthrough_profiles, edited?.server], [store?.id, false, ['h264', 'prores'], 'nas.local']);
      const headers = await env.headers();
      const onServer = await env.server.req('GET', `/workspaces/devices/${store?.id}`, { headers });
      assert.deepEqual([onServer.body.autoshot_detection, onServer.body.display_name], [false, 'Main store']);

      // Production settings: devices by name, `none` clears one.
      const set = await env.run(['production', 'set', '--codename', 'spring_show', '--default-approval', '1', '--video-device', 'Store', '--upload-device', '/Vault/']);
      assert.equal(set.code, 0, set.stderr);
      assert.match(set.stdout, /^codename\s+spring_show$/m);
      assert.match(set.stdout, /^videoasset_device_id\s+Store \(\/Media\/Store\/\)$/m);
      const [shown] = await env.jsonLines(['production', 'show']);
      assert.deepEqual(
        [shown?.codename, shown?.default_approval_status, shown?.videoasset_device_id, shown?.upload_device_id, shown?.workspace_id],
        ['spring_show', 1, store?.id, /^added ([^\t]+)\t/.exec(archive.stdout)?.[1], env.tenant.workspace_id],
      );
      const [cleared] = await env.jsonLines(['production', 'set', '--upload-device', 'none']);
      assert.equal(cleared?.upload_device_id, null);

      // Refusals: nothing to change / bad value (2), unknown device (5), nesting and a taken codename (6).
      const nothing = await env.run(['devices', 'edit', 'Store']);
      assert.equal(nothing.code, 2);
      assert.match(nothing.stderr, /^atelier: nothing to change/);
      const badApproval = await env.run(['production', 'set', '--default-approval', '7']);
      assert.equal(badApproval.code, 2);
      const badProtocol = await env.run(['devices', 'add', 'X', '/X/', '--protocol', 'nfs']);
      assert.equal(badProtocol.code, 2);
      assert.match(badProtocol.stderr, /Allowed choices are copy, ftp, smb/);
      const badCodename = await env.run(['production', 'set', '--codename', 'has spaces']);
      assert.equal(badCodename.code, 2);
      assert.match(badCodename.stderr, /^atelier: .*\/codename.*\[400 validation_failed, request .+\]\n$/);
      const unknown = await env.run(['devices', 'remove', 'Nope']);
      assert.equal(unknown.code, 5);
      assert.match(unknown.stderr, /^atelier: no device "Nope" in this workspace \(Store, Vault\)\n$/);
      const nested = await env.run(['devices', 'add', 'Inner', '/Media/Store/inner/']);
      assert.equal(nested.code, 6);
      assert.match(nested.stderr, /\[409 device_paths_nest, request .+\]\n$/);
      await env.run(['production', 'set', '--codename', 'taken'], otherEnv);
      const taken = await env.run(['production', 'set', '--codename', 'spring_show'], otherEnv);
      assert.equal(taken.code, 0, 'codenames are unique per account, not across accounts');

      // Another account's owner: our device is not theirs (5), and our settings are untouched.
      const foreign = await env.run(['devices', 'edit', String(store?.id), '--name', 'Mine now'], otherEnv);
      assert.equal(foreign.code, 5);
      assert.deepEqual((await env.jsonLines(['devices', 'list'], otherEnv)).length, 0);
      assert.equal((await env.server.req('GET', `/workspaces/devices/${store?.id}`, { headers })).body.name, 'Store');

      const removed = await env.run(['devices', 'remove', 'Vault']);
      assert.equal(removed.code, 0, removed.stderr);
      assert.match(removed.stdout, /^removed device Vault \(\/Vault\/, [0-9a-f-]{36}\)\n$/);
      assert.deepEqual((await env.jsonLines(['devices', 'list'])).map((d) => d.name), ['Store']);
    });

    test('custom-metadata add-set, add-rule, add-field (by names), list and remove-field; refusals exit 2, 5 and 6', async () => {
      const [set] = await env.jsonLines(['custom-metadata', 'add-set', 'Credits', '--type', 'video']);
      assert.deepEqual([set?.kind, set?.name, set?.content_type], ['set', 'Credits', 'video']);
      const rule = await env.run(['custom-metadata', 'add-rule', 'Initials', '[A-Z]{2,3}', '--message', 'Two or three capitals.']);
      assert.equal(rule.code, 0, rule.stderr);
      assert.match(rule.stdout, /^added rule Initials \/\[A-Z\]\{2,3\}\/ \([0-9a-f-]{36}\)\n$/);
      const [field] = await env.jsonLines(['custom-metadata', 'add-field', 'Credits', 'company.cvams.director', 'Director', '--rule', 'Initials', '--order', '2']);
      assert.deepEqual([field?.key, field?.value, field?.order, field?.set_id], ['company.cvams.director', 'Director', 2, set?.id]);
      await env.jsonLines(['custom-metadata', 'add-field', String(set?.id), 'company.cvams.episode', 'Episode']);

      const listed = await env.run(['custom-metadata', 'list']);
      assert.equal(listed.code, 0, listed.stderr);
      const lines = listed.stdout.trim().split('\n').map((l) => l.split('\t'));
      assert.deepEqual(lines.map((l) => [l[0], l[2]]), [['set', 'Credits'], ['rule', 'Initials'], ['field', 'company.cvams.director'], ['field', 'company.cvams.episode']]);
      assert.deepEqual(lines[2]?.slice(3), ['Director', 'set Credits', 'rule Initials']);
      const onServer = await env.server.req('GET', '/accounts/custom-metadata', { headers: await env.headers() });
      const ruleId = /\(([0-9a-f-]{36})\)\n$/.exec(rule.stdout)?.[1];
      assert.equal(field?.rule_id, ruleId);
      assert.equal(onServer.body.fields.find((f: { key: string }) => f.key === 'company.cvams.director')?.rule_id, ruleId);
      assert.equal(onServer.body.rules[0]?.message, 'Two or three capitals.');

      const badRegex = await env.run(['custom-metadata', 'add-rule', 'Broken', '([a-z']);
      assert.equal(badRegex.code, 2);
      const badKey = await env.run(['custom-metadata', 'add-field', 'Credits', 'has space', 'X']);
      assert.equal(badKey.code, 2);
      const noType = await env.run(['custom-metadata', 'add-set', 'Untyped']);
      assert.equal(noType.code, 2);
      const dup = await env.run(['custom-metadata', 'add-field', 'Credits', 'company.cvams.episode', 'Again']);
      assert.equal(dup.code, 6);
      assert.match(dup.stderr, /\[409 custom_metadata_key_taken, request .+\]\n$/);
      const noSet = await env.run(['custom-metadata', 'add-field', 'Nope', 'a.b', 'X']);
      assert.equal(noSet.code, 5);
      assert.match(noSet.stderr, /^atelier: no custom metadata set "Nope" \(Credits\)\n$/);

      // Another account's owner: our set's id and our field's id are unknown there (5), nothing of ours changes.
      const foreignSet = await env.run(['custom-metadata', 'add-field', String(set?.id), 'x.y', 'X'], otherEnv);
      assert.equal(foreignSet.code, 5);
      const foreignRemove = await env.run(['custom-metadata', 'remove-field', String(field?.id)], otherEnv);
      assert.equal(foreignRemove.code, 5);
      assert.deepEqual(await env.jsonLines(['custom-metadata', 'list'], otherEnv), []);

      const removed = await env.run(['custom-metadata', 'remove-field', 'company.cvams.director']);
      assert.equal(removed.code, 0, removed.stderr);
      assert.equal(removed.stdout, `removed field company.cvams.director (${field?.id})\n`);
      const left = (await env.jsonLines(['custom-metadata', 'list'])).filter((r) => r.kind === 'field').map((r) => r.key);
      assert.deepEqual(left, ['company.cvams.episode']);
      const gone = await env.run(['custom-metadata', 'remove-field', 'company.cvams.director']);
      assert.equal(gone.code, 5);
    });
  });
}
