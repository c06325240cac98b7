import type { AssetRow } from '../../db/schema.js';
import { scopedAccountId, scopedWorkspaceId, type Ctx } from '../context.js';
import { findJsonInputProblem } from '../../lib/json-input.js';
import { errors, type FieldProblem } from '../errors.js';
import { findWorkspaceUserIds } from './participants.repo.js';

/*
 * Rules shared by comments and reviews: content, @mentions and viewer metadata.
 * Mention syntax: `@[<user id>]` anywhere in the content (what a client's mention picker inserts), plus the
 * explicit `mentions` list; both name users by id, and only people of the workspace can be mentioned.
 */

export const MAX_CONTENT_CHARS = 20_000;
export const MAX_VIEWER_METADATA_BYTES = 64 * 1024;
export const MAX_MENTIONS = 100;

const MENTION_RE = /@\[([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\]/g;

/** Comments and reviews may be added to a locked asset (they are not content), never to a trashed one. */
export function assertDiscussable(asset: AssetRow): void {
  if (asset.is_active !== 1) {
    throw errors.conflict('asset_in_trash', 'The asset is in the trash; restore it first.');
  }
}

/** The user ids named by `@[id]` tokens in the content, in order of first appearance. */
export function mentionTokens(content: string): string[] {
  const out: string[] = [];
  for (const m of content.matchAll(MENTION_RE)) {
    const id = (m[1] ?? '').toLowerCase();
    if (!out.includes(id)) {
      out.push(id);
    }
  }
  return out;
}

/** Text content: at most MAX_CONTENT_CHARS characters (control characters other than tab and newlines removed). */
export function cleanContent(value: string, part: FieldProblem['in']): string {
  if (value.length > MAX_CONTENT_CHARS) {
    throw errors.invalidField(part, 'content', `must be at most ${MAX_CONTENT_CHARS} characters`);
  }
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
}

/**
 * viewer_metadata as sent: an object, or a JSON-encoded object (Mudstack's query form). Anything else is 400.
 * Examples: `{"timecode": 12.5}`, `{"region": {"x": 0.1, "y": 0.2, "w": 0.3, "h": 0.1}}`, a 3D camera state.
 */
export function parseViewerMetadata(value: unknown, part: FieldProblem['in']): Record<string, unknown> {
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = value.trim() === '' ? {} : JSON.parse(value);
    } catch {
      throw errors.invalidField(part, 'viewer_metadata', 'must be a JSON object');
    }
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw errors.invalidField(part, 'viewer_metadata', 'must be a JSON object');
  }
  // The JSON-in-a-string form is client JSON too: no reserved keys, no lone surrogates (lib/json-input.ts).
  const problem = findJsonInputProblem(parsed);
  if (problem) {
    const pointer = `/viewer_metadata${problem.pointer === '/' ? '' : problem.pointer}`;
    throw errors.invalid('validation_failed', `viewer_metadata: ${problem.message}`, [{ in: part, pointer, message: problem.message }]);
  }
  if (Buffer.byteLength(JSON.stringify(parsed)) > MAX_VIEWER_METADATA_BYTES) {
    throw errors.invalidField(part, 'viewer_metadata', `must be at most ${MAX_VIEWER_METADATA_BYTES} bytes`);
  }
  return parsed as Record<string, unknown>;
}

/** A stored JSON text column read back as an object (never throws on old or odd rows). */
export function readJsonObject(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** A stored JSON array of ids read back. */
export function readIdList(text: string): string[] {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * The mentioned users: the explicit list plus the content's `@[id]` tokens, deduplicated. Every one must be a
 * person of the workspace, else 400 naming the first bad entry (a foreign or unknown id is not revealed as such).
 */
export async function resolveMentions(
  ctx: Ctx,
  input: { explicit: readonly string[] | undefined; content: string; part: FieldProblem['in'] },
): Promise<string[]> {
  const explicit = (input.explicit ?? []).map((id) => id.trim().toLowerCase()).filter((id) => id !== '');
  const all = [...new Set([...explicit, ...mentionTokens(input.content)])];
  if (all.length > MAX_MENTIONS) {
    throw errors.invalidField(input.part, 'mentions', `at most ${MAX_MENTIONS} users can be mentioned`);
  }
  const members = await findWorkspaceUserIds(ctx.db, { accountId: scopedAccountId(ctx), workspaceId: scopedWorkspaceId(ctx), userIds: all });
  const bad = all.find((id) => !members.has(id));
  if (bad !== undefined) {
    const index = explicit.indexOf(bad);
    throw errors.invalid('mention_not_member', `Only members of this workspace can be mentioned (${bad} is not one).`, [
      { in: input.part, pointer: index >= 0 ? `/mentions/${index}` : '/content', message: 'is not a member of this workspace' },
    ]);
  }
  return all;
}
