import type { Static } from '@sinclair/typebox';
import type { ImportLogView } from '../../../domain/asset-imports/import-log-views.js';
import { isoMicros } from './conventions.js';
import type { ImportLog } from './imports.schemas.js';

/** An ImportLog as the surface shows it. */
export function presentImportLog(v: ImportLogView): Static<typeof ImportLog> {
  const r = v.row;
  let pathFile = '';
  try {
    pathFile = String((JSON.parse(r.request) as { pathFile?: unknown }).pathFile ?? '');
  } catch {
    pathFile = '';
  }
  return {
    id: Number(r.sequence),
    type: r.kind,
    asset_type: r.media_type,
    state: r.state,
    message: r.message,
    production: v.production,
    asset: v.asset,
    path_file: pathFile,
    date_add: isoMicros(r.created_at) ?? r.created_at,
    date_mod: isoMicros(r.updated_at) ?? r.updated_at,
    date_end: isoMicros(r.finished_at),
  };
}
