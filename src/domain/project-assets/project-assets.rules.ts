import { normalizeFolderPath, sanitizeFileName } from '../../lib/safe-path.js';
import { cleanDescription, cleanName } from '../assets/assets.rules.js';
import { DomainError, errors, type FieldProblem } from '../errors.js';
import { parseSurfaceId } from '../ids/surface-ids.js';

/* Input rules of project assets (seed 003 "Create Project Asset" and "Copy Project Asset"). */

/** A missing field; the surface shows it as code `required`, "This field is required." (seed 003's 400 example). */
export const REQUIRED = 'is required';

/** What create and copy accept, cleaned. */
export interface ProjectAssetInput {
  name: string;
  bundleRoot: string;
  production: { id: number } | { name: string };
  pathFile?: string | undefined;
  copyOf?: number | undefined;
  description?: string | undefined;
  dateCrt?: string | null | undefined;
  nameEditor?: string | undefined;
  nameStudio?: string | undefined;
  statusApproval?: number | undefined;
}

const present = (v: unknown): boolean => v !== undefined && v !== null && v !== '';

function text(body: Record<string, unknown>, field: string, problems: FieldProblem[]): string | undefined {
  const v = body[field];
  if (!present(v)) {
    return undefined;
  }
  if (typeof v !== 'string') {
    problems.push({ in: 'body', pointer: `/${field}`, message: 'Not a valid string.' });
    return undefined;
  }
  return v;
}

/** A bundle root: an absolute path, normalised to `/a/b/` (a `..` segment is refused, never resolved). */
export function cleanBundleRoot(value: string, field: string, part: FieldProblem['in']): string {
  if (!value.startsWith('/')) {
    throw errors.invalidField(part, field, 'Must be an absolute path ending with a slash.');
  }
  const r = normalizeFolderPath(value);
  if (!r.ok || r.path === '/') {
    throw errors.invalidField(part, field, r.ok ? 'Must name a directory below the root.' : `Not a valid path: ${r.reason}.`);
  }
  return r.path;
}

/** A project file path inside the bundle root, split into its folder and file name. */
export function cleanPathFile(value: string, bundleRoot: string): { fileLocation: string; fileName: string } {
  const cut = value.lastIndexOf('/');
  const dir = cut < 0 ? '' : value.slice(0, cut + 1);
  const name = sanitizeFileName(value.slice(cut + 1));
  const folder = dir === '' ? { ok: true as const, path: bundleRoot } : normalizeFolderPath(dir);
  if (!name || !folder.ok || !value.startsWith('/') || !folder.path.startsWith(bundleRoot)) {
    throw errors.invalidField('body', 'path_file', 'Must be the path of a file inside bundle_root.');
  }
  return { fileLocation: folder.path, fileName: name };
}

/**
 * Reads a create or copy body (JSON or form fields, so numbers may arrive as strings). Every missing required field
 * is reported at once, in the seed's order (bundle_root, name, then the production); nothing is written then.
 */
export function parseProjectAssetInput(body: Record<string, unknown>): ProjectAssetInput {
  const problems: FieldProblem[] = [];
  const bundleRoot = text(body, 'bundle_root', problems);
  const name = text(body, 'name', problems);
  const productionName = text(body, 'production_name', problems);
  for (const [field, v] of [['bundle_root', bundleRoot], ['name', name]] as const) {
    if (v === undefined && !problems.some((p) => p.pointer === `/${field}`)) {
      problems.push({ in: 'body', pointer: `/${field}`, message: REQUIRED });
    }
  }
  const hasId = present(body['production_id']);
  if (!hasId && productionName === undefined && !problems.some((p) => p.pointer === '/production_name')) {
    problems.push({ in: 'body', pointer: '/production_id', message: 'Either production_id or production_name is required.' });
  }
  if (problems.length > 0) {
    throw errors.invalid('validation_failed', problems.map((p) => `${p.pointer.slice(1)}: ${p.message}`).join(' '), problems);
  }
  const cleanRoot = cleanBundleRoot(bundleRoot as string, 'bundle_root', 'body');
  const input: ProjectAssetInput = {
    name: cleanName(name as string, 'name', 'body'),
    bundleRoot: cleanRoot,
    production: hasId ? { id: parseSurfaceId(body['production_id'], 'production_id', 'body') } : { name: productionName as string },
  };
  const pathFile = text(body, 'path_file', []);
  if (present(body['path_file'])) {
    if (pathFile === undefined) {
      throw errors.invalidField('body', 'path_file', 'Not a valid string.');
    }
    input.pathFile = pathFile;
  }
  if (present(body['copy_of'])) {
    input.copyOf = parseSurfaceId(body['copy_of'], 'copy_of', 'body');
  }
  readOverrides(body, input);
  return input;
}

/** The copy's optional overrides (each defaults to the source's value). */
function readOverrides(body: Record<string, unknown>, input: ProjectAssetInput): void {
  const one = (field: string): string | undefined => {
    const problems: FieldProblem[] = [];
    const v = text(body, field, problems);
    if (problems.length > 0) {
      throw errors.invalidField('body', field, 'Not a valid string.');
    }
    return v;
  };
  const description = body['description'] === '' ? '' : one('description');
  if (description !== undefined) {
    input.description = cleanDescription(description, 'description', 'body');
  }
  for (const [field, key] of [['name_editor', 'nameEditor'], ['name_studio', 'nameStudio']] as const) {
    const v = body[field] === '' ? '' : one(field);
    if (v !== undefined) {
      if (Buffer.byteLength(v, 'utf8') > 255) {
        throw errors.invalidField('body', field, 'Ensure this field has no more than 255 characters.');
      }
      input[key] = v;
    }
  }
  const dateCrt = one('date_crt');
  if (dateCrt !== undefined) {
    const t = Date.parse(dateCrt);
    if (!/^\d{4}-\d{2}-\d{2}/.test(dateCrt) || Number.isNaN(t)) {
      throw errors.invalidField('body', 'date_crt', 'Datetime has wrong format. Use ISO 8601.');
    }
    input.dateCrt = new Date(t).toISOString();
  }
  const approval = body['status_approval'];
  if (present(approval)) {
    const n = typeof approval === 'string' && /^[01]$/.test(approval) ? Number(approval) : approval;
    if (n !== 0 && n !== 1) {
      throw errors.invalidField('body', 'status_approval', 'Must be 1 (approved) or 0 (pending).');
    }
    input.statusApproval = n;
  }
}

/** `share_linked_assets` of the copy's query: true/false, 1/0 (the seed's text uses both). */
export function parseShareFlag(value: string | undefined): boolean {
  if (value === undefined || value === '' || value === 'false' || value === '0' || value === 'False') {
    return false;
  }
  if (value === 'true' || value === '1' || value === 'True') {
    return true;
  }
  throw errors.invalidField('query', 'share_linked_assets', 'Must be a boolean (true, false, 1 or 0).');
}

/** A refusal that the surface shows as a bare `{"detail": ...}` (seed 003, addasset's 400 and 422; the surface's
 * errors.ts reads `medialoopsterForm`). */
export function detailError(status: 400 | 422, code: string, detail: string): DomainError {
  return new DomainError('invalid', code, detail, { medialoopsterForm: 'detail', status });
}
