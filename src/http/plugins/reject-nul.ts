import type { FastifyInstance } from 'fastify';
import { errors, type FieldProblem } from '../../domain/errors.js';

const MESSAGE = 'must not contain NUL (U+0000) characters';

const segment = (key: string | number): string => String(key).replace(/~/g, '~0').replace(/\//g, '~1');

/** The JSON pointer of the first string or key in `value` that holds U+0000, or undefined. */
export function nulPointer(value: unknown, at = ''): string | undefined {
  if (typeof value === 'string') {
    return value.includes('\u0000') ? at || '/' : undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulPointer(value[i], `${at}/${i}`);
      if (found !== undefined) {
        return found;
      }
    }
    return undefined;
  }
  // A raw upload body (a Buffer or a stream) is bytes, not text. Parsed parts need not be plain objects: Fastify's
  // params and query objects have prototypes of their own.
  const isBytes = ArrayBuffer.isView(value) || typeof (value as { pipe?: unknown } | null)?.pipe === 'function';
  if (value !== null && typeof value === 'object' && !isBytes) {
    for (const [key, v] of Object.entries(value)) {
      const here = `${at}/${segment(key)}`;
      if (key.includes('\u0000')) {
        return here;
      }
      const found = nulPointer(v, here);
      if (found !== undefined) {
        return found;
      }
    }
  }
  return undefined;
}

/**
 * Refuses U+0000 anywhere in the path parameters, the query string or a parsed body, with a field error. PostgreSQL
 * cannot hold it in text or jsonb (every such request answered 500 there), and SQLite stored it, so the same request
 * had two outcomes; no name, id or text of the API has a use for it.
 */
export function rejectNulCharacters(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const parts: Array<[FieldProblem['in'], unknown]> = [
      ['params', request.params],
      ['query', request.query],
      ['body', request.body],
    ];
    for (const [part, value] of parts) {
      const pointer = nulPointer(value);
      if (pointer !== undefined) {
        const field = pointer.slice(1) || part;
        throw errors.invalid('validation_failed', `${field}: ${MESSAGE}`, [{ in: part, pointer, message: MESSAGE }]);
      }
    }
  });
}
