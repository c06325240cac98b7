import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { setUserPassword } from '../../src/domain/auth/passwords.service.js';
import { TestApp } from '../harness/app.js';
import type { Tenant } from '../harness/factories.js';
import { HttpSink } from '../harness/http-sink.js';
import { assertAccessible, closeAll, launch, PAGE_TIMEOUT_MS, screenshot, signIn } from './browser.js';

/*
 * Administration and projects in Chromium against the real server (SQLite only, as test/web/app.test.ts explains):
 * a webhook created on the page to a local HTTP listener receives a real event, which shows in its delivery log; a
 * workspace setting saved on the page persists and a bad value shows the API's message under the field; a project
 * created on the page gets an asset; a member is removed; a viewer sees none of the admin actions.
 */

const PASSWORD = 'studio password 1';

/** Retries an assertion for up to 10 s (a change the page sends without showing a message). */
async function eventually(check: () => Promise<void>): Promise<void> {
  const until = Date.now() + 10_000;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > until) {
        throw err;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('administration and projects in Chromium', { timeout: 300_000 }, () => {
  const t = new TestApp('sqlite');
  const sink = new HttpSink();
  let browser: Browser;
  let viewerContext: BrowserContext | undefined;
  let page: Page;
  let base: string;
  let ten: Tenant;
  let viewer: Tenant;
  let leaver: Tenant;
  let projectId = '';
  let dragonId = '';

  const upload = async (name: string, color: string) => {
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: color } }).png().toBuffer();
    const res = await t.req('POST', '/workspaces/assets', {
      headers: { ...ten.headers, 'content-type': 'application/octet-stream' },
      query: { file_name: name, file_location: '/Art/' },
      payload: png,
    });
    assert.equal(res.status, 201, res.text);
    return res.body.id as string;
  };

  before(async () => {
    await sink.start();
    await t.start({ WEBHOOK_ALLOW_PRIVATE: 'true' });
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    ten = await t.factory.tenant();
    viewer = await t.factory.member(ten, { workspace: 'viewer' });
    leaver = await t.factory.member(ten, { workspace: 'editor' });
    await setUserPassword(t.deps, { email: ten.email, password: PASSWORD });
    await setUserPassword(t.deps, { email: viewer.email, password: PASSWORD });
    dragonId = await upload('dragon.png', '#3060c0');
    await t.jobs.runUntilIdle();
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, base, ten.email, PASSWORD);
  }, { timeout: 180_000 });

  after(async () => {
    await sink.stop();
    await closeAll(browser as Browser | undefined, viewerContext ? [viewerContext] : [], () => t.stop());
  });

  test('a webhook made on the page receives an event, which shows in its delivery log; a test ping is logged too', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('heading', { name: 'New webhook' }).waitFor();
    await page.getByText('No webhooks yet.').waitFor();
    // A refusal by the API shows under its field.
    await page.getByLabel('Endpoint URL').fill('ftp://example.com/hook');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    await page.getByText('must be http or https').waitFor();
    assert.equal(await page.getByLabel('Endpoint URL').getAttribute('aria-invalid'), 'true');
    assert.equal(await t.count('webhooks'), 0);

    await page.getByLabel('Endpoint URL').fill(`${sink.url}/hook`);
    await page.getByLabel('Events', { exact: true }).fill('asset_created');
    await page.getByLabel('Description (optional)').fill('Render farm');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    const secret = (await page.getByTestId('webhook-secret').textContent()) ?? '';
    assert.match(secret, /^whsec_[A-Za-z0-9+/=]{32,}$/);
    const listed = await t.req('GET', '/workspaces/webhooks', { headers: ten.headers });
    assert.equal(listed.body.length, 1);
    assert.equal(listed.body[0].url, `${sink.url}/hook`);
    assert.deepEqual(listed.body[0].event_types, ['asset_created']);
    assert.notEqual(listed.body[0].secret, secret, 'the list masks the secret');
    await page.getByRole('table', { name: 'Webhooks' }).getByText('Render farm').waitFor();
    await assertAccessible(page, 'webhooks');
    await screenshot(page, 'admin-webhooks');

    // A real event: an upload is asset_created, delivered to the listener by the job queue.
    const assetId = await upload('knight.png', '#c03030');
    await t.jobs.runUntilIdle();
    const got = sink.requests.filter((r) => r.path === '/hook');
    assert.equal(got.length, 1);
    assert.equal(JSON.parse(got[0]!.body).type, 'asset_created');
    assert.match(String(got[0]!.headers['webhook-signature']), /^v1,/);

    await page.getByRole('button', { name: `Deliveries of ${sink.url}/hook` }).click();
    const log = page.getByRole('table', { name: `Delivery log of ${sink.url}/hook` });
    const row = log.locator('tbody tr').first();
    await row.waitFor();
    assert.equal(await row.getAttribute('data-state'), 'succeeded');
    const cells = await row.locator('td').allTextContents();
    assert.match(cells[1] ?? '', /^asset_created/);
    assert.equal(cells[2], 'Delivered');
    assert.equal(cells[3], '200');
    assert.equal(cells[4], '1');
    assert.match(cells[6] ?? '', /^\d+ ms$/);
    await row.locator('summary').click();
    const payload = await row.getByRole('figure', { name: 'Payload sent' }).textContent();
    assert.match(payload ?? '', new RegExp(assetId));
    await assertAccessible(page, 'webhook deliveries');
    await screenshot(page, 'admin-webhook-deliveries');
    await page.setViewportSize({ width: 390, height: 800 });
    await assertAccessible(page, 'webhooks at phone width');
    await screenshot(page, 'admin-webhooks-phone');
    await page.setViewportSize({ width: 1280, height: 800 });

    // Send a test ping and the delivery again: both reach the listener and the log.
    const delivered = log.locator('tbody tr[data-state="succeeded"]').filter({ has: page.locator('summary', { hasText: 'asset_created' }) });
    await delivered.getByRole('button', { name: /^Send again: asset_created of / }).click();
    await page.getByText('The asset_created message was queued again.').waitFor();
    await page.getByRole('button', { name: `Send test ping to ${sink.url}/hook` }).click();
    await log.locator('tbody tr summary', { hasText: 'ping' }).waitFor();
    await t.jobs.runUntilIdle();
    assert.equal(sink.requests.filter((r) => r.path === '/hook').length, 3);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await log.locator('tbody tr').nth(2).waitFor();
    const types = await log.locator('tbody tr summary').allTextContents();
    assert.deepEqual([...types].sort(), ['asset_created', 'asset_created', 'ping']);

    // The log pages by 25: 23 more pings make 26, and "Show older deliveries" fetches the last.
    for (let i = 0; i < 23; i += 1) {
      assert.equal((await t.req('POST', `/workspaces/webhooks/${listed.body[0].id}/test`, { headers: ten.headers })).status, 202);
    }
    await page.getByRole('button', { name: 'Refresh' }).click();
    await log.locator('tbody tr').nth(24).waitFor();
    assert.equal(await log.locator('tbody tr').count(), 25);
    await page.getByRole('button', { name: 'Show older deliveries' }).click();
    await log.locator('tbody tr').nth(25).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Show older deliveries' }).count(), 0);

    // Edit: pause it.
    await page.getByRole('button', { name: `Edit ${sink.url}/hook` }).click();
    const hooksTable = page.getByRole('table', { name: 'Webhooks' });
    await hooksTable.getByLabel('Active (deliver events)').uncheck();
    await hooksTable.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('table', { name: 'Webhooks' }).getByRole('cell', { name: 'Paused' }).waitFor();
    const paused = await t.req('GET', `/workspaces/webhooks/${listed.body[0].id}`, { headers: ten.headers });
    assert.equal(paused.body.active, false);
  });

  test('a workspace setting saved on the page persists after a reload; a bad value shows the API\'s message under the field', async () => {
    await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Settings' }).click();
    const workspace = page.getByRole('region', { name: 'Workspace settings' });
    const retention = workspace.getByLabel('Trash retention days');
    await retention.fill('14');
    await workspace.locator('form[data-setting="trash_retention_days"]').getByRole('button', { name: 'Save' }).click();
    await workspace.getByText('Saved.').waitFor();
    await page.reload();
    await page.getByRole('region', { name: 'Workspace settings' }).getByLabel('Trash retention days').waitFor();
    assert.equal(await page.getByRole('region', { name: 'Workspace settings' }).getByLabel('Trash retention days').inputValue(), '14');
    const stored = await t.req('GET', '/workspaces/settings', { headers: ten.headers });
    assert.equal(stored.body.find((s: { key: string }) => s.key === 'trash_retention_days').value, 14);

    const field = page.getByRole('region', { name: 'Workspace settings' }).getByLabel('Trash retention days');
    await field.fill('0');
    await page.locator('form[data-setting="trash_retention_days"]').first().getByRole('button', { name: 'Save' }).click();
    const message = page.locator('form[data-setting="trash_retention_days"]').first().getByRole('alert');
    await message.waitFor();
    assert.equal((await message.textContent()) ?? '', 'Invalid value for trash_retention_days: Expected integer to be greater or equal to 1.');
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    assert.match((await field.getAttribute('aria-describedby')) ?? '', new RegExp((await message.getAttribute('id')) ?? 'none'));
    const unchanged = await t.req('GET', '/workspaces/settings', { headers: ten.headers });
    assert.equal(unchanged.body.find((s: { key: string }) => s.key === 'trash_retention_days').value, 14);

    // A list setting: the default status of new assets, chosen from the workspace's statuses.
    const statuses = await t.req('GET', '/workspaces/assetStatuses', { headers: ten.headers });
    const first = statuses.body[0] as { id: string; name: string };
    const def = page.locator('form[data-setting="default_asset_status_id"]');
    await def.getByRole('combobox').selectOption({ label: first.name });
    await def.getByRole('button', { name: 'Save' }).click();
    await def.getByText('Saved.').waitFor();
    const after = await t.req('GET', '/workspaces/settings', { headers: ten.headers });
    assert.equal(after.body.find((s: { key: string }) => s.key === 'default_asset_status_id').value, first.id);
    await page.getByRole('region', { name: 'Account settings' }).waitFor();

    // Task statuses: add one, mark it closed, delete it.
    const taskStatuses = page.getByRole('region', { name: 'Task statuses' });
    await taskStatuses.getByLabel('New status').fill('On review');
    await taskStatuses.getByRole('button', { name: 'Add status' }).click();
    await taskStatuses.getByLabel('Name of On review').waitFor();
    const named = async () => ((await t.req('GET', '/workspaces/tasks/statuses', { headers: ten.headers })).body as Array<{ name: string; is_closed: boolean }>).find((s) => s.name === 'On review');
    assert.equal((await named())?.is_closed, false);
    const item = taskStatuses.getByRole('listitem').filter({ has: page.getByLabel('Name of On review') });
    await item.getByLabel('Closed').check();
    await item.getByRole('button', { name: 'Save On review' }).click();
    await eventually(async () => assert.equal((await named())?.is_closed, true));
    await taskStatuses.getByRole('button', { name: 'Delete On review' }).click();
    await taskStatuses.getByLabel('Name of On review').waitFor({ state: 'detached' });
    assert.equal(await named(), undefined);
    await page.getByRole('list', { name: 'Task statuses' }).waitFor();
    await assertAccessible(page, 'settings');
    await screenshot(page, 'admin-settings');
    await page.setViewportSize({ width: 390, height: 800 });
    await screenshot(page, 'admin-settings-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  test('a project made on the page gets an asset, shown on its page and counted in the list', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Projects' }).click();
    await page.getByText('No projects yet.', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'New project' }).click();
    await page.getByLabel('Name').fill('Spring launch');
    await page.getByLabel('Description').fill('Trailer and key art');
    await page.getByLabel('Launch date').fill('2027-03-01');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('heading', { name: 'Spring launch', level: 1 }).waitFor();
    projectId = decodeURIComponent(new URL(page.url()).pathname.slice('/projects/'.length));
    await page.getByText('No assets are linked to this project yet.').waitFor();
    await page.getByLabel('Find assets to add').fill('dragon');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('button', { name: 'Add dragon.png to the project' }).click();
    const tiles = page.getByRole('list', { name: 'Project assets' });
    await tiles.getByRole('link', { name: 'dragon.png' }).waitFor();
    await page.getByRole('heading', { name: 'Assets (1)' }).waitFor();
    const linked = await t.req('GET', `/workspaces/projects/${projectId}/assets`, { headers: ten.headers });
    assert.deepEqual(linked.body.map((a: { name: string }) => a.name), ['dragon.png']);
    const project = await t.req('GET', `/workspaces/projects/${projectId}`, { headers: ten.headers });
    assert.equal(project.body.launch_date, '2027-03-01');
    assert.equal(project.body.description, 'Trailer and key art');
    assert.match((await page.getByTestId('approval-summary').textContent()) ?? '', /0 approved, 0 pending, 1 without/);
    await page.getByText('No tasks belong to this project.').waitFor();
    // A review request on the asset is an approval (one engine): the tile and the summary show it pending.
    const review = await t.req('POST', `/workspaces/assets/${dragonId}/reviewRequests`, { headers: ten.headers, json: { user_ids: [viewer.userId], message: 'Ready?' } });
    assert.equal(review.status, 201, review.text);
    // A task put in the project (Workstream T2: the core API has no project field on tasks) is listed, linking to it.
    const task = await t.req('POST', '/workspaces/tasks', { headers: ten.headers, json: { title: 'Cut the trailer', due_date: '2027-02-01' } });
    assert.equal(task.status, 200, task.text);
    const put = await t.req('PUT', `/workstream/tasks/${task.body.sequence}`, {
      headers: { authorization: ten.headers.authorization ?? '', 'x-workspace-id': ten.workspaceId },
      json: { project_id: project.body.sequence },
    });
    assert.equal(put.status, 200, put.text);
    await page.reload();
    const taskLink = page.getByRole('list', { name: 'Project tasks' }).getByRole('link', { name: 'Cut the trailer' });
    await taskLink.waitFor();
    assert.equal(await taskLink.getAttribute('href'), `/work/t/${task.body.id}`);
    assert.match((await page.getByRole('list', { name: 'Project tasks' }).textContent()) ?? '', /Pending · due 2027-02-01/);
    await tiles.getByText('Approval pending').waitFor();
    assert.match((await page.getByTestId('approval-summary').textContent()) ?? '', /0 approved, 1 pending, 0 without/);
    await assertAccessible(page, 'project');
    await screenshot(page, 'project');
    await page.setViewportSize({ width: 390, height: 800 });
    await assertAccessible(page, 'project at phone width');
    await screenshot(page, 'project-phone');
    await page.setViewportSize({ width: 1280, height: 800 });

    // Editing with a name the API refuses shows its message under the field.
    await page.getByRole('button', { name: 'Edit project' }).click();
    await page.getByLabel('Name').fill('   ');
    await page.getByRole('button', { name: 'Save project' }).click();
    await page.locator('.field-error').first().waitFor();
    assert.equal(await page.getByLabel('Name').getAttribute('aria-invalid'), 'true');
    await page.getByLabel('Name').fill('Spring launch 2027');
    await page.locator('label', { hasText: /^Owner/ }).locator('select').selectOption(viewer.userId);
    await page.getByRole('button', { name: 'Save project' }).click();
    await page.getByRole('heading', { name: 'Spring launch 2027', level: 1 }).waitFor();
    const edited = await t.req('GET', `/workspaces/projects/${projectId}`, { headers: ten.headers });
    assert.equal(edited.body.owner_id, viewer.userId);
    assert.equal(edited.body.sponsor_id, ten.userId, 'the sponsor defaulted to the creator and stayed');

    // Watching: the admin watches the project and adds the viewer, who is told so, and then of the next change.
    await page.getByRole('button', { name: 'Watch this project' }).click();
    await page.getByRole('button', { name: 'Stop watching' }).waitFor();
    await page.getByLabel('Add a watcher').selectOption(viewer.userId);
    await page.getByRole('button', { name: 'Add watcher' }).click();
    await page.getByRole('list', { name: 'Watchers' }).getByText(viewer.email).waitFor();
    const watching = await t.req('GET', `/workspaces/projects/${projectId}/watchers`, { headers: ten.headers });
    assert.deepEqual(watching.body.watchers.map((u: { id: string }) => u.id), [ten.userId, viewer.userId]);
    await assertAccessible(page, 'project watchers');
    const launch = await t.req('PATCH', `/workspaces/projects/${projectId}`, { headers: ten.headers, json: { launch_date: '2027-04-01' } });
    assert.equal(launch.status, 200, launch.text);
    const told = await t.req('GET', '/accounts/notifications', { headers: viewer.headers });
    assert.deepEqual(
      told.body.filter((n: { data: { project_id?: string } }) => n.data.project_id === projectId).map((n: { type: string }) => n.type),
      ['project_updated', 'project_watcher_added'],
      'newest first',
    );

    await page.getByRole('link', { name: '← All projects' }).click();
    const row = page.getByRole('table', { name: 'Projects' }).getByRole('row', { name: /Spring launch 2027/ });
    await row.waitFor();
    assert.equal((await row.locator('td').nth(4).textContent())?.trim(), '1');
    await assertAccessible(page, 'projects');
    await screenshot(page, 'projects');
  });

  test('an admin changes a workspace role, removes a member from the workspace and from the account', async () => {
    await page.goto(`${base}/admin`);
    const roles = page.getByRole('table', { name: 'Workspace members' });
    await roles.getByLabel(`Workspace role of ${leaver.email}`).selectOption('viewer');
    const ws = async () => (await t.req('GET', '/workspaces/members', { headers: ten.headers })).body as Array<{ user_id: string; roles: string[] }>;
    const roleOf = async () => (await ws()).find((m) => m.user_id === leaver.userId)?.roles;
    await eventually(async () => assert.deepEqual(await roleOf(), ['viewer']));
    await roles.getByRole('button', { name: `Remove ${leaver.email} from the workspace` }).click();
    await roles.getByRole('button', { name: `Remove ${leaver.email} from the workspace` }).click();
    await roles.getByRole('rowheader', { name: leaver.email, exact: true }).waitFor({ state: 'detached' });
    assert.equal((await ws()).some((m) => m.user_id === leaver.userId), false);
    // Back in, as an editor, from the account's members.
    await page.getByLabel('Add a member of the account').selectOption({ label: leaver.email });
    await page.getByLabel('Role in the workspace').selectOption('editor');
    await page.getByRole('button', { name: 'Add to the workspace' }).click();
    await roles.getByRole('rowheader', { name: leaver.email, exact: true }).waitFor();
    assert.deepEqual((await ws()).find((m) => m.user_id === leaver.userId)?.roles, ['editor']);
    await assertAccessible(page, 'admin');
    await screenshot(page, 'admin-members');

    const accountMembers = page.getByRole('table', { name: 'Account members' });
    await accountMembers.getByRole('button', { name: `Remove ${leaver.email}`, exact: true }).click();
    await accountMembers.getByRole('button', { name: `Remove ${leaver.email} for good` }).click();
    await page.getByRole('cell', { name: leaver.email, exact: true }).waitFor({ state: 'detached' });
    const members = await t.req('GET', '/accounts/members', { headers: { ...ten.headers, 'x-account-id': ten.accountId } });
    assert.equal(members.body.some((m: { user_id: string }) => m.user_id === leaver.userId), false);
  });

  test('a viewer sees no admin actions: no Admin link, no create, edit or remove; settings read-only', async () => {
    viewerContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const v = await viewerContext.newPage();
    await signIn(v, base, viewer.email, PASSWORD);
    const nav = v.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Projects' }).waitFor();
    // The header's Admin link shows once the accounts are in; wait for the workspace switcher to fill first.
    await v.getByRole('combobox', { name: 'Workspace' }).locator('option').first().waitFor({ state: 'attached' });
    assert.equal(await nav.getByRole('link', { name: 'Admin' }).count(), 0);

    // The bell says what the admin did with the project the viewer watches, and leads to it.
    await v.getByRole('button', { name: /^Notifications, \d+ unread$/ }).click();
    const panel = v.getByRole('region', { name: 'Notifications' });
    await panel.getByRole('button', { name: /changed the project “Spring launch 2027”, which you watch$/ }).waitFor();
    await panel.getByRole('button', { name: /added you as a watcher of the project “Spring launch 2027”$/ }).click();
    await v.waitForURL(new RegExp(`/projects/${projectId}$`));
    await v.getByRole('heading', { name: 'Spring launch 2027', level: 1 }).waitFor();

    await nav.getByRole('link', { name: 'Projects' }).click();
    await v.getByRole('table', { name: 'Projects' }).getByRole('link', { name: 'Spring launch 2027' }).click();
    await v.getByRole('list', { name: 'Project assets' }).getByRole('link', { name: 'dragon.png' }).waitFor();
    await v.getByRole('heading', { name: 'Tasks (1)' }).waitFor();
    for (const name of ['Edit project', 'Delete project', 'New project', 'Search']) {
      assert.equal(await v.getByRole('button', { name }).count(), 0, name);
    }
    assert.equal(await v.getByRole('button', { name: /^Remove / }).count(), 0);

    await v.goto(`${base}/admin/webhooks`);
    await v.getByText('Only administrators of this workspace manage its webhooks.').waitFor();
    assert.equal(await v.getByLabel('Endpoint URL').count(), 0);

    await v.goto(`${base}/admin/settings`);
    const ws = v.getByRole('region', { name: 'Workspace settings' });
    await ws.getByLabel('Trash retention days').waitFor();
    assert.equal(await ws.getByLabel('Trash retention days').inputValue(), '14');
    assert.equal(await ws.getByLabel('Trash retention days').getAttribute('readonly'), '');
    await v.getByRole('list', { name: 'Asset statuses' }).waitFor();
    assert.equal(await v.getByRole('button', { name: /^Save|^Add status|^Delete/ }).count(), 0);
    assert.equal(await v.getByRole('region', { name: 'Account settings' }).count(), 0);
    await assertAccessible(v, 'settings (viewer)');

    await v.goto(`${base}/admin`);
    await v.getByRole('cell', { name: ten.email, exact: true }).waitFor();
    assert.equal(await v.getByRole('button', { name: /^Remove/ }).count(), 0);
    assert.equal(await v.getByRole('combobox', { name: /^Role of|^Workspace role of/ }).count(), 0);
    await v.getByRole('table', { name: 'Workspace members' }).getByRole('rowheader', { name: viewer.email, exact: true }).waitFor();
    assert.equal(await v.getByLabel('Add a member of the account').count(), 0);
    assert.equal(await v.getByRole('heading', { name: 'Invites' }).count(), 0);
    // The server refuses anyway.
    const refused = await v.evaluate(
      async (h) => (await fetch('/workspaces/webhooks', { headers: { 'x-account-id': h.account, 'x-workspace-id': h.workspace } })).status,
      { account: ten.accountId, workspace: ten.workspaceId },
    );
    assert.equal(refused, 403);
  });

  test('a project with 105 assets and 102 tasks shows 100 of each, and Show more brings the rest', async () => {
    const made = await t.req('POST', '/workspaces/projects', { headers: ten.headers, json: { name: 'Big campaign' } });
    assert.equal(made.status, 200, made.text);
    const ids: string[] = [];
    for (let i = 0; i < 105; i++) {
      const res = await t.req('POST', '/workspaces/assets', {
        headers: { ...ten.headers, 'content-type': 'application/octet-stream' },
        query: { file_name: `shot-${String(i).padStart(3, '0')}.txt`, file_location: '/Big/' },
        payload: Buffer.from(`shot ${i}`),
      });
      assert.equal(res.status, 201, res.text);
      ids.push(res.body.id);
    }
    for (const chunk of [ids.slice(0, 100), ids.slice(100)]) {
      const linked = await t.req('POST', `/workspaces/projects/${made.body.id}/assets`, { headers: ten.headers, json: { asset_ids: chunk } });
      assert.ok(linked.status < 300, linked.text);
    }
    const ws = { authorization: ten.headers.authorization ?? '', 'x-workspace-id': ten.workspaceId };
    for (let i = 0; i < 102; i++) {
      const task = await t.req('POST', '/workspaces/tasks', { headers: ten.headers, json: { title: `Shot task ${String(i).padStart(3, '0')}` } });
      assert.equal(task.status, 200, task.text);
      const put = await t.req('PUT', `/workstream/tasks/${task.body.sequence}`, { headers: ws, json: { project_id: made.body.sequence } });
      assert.equal(put.status, 200, put.text);
    }
    await page.goto(`${base}/projects/${made.body.id}`);
    await page.getByRole('heading', { name: 'Assets (105)' }).waitFor();
    const tiles = page.getByRole('list', { name: 'Project assets' });
    await tiles.getByRole('link', { name: 'shot-099.txt' }).waitFor();
    assert.equal(await tiles.getByRole('listitem').count(), 100);
    assert.match((await page.getByTestId('approval-summary').textContent()) ?? '', /of the 100 assets shown/);
    await page.getByRole('heading', { name: 'Tasks (102)' }).waitFor();
    assert.equal(await page.getByRole('list', { name: 'Project tasks' }).getByRole('listitem').count(), 100);
    await assertAccessible(page, 'project with more to show');
    await page.getByRole('button', { name: /Show more assets of the project/ }).click();
    await tiles.getByRole('link', { name: 'shot-104.txt' }).waitFor();
    assert.equal(await tiles.getByRole('listitem').count(), 105);
    assert.equal(await page.getByRole('button', { name: /Show more assets of the project/ }).count(), 0);
    assert.doesNotMatch((await page.getByTestId('approval-summary').textContent()) ?? '', /shown/);
    await page.getByRole('button', { name: 'Show more tasks of the project' }).click();
    await page.getByRole('list', { name: 'Project tasks' }).getByRole('listitem').nth(101).waitFor();
    assert.equal(await page.getByRole('list', { name: 'Project tasks' }).getByRole('listitem').count(), 102);
    assert.equal(await page.getByRole('button', { name: 'Show more tasks of the project' }).count(), 0);

    // The Projects page: 100 at a time too (the workspace now has 2, and 100 more).
    for (let i = 0; i < 100; i++) {
      const p = await t.req('POST', '/workspaces/projects', { headers: ten.headers, json: { name: `Side project ${String(i).padStart(3, '0')}` } });
      assert.equal(p.status, 200, p.text);
    }
    await page.goto(`${base}/projects`);
    const rows = page.getByRole('table', { name: 'Projects' }).locator('tbody tr');
    await rows.nth(99).waitFor();
    assert.equal(await rows.count(), 100);
    await page.getByRole('button', { name: 'Show more projects' }).click();
    await rows.nth(101).waitFor();
    assert.equal(await rows.count(), 102);
    assert.equal(await page.getByRole('button', { name: 'Show more projects' }).count(), 0);
  });
});
