// Creates and migrates the PostgreSQL template database that every test file clones (CREATE DATABASE ... TEMPLATE).
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import { migrateToLatest } from '../../src/db/database.js';
import type { DB } from '../../src/db/schema.js';
import { PG_TEMPLATE, withDatabase } from './databases.js';

const adminUrl = process.env.TEST_PG_URL;
if (!adminUrl) {
  throw new Error('TEST_PG_URL is not set');
}
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS ${PG_TEMPLATE}`);
await admin.query(`CREATE DATABASE ${PG_TEMPLATE}`);
await admin.end();
const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: withDatabase(adminUrl, PG_TEMPLATE), max: 1 }) }) });
await migrateToLatest(db);
await db.destroy();
