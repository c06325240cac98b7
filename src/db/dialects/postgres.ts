import { errors } from '../../domain/errors.js';
import type { Dialect } from './dialect.js';

export const postgresDialect: Dialect = {
  name: 'postgres',
  translateError(err) {
    const code = (err as { code?: unknown } | null)?.code;
    // NOTE(postgres): SQLSTATE 23505 unique_violation, 23503 foreign_key_violation.
    if (code === '23505') {
      return errors.conflict('duplicate', 'A record with the same unique value already exists.', err);
    }
    if (code === '23503') {
      return errors.invalid('reference_invalid', 'A referenced record does not exist.', undefined, err);
    }
    return undefined;
  },
};
