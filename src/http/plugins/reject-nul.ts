import type { FastifyInstance } from 'fastify';
import { errors, type FieldProblem } from '../../domain/errors.js';

const MESSAGE = 'must not contain NUL (U+0000) characters';

const segment = (key: string | number): string => String(key).replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * The JSON pointer of the first string or key in `value` that holds U+0000, or undefined. A loop, not recursion: a
 * body nested thousands of levels deep is valid JSON and must not overflow the stack (a 500).
 */
export function nulPointer(value: unknown): string | undefined {
  // Each entry: a value, its pointer, and whether the key that leads to it holds a NUL itself.
  const todo: Array<[unknown, string, boolean]> = [[value, '', false]];
  for (let item = todo.pop(); item !== undefined; item = todo.pop()) {
    const [v, at, badKey] = item;
    if (badKey || (typeof v === 'string' && v.includes('\u0000'))) {
      return at || '/';
    }
    // A raw upload body (a Buffer or a stream) is bytes, not text. Parsed parts need not be plain objects: Fastify's
    // params and query objects have prototypes of their own.
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v) || typeof (v as { pipe?: unknown }).pipe === 'function') {
      continue;
    }
    const entries = Array.isArray(v) ? v.map((x, i): [string, unknown] => [String(i), x]) : Object.entries(v);
    // Reversed onto the stack, so the first problem in document order is the one reported.
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i] as [string, unknown];
      todo.push([child, `${at}/${segment(key)}`, key.includes('\u0000')]);
    }
  }
  return undefined;
}

/**
 * Throws the field error for a NUL in `value` (a decoded form field, multipart `body` part or tus metadata value):
 * text that did not pass through the hook below because it is parsed inside a handler. `prefix` is the pointer of
 * `value` itself.
 */
export function assertNoNul(value: unknown, part: FieldProblem['in'], prefix: string): void {
  const pointer = nulPointer(value);
  if (pointer !== undefined) {
    const at = pointer === '/' ? prefix : `${prefix}${pointer}`;
    throw errors.invalid('validation_failed', `${at.slice(1)}: ${MESSAGE}`, [{ in: part, pointer: at, message: MESSAGE }]);
  }
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
