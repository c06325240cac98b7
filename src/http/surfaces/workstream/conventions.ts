import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { errors } from '../../../domain/errors.js';
import { parseFormBody, parseQueryString } from './php-params.js';

/*
 * Workstream's request conventions (spec §1.1; docs/workstream.md): PHP-style bracket arrays in form bodies and query
 * strings, JSON bodies too, DELETE with a body, `offset`/`limit` 1-100, `sort`/`sortdir`, `filter[key][]=value`
 * (OR within a key, AND across keys), Unix-second timestamps.
 */

/** A numeric id as JSON sends it (a number) or as a form or query sends it (a numeric string). */
export const IntLike = Type.Union([Type.Integer({ minimum: 0 }), Type.String({ pattern: '^[0-9]{1,10}$' })]);

/** `IntLike`, or null (JSON) / empty (form) to clear a value. */
export const NullableIntLike = Type.Union([Type.Null(), IntLike, Type.Literal('')]);

/** Paging query of list routes: `offset` ≥ 0, `limit` 1-100 (default 50). */
export const PagingQuery = {
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647, description: 'Rows to skip (at least 0).' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Rows to return, 1 to 100; 50 when left out.' })),
};
export const DEFAULT_LIMIT = 50;

export function paging(q: { offset?: number | undefined; limit?: number | undefined }): { offset: number; limit: number } {
  return { offset: q.offset ?? 0, limit: q.limit ?? DEFAULT_LIMIT };
}

/** `sortdir`: letters only, at most 4 (Laravel's `alpha|max:4`), meaning asc or desc in any case. */
export const SortDir = Type.String({ pattern: '^(?:[aA][sS][cC]|[dD][eE][sS][cC])$', description: '`asc` or `desc`.' });
export const isDesc = (sortdir: string | undefined, byDefault: boolean): boolean => (sortdir === undefined ? byDefault : sortdir.toLowerCase() === 'desc');

/** `filter[key][]=value` for the given keys; a single `filter[key]=value` counts as a one-value list. */
export function FilterQuery(keys: readonly string[], item: TSchema = Type.String({ pattern: '^[0-9]{1,10}$' })) {
  const values = Type.Union([Type.Array(item, { maxItems: 100 }), item]);
  return Type.Optional(
    Type.Object(Object.fromEntries(keys.map((k) => [k, Type.Optional(values)])), {
      additionalProperties: false,
      description: `An array of arrays: \`filter[key][]=value\` with key in ${keys.join(', ')}; values of one key are OR-ed, keys AND-ed.`,
    }),
  );
}

/** A filter's values as a list (a single value included). */
export const filterValues = (v: unknown): string[] | undefined =>
  v === undefined ? undefined : typeof v === 'string' ? [v] : Array.isArray(v) ? v.map(String) : undefined;

/** A Unix-seconds timestamp from a body field: a non-negative integer or numeric string. */
export function toUnixSeconds(value: number | string, field: string): number {
  const n = typeof value === 'number' ? value : Number(value);
  // Up to the year 9999, so the ISO conversion downstream cannot overflow.
  if (!Number.isSafeInteger(n) || n < 0 || n > 253_402_300_799) {
    throw errors.invalidField('body', field, 'must be a Unix timestamp in seconds');
  }
  return n;
}

/** ISO text as Unix seconds (integer), for the integer timestamp fields; a `YYYY-MM-DD` date is its UTC midnight. */
export function unixSeconds(iso: string): number {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso}T00:00:00Z` : iso);
  return Math.floor(ms / 1000);
}

/** The same as a string (`"1493158417"`), for the string timestamp fields. */
export const unixSecondsText = (iso: string): string => String(unixSeconds(iso));

/**
 * The surface's body and query decoding, inside its encapsulated plugin only: form bodies with bracket arrays, and
 * query strings re-decoded from the raw URL with the same rules (Fastify's parser keeps `filter[status][]` as a
 * flat key), before validation, so the route schemas see nested objects and arrays.
 */
export function registerWorkstreamParsing(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseFormBody(typeof body === 'string' ? body : body.toString('utf8')));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  app.addHook('preValidation', async (request) => {
    const url = request.raw.url ?? '';
    if (url.includes('?')) {
      request.query = parseQueryString(url);
    }
  });
}
