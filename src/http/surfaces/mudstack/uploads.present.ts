import type { ImportRow } from '../../../db/schema.js';
import type { ImportStateJson } from './uploads.schemas.js';

/** An import row as the Mudstack surface shows it. */
export function presentImport(row: ImportRow): ImportStateJson {
  return {
    import_id: row.id,
    state: row.state,
    source_kind: row.source_kind,
    source: row.source,
    file_location: row.file_location,
    total: row.total,
    done: row.done,
    failed: row.failed,
    errors: JSON.parse(row.errors) as ImportStateJson['errors'],
    asset_ids: JSON.parse(row.asset_ids) as string[],
    created_at: row.created_at,
    updated_at: row.updated_at,
    finished_at: row.finished_at,
  };
}
