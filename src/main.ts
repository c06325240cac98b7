import { parseArgs } from 'node:util';
import { ConfigError, configTableMarkdown, loadConfig, type Config } from './config/config.js';
import { migrateToLatest } from './db/database.js';
import { createDeps } from './deps.js';
import type { AnyJobDefinition } from './jobs/define.js';
import { CliError, requireExistingDatabase, usingLine, type DataDirOrigin } from './cli/data-source.js';
import { keysCommand } from './cli/keys.js';
import { bootstrap } from './domain/accounts/accounts.service.js';
import { isDomainError } from './domain/errors.js';

const USAGE = `Usage: atelier <command> [--data-dir PATH]

Commands:
  serve [--no-workers]           start the HTTP server (and, unless --no-workers, the job workers)
  worker                         run job workers only
  migrate                        apply pending database migrations
  keys create --account <id|name> [--user <id|email>] [--name <label>]
  keys list --account <id|name>
  keys revoke <key|id>
  bootstrap --json [--account NAME] [--email OWNER_EMAIL]
                                 idempotently create an account, owner, workspace and a new API key
                                 (keys and bootstrap need an existing database: serve or migrate first)
  config                         print the configuration table (Markdown)

--data-dir PATH overrides DATA_DIR (default ./data under the working directory). Configuration comes from the
environment; see docs/configuration.md (atelier config prints the same table).`;

/** Takes `--data-dir PATH` / `--data-dir=PATH` out of the arguments (every command but config accepts it). */
function takeDataDir(args: string[]): { args: string[]; dataDir: string | undefined } {
  const rest: string[] = [];
  let dataDir: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--data-dir') {
      dataDir = args[++i] ?? '';
    } else if (arg.startsWith('--data-dir=')) {
      dataDir = arg.slice('--data-dir='.length);
    } else {
      rest.push(arg);
    }
  }
  return { args: rest, dataDir };
}

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

/** CLI entry; returns the exit code. */
export async function main(argv: string[], options: { jobDefinitions?: readonly AnyJobDefinition[] } = {}): Promise<number> {
  const [command, ...args] = argv;
  if (command === 'config') {
    process.stdout.write(`${configTableMarkdown()}\n`);
    return 0;
  }
  if (!command || command === 'help' || command === '--help') {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  const { args: rest, dataDir } = takeDataDir(args);
  if (dataDir === '') {
    process.stderr.write('--data-dir needs a path\n');
    return 2;
  }
  const config = configOrExit(dataDir === undefined ? process.env : { ...process.env, DATA_DIR: dataDir });
  if (!config) {
    return 1;
  }
  const origin: DataDirOrigin = dataDir !== undefined ? '--data-dir' : process.env.DATA_DIR ? 'DATA_DIR' : 'default';
  if (command === 'migrate' || command === 'keys' || command === 'bootstrap') {
    process.stderr.write(usingLine(config, origin, process.cwd()));
  }
  if (command === 'keys' || command === 'bootstrap') {
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
      return keysCommand(config, rest);
    case 'bootstrap': {
      const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean' }, account: { type: 'string' }, email: { type: 'string' } } });
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
    default:
      process.stderr.write(`Unknown command: ${command}\n\n${USAGE}\n`);
      return 2;
  }
}

function formatBootstrap(r: object): string {
  return Object.entries(r).map(([k, v]) => `${k}: ${v}`).join('\n') + '\n';
}
