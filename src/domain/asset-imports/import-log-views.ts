import type { ImportLogRow } from '../../db/schema.js';
import type { Ctx } from '../context.js';

/** An ImportLog with the integer ids of its production and asset. */
export interface ImportLogView {
  row: ImportLogRow;
  production: number;
  asset: number | null;
}

export async function viewImportLogs(ctx: Ctx, rows: readonly ImportLogRow[]): Promise<ImportLogView[]> {
  if (rows.length === 0) {
    return [];
  }
  const wsIds = [...new Set(rows.map((r) => r.workspace_id))];
  const assetIds = [...new Set(rows.flatMap((r) => (r.asset_id ? [r.asset_id] : [])))];
  const [ws, assets] = await Promise.all([
    ctx.db.selectFrom('workspaces').select(['id', 'sequence']).where('id', 'in', wsIds).execute(),
    assetIds.length === 0 ? Promise.resolve([]) : ctx.db.selectFrom('assets').select(['id', 'sequence']).where('workspace_id', 'in', wsIds).where('id', 'in', assetIds).execute(),
  ]);
  const wsSeq = new Map(ws.map((w) => [w.id, Number(w.sequence)]));
  const assetSeq = new Map(assets.map((a) => [a.id, Number(a.sequence)]));
  return rows.map((row) => ({ row, production: wsSeq.get(row.workspace_id) ?? 0, asset: row.asset_id ? (assetSeq.get(row.asset_id) ?? null) : null }));
}
