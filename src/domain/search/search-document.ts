import { searchTokens } from './search-tokens.js';

/*
 * What an asset is found by. Names: its display name and file name. Body: its description, its tags' names and a
 * few human-readable fields of its current version's metadata (camera, author, title, keywords, codecs): numbers,
 * dates and binary-ish fields are left out so they do not flood the index.
 */

/** Metadata keys (case-insensitive, at any depth up to 3) whose text values are indexed. */
const METADATA_KEYS = new Set(
  [
    'make', 'model', 'lensmodel', 'artist', 'creator', 'by-line', 'author', 'copyright', 'rights', 'software',
    'title', 'objectname', 'headline', 'description', 'imagedescription', 'caption', 'caption-abstract',
    'keywords', 'subject', 'city', 'country', 'state', 'location',
    'format', 'container', 'video_codec', 'audio_codec',
  ].map((k) => k.toLowerCase()),
);
/** Upper bound of metadata text per asset, in characters. */
const MAX_METADATA_TEXT = 2_000;

/** Collects the string values of a JSON value (arrays and XMP alt-language objects included). */
function strings(value: unknown, depth: number, out: string[]): void {
  if (typeof value === 'string') {
    out.push(value);
  } else if (Array.isArray(value) && depth < 4) {
    for (const v of value) {
      strings(v, depth + 1, out);
    }
  } else if (value && typeof value === 'object' && depth < 4) {
    for (const v of Object.values(value)) {
      strings(v, depth + 1, out);
    }
  }
}

/** The indexed text of a version's metadata JSON text (invalid JSON gives ''). */
export function metadataText(metadataJson: string | null | undefined): string {
  if (!metadataJson || metadataJson === '{}') {
    return '';
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(metadataJson);
  } catch {
    return '';
  }
  const out: string[] = [];
  const walk = (node: unknown, depth: number): void => {
    if (!node || typeof node !== 'object' || Array.isArray(node) || depth > 3) {
      return;
    }
    for (const [key, value] of Object.entries(node)) {
      if (METADATA_KEYS.has(key.toLowerCase())) {
        strings(value, 0, out);
      } else {
        walk(value, depth + 1);
      }
    }
  };
  walk(parsed, 0);
  return out.join(' ').slice(0, MAX_METADATA_TEXT);
}

export interface SearchSource {
  name: string;
  fileName: string;
  description: string;
  tagNames: readonly string[];
  metadata: string | null;
}

/** The tokens of an asset's names and of the rest of its text. */
export function searchDocumentTokens(src: SearchSource): { names: string[]; body: string[] } {
  const names = searchTokens(`${src.name} ${src.fileName}`);
  const nameSet = new Set(names);
  // A body token that is also a name token adds nothing to matching; dropping it keeps the index smaller.
  const body = searchTokens([src.description, ...src.tagNames, metadataText(src.metadata)].join(' ')).filter((t) => !nameSet.has(t));
  return { names, body };
}
