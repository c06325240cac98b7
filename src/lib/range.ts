/*
 * HTTP range and conditional-request evaluation for downloads (RFC 9110 §13 and §14). Pure functions: the
 * download route feeds them headers and the representation's facts and turns the verdict into a status.
 */

/** Inclusive byte range (RFC 9110 §14.1.2). */
export interface InclusiveRange {
  start: number;
  end: number;
}

export type RangeVerdict =
  /** No usable Range: answer 200 with the whole body (absent, other unit, malformed, or several ranges). */
  | { kind: 'full' }
  /** One satisfiable range: answer 206 with Content-Range `bytes start-end/size`. */
  | { kind: 'partial'; range: InclusiveRange }
  /** No range overlaps the representation: answer 416 with Content-Range `bytes *\/size`. */
  | { kind: 'unsatisfiable' };

const SPEC = /^(\d*)-(\d*)$/;

type Spec = { start: number; end: number | undefined } | { suffix: number };

function parseSpec(text: string): Spec | undefined {
  const m = SPEC.exec(text.trim());
  if (!m) {
    return undefined;
  }
  const [, first = '', last = ''] = m;
  if (first === '' && last === '') {
    return undefined;
  }
  if (first === '') {
    return { suffix: Number(last) };
  }
  const start = Number(first);
  const end = last === '' ? undefined : Number(last);
  // §14.1.1: a last-pos below the first-pos makes the whole header invalid (ignored).
  if (end !== undefined && end < start) {
    return undefined;
  }
  return { start, end };
}

/** The satisfiable part of one spec against `size`, or undefined when it does not overlap (§14.1.2). */
function resolveSpec(spec: Spec, size: number): InclusiveRange | undefined {
  if ('suffix' in spec) {
    if (spec.suffix === 0 || size === 0) {
      return undefined;
    }
    return { start: Math.max(0, size - spec.suffix), end: size - 1 };
  }
  if (spec.start >= size) {
    return undefined;
  }
  return { start: spec.start, end: Math.min(spec.end ?? size - 1, size - 1) };
}

/**
 * Evaluates a `Range` header against a representation of `size` bytes. Only the `bytes` unit is understood; a
 * malformed header is ignored (§14.2: a server MAY ignore Range). Several ranges are answered with the whole body
 * (allowed by §14.2; multipart/byteranges is not produced) unless none of them is satisfiable, which is 416.
 */
export function evaluateRange(header: string | undefined, size: number): RangeVerdict {
  if (header === undefined) {
    return { kind: 'full' };
  }
  const m = /^\s*bytes\s*=(.*)$/i.exec(header);
  if (!m) {
    return { kind: 'full' };
  }
  const parts = (m[1] ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) {
    return { kind: 'full' };
  }
  const specs: Spec[] = [];
  for (const part of parts) {
    const spec = parseSpec(part);
    if (!spec) {
      return { kind: 'full' };
    }
    specs.push(spec);
  }
  const satisfiable = specs.map((s) => resolveSpec(s, size)).filter((r): r is InclusiveRange => r !== undefined);
  if (satisfiable.length === 0) {
    return { kind: 'unsatisfiable' };
  }
  const [only] = satisfiable;
  if (specs.length > 1 || !only) {
    return { kind: 'full' };
  }
  return { kind: 'partial', range: only };
}

/** The entity-tags of an If-None-Match / If-Match list; `*` is returned as `['*']`. */
export function parseEtagList(header: string): string[] {
  if (header.trim() === '*') {
    return ['*'];
  }
  return [...header.matchAll(/(?:W\/)?"[^"]*"/g)].map((m) => m[0]);
}

const opaque = (tag: string): string => tag.replace(/^W\//, '');

/** If-None-Match with the weak comparison (§13.1.2): true when the client's copy is current (304 for GET/HEAD). */
export function noneMatchSatisfied(header: string | undefined, etag: string): boolean {
  if (header === undefined) {
    return false;
  }
  const tags = parseEtagList(header);
  return tags.includes('*') || tags.some((t) => opaque(t) === opaque(etag));
}

/**
 * If-Range (§13.1.5): true when the Range header may be honoured. An entity-tag must match strongly (a weak tag
 * never does); a date must equal the Last-Modified exactly. Absent If-Range always allows the range.
 */
export function ifRangeAllows(header: string | undefined, current: { etag: string; lastModified?: string | undefined }): boolean {
  if (header === undefined) {
    return true;
  }
  const value = header.trim();
  if (value.startsWith('"') || value.startsWith('W/')) {
    return !value.startsWith('W/') && value === current.etag;
  }
  if (current.lastModified === undefined) {
    return false;
  }
  const date = Date.parse(value);
  return !Number.isNaN(date) && date === Date.parse(current.lastModified);
}

/** `bytes start-end/size` for a 206. */
export const contentRange = (r: InclusiveRange, size: number): string => `bytes ${r.start}-${r.end}/${size}`;

/** `bytes *\/size` for a 416. */
export const unsatisfiedRange = (size: number): string => `bytes */${size}`;
