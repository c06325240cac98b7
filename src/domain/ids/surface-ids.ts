import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { errors, type FieldProblem } from '../errors.js';

/*
 * Integer ids of the non-core surfaces (Workstream, medialoopster, Vionlabs): docs/integer-ids.md.
 *
 * Every table has a UUID `id` and an integer `sequence`, unique per table and never reused. A surface that speaks
 * integers shows `sequence` as its `id` and turns an integer from a request back into the row's UUID here, always
 * inside the caller's tenant: a sequence of another account or workspace reads exactly like one that does not exist.
 * The domain keeps working on UUIDs; only the surface adapters (and this module) know integers.
 */

/** How a table is tied to a tenant: by its own workspace or account column, or (users) by account membership. */
type TenantLink = { kind: 'workspace'; column: 'workspace_id' } | { kind: 'account'; column: 'account_id' } | { kind: 'account_member' };

/** The tables a surface may expose by integer id, and the tenant column each one is scoped by. */
const LINKS = {
  users: { kind: 'account_member' },
  workspaces: { kind: 'account', column: 'account_id' },
  assets: { kind: 'workspace', column: 'workspace_id' },
  asset_versions: { kind: 'workspace', column: 'workspace_id' },
  folders: { kind: 'workspace', column: 'workspace_id' },
  tasks: { kind: 'workspace', column: 'workspace_id' },
  task_statuses: { kind: 'workspace', column: 'workspace_id' },
  task_checklist_items: { kind: 'workspace', column: 'workspace_id' },
  task_watchers: { kind: 'workspace', column: 'workspace_id' },
  review_requests: { kind: 'workspace', column: 'workspace_id' },
  comments: { kind: 'workspace', column: 'workspace_id' },
  teams: { kind: 'account', column: 'account_id' },
  approval_templates: { kind: 'account', column: 'account_id' },
  approvals: { kind: 'workspace', column: 'workspace_id' },
  approval_responses: { kind: 'workspace', column: 'workspace_id' },
  // medialoopster project assets are read across the productions (workspaces) of the account.
  project_assets: { kind: 'account', column: 'account_id' },
  projects: { kind: 'workspace', column: 'workspace_id' },
  proofs: { kind: 'workspace', column: 'workspace_id' },
  task_assets: { kind: 'workspace', column: 'workspace_id' },
  forms: { kind: 'workspace', column: 'workspace_id' },
  form_fields: { kind: 'workspace', column: 'workspace_id' },
} as const satisfies Record<string, TenantLink>;

export type IntegerIdTable = keyof typeof LINKS;

/** The tenant a surface request acts in (from its credential; auth.ts). */
export interface IdScope {
  accountId: string;
  workspaceId: string;
}

/** Largest id accepted: every sequence fits a signed 32-bit integer column in both dialects. */
export const MAX_SURFACE_ID = 2_147_483_647;

/**
 * A surface id from a request (a JSON number, or a numeric string from a path, a query or a form body): a positive
 * integer in range, else a 4xx naming the field. `"007"`, `"1e3"`, `"1.0"`, `" 1"` are refused: ids are written
 * the way the surface writes them.
 */
export function parseSurfaceId(value: unknown, field: string, part: FieldProblem['in']): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^[1-9][0-9]{0,9}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_SURFACE_ID) {
    throw errors.invalidField(part, field, 'must be a positive integer id');
  }
  return n;
}

/** The UUID of the table's row with this sequence inside the scope; undefined when absent or another tenant's. */
export async function uuidOf(db: Kysely<DB>, table: IntegerIdTable, scope: IdScope, sequence: number): Promise<string | undefined> {
  return (await uuidsOf(db, table, scope, [sequence])).get(sequence);
}

/** Sequence → UUID for the rows of `sequences` inside the scope (others are simply missing from the map). */
export async function uuidsOf(db: Kysely<DB>, table: IntegerIdTable, scope: IdScope, sequences: readonly number[]): Promise<Map<number, string>> {
  const wanted = [...new Set(sequences)];
  if (wanted.length === 0) {
    return new Map();
  }
  const rows = await scopedRows(db, table, scope).where(`${table}.sequence` as 'tasks.sequence', 'in', wanted).execute();
  return new Map(rows.map((r) => [Number(r.sequence), r.id]));
}

/** UUID → sequence for the rows of `ids` inside the scope. Presenters usually read `row.sequence` directly instead. */
export async function sequencesOf(db: Kysely<DB>, table: IntegerIdTable, scope: IdScope, ids: readonly string[]): Promise<Map<string, number>> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) {
    return new Map();
  }
  const rows = await scopedRows(db, table, scope).where(`${table}.id` as 'tasks.id', 'in', wanted).execute();
  return new Map(rows.map((r) => [r.id, Number(r.sequence)]));
}

/**
 * Resolves a request's integer id to the row's UUID in the caller's tenant, or throws `<what>_not_found` (404):
 * another tenant's id and an id that never existed answer the same.
 */
export async function requireUuidOf(
  db: Kysely<DB>,
  table: IntegerIdTable,
  scope: IdScope,
  input: { value: unknown; field: string; part: FieldProblem['in']; what: string },
): Promise<string> {
  const sequence = parseSurfaceId(input.value, input.field, input.part);
  const id = await uuidOf(db, table, scope, sequence);
  if (id === undefined) {
    throw errors.notFound(input.what, String(sequence));
  }
  return id;
}

/** `SELECT id, sequence FROM <table>` limited to the scope's tenant (one place, so no surface forgets it). */
function scopedRows(db: Kysely<DB>, table: IntegerIdTable, scope: IdScope) {
  const link: TenantLink = LINKS[table];
  // The table name is one of LINKS' keys, so the dynamic references below are checked against a fixed list.
  const base = db.selectFrom(table as 'tasks').select([`${table}.id` as 'tasks.id', `${table}.sequence` as 'tasks.sequence']);
  switch (link.kind) {
    case 'workspace':
      return base.where(`${table}.workspace_id` as 'tasks.workspace_id', '=', scope.workspaceId);
    case 'account':
      return base.where(`${table}.account_id` as 'tasks.account_id', '=', scope.accountId);
    case 'account_member':
      return base.where((eb) =>
        eb.exists(
          eb
            .selectFrom('account_members as am')
            .select('am.id')
            .whereRef('am.user_id', '=', `${table}.id` as 'tasks.id')
            .where('am.account_id', '=', scope.accountId),
        ),
      );
  }
}
