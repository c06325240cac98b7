import type { TagRow } from '../../../db/schema.js';
import type { TagJson } from './tags.schemas.js';

/** Mudstack Tag (the shape nested in Asset.tags, seed 001). */
export function presentTag(t: TagRow): TagJson {
  return { id: t.id, workspace_id: t.workspace_id, name: t.name, color: t.color, created_by_user_id: t.created_by_user_id, sequence: t.sequence };
}
