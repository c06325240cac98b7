import type { Kysely } from 'kysely';

// Frozen: never import app code here.

/*
 * Due-date reminders for tasks (docs/api-core.md "Tasks"): the `tasks.remind_due` sweep tells a task's assignee once
 * when its due date is a day away (or passed while it was open). `due_reminded_at` is when that happened, so the sweep
 * sends it once; a new due date or assignee clears it. The index serves the sweep's scan of open, dated tasks.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tasks').addColumn('due_reminded_at', 'text').execute();
  await db.schema.createIndex('tasks_due_date_idx').on('tasks').column('due_date').execute();
}
