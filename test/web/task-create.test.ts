import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { TestApp } from '../harness/app.js';
import type { Tenant } from '../harness/factories.js';
import { assertAccessible, closeAll, launch, screenshot, signIn } from './browser.js';
import { namePeople } from './people.js';

/*
 * Creating tasks in the web app (web/src/work/task-form.tsx), in Chromium against the real server (SQLite only, as
 * test/web/app.test.ts explains): an editor's task from the Work page lands in its status's column and in My tasks
 * with the chosen assignee, due date and priority on the server; a blank title is refused under the Title field and
 * creates nothing; a task made on an asset page carries that asset and is listed there; a viewer is offered neither.
 */

const PASSWORD = 'studio password 1';

describe('creating tasks in Chromium', { timeout: 300_000 }, () => {
  const t = new TestApp('sqlite');
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  let base: string;
  let owner: Tenant;
  let editor: Tenant;
  let viewer: Tenant;
  let assetId: string;
  let page: Page;

  async function taskCount(): Promise<number> {
    const res = await t.req('GET', '/workspaces/tasks', { headers: owner.headers, query: { limit: '500' } });
    assert.equal(res.status, 200, res.text);
    return (res.body.tasks as unknown[]).length;
  }

  async function openAs(who: Tenant): Promise<Page> {
    assert.ok(browser);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const p = await context.newPage();
    await signIn(p, base, who.email, PASSWORD);
    return p;
  }

  /** Navigates and waits until the page has its permissions (buttons for editors show only after that answer). */
  async function gotoWithPermissions(p: Page, path: string): Promise<void> {
    const answered = p.waitForResponse((r) => r.url().endsWith('/users/permissions') && r.status() === 200);
    await p.goto(`${base}${path}`);
    await (await answered).finished();
    // One more task for React to render with the answer.
    await p.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50))));
  }

  before(async () => {
    await t.start();
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    owner = await t.factory.tenant();
    editor = await t.factory.member(owner, { workspace: 'editor' });
    viewer = await t.factory.member(owner, { workspace: 'viewer' });
    await namePeople(t, PASSWORD, [[owner, 'Olga', 'Owner'], [editor, 'Edna', 'Editor'], [viewer, 'Vic', 'Viewer']]);
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#30a060' } }).png().toBuffer();
    const asset = await t.req('POST', '/workspaces/assets', {
      headers: { ...owner.headers, 'content-type': 'application/octet-stream' },
      query: { file_name: 'forest.png', file_location: '/Sets/' },
      payload: png,
    });
    assert.equal(asset.status, 201, asset.text);
    assetId = asset.body.id;
    // A task on the asset already, and one elsewhere: the asset page lists the first only.
    const onAsset = await t.req('POST', '/workspaces/tasks', { headers: owner.headers, json: { title: 'Light the forest', asset_id: assetId } });
    assert.equal(onAsset.status, 200, onAsset.text);
    const elsewhere = await t.req('POST', '/workspaces/tasks', { headers: owner.headers, json: { title: 'Unrelated chore' } });
    assert.equal(elsewhere.status, 200, elsewhere.text);
    await t.jobs.runUntilIdle();
    browser = await launch();
    page = await openAs(editor);
  });

  after(async () => {
    await closeAll(browser, contexts, () => t.stop());
  });

  test('an editor creates a task with assignee, due date, priority and status from the Work page', async () => {
    await gotoWithPermissions(page, '/work');
    await page.getByRole('heading', { name: 'Board' }).waitFor();
    assert.equal(await page.getByRole('list', { name: 'My tasks' }).count(), 0, 'nothing is assigned to the editor yet');
    await page.getByRole('button', { name: 'New task' }).click();
    const form = page.getByRole('region', { name: 'New task' });
    await form.getByLabel('Title').waitFor();
    // The form opens on the title, with the workspace's first status chosen and Medium priority.
    assert.equal(await page.evaluate(() => document.activeElement?.closest('label')?.textContent?.trim()), 'Title');
    await form.getByRole('option', { name: 'In Progress' }).waitFor({ state: 'attached' });
    assert.equal(await form.getByLabel('Status').locator('option:checked').textContent(), 'Pending');
    assert.equal(await form.getByLabel('Priority').inputValue(), 'Medium');
    assert.deepEqual(await form.getByLabel('Priority').locator('option').allTextContents(), ['Low', 'Medium', 'High']);
    await assertAccessible(page, 'new task form');
    await screenshot(page, 'task-create-form');

    const before = await taskCount();
    await form.getByLabel('Title').fill('Storyboard the chase');
    await form.getByLabel('Description').fill('Six panels, night.');
    await form.getByLabel('Assignee').selectOption({ label: 'Edna Editor' });
    await form.getByLabel('Due date').fill('2027-03-15');
    await form.getByLabel('Priority').selectOption('High');
    await form.getByLabel('Status').selectOption({ label: 'In Progress' });
    await form.getByRole('button', { name: 'Create task' }).click();

    const card = page.getByRole('list', { name: 'In Progress tasks' }).getByRole('listitem').filter({ hasText: 'Storyboard the chase' });
    await card.waitFor();
    assert.equal(await form.count(), 0, 'the form closes');
    assert.match((await card.textContent()) ?? '', new RegExp(`${editor.email.replace(/[.]/g, '\\.')} · High`));
    await page.getByRole('list', { name: 'My tasks' }).getByRole('link', { name: 'Storyboard the chase' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Task “Storyboard the chase” created.' }).waitFor();
    // The focus is on the new card's link.
    await page.waitForFunction(() => document.activeElement?.textContent === 'Storyboard the chase' && document.activeElement.closest('.task-card') !== null);

    assert.equal(await taskCount(), before + 1);
    const list = await t.req('GET', '/workspaces/tasks', { headers: owner.headers, query: { q: 'Storyboard' } });
    assert.equal(list.body.tasks.length, 1);
    const got = await t.req('GET', `/workspaces/tasks/${list.body.tasks[0].id}`, { headers: owner.headers });
    assert.equal(got.status, 200, got.text);
    assert.equal(got.body.title, 'Storyboard the chase');
    assert.equal(got.body.description, 'Six panels, night.');
    assert.equal(got.body.assignee_id, editor.userId);
    assert.equal(got.body.creator_id, editor.userId);
    assert.equal(got.body.priority, 'High');
    assert.equal(got.body.status, 'In Progress');
    assert.equal(got.body.due_date.slice(0, 10), '2027-03-15');
    assert.equal(got.body.asset_id, null);
  });

  test('a blank title is refused under the Title field and nothing is created', async () => {
    const before = await taskCount();
    await page.getByRole('button', { name: 'New task' }).click();
    const form = page.getByRole('region', { name: 'New task' });
    await form.getByLabel('Description').fill('A task without a name');
    await form.getByLabel('Priority').selectOption('Low');
    const posted = page.waitForResponse((r) => r.url().endsWith('/workspaces/tasks') && r.request().method() === 'POST');
    await form.getByRole('button', { name: 'Create task' }).click();
    assert.equal((await posted).status(), 400);
    const title = form.getByLabel('Title');
    await page.waitForFunction(() => document.querySelector('[aria-invalid="true"]') !== null);
    assert.equal(await title.getAttribute('aria-invalid'), 'true');
    const describedBy = await title.getAttribute('aria-describedby');
    assert.ok(describedBy, 'the Title field names its error');
    const message = page.locator(`[id="${describedBy}"]`);
    assert.equal(await message.textContent(), 'must not be empty');
    // The message sits right under the Title field, before the description.
    assert.equal(await message.evaluate((el) => el.previousElementSibling?.textContent?.trim()), 'Title');
    // The focus went to the field in question, and what was typed is kept.
    assert.equal(await title.evaluate((el) => el === document.activeElement), true);
    assert.equal(await form.getByLabel('Description').inputValue(), 'A task without a name');
    await assertAccessible(page, 'new task form with an error');
    await screenshot(page, 'task-create-refused');
    assert.equal(await taskCount(), before);
    const leftover = await t.req('GET', '/workspaces/tasks', { headers: owner.headers, query: { q: 'without' } });
    assert.equal(leftover.body.tasks.length, 0);
    // Cancel closes the form and gives the focus back to the button.
    await form.getByRole('button', { name: 'Cancel' }).click();
    await page.waitForFunction(() => document.activeElement?.textContent === 'New task');
    assert.equal(await taskCount(), before);
  });

  test('a task created on an asset page has that asset and is listed there', async () => {
    await gotoWithPermissions(page, `/a/${assetId}`);
    const tasks = page.getByRole('region', { name: 'Tasks', exact: true });
    const open = tasks.getByRole('list', { name: 'Open tasks of this asset' });
    await open.getByRole('link', { name: 'Light the forest' }).waitFor();
    assert.deepEqual(await open.getByRole('link').allTextContents(), ['Light the forest']);
    assert.equal(await open.getByRole('link', { name: 'Light the forest' }).getAttribute('href'), `/work/t/${(await t.req('GET', '/workspaces/tasks', { headers: owner.headers, query: { q: 'Light the forest' } })).body.tasks[0].id}`);
    const before = await taskCount();
    await tasks.getByRole('button', { name: 'New task for this asset' }).click();
    const form = page.getByRole('region', { name: 'New task for this asset' });
    await form.getByLabel('Title').fill('Add fog to the forest');
    await form.getByLabel('Assignee').selectOption({ label: 'Olga Owner' });
    await form.getByRole('option', { name: 'Pending' }).waitFor({ state: 'attached' });
    await assertAccessible(page, 'asset page new task form');
    await screenshot(page, 'task-create-asset');
    await form.getByRole('button', { name: 'Create task' }).click();
    await open.getByRole('link', { name: 'Add fog to the forest' }).waitFor();
    assert.equal(await form.count(), 0, 'the form closes');
    await page.waitForFunction(() => document.activeElement?.textContent === 'Add fog to the forest');
    assert.equal(await taskCount(), before + 1);

    const onAsset = await t.req('GET', `/workspaces/assets/${assetId}/tasks`, { headers: owner.headers });
    assert.equal(onAsset.status, 200, onAsset.text);
    const fog = (onAsset.body as Array<{ id: string; title: string }>).find((x) => x.title === 'Add fog to the forest');
    assert.ok(fog, 'the API lists the new task on the asset');
    const got = await t.req('GET', `/workspaces/tasks/${fog.id}`, { headers: owner.headers });
    assert.equal(got.body.asset_id, assetId);
    assert.equal(got.body.assignee_id, owner.userId);
    assert.equal(got.body.status, 'Pending');
    assert.equal(got.body.priority, 'Medium');
    // Its link opens its task page.
    await open.getByRole('link', { name: 'Add fog to the forest' }).click();
    await page.waitForURL(new RegExp(`/work/t/${fog.id}$`));
    await page.getByRole('heading', { name: 'Add fog to the forest' }).waitFor();
  });

  test('an editor edits a task on its page (only what changed is sent; emptied fields cleared), is refused a blank title, and deletes it', async () => {
    const made = await t.req('POST', '/workspaces/tasks', {
      headers: owner.headers,
      json: { title: 'Paint the moon', description: 'Pale.', assignee_id: editor.userId, due_date: '2027-01-10', priority: 'Low' },
    });
    assert.equal(made.status, 200, made.text);
    const id = made.body.id as string;
    const onServer = async () => (await t.req('GET', `/workspaces/tasks/${id}`, { headers: owner.headers })).body;
    const patches: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'PATCH' && r.url().includes(`/workspaces/tasks/${id}`)) patches.push(r.postData() ?? '');
    });
    await gotoWithPermissions(page, `/work/t/${id}`);
    await page.getByRole('heading', { name: 'Paint the moon' }).waitFor();
    await page.getByRole('button', { name: 'Edit task' }).click();
    const form = page.getByRole('region', { name: 'Edit task' });
    await form.getByRole('option', { name: 'In Progress' }).waitFor({ state: 'attached' });
    assert.equal(await form.getByLabel('Title').inputValue(), 'Paint the moon');
    assert.equal(await form.getByLabel('Description').inputValue(), 'Pale.');
    assert.equal(await form.getByLabel('Assignee').locator('option:checked').textContent(), 'Edna Editor');
    assert.equal(await form.getByLabel('Due date').inputValue(), '2027-01-10');
    assert.equal(await form.getByLabel('Priority').inputValue(), 'Low');
    await assertAccessible(page, 'edit task form');

    // A blank title: refused under the field, nothing changed on the server.
    await form.getByLabel('Title').fill('   ');
    await form.getByRole('button', { name: 'Save task' }).click();
    await form.getByLabel('Title').and(page.locator('[aria-invalid="true"]')).waitFor();
    assert.equal((await onServer()).title, 'Paint the moon');

    await form.getByLabel('Title').fill('Paint the full moon');
    await form.getByLabel('Assignee').selectOption({ label: 'Nobody' });
    await form.getByLabel('Due date').fill('');
    await form.getByLabel('Priority').selectOption('High');
    await form.getByRole('button', { name: 'Save task' }).click();
    await page.getByRole('heading', { name: 'Paint the full moon' }).waitFor();
    assert.equal(await form.count(), 0, 'the form closes');
    const saved = await onServer();
    assert.deepEqual(
      { title: saved.title, description: saved.description, assignee_id: saved.assignee_id, due_date: saved.due_date, priority: saved.priority, status: saved.status },
      { title: 'Paint the full moon', description: 'Pale.', assignee_id: null, due_date: null, priority: 'High', status: 'Pending' },
    );
    assert.deepEqual(JSON.parse(patches.at(-1)!), { title: 'Paint the full moon', assignee_id: null, priority: 'High', due_date: null }, 'only the changed fields');

    await page.getByRole('button', { name: 'Delete task' }).click();
    await page.getByRole('button', { name: 'Delete for good' }).click();
    await page.waitForURL(/\/work$/);
    assert.equal((await t.req('GET', `/workspaces/tasks/${id}`, { headers: owner.headers })).status, 404);
  });

  test('a viewer is offered no New task, on the Work page or on an asset page, and the API refuses them', async () => {
    const p = await openAs(viewer);
    await gotoWithPermissions(p, '/work');
    await p.getByRole('heading', { name: 'Board' }).waitFor();
    await p.getByRole('link', { name: 'Storyboard the chase' }).first().waitFor();
    assert.equal(await p.getByRole('button', { name: 'New task' }).count(), 0);
    await gotoWithPermissions(p, `/a/${assetId}`);
    await p.getByRole('list', { name: 'Open tasks of this asset' }).getByRole('link', { name: 'Add fog to the forest' }).waitFor();
    assert.equal(await p.getByRole('button', { name: 'New task for this asset' }).count(), 0);
    // Nor, on a task's page, Edit task or Delete task.
    const chase = (await t.req('GET', '/workspaces/tasks', { headers: owner.headers, query: { q: 'Storyboard' } })).body.tasks[0];
    await gotoWithPermissions(p, `/work/t/${chase.id}`);
    await p.getByRole('heading', { name: 'Storyboard the chase' }).waitFor();
    assert.equal(await p.getByRole('button', { name: 'Edit task' }).count(), 0);
    assert.equal(await p.getByRole('button', { name: 'Delete task' }).count(), 0);
    const before = await taskCount();
    const refused = await t.req('POST', '/workspaces/tasks', { headers: viewer.headers, json: { title: 'Sneaky' } });
    assert.equal(refused.status, 403, refused.text);
    assert.equal(await taskCount(), before);
  });
});
