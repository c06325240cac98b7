import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_TEMPLATE = 'atelier_template';

export type DatabaseKind = 'sqlite' | 'postgres';

/** DATABASES=sqlite,postgres (default both) narrows the dialects a run covers. */
export const DATABASES: DatabaseKind[] = (process.env.DATABASES ?? 'sqlite,postgres')
  .split(',')
  .map((s) => s.trim())
  .filter((s): s is DatabaseKind => s === 'sqlite' || s === 'postgres');

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A fresh PostgreSQL database cloned from the migrated template; returns its URL and a drop function. */
export async function clonePostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = process.env.TEST_PG_URL;
  if (!adminUrl) {
    throw new Error('TEST_PG_URL is not set: run the suite with `npm test`, which starts PostgreSQL.');
  }
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    // Two clones of one template at the same instant can collide ("being accessed by other users"): retry.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${PG_TEMPLATE}`);
        break;
      } catch (err) {
        if (attempt >= 20) {
          throw err;
        }
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(adminUrl, name),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await c.end();
    },
  };
}
