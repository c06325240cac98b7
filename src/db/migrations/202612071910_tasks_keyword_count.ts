import type { Kysely } from 'kysely';

// Frozen: never import app code here; the keyword rule is copied (forms.rules.ts keywordList as of this migration).

/*
 * The Workstream T1 sort key `keyword_count` (issue #14; docs/workstream.md "Tasks"). A task's keywords are one
 * comma-separated string inside its `form_fields` JSON; counting them in SQL the same way on SQLite and PostgreSQL
 * (split, trim, case-insensitive distinct) is not practical, so the count is a column written with the task.
 * Existing tasks are counted here.
 */
function keywordCount(formFields: string): number {
  let keywords: unknown;
  try {
    keywords = (JSON.parse(formFields) as { keywords?: unknown }).keywords;
  } catch {
    return 0;
  }
  if (typeof keywords !== 'string') {
    return 0;
  }
  const distinct = new Set(keywords.split(',').map((k) => k.trim().toLowerCase()).filter((k) => k !== ''));
  return Math.min(distinct.size, 50);
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tasks').addColumn('keyword_count', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  const rows = await db.selectFrom('tasks').select(['id', 'form_fields']).where('form_fields', 'like', '%"keywords"%').execute();
  for (const row of rows as Array<{ id: string; form_fields: string }>) {
    const n = keywordCount(row.form_fields);
    if (n > 0) {
      await db.updateTable('tasks').set({ keyword_count: n }).where('id', '=', row.id).execute();
    }
  }
}
