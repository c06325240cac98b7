import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../../domain/errors.js';

/*
 * medialoopster's request conventions (spec §2.1; docs/medialoopster.md): `Accept: application/json; version=1`
 * (optional), form or JSON bodies, `limit`/`offset` lists with a bare array body, `Link: <…>; rel="next"` and
 * `X-Total-Count`, ISO 8601 UTC timestamps with microseconds.
 */

/** The one API version Atelier speaks; an Accept header naming another is 406 (DRF's AcceptHeaderVersioning). */
export const API_VERSION = '1';

/** The `version` parameters of the Accept header's media ranges (`application/json; version=1`), in order. */
export function acceptVersions(accept: string | undefined): string[] {
  if (!accept) {
    return [];
  }
  const out: string[] = [];
  for (const range of accept.split(',')) {
    for (const param of range.split(';').slice(1)) {
      const [k, v] = param.split('=').map((s) => s.trim());
      if (k?.toLowerCase() === 'version' && v !== undefined) {
        out.push(v.replace(/^"(.*)"$/, '$1'));
      }
    }
  }
  return out;
}

/** Paging query of list routes: `offset` ≥ 0, `limit` 1-1000 (default 100). */
export const PagingQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Objects to return, 1 to 1000; 100 when left out.' })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647, description: 'Objects to skip (at least 0).' })),
};
export const DEFAULT_LIMIT = 100;

export interface Page {
  limit: number;
  offset: number;
}

export const paging = (q: { limit?: number | undefined; offset?: number | undefined }): Page => ({ limit: q.limit ?? DEFAULT_LIMIT, offset: q.offset ?? 0 });

/** The request's own URL (scheme and host as the client used them) with `limit`/`offset` replaced. */
function pageUrl(request: FastifyRequest, page: Page): string {
  const url = new URL(request.url, `${request.protocol}://${request.host}`);
  url.searchParams.set('limit', String(page.limit));
  url.searchParams.set('offset', String(page.offset));
  return url.toString();
}

/**
 * Sets the list headers clients page with (spec §2.1, from the PyPI client): `X-Total-Count` and a `Link` header with
 * `rel="next"` while more objects follow (and `rel="prev"` after the first page). The body stays a bare array.
 */
export function setPageHeaders(request: FastifyRequest, reply: FastifyReply, page: Page, total: number): void {
  const links: string[] = [];
  if (page.offset + page.limit < total) {
    links.push(`<${pageUrl(request, { limit: page.limit, offset: page.offset + page.limit })}>; rel="next"`);
  }
  if (page.offset > 0) {
    links.push(`<${pageUrl(request, { limit: page.limit, offset: Math.max(0, page.offset - page.limit) })}>; rel="prev"`);
  }
  void reply.header('x-total-count', String(total));
  if (links.length > 0) {
    void reply.header('link', links.join(', '));
  }
}

/**
 * ISO 8601 UTC with microseconds, `2017-01-13T17:30:00.897951Z` (spec §2.1). Atelier stores milliseconds, so the
 * last three digits are zeros; null stays null.
 */
export function isoMicros(value: string | null | undefined): string | null {
  if (value === null || value === undefined) {
    return null;
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    return null;
  }
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** The TypeBox schema of such a timestamp. */
export const IsoMicros = Type.String({ description: 'ISO 8601 UTC with microseconds, e.g. `2017-01-13T17:30:00.897000Z`.' });

/**
 * Surface hooks inside the encapsulated plugin: the Accept header's `version` (absent or `1`; else 406
 * `not_acceptable`), and form bodies (`application/x-www-form-urlencoded`, flat `name=value` pairs: the seed sends
 * "form-data or raw data"; a repeated name becomes a list).
 */
export function registerMedialoopsterParsing(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('vary', 'Accept');
    const versions = acceptVersions(request.headers.accept);
    const wrong = versions.find((v) => v !== API_VERSION);
    if (wrong !== undefined) {
      throw new DomainError('invalid', 'not_acceptable', `Invalid version in "Accept" header: ${JSON.stringify(wrong)}. This server speaks version ${API_VERSION}.`, { status: 406 });
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    const out: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
    for (const [k, v] of new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8'))) {
      const prev = out[k];
      out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    done(null, { ...out });
  });
}
