import type { Generated } from 'kysely';

/*
 * Table interfaces. Conventions shared by both dialects:
 * - `id` is a UUID string, `sequence` an integer unique per table (integer-id surfaces expose it as `id`);
 * - timestamps are ISO-8601 UTC strings (`2026-11-23T10:00:00.000Z`), so they sort as text in both dialects;
 * - booleans are 0/1 integers; JSON is stored as text.
 */

/** The two keys every table has. */
export interface Keyed {
  id: string;
  sequence: Generated<number>;
}
