import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The Webdam Workstream seed (shared/seeds/002_*.txt): its JSON examples by route, and a check that a response has
 * every field of an example with the same JSON type.
 */

const SEEDS = join(process.cwd(), '..', '..', 'shared', 'seeds');

function seedText(): string {
  const dirs = [SEEDS, '/work/shared/seeds'];
  for (const dir of dirs) {
    try {
      const file = readdirSync(dir).find((f) => f.startsWith('002_'));
      if (file) {
        return readFileSync(join(dir, file), 'utf8');
      }
    } catch {
      // try the next place
    }
  }
  throw new Error('seed 002 not found');
}

let cached: string | undefined;

/** The JSON example response documented for `route` (e.g. `GET workstream/tasks/{id}/assets`). */
export function seedResponse(route: string): any {
  cached ??= seedText();
  const at = cached.indexOf(`HTTP Request\n\n${route}\n`);
  assert.ok(at > 0, `no route ${route} in the seed`);
  const start = cached.lastIndexOf('Example response:', at);
  assert.ok(start > 0, `no example response for ${route}`);
  return JSON.parse(cached.slice(start + 'Example response:'.length, at).trim());
}

const NULLABLE = new Set(['assignee_id', 'assignee', 'recipient', 'project_id', 'project', 'due_date', 'keywords', 'description', 'approval', 'completed_by_id', 'draft_name', 'draft_icon', 'fields', 'totals', 'stats']);

const kind = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/**
 * Asserts that `actual` carries every field of `example`, with the same JSON type, recursively (array elements
 * against the example's first element). A null in the example only requires the field to exist.
 */
export function assertSameTypes(actual: unknown, example: unknown, path = '$'): void {
  if (example === null) {
    return;
  }
  const field = path.slice(path.lastIndexOf('.') + 1);
  // Fields the spec documents as nullable (§1.3) may be null where the seed's example happens to fill them;
  // `profile_image` may be the boolean false (§1.5 item 14).
  if ((actual === null && NULLABLE.has(field)) || (field === 'profile_image' && actual === false)) {
    return;
  }
  assert.equal(kind(actual), kind(example), `${path}: ${JSON.stringify(actual)} is not a ${kind(example)} as in the seed`);
  if (Array.isArray(example) && Array.isArray(actual)) {
    if (example.length > 0) {
      actual.forEach((item, i) => assertSameTypes(item, example[0], `${path}[${i}]`));
    }
    return;
  }
  if (example && typeof example === 'object' && actual && typeof actual === 'object') {
    for (const [k, v] of Object.entries(example)) {
      assert.ok(k in actual, `${path}.${k} is missing (the seed has it)`);
      assertSameTypes((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
    }
  }
}
