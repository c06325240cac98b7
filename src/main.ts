import { parseArgs } from 'node:util';
import { ConfigError, configTableMarkdown, loadConfig, type Config } from './config/config.js';
import { migrateToLatest } from './db/database.js';
import { createDeps } from './deps.js';
import type { AnyJobDefinition } from './jobs/define.js';
import { keysCommand } from './cli/keys.js';
import { bootstrap } from './domain/accounts/accounts.service.js';
import { isDomainError } from './domain/errors.js';

const USAGE = `Usage: atelier <command>

Commands:
  serve [--no-workers]           start the HTTP server (and, unless --no-workers, the job workers)
  worker                         run job workers only
  migrate                        apply pending database migrations
  keys create --account <id|name> [--user <id|email>] [--name <label>]
  keys list --account <id|name>
  keys revoke <key|id>
  bootstrap --json [--account NAME] [--email OWNER_EMAIL]
                                 idempotently create an account, owner, workspace and a new API key
  config                         print the configuration table (Markdown)

Configuration comes from the environment; see the README.`;

function configOrExit(): Config | undefined {
  try {
    return loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return undefined;
    }
    throw err;
  }
}

/** CLI entry; returns the exit code. */
export async function main(argv: string[], options: { jobDefinitions?: readonly AnyJobDefinition[] } = {}): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'config') {
    process.stdout.write(`${configTableMarkdown()}\n`);
    return 0;
  }
  if (!command || command === 'help' || command === '--help') {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  const config = configOrExit();
  if (!config) {
    return 1;
  }
  switch (command) {
    case 'serve': {
      const { values } = parseArgs({ args: rest, options: { 'no-workers': { type: 'boolean' } } });
      // Loaded only here: the HTTP app pulls in every route and media library, which the other commands never use.
      const { serve } = await import('./serve.js');
      return serve(config, { workers: !values['no-workers'], http: true }, options);
    }
    case 'worker': {
      const { serve } = await import('./serve.js');
      return serve(config, { workers: true, http: false }, options);
    }
    case 'migrate': {
      const deps = createDeps(config);
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
      return keysCommand(config, rest);
    case 'bootstrap': {
      const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean' }, account: { type: 'string' }, email: { type: 'string' } } });
      const deps = createDeps(config, { log: undefined });
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
    default:
      process.stderr.write(`Unknown command: ${command}\n\n${USAGE}\n`);
      return 2;
  }
}

function formatBootstrap(r: object): string {
  return Object.entries(r).map(([k, v]) => `${k}: ${v}`).join('\n') + '\n';
}
