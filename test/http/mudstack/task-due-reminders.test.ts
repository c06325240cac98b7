import assert from 'node:assert/strict';
import { test } from 'node:test';
import { enqueueJob } from '../../../src/jobs/queue.js';
import { describeEachDatabase } from '../../harness/app.js';
import { createTask } from './tasks-fixtures.js';

/*
 * Due-date reminders (tasks.remind_due): an open task's assignee is told once when its due date is a day away or
 * has passed; closed, unassigned and far-off tasks are not; a new due date or assignee is told again.
 */

const HOUR = 3600;

describeEachDatabase('task due-date reminders (tasks.remind_due)', (t) => {
  /** Runs the sweep as its schedule would (the job the worker enqueues every period). */
  const sweep = async () => {
    await enqueueJob(t.deps, 'tasks.remind_due', { batchSize: 2 });
    await t.jobs.runUntilIdle();
  };
  const reminders = async (userId: string) =>
    (await t.deps.db.selectFrom('notifications').select(['data', 'workspace_id']).where('user_id', '=', userId).where('type', '=', 'task_due_soon').orderBy('sequence').execute()).map(
      (n) => JSON.parse(n.data) as { task_id: string; title: string; due_date: string; overdue: boolean },
    );
  const inHours = (h: number) => new Date(t.clock.now().getTime() + h * HOUR * 1000).toISOString();

  test('the sweep is scheduled every 15 minutes', () => {
    assert.deepEqual(t.deps.jobs.registry.schedules().find((s) => s.name === 'tasks.remind_due'), { name: 'tasks.remind_due', everySeconds: 900, payload: { batchSize: 200 } });
  });

  test('due within a day or overdue: told once; closed, unassigned, far-off, long-overdue and another tenant\'s tasks stay quiet', async () => {
    const ten = await t.factory.tenant();
    const artist = await t.factory.member(ten, { workspace: 'editor' });
    const other = await t.factory.tenant();
    const soon = await createTask(t, ten, { title: 'Ink page 4', assignee_id: artist.userId, due_date: inHours(5) });
    const late = await createTask(t, ten, { title: 'Colour page 3', assignee_id: artist.userId, due_date: inHours(-30) });
    const far = await createTask(t, ten, { title: 'Letter page 9', assignee_id: artist.userId, due_date: inHours(72) });
    await createTask(t, ten, { title: 'Nobody on it', due_date: inHours(2) });
    // Left open long ago (or before reminders existed): not told, so an upgrade sends no flood.
    await createTask(t, ten, { title: 'Forgotten page 1', assignee_id: artist.userId, due_date: inHours(-10 * 24) });
    await createTask(t, ten, { title: 'Already done', assignee_id: artist.userId, due_date: inHours(2), status: 'Completed' });
    const theirs = await createTask(t, other, { title: 'Theirs', assignee_id: other.userId, due_date: inHours(1) });

    await sweep();
    const told = await reminders(artist.userId);
    assert.deepEqual(told.map((n) => [n.title, n.overdue]).sort(), [['Colour page 3', true], ['Ink page 4', false]]);
    assert.equal(told.find((n) => n.task_id === soon.id)?.due_date, soon.due_date);
    assert.deepEqual((await reminders(other.userId)).map((n) => n.task_id), [theirs.id], 'each tenant\'s assignee, in their workspace');
    // The assignee sees it in their notifications.
    const mine = await t.req('GET', '/accounts/notifications', { headers: artist.headers });
    assert.ok(mine.body.some((n: { type: string; data: { task_id?: string } }) => n.type === 'task_due_soon' && n.data.task_id === late.id), mine.text);

    // Once only.
    await sweep();
    assert.equal((await reminders(artist.userId)).length, 2);

    // Two days on, the far one is due within a day: told.
    t.clock.advance(50 * HOUR);
    await sweep();
    const after = await reminders(artist.userId);
    assert.deepEqual(after.map((n) => n.title).sort(), ['Colour page 3', 'Ink page 4', 'Letter page 9']);
    assert.equal(after.find((n) => n.task_id === far.id)?.overdue, false);
  });

  test('a new due date or a new assignee is told again; a date-only due date is told the day before and overdue only after its day', async () => {
    const ten = await t.factory.tenant();
    const a = await t.factory.member(ten, { workspace: 'editor' });
    const b = await t.factory.member(ten, { workspace: 'editor' });
    const task = await createTask(t, ten, { title: 'Mix reel 2', assignee_id: a.userId, due_date: inHours(3) });
    await sweep();
    assert.equal((await reminders(a.userId)).length, 1);

    const moved = await t.req('PATCH', `/workspaces/tasks/${task.id}`, { headers: ten.headers, json: { due_date: inHours(10) } });
    assert.equal(moved.status, 200, moved.text);
    await sweep();
    assert.equal((await reminders(a.userId)).length, 2, 'the new date is told');

    const handed = await t.req('PATCH', `/workspaces/tasks/${task.id}`, { headers: ten.headers, json: { assignee_id: b.userId } });
    assert.equal(handed.status, 200, handed.text);
    await sweep();
    assert.equal((await reminders(b.userId)).length, 1, 'the new assignee is told');
    assert.equal((await reminders(a.userId)).length, 2);

    // A date-only due date two days ahead: quiet today, told tomorrow (not overdue), not again.
    const dueDay = new Date(t.clock.now().getTime() + 48 * HOUR * 1000).toISOString().slice(0, 10);
    const dated = await createTask(t, ten, { title: 'Master reel 2', assignee_id: a.userId, due_date: dueDay });
    await sweep();
    assert.equal((await reminders(a.userId)).filter((n) => n.task_id === dated.id).length, 0);
    t.clock.advance(25 * HOUR);
    await sweep();
    assert.deepEqual((await reminders(a.userId)).filter((n) => n.task_id === dated.id).map((n) => [n.due_date, n.overdue]), [[dueDay, false]]);
    await sweep();
    assert.equal((await reminders(a.userId)).filter((n) => n.task_id === dated.id).length, 1);
  });
});
