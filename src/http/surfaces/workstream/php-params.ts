import { errors, type FieldProblem } from '../../../domain/errors.js';

/*
 * PHP-style bracket parameters, as Webdam's form-encoded bodies and query strings send them (spec §1.1):
 * `assetids[]=1&assetids[]=2` → `{assetids: ["1","2"]}`, `filter[status][]=7` → `{filter: {status: ["7"]}}`,
 * `checklist_items[0][value]=x` → `{checklist_items: [{value: "x"}]}`. Values stay strings: the route schemas accept
 * numeric strings where the JSON body has numbers.
 */

/** Keys that would reach an object's prototype are refused, not silently dropped. */
const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);
/** Deeper nesting than any Workstream body uses is refused, so a hostile key cannot build a huge structure. */
const MAX_DEPTH = 5;
/** A numeric index above this is kept as an object key rather than making a sparse array. */
const MAX_INDEX = 1000;

type Node = Record<string, unknown> | unknown[];

/** `a[b][]` → `['a', 'b', '']`; a key without brackets is one segment; a malformed bracket part is kept literally. */
export function keySegments(key: string): string[] {
  const open = key.indexOf('[');
  if (open <= 0) {
    return [key];
  }
  const segments = [key.slice(0, open)];
  const rest = key.slice(open);
  const re = /\[([^[\]]*)\]/gy;
  let consumed = 0;
  for (let m = re.exec(rest); m !== null; m = re.exec(rest)) {
    segments.push(m[1] ?? '');
    consumed = re.lastIndex;
  }
  // Trailing text after the last bracket (`a[b]c`) is not bracket syntax: keep the whole key as one name.
  return consumed === rest.length ? segments : [key];
}

const isIndex = (s: string): boolean => /^(0|[1-9][0-9]{0,3})$/.test(s) && Number(s) <= MAX_INDEX;

/** Decodes `(key, value)` pairs into nested objects and arrays (last value wins for repeated plain keys). */
export function decodePhpParams(pairs: Iterable<[string, string]>, part: FieldProblem['in'] = 'body'): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of pairs) {
    const segments = keySegments(key);
    if (segments.length > MAX_DEPTH + 1) {
      throw errors.invalidField(part, segments[0] ?? key, `nests deeper than ${MAX_DEPTH} levels`);
    }
    for (const s of segments) {
      if (RESERVED.has(s)) {
        throw errors.invalidField(part, segments[0] ?? key, `uses the reserved name "${s}"`);
      }
    }
    let node: Node = root;
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i] as string;
      const last = i === segments.length - 1;
      const nextSeg = segments[i + 1];
      const child = (): Node => (nextSeg === '' || (nextSeg !== undefined && isIndex(nextSeg)) ? [] : {});
      if (Array.isArray(node)) {
        if (seg === '') {
          if (last) {
            node.push(value);
            break;
          }
          // `a[][b]=1&a[][c]=2`: PHP starts a new element each time; a following key fills the last one if it can.
          const tail: unknown = node[node.length - 1];
          const reuse: boolean = tail !== null && typeof tail === 'object' && !Array.isArray(tail) && nextSeg !== undefined && !(nextSeg in tail);
          const next: Node = reuse ? (tail as Node) : child();
          if (!reuse) {
            node.push(next);
          }
          node = next;
          continue;
        }
        if (!isIndex(seg)) {
          // `a[]=1&a[x]=2` has no JSON equivalent that a schema could check; refuse it rather than guess.
          throw errors.invalidField(part, segments[0] ?? key, 'mixes list ([]) and named ([name]) entries');
        }
        const idx = Number(seg);
        if (last) {
          node[idx] = value;
          break;
        }
        const existing: unknown = node[idx];
        node = existing !== null && typeof existing === 'object' ? (existing as Node) : (node[idx] = child()) as Node;
        continue;
      }
      const obj = node as Record<string, unknown>;
      if (last) {
        obj[seg] = value;
        break;
      }
      const existing: unknown = Object.prototype.hasOwnProperty.call(obj, seg) ? obj[seg] : undefined;
      node = existing !== null && typeof existing === 'object' ? (existing as Node) : (obj[seg] = child()) as Node;
    }
  }
  return compactArrays(root) as Record<string, unknown>;
}

/** Arrays built from explicit indexes may have holes (`a[0]=x&a[2]=y`); they become dense, in index order. */
function compactArrays(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.filter((v) => v !== undefined).map(compactArrays);
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      (value as Record<string, unknown>)[k] = compactArrays(v);
    }
  }
  return value;
}

/** An `application/x-www-form-urlencoded` body, decoded (URLSearchParams handles `+` and percent-escapes). */
export function parseFormBody(text: string): Record<string, unknown> {
  return decodePhpParams(new URLSearchParams(text), 'body');
}

/** The query string of a raw URL, decoded the same way. */
export function parseQueryString(url: string): Record<string, unknown> {
  const q = url.indexOf('?');
  return q < 0 ? {} : decodePhpParams(new URLSearchParams(url.slice(q + 1)), 'query');
}
