import type { FastifyInstance } from 'fastify';
import { errors, type DomainError, type FieldProblem } from '../../domain/errors.js';
import { findJsonInputProblem } from '../../lib/json-input.js';

/** A 400 `validation_failed` naming the first bad string or key of client JSON (lib/json-input.ts), if any. */
export function jsonInputError(value: unknown, part: FieldProblem['in'], prefix = ''): DomainError | undefined {
  const problem = findJsonInputProblem(value);
  if (!problem) {
    return undefined;
  }
  const pointer = prefix === '' ? problem.pointer : `${prefix}${problem.pointer === '/' ? '' : problem.pointer}`;
  const where = `${part}${pointer === '/' ? '' : pointer.replace(/\//g, '.')}`;
  return errors.invalid('validation_failed', `Invalid ${where}: ${problem.message}.`, [{ in: part, pointer, message: problem.message }]);
}

/** Throws jsonInputError's error, if any. */
export function assertJsonInput(value: unknown, part: FieldProblem['in'], prefix = ''): void {
  const err = jsonInputError(value, part, prefix);
  if (err) {
    throw err;
  }
}

/**
 * JSON bodies: Fastify's parser without its prototype-poisoning check (which answered a `__proto__` key as
 * "malformed JSON"), followed by jsonInputError, so a reserved key or a lone surrogate is a field error that names
 * where it is, on every route, whether or not the route has a body schema.
 */
export function registerJsonBody(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('ignore', 'ignore');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parse(request, typeof body === 'string' ? body : body.toString('utf8'), (err, value) => {
      if (err) {
        done(err, undefined);
        return;
      }
      const problem = jsonInputError(value, 'body');
      if (problem) {
        done(problem, undefined);
        return;
      }
      done(null, value);
    });
  });
}
