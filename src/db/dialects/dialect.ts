import type { DomainError } from '../../domain/errors.js';

export type DialectName = 'sqlite' | 'postgres';

/** What differs between SQLite and PostgreSQL. Services never branch on the dialect themselves. */
export interface Dialect {
  readonly name: DialectName;
  /** Turns a driver constraint error into a domain error (unique -> conflict, foreign key -> invalid). */
  translateError(err: unknown): DomainError | undefined;
}
