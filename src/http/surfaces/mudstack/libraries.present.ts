import type { LibraryRow } from '../../../db/schema.js';
import type { LibraryJson } from './libraries.schemas.js';
import { avatarIndex } from './values.present.js';

/** Mudstack Library (seed 001; all fields required). `thumbnail_file_id` is the thumbnail's blob key. */
export function presentLibrary(l: LibraryRow): LibraryJson {
  return {
    id: l.id,
    workspace_id: l.workspace_id,
    name: l.name,
    description: l.description,
    thumbnail_file_id: l.thumbnail_blob_key,
    defaultAvatar: avatarIndex(l.default_avatar),
    created_by_user_id: l.created_by_user_id,
    sequence: l.sequence,
  };
}
