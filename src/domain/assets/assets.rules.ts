import type { AssetRow } from '../../db/schema.js';
import { cleanFileNameText, fitsFileName, MAX_FILE_NAME_BYTES, normalizeFolderPath } from '../../lib/safe-path.js';
import type { Actor } from '../context.js';
import { DomainError, errors, type FieldProblem } from '../errors.js';

/** Largest asset or version display name / description, in UTF-8 bytes. */
export const MAX_NAME_BYTES = 255;
export const MAX_DESCRIPTION_BYTES = 10_000;

/** Refuses changes to a trashed asset, or one locked by someone else (file locking, Mudstack §5.6). */
export function assertWritable(asset: AssetRow, actor: Actor): void {
  if (asset.is_active !== 1) {
    throw errors.conflict('asset_in_trash', 'The asset is in the trash; restore it first.');
  }
  if (asset.locked_by_user_id && asset.locked_by_user_id !== actor.userId) {
    throw new DomainError('locked', 'asset_locked', `The asset is locked by user ${asset.locked_by_user_id}; only they can change it until it is unlocked.`, {
      locked_by_user_id: asset.locked_by_user_id,
    });
  }
}

const invalidField = (part: FieldProblem['in'], field: string, message: string): DomainError => errors.invalidField(part, field, message);

/**
 * A display name: control characters removed, trimmed; empty is refused, and so is one over 255 bytes, which is
 * never cut: two names differing only after the cut would become one.
 */
export function cleanName(value: string, field: string, part: FieldProblem['in']): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = value.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  if (cleaned === '') {
    throw invalidField(part, field, 'must not be empty');
  }
  if (Buffer.byteLength(cleaned, 'utf8') > MAX_NAME_BYTES) {
    throw invalidField(part, field, `must be at most ${MAX_NAME_BYTES} bytes (UTF-8)`);
  }
  return cleaned;
}

/** A description as sent; one over MAX_DESCRIPTION_BYTES is refused, never cut (that would lose text silently). */
export function cleanDescription(value: string, field: string, part: FieldProblem['in']): string {
  if (Buffer.byteLength(value, 'utf8') > MAX_DESCRIPTION_BYTES) {
    throw invalidField(part, field, `must be at most ${MAX_DESCRIPTION_BYTES} bytes (UTF-8)`);
  }
  return value;
}

/**
 * A client's file name made safe (lib/safe-path.ts); a name with nothing usable left is refused, and so is one over
 * 255 bytes: cut, it would become the same asset as another long name with the same start.
 */
export function cleanFileName(value: string, field: string, part: FieldProblem['in']): string {
  const name = cleanFileNameText(value);
  if (name === undefined) {
    throw invalidField(part, field, 'is not a usable file name');
  }
  if (!fitsFileName(name)) {
    throw invalidField(part, field, `must be at most ${MAX_FILE_NAME_BYTES} bytes (UTF-8)`);
  }
  return name;
}

/** A client's folder path in `/a/b/` form; `..` segments are refused. */
export function cleanFolder(value: string | undefined, field: string, part: FieldProblem['in']): string {
  const r = normalizeFolderPath(value ?? '/');
  if (!r.ok) {
    throw invalidField(part, field, r.reason);
  }
  return r.path;
}
