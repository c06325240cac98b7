import type { Migration } from 'kysely';
import * as m202611230300 from './202611230300_create_foundation.js';

/** Explicit list, in order: the migrator never scans the file system. */
export const migrations: Record<string, Migration> = {
  '202611230300_create_foundation': m202611230300,
};
