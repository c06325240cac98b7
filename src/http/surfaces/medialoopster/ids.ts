import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { MAX_SURFACE_ID } from '../../../domain/ids/surface-ids.js';
import { modelNotFound } from './errors.js';

/** The `{id}` path parameter: any segment; a non-integer answers 404 like an unknown id (DRF's get_object_or_404). */
export const IdParams = Type.Object({ id: Type.String({ maxLength: 64, description: 'Integer id' }) });

/** The integer of a path id, or 404 `<Model> object with pk=u'<id>' does not exist.` */
export function pathId(value: string, model: string): number {
  const n = /^[1-9][0-9]{0,9}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n > MAX_SURFACE_ID) {
    throw modelNotFound(model, value);
  }
  return n;
}

/** `scheme://host` as the client called it, for the URLs this surface writes (Link, proxy_url, thumbnail_url). */
export const baseUrl = (request: FastifyRequest): string => `${request.protocol}://${request.host}`;
