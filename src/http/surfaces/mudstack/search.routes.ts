import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { errors } from '../../../domain/errors.js';
import type { SearchRequest } from '../../../domain/search/search.rules.js';
import { searchAssetIds, searchAssets } from '../../../domain/search/search.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { assertJsonInput } from '../../plugins/json-body.js';
import { presentAsset } from './assets.present.js';
import { authErrors } from './common.schemas.js';
import {
  FILTER_ALIASES,
  SearchBody,
  SearchIdsResult,
  SearchQuery,
  SearchResult,
  type FilterName,
  type SearchBodyJson,
  type SearchQueryJson,
} from './search.schemas.js';

const tags = ['Assets'];
/** A search body is a few filters; anything bigger is a mistake. */
const GET_BODY_LIMIT = 64 * 1024;

const canonical = (name: string): string => FILTER_ALIASES[name] ?? name;
const list = (v: unknown): string[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v.map(String) : [String(v)]);
const text = (v: unknown): string | undefined => (v === undefined ? undefined : String(v));
const bool = (v: unknown): boolean | undefined => (v === undefined ? undefined : v === true);

/**
 * Merges the query parameters and the JSON body into one search request. A filter in the body wins over the same
 * filter in the query string; each field remembers where it came from, so a 400 points at it.
 */
export function searchRequestOf(query: SearchQueryJson, body: SearchBodyJson | undefined): SearchRequest {
  const values = new Map<string, { value: unknown; in: 'query' | 'body'; pointer: string }>();
  const page = new Set(['sort', 'order', 'limit', 'cursor']);
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined) {
      values.set(page.has(k) ? k : canonical(k), { value: v, in: 'query', pointer: `/${k}` });
    }
  }
  for (const [k, v] of Object.entries(body?.filters ?? {})) {
    if (v !== undefined) {
      values.set(canonical(k), { value: v, in: 'body', pointer: `/filters/${k}` });
    }
  }
  for (const k of page) {
    const v = body?.[k as keyof SearchBodyJson];
    if (v !== undefined) {
      values.set(k, { value: v, in: 'body', pointer: `/${k}` });
    }
  }
  const get = (name: FilterName | 'sort' | 'order' | 'limit' | 'cursor'): unknown => values.get(name)?.value;
  return {
    filters: {
      query: text(get('query')),
      types: list(get('type')),
      statuses: list(get('status')),
      tags: list(get('tag')),
      libraries: list(get('library')),
      folder: text(get('folder')),
      recursive: bool(get('recursive')),
      creators: list(get('creator')),
      createdAfter: text(get('created_after')),
      createdBefore: text(get('created_before')),
      updatedAfter: text(get('updated_after')),
      updatedBefore: text(get('updated_before')),
      locked: bool(get('locked')),
      hasOpenTasks: bool(get('has_open_tasks')),
      includeDeleted: bool(get('include_deleted')),
      onlyDeleted: bool(get('only_deleted')),
      reviewStatus: text(get('review_status')),
    },
    sort: get('sort') as SearchRequest['sort'],
    order: get('order') as SearchRequest['order'],
    limit: get('limit') as number | undefined,
    cursor: text(get('cursor')),
    locate: (field) => {
      const at = values.get(field === 'reviewStatus' ? 'review_status' : field);
      return at ? { in: at.in, pointer: at.pointer } : { in: 'query', pointer: `/${field}` };
    },
  };
}

/**
 * Fastify does not read bodies of GET requests, but Mudstack's documented client sends `{"filters": ...}` on GET:
 * read it here (JSON only, size-limited) and validate it with the same compiled schema a POST body gets.
 */
async function readGetBody(request: FastifyRequest): Promise<void> {
  const h = request.headers;
  const declared = Number(h['content-length'] ?? 0);
  if (h['transfer-encoding'] === undefined && !(declared > 0)) {
    return;
  }
  const type = String(h['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type !== 'application/json' && !type.endsWith('+json')) {
    throw errors.unsupportedMedia('A search body must be JSON (Content-Type: application/json).');
  }
  if (declared > GET_BODY_LIMIT) {
    throw errors.tooLarge('The request body is too large.');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request.raw) {
    size += (chunk as Buffer).length;
    if (size > GET_BODY_LIMIT) {
      throw errors.tooLarge('The request body is too large.');
    }
    chunks.push(chunk as Buffer);
  }
  const raw = Buffer.concat(chunks).toString('utf8');
  if (raw.trim() === '') {
    return;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw errors.invalid('malformed_json', 'The body is not valid JSON.');
  }
  assertJsonInput(parsed, 'body');
  const validate = request.compileValidationSchema(SearchBody, 'body');
  if (!validate(parsed)) {
    // Shaped like Fastify's own validation error, so framework-errors.ts renders the same `fields` as for a POST.
    throw Object.assign(new Error('body validation failed'), { validation: validate.errors ?? [], validationContext: 'body', statusCode: 400 });
  }
  request.body = parsed;
}

/** Mudstack §5.1 Search assets / Search asset ids: GET (body allowed) and POST, same handler. */
export const searchRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const description =
    'Filters as query parameters and/or a JSON body `{"filters": {...}, "sort", "order", "limit", "cursor"}` (a body ' +
    'filter wins over the same query parameter). The body is accepted on GET too. Trashed assets are excluded ' +
    'unless `include_deleted` or `only_deleted`. Cursor pagination: pass `next_cursor` back as `cursor`.';
  for (const method of ['GET', 'POST'] as const) {
    const post = method === 'POST';
    app.route({
      method,
      url: '/workspaces/assets/search',
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: `Search assets${post ? ' (POST)' : ''}`,
        description,
        querystring: SearchQuery,
        ...(post ? { body: SearchBody } : {}),
        response: { 200: SearchResult, ...authErrors },
      },
      preValidation: post ? [] : [readGetBody],
      handler: async (request) => {
        const page = await searchAssets(ctxOf(request), searchRequestOf(request.query, request.body as SearchBodyJson | undefined));
        return { assets: page.items.map(presentAsset), next_cursor: page.nextCursor };
      },
    });
    app.route({
      method,
      url: '/workspaces/assets/search/ids',
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: `Search asset ids${post ? ' (POST)' : ''}`,
        description,
        querystring: SearchQuery,
        ...(post ? { body: SearchBody } : {}),
        response: { 200: SearchIdsResult, ...authErrors },
      },
      preValidation: post ? [] : [readGetBody],
      handler: async (request) => {
        const page = await searchAssetIds(ctxOf(request), searchRequestOf(request.query, request.body as SearchBodyJson | undefined));
        return { ids: page.items, next_cursor: page.nextCursor };
      },
    });
  }
};
