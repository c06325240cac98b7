import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, Logger } from 'pino';
import { lazyChild } from '../../lib/lazy-logger.js';

/** Fastify's `childLoggerFactory`: lazy unless the route sets its own level or serializers. */
export function lazyChildLogger(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  if (options.level !== undefined || options.serializers !== undefined) {
    return logger.child(bindings, options);
  }
  return lazyChild(logger as unknown as Logger, bindings) as unknown as FastifyBaseLogger;
}
