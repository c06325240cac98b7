import { parseArgs } from 'node:util';
import { ConfigError, configTableMarkdown, loadConfig, type Config } from '../config/config.js';
import { migrateToLatest } from '../db/database.js';
import { createDeps } from '../deps.js';
import type { AnyJobDefinition } from '../jobs/define.js';
import { bootstrap } from '../domain/accounts/accounts.service.js';
import { isDomainError } from '../domain/errors.js';
import { CliError, requireExistingDatabase, usingLine, type DataDirOrigin } from './data-source.js';
import { keysCommand } from './keys.js';
import { usersCommand } from './users.js';
import type { AdminCommand } from './data-dir-arg.js';

/*
 * The operator commands (serve, worker, migrate, keys, bootstrap, config): they work on the server's own data
 * directory and database, configured by the environment as the server is, never over HTTP.
 */

function configOrExit(env: Record<string, string | undefined>): Config | undefined {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return undefined;
    }
    throw err;
  }
}

/** Runs one operator command with its own arguments (after the command name); returns the exit code. */
export async function runAdmin(
  command: AdminCommand,
  args: string[],
  dataDir: string | undefined,
  options: { jobDefinitions?: readonly AnyJobDefinition[] } = {},
): Promise<number> {
  if (command === 'config') {
    process.stdout.write(`${configTableMarkdown()}\n`);
    return 0;
  }
  const config = configOrExit(dataDir === undefined ? process.env : { ...process.env, DATA_DIR: dataDir });
  if (!config) {
    return 1;
  }
  const origin: DataDirOrigin = dataDir !== undefined ? '--data-dir' : process.env.DATA_DIR ? 'DATA_DIR' : 'default';
  if (command === 'migrate' || command === 'keys' || command === 'users' || command === 'bootstrap') {
    process.stderr.write(usingLine(config, origin, process.cwd()));
  }
  if (command === 'keys' || command === 'users' || command === 'bootstrap') {
    try {
      await requireExistingDatabase(config, origin, process.cwd());
    } catch (err) {
      if (err instanceof CliError) {
        process.stderr.write(`atelier: ${err.message}\n`);
        return 1;
      }
      throw err;
    }
  }
  switch (command) {
    case 'serve': {
      const { values } = parseArgs({ args, options: { 'no-workers': { type: 'boolean' } } });
      // Loaded only here: the HTTP app pulls in every route and media library, which the other commands never use.
      const { serve } = await import('../serve.js');
      return serve(config, { workers: !values['no-workers'], http: true }, options);
    }
    case 'worker': {
      const { serve } = await import('../serve.js');
      return serve(config, { workers: true, http: false }, options);
    }
    case 'migrate': {
      const deps = createDeps(config, { signsTokens: false });
      try {
        const result = await migrateToLatest(deps.db);
        const applied = (result.results ?? []).map((r) => r.migrationName);
        process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
        return 0;
      } finally {
        await deps.close();
      }
    }
    case 'keys':
      return keysCommand(config, args);
    case 'users':
      return usersCommand(config, args);
    case 'bootstrap': {
      const { values } = parseArgs({ args, options: { json: { type: 'boolean' }, account: { type: 'string' }, email: { type: 'string' } } });
      const deps = createDeps(config, { log: undefined, signsTokens: false });
      try {
        await migrateToLatest(deps.db);
        const result = await bootstrap(deps, values.account ?? 'Atelier', { ownerEmail: values.email });
        process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : formatBootstrap(result));
        return 0;
      } catch (err) {
        if (isDomainError(err)) {
          process.stderr.write(`${err.message}\n`);
          return err.kind === 'invalid' ? 2 : 1;
        }
        throw err;
      } finally {
        await deps.close();
      }
    }
  }
}

function formatBootstrap(r: object): string {
  return Object.entries(r).map(([k, v]) => `${k}: ${v}`).join('\n') + '\n';
}
