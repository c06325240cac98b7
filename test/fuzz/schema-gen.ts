/*
 * A tiny property-based generator for the schema fuzzer: a seeded PRNG, "valid-ish" values drawn from a JSON schema
 * (the subset TypeBox emits into /openapi.json), and a catalogue of hostile mutations for one value. No dependency:
 * fast-check is not installed, and a fixed seed plus a catalogue keeps a failing run reproducible by its seed alone.
 */

/** mulberry32: small, fast and good enough to pick test cases; the same seed gives the same sequence everywhere. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let x = this.state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) {
      throw new Error('pick from an empty list');
    }
    return item;
  }
}

/** A stable 32-bit hash, so each route gets its own stream and adding a route does not reshuffle the others. */
export function hashSeed(seed: number, text: string): number {
  let h = (seed ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  }
  return h;
}

export interface Schema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  format?: string;
  pattern?: string;
}

/** JSON text spliced into a body as is: numbers JSON.stringify cannot write (1e309, -0), or a raw `__proto__` key. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** JSON.stringify, except that RawJson values are written verbatim. */
export function toJson(value: unknown): string {
  if (value instanceof RawJson) {
    return value.text;
  }
  if (Array.isArray(value)) {
    return `[${value.map((v) => (v === undefined ? 'null' : toJson(v))).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const parts: string[] = [];
    for (const key of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) {
        parts.push(`${JSON.stringify(key)}:${toJson(v)}`);
      }
    }
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Resolves `$ref`s into `#/components/schemas/...` of the document. */
export type Resolver = (schema: Schema) => Schema;

export function makeResolver(doc: { components?: { schemas?: Record<string, Schema> } }): Resolver {
  return function resolve(schema: Schema): Schema {
    let s = schema;
    for (let depth = 0; s.$ref && depth < 20; depth++) {
      const name = s.$ref.replace(/^#\/components\/schemas\//, '');
      const target = doc.components?.schemas?.[name];
      if (!target) {
        return {};
      }
      s = target;
    }
    return s;
  };
}

/** Gives a real id of the caller's own tenant for a field or parameter name, when there is one. */
export type IdSource = (name: string) => string | undefined;

export interface GenContext {
  rng: Rng;
  resolve: Resolver;
  ids: IdSource;
}

const typesOf = (s: Schema): string[] => (s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type]);

/** Strings that satisfy the patterns the API uses; anything else falls back to a plain word. */
function stringFor(s: Schema, name: string, g: GenContext): string {
  const id = g.ids(name);
  if (id !== undefined && (s.maxLength === undefined || id.length <= s.maxLength)) {
    return id;
  }
  if (s.pattern === '^#[0-9a-fA-F]{6}$') {
    return '#a1b2c3';
  }
  if (s.pattern === '^[0-9a-fA-F]{64}$') {
    return 'ab'.repeat(32);
  }
  switch (s.format) {
    case 'uuid':
      return '6f1c2a9e-0c4b-4a5e-9d7f-1b2c3d4e5f60';
    case 'email':
      return `fuzz-${g.rng.int(1e6)}@example.test`;
    case 'date-time':
      return '2026-05-04T03:02:01.000Z';
    case 'date':
      return '2026-05-04';
    case 'uri':
      return 'http://127.0.0.1:9/hook';
  }
  if (/url/i.test(name)) {
    return 'http://127.0.0.1:9/hook';
  }
  if (/date|_at$|_after$|_before$/.test(name)) {
    return '2026-05-04';
  }
  const min = s.minLength ?? 0;
  const max = Math.min(s.maxLength ?? min + 12, min + 12);
  const len = Math.max(min, Math.min(max, 1 + g.rng.int(8)));
  return `f${'uzzing-value'.repeat(4)}`.slice(0, Math.max(len, 1)).padEnd(len, 'z');
}

function numberFor(s: Schema, integer: boolean, g: GenContext): number {
  const lo = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 0);
  const hi = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : lo + 10);
  const n = lo + g.rng.int(Math.max(1, Math.min(hi - lo + 1, 10)));
  return integer ? Math.floor(n) : n;
}

/** A value the schema accepts, most of the time: the baseline a mutation is applied to. */
export function validValue(schema: Schema, name: string, g: GenContext, depth = 0): unknown {
  const s = g.resolve(schema);
  if (s.const !== undefined) {
    return s.const;
  }
  if (s.enum && s.enum.length > 0) {
    return g.rng.pick(s.enum);
  }
  const branches = s.anyOf ?? s.oneOf;
  if (branches && branches.length > 0) {
    const nonNull = branches.filter((b) => !typesOf(g.resolve(b)).includes('null'));
    const pool = nonNull.length > 0 && g.rng.chance(0.85) ? nonNull : branches;
    return validValue(g.rng.pick(pool), name, g, depth + 1);
  }
  if (s.allOf && s.allOf.length > 0) {
    const merged: Schema = { type: 'object', properties: {}, required: [] };
    for (const part of s.allOf.map(g.resolve)) {
      Object.assign(merged.properties ?? {}, part.properties);
      merged.required?.push(...(part.required ?? []));
    }
    return validValue(merged, name, g, depth + 1);
  }
  const types = typesOf(s).filter((t) => t !== 'null');
  const type = types.length > 0 ? g.rng.pick(types) : s.properties ? 'object' : s.items ? 'array' : typesOf(s).includes('null') ? 'null' : 'string';
  switch (type) {
    case 'string':
      return stringFor(s, name, g);
    case 'integer':
      return numberFor(s, true, g);
    case 'number':
      return numberFor(s, false, g);
    case 'boolean':
      return g.rng.chance(0.5);
    case 'null':
      return null;
    case 'array': {
      if (depth > 6) {
        return [];
      }
      const min = s.minItems ?? 0;
      const max = Math.min(s.maxItems ?? min + 2, min + 2);
      const n = min + g.rng.int(max - min + 1);
      const itemName = name.replace(/s$/, '');
      return Array.from({ length: n }, () => validValue(s.items ?? {}, itemName === 'ids' ? name : itemName, g, depth + 1));
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      if (depth > 6) {
        return out;
      }
      const required = new Set(s.required ?? []);
      for (const [key, prop] of Object.entries(s.properties ?? {})) {
        if (required.has(key) || g.rng.chance(0.5)) {
          out[key] = validValue(prop, key, g, depth + 1);
        }
      }
      return out;
    }
    default:
      return 'x';
  }
}

export interface Mutation {
  kind: string;
  value: unknown;
}

const HUGE = 70_000;
const LONG_UNICODE_NAME = `${'é'.repeat(130)}.png`; // 261 bytes of UTF-8 in 135 characters

/** Hostile values for one place whose schema is `schema`: the catalogue every location draws from. */
export function mutationsFor(schema: Schema, resolve: Resolver): Mutation[] {
  const s = resolve(schema);
  const types = new Set(typesOf(s));
  for (const b of s.anyOf ?? s.oneOf ?? []) {
    for (const t of typesOf(resolve(b))) {
      types.add(t);
    }
  }
  const out: Mutation[] = [
    { kind: 'null', value: null },
    { kind: 'wrong-type:boolean', value: true },
    { kind: 'wrong-type:number', value: 123 },
    { kind: 'wrong-type:string', value: 'not-the-right-type' },
    { kind: 'wrong-type:object', value: { a: 1 } },
    { kind: 'wrong-type:array', value: ['x'] },
    { kind: 'empty-string', value: '' },
    { kind: 'empty-array', value: [] },
    { kind: 'empty-object', value: {} },
    { kind: 'huge-string', value: 'A'.repeat(HUGE) },
    { kind: 'unicode:emoji', value: '👩‍👩‍👧‍👦🎨✨' },
    { kind: 'unicode:rtl', value: '\u202eabc\u05d0\u05d1' },
    { kind: 'unicode:nul', value: 'a\u0000b' },
    { kind: 'unicode:lone-surrogate', value: 'x\ud800y' },
    { kind: 'unicode:long-name', value: LONG_UNICODE_NAME },
    { kind: 'string:path-traversal', value: '../../etc/passwd' },
    { kind: 'string:sql', value: "' OR 1=1 --" },
    { kind: 'string:whitespace', value: '   ' },
    { kind: 'string:numeric', value: '123' },
    { kind: 'number-string:Infinity', value: 'Infinity' },
    { kind: 'number-string:-Infinity', value: '-Infinity' },
    { kind: 'number-string:NaN', value: 'NaN' },
    { kind: 'number-string:1e309', value: '1e309' },
    { kind: 'number:1e309', value: new RawJson('1e309') },
    { kind: 'number:-1e309', value: new RawJson('-1e309') },
    { kind: 'number:0', value: 0 },
    { kind: 'number:-1', value: -1 },
    { kind: 'number:fraction', value: 1.5 },
    { kind: 'number:2^53', value: 2 ** 53 },
    { kind: 'number:-2^63', value: -(2 ** 63) },
    { kind: 'number:1e308', value: 1e308 },
    { kind: 'number:-0', value: new RawJson('-0') },
    { kind: 'proto-key:__proto__', value: new RawJson('{"__proto__":{"polluted":true}}') },
    { kind: 'proto-key:constructor', value: { constructor: { prototype: { polluted: true } } } },
    { kind: 'proto-key:prototype', value: { prototype: { polluted: true } } },
    { kind: 'array:nulls', value: [null, null] },
    { kind: 'array:huge', value: Array.from({ length: 2000 }, (_, i) => `x${i}`) },
    { kind: 'array:nested', value: [[[['deep']]]] },
  ];
  for (const [bound, label] of [
    [s.minimum, 'min-1'],
    [s.maximum, 'max+1'],
  ] as const) {
    if (bound !== undefined) {
      out.push({ kind: `boundary:${label}`, value: label === 'min-1' ? bound - 1 : bound + 1 });
      out.push({ kind: `boundary:${label}-as-string`, value: String(label === 'min-1' ? bound - 1 : bound + 1) });
    }
  }
  if (s.maxLength !== undefined) {
    out.push({ kind: 'boundary:maxLength+1', value: 'L'.repeat(s.maxLength + 1) });
  }
  if (s.minLength !== undefined && s.minLength > 0) {
    out.push({ kind: 'boundary:minLength-1', value: 'L'.repeat(s.minLength - 1) });
  }
  if (s.maxItems !== undefined) {
    out.push({ kind: 'boundary:maxItems+1', value: Array.from({ length: s.maxItems + 1 }, (_, i) => `i${i}`) });
  }
  if (types.has('object') || s.properties) {
    out.push({ kind: 'object:extra-property', value: { fuzz_extra: 1 } });
  }
  return out;
}

/** Hostile values for a path parameter (an id, usually): the string forms an id can take in a URL. */
export const PATH_MUTATIONS: Mutation[] = [
  { kind: 'id:random-uuid', value: '00000000-0000-4000-8000-000000000000' },
  { kind: 'id:not-uuid', value: 'not-a-uuid' },
  { kind: 'id:number', value: '12345' },
  { kind: 'id:zero', value: '0' },
  { kind: 'id:negative', value: '-1' },
  { kind: 'id:1e309', value: '1e309' },
  { kind: 'id:Infinity', value: 'Infinity' },
  { kind: 'id:NaN', value: 'NaN' },
  { kind: 'id:null', value: 'null' },
  { kind: 'id:__proto__', value: '__proto__' },
  { kind: 'id:constructor', value: 'constructor' },
  { kind: 'id:huge', value: 'a'.repeat(5000) },
  { kind: 'id:emoji', value: '🎨' },
  { kind: 'id:rtl', value: '\u202eabc' },
  { kind: 'id:nul', value: 'a\u0000b' },
  { kind: 'id:lone-surrogate', value: 'x\ud800y' },
  { kind: 'id:dot-dot', value: '..' },
  { kind: 'id:sql', value: "1' OR '1'='1" },
  { kind: 'id:spaces', value: '   ' },
];

/** encodeURIComponent, except that a lone surrogate is written as its raw (invalid) UTF-8 bytes, as a client could. */
export function encodeComponent(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    let out = '';
    for (const ch of value) {
      const code = ch.codePointAt(0) ?? 0;
      if (code >= 0xd800 && code <= 0xdfff) {
        out += `%${(0xe0 | (code >> 12)).toString(16).toUpperCase()}%${(0x80 | ((code >> 6) & 0x3f)).toString(16).toUpperCase()}%${(0x80 | (code & 0x3f)).toString(16).toUpperCase()}`;
      } else {
        out += encodeURIComponent(ch);
      }
    }
    return out;
  }
}

/** How a mutated value reads in a query string or a path: strings as they are, anything else as its JSON. */
export function asText(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  return toJson(value);
}
