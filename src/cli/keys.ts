import { parseArgs } from 'node:util';
import type { Config } from '../config/config.js';
import { migrateToLatest } from '../db/database.js';
import { createDeps } from '../deps.js';
import { createApiKey, listApiKeys, revokeApiKey } from '../domain/auth/api-keys.service.js';
import { isUuid } from '../lib/ids.js';
import type { AppDeps } from '../deps.js';

async function resolveAccount(deps: AppDeps, ref: string): Promise<string | undefined> {
  const row = await deps.db
    .selectFrom('accounts')
    .select('id')
    .where(isUuid(ref) ? 'id' : 'name', '=', ref)
    .orderBy('sequence')
    .executeTakeFirst();
  return row?.id;
}

async function resolveUser(deps: AppDeps, accountId: string, ref: string | undefined): Promise<string | undefined> {
  let q = deps.db
    .selectFrom('account_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select('u.id')
    .where('m.account_id', '=', accountId);
  q = ref ? q.where(isUuid(ref) ? 'u.id' : 'u.email', '=', isUuid(ref) ? ref : ref.toLowerCase()) : q.where('m.role', '=', 'owner');
  return (await q.orderBy('m.sequence').executeTakeFirst())?.id;
}

/** `atelier keys create|list|revoke`: operator access to API keys, straight on the database. */
export async function keysCommand(config: Config, argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { account: { type: 'string' }, user: { type: 'string' }, name: { type: 'string' } },
  });
  const [sub, arg] = positionals;
  // API keys are hashed secrets, not signed tokens: no token key needed.
  const deps = createDeps(config, { signsTokens: false });
  try {
    await migrateToLatest(deps.db);
    if (sub === 'revoke') {
      if (!arg) {
        process.stderr.write('keys revoke needs a key or key id\n');
        return 2;
      }
      const row = await revokeApiKey(deps, { idOrKey: arg });
      process.stdout.write(`${JSON.stringify({ id: row.id, key: row.key, revoked_at: row.revoked_at })}\n`);
      return 0;
    }
    if (sub !== 'create' && sub !== 'list') {
      process.stderr.write('usage: atelier keys create|list --account <id|name> | keys revoke <key|id>\n');
      return 2;
    }
    const accountId = values.account ? await resolveAccount(deps, values.account) : undefined;
    if (!accountId) {
      process.stderr.write('no such account (pass --account <id|name>)\n');
      return 1;
    }
    if (sub === 'list') {
      const rows = await listApiKeys(deps.db, { accountId });
      for (const r of rows) {
        process.stdout.write(
          `${JSON.stringify({ id: r.id, key: r.key, name: r.name, user_id: r.user_id, created_at: r.created_at, last_used_at: r.last_used_at, revoked_at: r.revoked_at })}\n`,
        );
      }
      return 0;
    }
    const userId = await resolveUser(deps, accountId, values.user);
    if (!userId) {
      process.stderr.write('no such member of that account (pass --user <id|email>)\n');
      return 1;
    }
    const issued = await createApiKey(deps, { accountId, userId, name: values.name ?? 'cli' });
    process.stdout.write(`${JSON.stringify({ id: issued.row.id, account_id: accountId, user_id: userId, key: issued.key, secret: issued.secret })}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    await deps.close();
  }
}
