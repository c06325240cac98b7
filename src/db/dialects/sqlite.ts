import { errors } from '../../domain/errors.js';
import type { Dialect } from './dialect.js';

export const sqliteDialect: Dialect = {
  name: 'sqlite',
  translateError(err) {
    const code = (err as { code?: unknown } | null)?.code;
    // NOTE(sqlite): better-sqlite3 reports constraint failures as SqliteError with these codes.
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      return errors.conflict('duplicate', 'A record with the same unique value already exists.', err);
    }
    if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
      return errors.invalid('reference_invalid', 'A referenced record does not exist.', undefined, err);
    }
    return undefined;
  },
};
