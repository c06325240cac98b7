import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { setUserPassword } from '../../src/domain/auth/passwords.service.js';
import { enqueueJob } from '../../src/jobs/queue.js';
import { TestApp } from '../harness/app.js';
import type { Tenant } from '../harness/factories.js';
import { assertAccessible, closeAll, launch, PAGE_TIMEOUT_MS, screenshot } from './browser.js';

/*
 * The Work and Approvals pages in Chromium against the real server (SQLite only, as test/web/app.test.ts explains):
 * a card dragged to another column changes the task's status on the server, a checklist tick is stored, and an
 * approval requested on the core API is answered on the page with a message.
 */

const PASSWORD = 'studio password 1';

describe('work and approvals in Chromium', { timeout: 300_000 }, () => {
  const t = new TestApp('sqlite');
  let browser: Browser;
  let page: Page;
  let base: string;
  let ten: Tenant;
  let boss: Tenant;
  let taskId: string;
  let taskSeq: number;
  let assetId: string;

  before(async () => {
    await t.start();
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    ten = await t.factory.tenant();
    boss = await t.factory.member(ten, { workspace: 'editor' });
    await setUserPassword(t.deps, { email: ten.email, password: PASSWORD });
    const task = await t.req('POST', '/workspaces/tasks', { headers: ten.headers, json: { title: 'Paint the dragon', assignee_id: ten.userId, priority: 'High' } });
    assert.equal(task.status, 200, task.text);
    assert.equal(task.body.status, 'Pending');
    taskId = task.body.id;
    taskSeq = task.body.sequence;
    const other = await t.req('POST', '/workspaces/tasks', { headers: ten.headers, json: { title: 'Rig the knight' } });
    assert.equal(other.status, 200, other.text);
    const ws = { authorization: ten.headers.authorization ?? '', 'x-workspace-id': ten.workspaceId };
    const list = await t.req('POST', `/workstream/tasks/${taskSeq}/checklists`, {
      headers: ws,
      json: { checklist_items: [{ value: 'Sketch', status: 1 }, { value: 'Colour', status: 0 }] },
    });
    assert.equal(list.status, 200, list.text);
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#3060c0' } }).png().toBuffer();
    const asset = await t.req('POST', '/workspaces/assets', {
      headers: { ...boss.headers, 'content-type': 'application/octet-stream' },
      query: { file_name: 'dragon.png', file_location: '/Art/' },
      payload: png,
    });
    assert.equal(asset.status, 201, asset.text);
    assetId = asset.body.id;
    const rr = await t.req('POST', `/workspaces/assets/${assetId}/reviewRequests`, { headers: boss.headers, json: { user_ids: [ten.userId], message: 'Is the dragon ready?' } });
    assert.equal(rr.status, 201, rr.text);
    await t.jobs.runUntilIdle();
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(PAGE_TIMEOUT_MS);
    page.setDefaultNavigationTimeout(PAGE_TIMEOUT_MS);
    await page.goto(`${base}/sign-in`);
    await page.getByLabel('E-mail').fill(ten.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/browse$/);
  });

  after(async () => {
    await closeAll(browser as Browser | undefined, [], () => t.stop());
  });

  test('my tasks and the board; dragging a card to another column changes its status on the server', async () => {
    await page.getByRole('link', { name: 'Work', exact: true }).click();
    await page.getByRole('heading', { name: 'Board' }).waitFor();
    await page.getByRole('list', { name: 'My tasks' }).getByRole('link', { name: 'Paint the dragon' }).waitFor();
    assert.equal(await page.getByRole('list', { name: 'My tasks' }).getByRole('listitem').count(), 1);
    const pending = page.getByRole('list', { name: 'Pending tasks' });
    assert.equal(await pending.getByRole('listitem').count(), 2);
    await assertAccessible(page, 'work');
    await screenshot(page, 'work');
    await pending.getByRole('listitem').filter({ hasText: 'Paint the dragon' }).dragTo(page.getByRole('region', { name: 'In Progress' }));
    await page.getByRole('list', { name: 'In Progress tasks' }).getByRole('listitem').filter({ hasText: 'Paint the dragon' }).waitFor();
    const after = await t.req('GET', `/workspaces/tasks/${taskId}`, { headers: ten.headers });
    assert.equal(after.body.status, 'In Progress');
    assert.equal(await pending.getByRole('listitem').count(), 1);
    // The keyboard way: the card's Move-to menu.
    await page.getByLabel('Move Rig the knight to').selectOption({ label: 'Completed' });
    await page.getByRole('list', { name: 'Completed tasks' }).getByRole('listitem').filter({ hasText: 'Rig the knight' }).waitFor();
    const all = await t.req('GET', '/workspaces/tasks', { headers: ten.headers, query: { q: 'knight' } });
    assert.equal(all.body.tasks[0].status, 'Completed');
    assert.ok(all.body.tasks[0].completed_at);
  });

  test('the task page ticks a checklist item and shows its watchers', async () => {
    await page.getByRole('link', { name: 'Paint the dragon' }).first().click();
    await page.getByRole('heading', { name: 'Paint the dragon' }).waitFor();
    const colour = page.getByRole('checkbox', { name: 'Colour' });
    assert.equal(await colour.isChecked(), false);
    assert.equal(await page.getByRole('checkbox', { name: 'Sketch' }).isChecked(), true);
    await colour.click();
    await page.getByRole('heading', { name: /Checklist \(2\/2\)/ }).waitFor();
    const items = await t.req('GET', `/workstream/tasks/${taskSeq}/checklists`, { headers: { authorization: ten.headers.authorization ?? '' } });
    assert.deepEqual(items.body.map((i: { value: string; status: number }) => [i.value, i.status]), [['Sketch', 1], ['Colour', 1]]);
    await page.getByText('Nobody watches this task.').waitFor();
    await assertAccessible(page, 'task');
    await screenshot(page, 'task');
  });

  test('the task page: watch the task yourself, add a colleague (notified), remove them, stop watching', async () => {
    // Still on the task page of the test before.
    await page.getByRole('heading', { name: 'Paint the dragon' }).waitFor();
    const watchersOnServer = async (): Promise<string[]> => {
      const res = await t.req('GET', `/workspaces/tasks/${taskId}/watchers`, { headers: ten.headers });
      assert.equal(res.status, 200, res.text);
      return res.body.watchers.map((u: { id: string }) => u.id);
    };
    await page.getByRole('button', { name: 'Watch this task' }).click();
    await page.getByRole('button', { name: 'Stop watching' }).waitFor();
    assert.deepEqual(await watchersOnServer(), [ten.userId]);
    await page.getByLabel('Add a watcher').selectOption(boss.userId);
    await page.getByRole('button', { name: 'Add watcher' }).click();
    await page.getByRole('list', { name: 'Watchers' }).getByText(boss.email).waitFor();
    assert.deepEqual(await watchersOnServer(), [ten.userId, boss.userId]);
    const told = await t.req('GET', '/accounts/notifications', { headers: boss.headers });
    assert.ok(told.body.some((n: { type: string; data: { task_id?: string } }) => n.type === 'task_watcher_added' && n.data.task_id === taskId), told.text);
    await assertAccessible(page, 'task watchers');
    await page.getByRole('button', { name: /^Remove .* from the watchers$/ }).nth(1).click();
    await page.getByRole('list', { name: 'Watchers' }).getByText(boss.email).waitFor({ state: 'detached' });
    assert.deepEqual(await watchersOnServer(), [ten.userId]);
    await page.getByRole('button', { name: 'Stop watching' }).click();
    await page.getByText('Nobody watches this task.').waitFor();
    assert.deepEqual(await watchersOnServer(), []);
  });

  test('an approval pending for me is answered "approve with changes" with a message; the core request completes', async () => {
    await page.getByRole('link', { name: 'Approvals', exact: true }).click();
    const card = page.locator('.approval', { hasText: 'dragon.png' });
    await card.waitFor();
    assert.match((await card.textContent()) ?? '', new RegExp(`requested by ${boss.email}`));
    assert.match((await card.getByRole('link', { name: 'Open the approval page' }).getAttribute('href')) ?? '', /^\/workstream\/approval-page\/apr_/);
    await assertAccessible(page, 'approvals');
    await screenshot(page, 'approvals');
    await card.getByLabel(/Message to/).fill('Warmer scales, please');
    await card.getByRole('button', { name: 'Approve with changes' }).click();
    await page.getByText('Nothing waits for your answer.').waitFor();
    const requests = await t.req('GET', '/workspaces/reviewRequests', { headers: ten.headers, query: { assigned: 'me', state: 'all' } });
    assert.equal(requests.status, 200);
    assert.deepEqual(requests.body.map((r: { state?: string; status?: string }) => r.state ?? r.status), ['completed']);
    const feed = await t.deps.db.selectFrom('approval_comments').select(['value', 'response']).where('workspace_id', '=', ten.workspaceId).execute();
    assert.deepEqual(feed.map((c) => [c.value, c.response]), [['Warmer scales, please', 4]]);
    // The requester sees it under "Requested by me" with the answer.
    await page.getByRole('button', { name: /Requested by me/ }).click();
    await page.getByText('You have no pending requests.').waitFor();
  });

  test('a busy column loads 50 cards and shows more on request; the other columns keep theirs; a reload keeps what was opened', async () => {
    const status = await t.req('POST', '/workspaces/tasks/statuses', { headers: ten.headers, json: { name: 'Backlog', rank: 50 } });
    assert.equal(status.status, 200, status.text);
    for (let i = 1; i <= 57; i++) {
      const made = await t.req('POST', '/workspaces/tasks', { headers: ten.headers, json: { title: `Backlog item ${String(i).padStart(2, '0')}`, status_id: status.body.id } });
      assert.equal(made.status, 200, made.text);
    }
    await page.getByRole('link', { name: 'Work', exact: true }).click();
    const backlog = page.getByRole('list', { name: 'Backlog tasks' });
    await backlog.getByRole('link', { name: 'Backlog item 57' }).waitFor();
    assert.equal(await backlog.getByRole('listitem').count(), 50, 'the newest 50');
    assert.equal(await backlog.getByRole('link', { name: 'Backlog item 07' }).count(), 0);
    await page.getByRole('heading', { name: /Backlog \(50\+\)/ }).waitFor();
    // The dragon and the knight, wherever the tests before moved them, are still on the board.
    assert.equal((await page.locator('.board .task-card').count()) - 50, 2, 'the other columns still show their tasks');
    await assertAccessible(page, 'work board with a long column');
    await page.getByRole('button', { name: 'Show more Backlog tasks' }).click();
    await backlog.getByRole('link', { name: 'Backlog item 01' }).waitFor();
    assert.equal(await backlog.getByRole('listitem').count(), 57);
    assert.equal(await page.getByRole('button', { name: 'Show more Backlog tasks' }).count(), 0, 'nothing more to show');
    await page.getByRole('heading', { name: /Backlog \(57\)/ }).waitFor();
    // Another user's change reloads the board (live): the opened column keeps its 57 cards, with the moved one gone.
    const oldest = (await t.req('GET', '/workspaces/tasks', { headers: ten.headers, query: { q: 'Backlog item 01' } })).body.tasks[0];
    const moved = await t.req('PATCH', `/workspaces/tasks/${oldest.id}`, { headers: boss.headers, json: { status: 'Pending' } });
    assert.equal(moved.status, 200, moved.text);
    await page.getByRole('list', { name: 'Pending tasks' }).getByRole('link', { name: 'Backlog item 01' }).waitFor();
    assert.equal(await backlog.getByRole('listitem').count(), 56);
  });

  test('a due-date reminder shows in the bell by the task\'s name and leads to the task', async () => {
    const due = new Date(t.clock.now().getTime() + 2 * 3600_000).toISOString();
    const task = await t.req('POST', '/workspaces/tasks', { headers: boss.headers, json: { title: 'Wrap the teaser', assignee_id: ten.userId, due_date: due } });
    assert.equal(task.status, 200, task.text);
    await enqueueJob(t.deps, 'tasks.remind_due', { batchSize: 10 });
    await t.jobs.runUntilIdle();
    await page.getByRole('button', { name: /^Notifications, \d+ unread$/ }).click();
    const panel = page.getByRole('region', { name: 'Notifications' });
    await panel.getByRole('button', { name: /^The task “Wrap the teaser” is due soon \(\d{4}-\d{2}-\d{2}\)$/ }).click();
    await page.waitForURL(new RegExp(`/work/t/${task.body.id}$`));
    await page.getByRole('heading', { name: 'Wrap the teaser' }).waitFor();
  });
});
