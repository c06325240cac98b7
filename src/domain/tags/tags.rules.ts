import type { AssetRow } from '../../db/schema.js';
import { errors, type FieldProblem } from '../errors.js';

/** Longest tag, status or library name, in characters. */
export const LABEL_NAME_MAX = 100;
/** Most tags (ids or names) one request may add. */
export const MAX_TAGS_PER_REQUEST = 100;

const COLOR_RE = /^#[0-9a-fA-F]{6}$/;

/** A tag or status name: control characters removed and trimmed; empty or too long is refused. */
export function cleanLabelName(value: string, field = 'name', part: FieldProblem['in'] = 'body'): string {
  // eslint-disable-next-line no-control-regex
  const name = value.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  if (name === '') {
    throw errors.invalidField(part, field, 'must not be empty');
  }
  if (name.length > LABEL_NAME_MAX) {
    throw errors.invalidField(part, field, `must be at most ${LABEL_NAME_MAX} characters`);
  }
  return name;
}

/** The case-insensitive identity of a name (unique per workspace). */
export const nameKey = (name: string): string => name.toLowerCase();

/** The fields of a named, coloured, ranked row (asset and task statuses) that an update changes. */
export interface LabelPatch<R> {
  name?: string;
  name_key?: string;
  color?: string;
  rank?: R;
}

/**
 * What an update of a status changes: the new name (and its key) unless another row of the workspace already has it
 * (`taken`), the colour, the rank; fields sent unchanged are left out. `findByKey` looks a name key up.
 */
export async function labelPatch<R>(
  before: { id: string; name: string; color: string; rank: R },
  input: { name?: string | undefined; color?: string | undefined; rank?: R | undefined },
  findByKey: (key: string) => Promise<{ id: string } | undefined>,
  taken: (name: string) => Error,
): Promise<LabelPatch<R>> {
  const patch: LabelPatch<R> = {};
  if (input.name !== undefined && input.name !== before.name) {
    const clash = await findByKey(nameKey(input.name));
    if (clash && clash.id !== before.id) {
      throw taken(input.name);
    }
    patch.name = input.name;
    patch.name_key = nameKey(input.name);
  }
  if (input.color !== undefined && input.color !== before.color) {
    patch.color = input.color;
  }
  if (input.rank !== undefined && input.rank !== before.rank) {
    patch.rank = input.rank;
  }
  return patch;
}

/** A `#rrggbb` colour, stored as sent. */
export function cleanColor(value: string, field = 'color'): string {
  if (!COLOR_RE.test(value)) {
    throw errors.invalidField('body', field, 'must be a colour in #rrggbb form');
  }
  return value;
}

/**
 * Organisation metadata (tags, status, libraries, favourites, subscriptions) can change on a locked asset: the lock
 * protects the file's content and place, not how it is organised. A trashed asset is refused until restored.
 */
export function assertNotTrashed(asset: AssetRow): void {
  if (asset.is_active !== 1) {
    throw errors.conflict('asset_in_trash', 'The asset is in the trash; restore it first.');
  }
}
