import type { IdScope, IntegerIdTable } from '../../../domain/ids/surface-ids.js';
import { requireUuidOf, uuidsOf, parseSurfaceId } from '../../../domain/ids/surface-ids.js';
import type { Ctx } from '../../../domain/context.js';
import type { FieldProblem } from '../../../domain/errors.js';
import { errors } from '../../../domain/errors.js';

/** The request's tenant, for integer-id lookups (the credential decided it: domain/auth/credential-tenancy.ts). */
export function idScope(ctx: Ctx): IdScope {
  const { accountId, workspaceId } = ctx.actor;
  if (!accountId || !workspaceId) {
    throw new Error('idScope called outside a credential-scoped request');
  }
  return { accountId, workspaceId };
}

/** One integer id from the request → the row's UUID in the caller's tenant, or 404 `<what>_not_found`. */
export function rowId(ctx: Ctx, table: IntegerIdTable, value: unknown, at: { field: string; part: FieldProblem['in']; what: string }): Promise<string> {
  return requireUuidOf(ctx.db, table, idScope(ctx), { value, ...at });
}

/**
 * Several integer ids of a body list → UUIDs (in the order given). An id outside the tenant is a 404 naming it, like
 * a single id, so a list cannot be used to probe which ids exist elsewhere.
 */
export async function rowIds(ctx: Ctx, table: IntegerIdTable, values: readonly unknown[], at: { field: string; what: string }): Promise<string[]> {
  const sequences = values.map((v, i) => parseSurfaceId(v, `${at.field}/${i}`, 'body'));
  const found = await uuidsOf(ctx.db, table, idScope(ctx), sequences);
  return sequences.map((s) => {
    const id = found.get(s);
    if (id === undefined) {
      throw errors.notFound(at.what, String(s));
    }
    return id;
  });
}
