import { Command, CommanderError, Option } from 'commander';
import type { AnyJobDefinition } from '../jobs/define.js';
import { takeDataDir, type AdminCommand } from './data-dir-arg.js';
import { describeError, EXIT, exitCodeOf } from './exit-codes.js';
import type { DeviceOptions, ProductionOptions } from './medialoopster-admin.js';
import type { ProjectOptions } from './workstream-admin.js';
import { openSession, type CommonOptions, type Session } from './session.js';

/*
 * One commander program for every command: the operator commands (serve, migrate, keys, bootstrap, ...), which
 * work on the server's data directory, and the commands for people, which talk to a server over HTTP with the SDK
 * and a profile (docs/cli.md). Each action returns its exit code; nothing prints a stack trace.
 */

const DESCRIPTION = [
  'Atelier: a self-hosted DAM server, and a client for it.',
  '',
  'Signed-in commands use a profile (atelier login) or ATELIER_URL, ATELIER_KEY, ATELIER_SECRET, ATELIER_ACCOUNT_ID and ATELIER_WORKSPACE_ID. ' +
    "Operator commands (serve, worker, migrate, keys, bootstrap, config) work on the server's data directory and take --data-dir PATH (else DATA_DIR, else ./data). " +
    'Exit codes: docs/cli.md.',
].join('\n');

const ADMIN_HELP = `
Operator examples:
  atelier serve [--no-workers]
  atelier migrate
  atelier bootstrap --json [--account NAME] [--email OWNER_EMAIL]
  atelier keys create --account <id|name> [--user <id|email>] [--name <label>]
  atelier keys list --account <id|name>
  atelier keys revoke <key|id>
  echo 'a long passphrase' | atelier users set-password ana@example.com

Examples for people:
  atelier login --url https://dam.example.com --key ak_... --secret ...
  atelier upload ./shoot --to /Projects/Spring/
  atelier download /Projects/Spring/ --to ./here
  atelier sync ./shoot /Projects/Spring/shoot --delete --dry-run`;

type Action = () => Promise<number>;

const int = (name: string) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new CommanderError(EXIT.usage, 'atelier.invalidArgument', `error: ${name} must be a positive integer, not "${value}"`);
  }
  return n;
};

const bytes = (name: string) => (value: string): number => {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?$/i.exec(value.trim());
  if (!m) {
    throw new CommanderError(EXIT.usage, 'atelier.invalidArgument', `error: ${name} must be a size such as 512k, 8M or 1G, not "${value}"`);
  }
  const unit = (m[2] ?? 'b').toLowerCase()[0];
  const scale = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return Math.max(1, Math.round(Number(m[1]) * scale));
};

/** Builds the program; `run` receives the action of the command that was parsed. */
export function buildProgram(run: (action: Action) => void, adminArgs: { dataDir: string | undefined; jobDefinitions?: readonly AnyJobDefinition[] | undefined }): Command {
  const program = new Command('atelier')
    .description(DESCRIPTION)
    .version('0.1.0', '-V, --version-info', 'print the CLI version')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureHelp({ sortSubcommands: false })
    .addHelpText('after', ADMIN_HELP);

  const people = (cmd: Command): Command =>
    cmd.option('-p, --profile <name>', 'the profile to use (default: ATELIER_PROFILE, else the default profile)').option('--json', 'one JSON object per line on stdout');
  const session = (opts: CommonOptions): Session => openSession(opts);
  const transfer = (cmd: Command): Command =>
    cmd
      .option('-j, --parallel <n>', 'files transferred at once', int('--parallel'), 4)
      .option('--no-progress', 'no progress bars, even on a terminal');

  // Operator commands: their options are parsed here for --help and checks, and run as before (src/cli/admin.ts).
  const admin = (name: AdminCommand, args: () => string[]): Action => async () =>
    (await import('./admin.js')).runAdmin(name, args(), adminArgs.dataDir, { jobDefinitions: adminArgs.jobDefinitions });
  const dataDir = new Option('--data-dir <path>', 'the data directory (overrides DATA_DIR; default ./data)');
  program
    .command('serve')
    .description('migrate, then start the HTTP server and (unless --no-workers) the job workers')
    .addOption(dataDir)
    .option('--no-workers', 'HTTP only, no job workers')
    .action((o: { workers: boolean }) => run(admin('serve', () => (o.workers ? [] : ['--no-workers']))));
  program.command('worker').description('run job workers only (no HTTP)').addOption(dataDir).action(() => run(admin('worker', () => [])));
  program.command('migrate').description('apply pending database migrations').addOption(dataDir).action(() => run(admin('migrate', () => [])));
  program
    .command('bootstrap')
    .description('idempotently create an account, owner and workspace, and issue a new API key (existing database only)')
    .addOption(dataDir)
    .option('--json', 'print {"account_id","workspace_id","user_id","key","secret"}')
    .option('--account <name>', 'account name', undefined)
    .option('--email <owner email>', "the owner's e-mail")
    .action((o: { json?: boolean; account?: string; email?: string }) =>
      run(admin('bootstrap', () => [...(o.json ? ['--json'] : []), ...(o.account !== undefined ? ['--account', o.account] : []), ...(o.email !== undefined ? ['--email', o.email] : [])])),
    );
  const keys = program.command('keys').description('issue, list and revoke API keys on the database (existing database only)');
  keys
    .command('create')
    .description('issue an API key for a member of the account (default: its owner)')
    .addOption(dataDir)
    // Not a required option: keys.ts answers a missing or unknown account alike ("no such account", exit 1).
    .option('--account <id|name>', 'the account (required)')
    .option('--user <id|email>', 'the member (default: the owner)')
    .option('--name <label>', 'a label for the key')
    .action((o: { account?: string; user?: string; name?: string }) =>
      run(admin('keys', () => ['create', ...(o.account !== undefined ? ['--account', o.account] : []), ...(o.user !== undefined ? ['--user', o.user] : []), ...(o.name !== undefined ? ['--name', o.name] : [])])),
    );
  keys
    .command('list')
    .description("one JSON line per key of the account (never a secret)")
    .addOption(dataDir)
    .option('--account <id|name>', 'the account (required)')
    .action((o: { account?: string }) => run(admin('keys', () => ['list', ...(o.account !== undefined ? ['--account', o.account] : [])])));
  keys
    .command('revoke')
    .description('revoke a key (tokens issued from it stop working at once)')
    .addOption(dataDir)
    .argument('[key|id]', 'the key (ak_…) or its id')
    .action((ref: string | undefined) => run(admin('keys', () => ['revoke', ...(ref !== undefined ? [ref] : [])])));
  program
    .command('users')
    .description('manage people on the database (existing database only)')
    .command('set-password')
    .description("set a person's web sign-in password, read from stdin (asked twice without echo on a terminal); ends their other sessions")
    .addOption(dataDir)
    .argument('<email>', 'the person')
    .action((email: string) => run(admin('users', () => ['set-password', email])));
  program.command('config').description('print the configuration table (Markdown)').action(() => run(admin('config', () => [])));

  // Commands for people.
  program
    .command('login')
    .description('check a key and secret against a server and save them as a profile (0600, in $XDG_CONFIG_HOME/atelier)')
    .option('-p, --profile <name>', 'profile name (default: "default", or ATELIER_PROFILE)')
    .option('--url <url>', 'server URL (else ATELIER_URL, else asked)')
    .option('--key <key>', 'API key (else ATELIER_KEY, else asked)')
    .option('--secret <secret>', 'API secret (else ATELIER_SECRET, else asked without echo)')
    .option('--account <id|name>', 'the account, when the key sees several')
    .option('--workspace <id|name>', 'the workspace, when the account has several')
    .option('--default', 'make this the default profile')
    .option('--json', 'print the saved profile (without the secret) as JSON')
    .action(async (o) => run(async () => (await import('./people.js')).loginCommand(process.env, o)));
  people(program.command('whoami').description('the signed-in user, server, account and workspace')).action((o: CommonOptions) =>
    run(async () => (await import('./people.js')).whoamiCommand(session(o))),
  );
  transfer(
    people(
      program
        .command('upload')
        .description('upload files and folders (recursive, parallel, resumable); same names become new versions, unchanged files are skipped')
        .argument('<paths...>', 'files and folders; a folder keeps its layout under --to/<folder name>/'),
    ),
  )
    .option('-t, --to <folder>', 'the server folder to upload into', '/')
    .option('--chunk-size <size>', 'bytes per request of a resumable upload (default: as the server advises; 64M on S3)', bytes('--chunk-size'))
    .option('--bwlimit <size>', 'cap the upload rate, bytes per second (e.g. 10M)', bytes('--bwlimit'))
    .action((paths: string[], o: CommonOptions & { to: string; parallel: number; progress: boolean; chunkSize?: number; bwlimit?: number }) =>
      run(async () =>
        (await import('./transfer-commands.js')).uploadCommand(session(o), paths, { to: o.to, parallel: o.parallel, progress: o.progress, chunkBytes: o.chunkSize, bytesPerSecond: o.bwlimit }),
      ),
    );
  transfer(
    people(
      program
        .command('download')
        .description('download assets (resuming partial downloads): asset ids or paths, folders (ending in /, recursive), or a search query')
        .argument('<targets...>', 'asset ids, /paths/to/assets, /folders/, or search words'),
    ),
  )
    .option('-t, --to <dir>', 'the local folder to download into', '.')
    .option('--version <n>', 'a version number (or version id) instead of the current version; one asset only')
    .action((targets: string[], o: CommonOptions & { to: string; parallel: number; progress: boolean; version?: string }) =>
      run(async () => (await import('./transfer-commands.js')).downloadCommand(session(o), targets, { to: o.to, parallel: o.parallel, progress: o.progress, version: o.version })),
    );
  transfer(
    people(
      program
        .command('sync')
        .description('make a server folder match a local folder (or, with --pull, the local folder match the server folder)')
        .argument('<local dir>')
        .argument('<folder>', 'the server folder, e.g. /Projects/Spring/'),
    ),
  )
    .option('--pull', 'server to local (default: local to server)')
    .option('-n, --dry-run', 'print what would change, change nothing')
    .option('--delete', 'also delete what the source does not have (server: to the trash; local: removed)')
    .option('--chunk-size <size>', 'bytes per request of a resumable upload (default: as the server advises; 64M on S3)', bytes('--chunk-size'))
    .action((dir: string, folder: string, o: CommonOptions & { parallel: number; progress: boolean; pull?: boolean; dryRun?: boolean; delete?: boolean; chunkSize?: number }) =>
      run(async () =>
        (await import('./transfer-commands.js')).syncCommand(session(o), dir, folder, {
          parallel: o.parallel,
          progress: o.progress,
          pull: o.pull,
          dryRun: o.dryRun,
          delete: o.delete,
          chunkBytes: o.chunkSize,
        }),
      ),
    );
  people(program.command('ls').description('list a server folder: subfolders, then assets').argument('[folder]', 'default /')).action((folder: string | undefined, o: CommonOptions) =>
    run(async () => (await import('./people.js')).lsCommand(session(o), folder)),
  );
  people(program.command('search').description('search assets by text and filters').argument('[words...]'))
    .option('--folder <folder>', 'only under this folder (recursive)')
    .option('--type <type>', 'asset type: image, video, audio, document, ...')
    .option('--limit <n>', 'at most n results')
    .action((words: string[], o: CommonOptions & { folder?: string; type?: string; limit?: string }) => run(async () => (await import('./people.js')).searchCommand(session(o), words, o)));
  people(program.command('info').description('details of an asset').argument('<asset>', 'asset id or /path/to/file')).action((ref: string, o: CommonOptions) =>
    run(async () => (await import('./people.js')).infoCommand(session(o), ref)),
  );
  people(program.command('lock').description('lock assets so only you can change them').argument('<assets...>', 'asset ids or paths')).action((refs: string[], o: CommonOptions) =>
    run(async () => (await import('./people.js')).lockCommand(session(o), refs, false, false)),
  );
  people(program.command('unlock').description('unlock assets').argument('<assets...>', 'asset ids or paths'))
    .option('--force', "clear someone else's lock (workspace admins)")
    .action((refs: string[], o: CommonOptions & { force?: boolean }) => run(async () => (await import('./people.js')).lockCommand(session(o), refs, true, Boolean(o.force))));
  people(program.command('comment').description('comment on an asset').argument('<asset>', 'asset id or path').argument('<text...>')).action(
    (ref: string, text: string[], o: CommonOptions) => run(async () => (await import('./people.js')).commentCommand(session(o), ref, text)),
  );
  const tasks = program.command('tasks').description('list and update tasks');
  people(tasks.command('list').description('open tasks of the workspace (--all for closed ones too)'))
    .option('--mine', 'only tasks assigned to you')
    .option('--status <name...>', 'only these statuses')
    .option('--asset <asset>', 'only tasks on this asset')
    .option('--all', 'closed tasks too')
    .action((o: CommonOptions & { mine?: boolean; status?: string[]; asset?: string; all?: boolean }) => run(async () => (await import('./people.js')).tasksListCommand(session(o), o)));
  people(tasks.command('update').description('change a task').argument('<task id>'))
    .option('--status <name>', 'status name, e.g. "In Progress" or Completed')
    .option('--title <text>')
    .option('--description <text>')
    .option('--priority <Low|Medium|High>')
    .option('--assignee <user id|me|none>')
    .option('--due <YYYY-MM-DD|none>')
    .action((id: string, o: CommonOptions & Record<string, string | undefined>) => run(async () => (await import('./people.js')).tasksUpdateCommand(session(o), id, o as Record<string, string>)));
  for (const [name, watch, what] of [
    ['watch', true, 'add watchers to a task (you, when no user is named); they are notified of its changes'],
    ['unwatch', false, 'remove watchers from a task (you, when no user is named)'],
  ] as const) {
    people(tasks.command(name).description(what).argument('<task id>').argument('[user ids...]', 'users of the workspace (default: you)'))
      .option('--message <text>', 'sent with the notification to each person added or removed')
      .action((id: string, users: string[], o: CommonOptions & { message?: string }) =>
        run(async () => (await import('./people.js')).tasksWatchCommand(session(o), id, users, watch, o.message)),
      );
  }
  people(program.command('trash').description('move assets to the trash').argument('<assets...>', 'asset ids or paths')).action((refs: string[], o: CommonOptions) =>
    run(async () => (await import('./people.js')).trashCommand(session(o), refs, false)),
  );
  people(program.command('restore').description('restore assets from the trash').argument('<asset ids...>')).action((refs: string[], o: CommonOptions) =>
    run(async () => (await import('./people.js')).trashCommand(session(o), refs, true)),
  );
  medialoopsterCommands(program, run, people, session);
  workstreamCommands(program, run, people, session);
  return program;
}

/** Commands for administrators of the medialoopster surface (src/cli/medialoopster-admin.ts, docs/cli.md). */
function medialoopsterCommands(program: Command, run: (action: Action) => void, people: (cmd: Command) => Command, session: (o: CommonOptions) => Session): void {
  const load = () => import('./medialoopster-admin.js');
  // --flag and --no-flag: left out, the device keeps its value (commander leaves both undefined).
  const bool = (cmd: Command, flag: string, what: string): Command => cmd.option(`--${flag}`, what).option(`--no-${flag}`, `undo --${flag}`);
  const deviceOptions = (cmd: Command): Command => {
    cmd.option('--display-name <text>', 'the name people see');
    bool(cmd, 'internal', 'an internal device');
    bool(cmd, 'archive', 'an archive device (archive moves assets here)');
    bool(cmd, 'autoshot', 'detect shots of video assets on it');
    bool(cmd, 'direct-writing', 'allow direct writing');
    bool(cmd, 'xml-meta', 'receive XML metadata');
    bool(cmd, 'anonymous', 'anonymous login to the server');
    return cmd
      .addOption(new Option('--protocol <protocol>', 'how files reach it').choices(['copy', 'ftp', 'smb']))
      .option('--server <host>', 'server of an ftp or smb device')
      .option('--username <name>', 'login on that server')
      .option('--transcoding-profile <name>')
      .option('--archive-connector <name>', 'the connector an archive picks this device by')
      .option('--passthrough-profile <name...>', 'passthrough profiles (replaces the list)');
  };
  const devices = program.command('devices').description("the workspace's medialoopster devices (storage roots); changes need a workspace admin");
  people(devices.command('list').description('devices of the workspace: id, name, path, protocol, flags')).action((o: CommonOptions) =>
    run(async () => (await load()).devicesListCommand(session(o))),
  );
  deviceOptions(people(devices.command('add').description('add a device: a folder path of the workspace (devices do not nest)').argument('<name>').argument('<path>', 'e.g. /Store/')))
    .action((name: string, path: string, o: CommonOptions & DeviceOptions) => run(async () => (await load()).devicesAddCommand(session(o), name, path, o)));
  deviceOptions(people(devices.command('edit').description('change a device').argument('<device>', 'device id, name or path')))
    .option('--name <name>', 'a new name')
    .option('--path <path>', 'a new path')
    .action((ref: string, o: CommonOptions & DeviceOptions) => run(async () => (await load()).devicesEditCommand(session(o), ref, o)));
  people(devices.command('remove').description('remove a device (its assets fall back to the default device of their kind)').argument('<device>', 'device id, name or path')).action(
    (ref: string, o: CommonOptions) => run(async () => (await load()).devicesRemoveCommand(session(o), ref)),
  );

  const production = program.command('production').description("the workspace's medialoopster production settings");
  people(production.command('show').description('the settings (defaults until set)')).action((o: CommonOptions) => run(async () => (await load()).productionShowCommand(session(o))));
  people(production.command('set').description('change the settings (workspace admins)'))
    .option('--codename <codename>', 'unique in the account; letters, digits, _ and -')
    .option('--company <text>')
    .option('--storage-root <folder>')
    .option('--proxy-root <path>')
    .option('--san-mount <path>')
    .option('--export-type <text>')
    .option('--default-approval <0|1>', 'approval of new media assets: 0 pending, 1 approved')
    .option('--upload-device <device|none>', 'device id, name or path; none clears it')
    .option('--audio-device <device|none>')
    .option('--image-device <device|none>')
    .option('--video-device <device|none>')
    .option('--project-device <device|none>')
    .action((o: CommonOptions & ProductionOptions) => run(async () => (await load()).productionSetCommand(session(o), o)));

  const meta = program.command('custom-metadata').description("the account's custom metadata: sets, validation rules and fields; changes need an account admin");
  people(meta.command('list').description('sets, then rules, then fields')).action((o: CommonOptions) => run(async () => (await load()).customMetadataListCommand(session(o))));
  people(meta.command('add-set').description('add a set of fields for one asset kind').argument('<name>'))
    .addOption(new Option('--type <kind>', 'the asset kind its fields apply to').choices(['audio', 'image', 'video', 'project']).makeOptionMandatory())
    .action((name: string, o: CommonOptions & { type: string }) => run(async () => (await load()).customMetadataAddSetCommand(session(o), name, o)));
  people(meta.command('add-rule').description('add a validation rule: a regular expression the whole value must match').argument('<name>').argument('<regex>'))
    .option('--message <text>', 'what a refused value is told')
    .action((name: string, regex: string, o: CommonOptions & { message?: string }) => run(async () => (await load()).customMetadataAddRuleCommand(session(o), name, regex, o)));
  people(
    meta
      .command('add-field')
      .description('add a field to a set')
      .argument('<set>', 'set id or name')
      .argument('<key>', 'internal name, unique in the account, e.g. company.cvams.director')
      .argument('<display name>'),
  )
    .option('--order <n>', 'position in the set', int('--order'))
    .option('--rule <rule>', 'validation rule id or name')
    .action((set: string, key: string, value: string, o: CommonOptions & { order?: number; rule?: string }) =>
      run(async () => (await load()).customMetadataAddFieldCommand(session(o), set, key, value, o)),
    );
  people(meta.command('remove-field').description('remove a field').argument('<field>', 'field id or key')).action((ref: string, o: CommonOptions) =>
    run(async () => (await load()).customMetadataRemoveFieldCommand(session(o), ref)),
  );
}

/** Commands for administrators of the Workstream surface (src/cli/workstream-admin.ts, docs/cli.md). */
function workstreamCommands(program: Command, run: (action: Action) => void, people: (cmd: Command) => Command, session: (o: CommonOptions) => Session): void {
  const load = () => import('./workstream-admin.js');
  const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

  const teams = program.command('teams').description("the account's teams (approvers of approvals); changes need an account admin");
  people(teams.command('list').description('teams: id, Workstream id, name, member count')).action((o: CommonOptions) => run(async () => (await load()).teamsListCommand(session(o))));
  people(teams.command('add').description('add a team').argument('<name>'))
    .option('--member <user>', "a member's e-mail or user id (repeat for more)", collect)
    .option('--color <#rrggbb>', 'the colour Workstream shows')
    .action((name: string, o: CommonOptions & { member?: string[]; color?: string }) => run(async () => (await load()).teamsAddCommand(session(o), name, o)));
  people(teams.command('show').description('a team and its members').argument('<team>', 'team id, Workstream id or name')).action((ref: string, o: CommonOptions) =>
    run(async () => (await load()).teamsShowCommand(session(o), ref)),
  );

  const templates = program.command('templates').description("the account's approval templates; changes need an account admin");
  people(templates.command('list').description('current versions: id, Workstream id, name, version, stage count'))
    .option('--all', 'every version, not only the current ones')
    .action((o: CommonOptions & { all?: boolean }) => run(async () => (await load()).templatesListCommand(session(o), o)));
  people(templates.command('add').description('add a template (version 1)').argument('<name>'))
    .option('--stage <NAME:SOURCE[:APPROVERS]>', 'a stage, in order (repeat for more); SOURCE uploader, requester or fixed; APPROVERS e-mails, user ids or team:NAME, comma-separated', collect)
    .action((name: string, o: CommonOptions & { stage?: string[] }) => run(async () => (await load()).templatesAddCommand(session(o), name, o)));
  people(templates.command('show').description('a template and its stages').argument('<template>', 'template id, Workstream id or name')).action((ref: string, o: CommonOptions) =>
    run(async () => (await load()).templatesShowCommand(session(o), ref)),
  );

  const forms = program.command('forms').description("the workspace's request forms (Workstream T8); changes need a workspace admin");
  people(forms.command('list').description('forms: id, Workstream id, status, name, field count')).action((o: CommonOptions) => run(async () => (await load()).formsListCommand(session(o))));
  people(forms.command('add').description('add a form (a required "Task name" field is always first)').argument('<name>'))
    .option('--field <TYPE[*]:QUESTION[:OPTIONS]>', 'a field, in order (repeat for more): TYPE 15-31, * required, OPTIONS a|b|c for 15-17', collect)
    .option('--guests', 'open to callers without a token')
    .option('--inactive', 'not yet open for requests')
    .action((name: string, o: CommonOptions & { field?: string[]; guests?: boolean; inactive?: boolean }) => run(async () => (await load()).formsAddCommand(session(o), name, o)));
  people(forms.command('show').description('a form and its fields').argument('<form>', 'form id, Workstream id or name')).action((ref: string, o: CommonOptions) =>
    run(async () => (await load()).formsShowCommand(session(o), ref)),
  );

  const projects = program.command('projects').description("the workspace's Workstream projects; changes need a workspace admin");
  people(projects.command('list').description('projects: id, Workstream id, status, name, launch date')).action((o: CommonOptions) =>
    run(async () => (await load()).projectsListCommand(session(o))),
  );
  people(projects.command('add').description('add a project').argument('<name>'))
    .option('--description <html>')
    .option('--sponsor <user>', "a member's e-mail or user id (default: you)")
    .option('--owner <user>', "a member's e-mail or user id (default: the sponsor)")
    .addOption(new Option('--status <status>').choices(['active', 'on_hold', 'completed', 'archived']))
    .option('--launch <YYYY-MM-DD>', 'the launch date')
    .action((name: string, o: CommonOptions & ProjectOptions) => run(async () => (await load()).projectsAddCommand(session(o), name, o)));
  people(projects.command('show').description('a project: sponsor, owner, tasks').argument('<project>', 'project id, Workstream id or name')).action((ref: string, o: CommonOptions) =>
    run(async () => (await load()).projectsShowCommand(session(o), ref)),
  );
}

/** Parses and runs the command line; returns the exit code. */
export async function runCli(argv: string[], options: { jobDefinitions?: readonly AnyJobDefinition[] } = {}): Promise<number> {
  const first = argv[0];
  if (first === undefined) {
    let help = '';
    buildProgram(() => undefined, { dataDir: undefined }).configureOutput({ writeOut: (s) => (help += s) }).outputHelp();
    process.stderr.write(help);
    return EXIT.usage;
  }
  // --data-dir is taken out first, as it always was: `--data-dir` without a path is its own clear error.
  const { args, dataDir } = first === 'config' ? { args: argv, dataDir: undefined } : takeDataDir(argv);
  if (dataDir === '') {
    process.stderr.write('--data-dir needs a path\n');
    return EXIT.usage;
  }
  let action: Action | undefined;
  const program = buildProgram((a) => (action = a), { dataDir, jobDefinitions: options.jobDefinitions });
  const known = new Set(program.commands.map((c) => c.name()));
  if (first && !first.startsWith('-') && first !== 'help' && !known.has(first)) {
    let help = '';
    program.configureOutput({ writeOut: (s) => (help += s) }).outputHelp();
    process.stderr.write(`Unknown command: ${first}\n\n${help}`);
    return EXIT.usage;
  }
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version' ? EXIT.ok : EXIT.usage;
    }
    throw err;
  }
  if (!action) {
    return EXIT.usage;
  }
  try {
    return await action();
  } catch (err) {
    const code = exitCodeOf(err);
    if (code === EXIT.failure && !(err instanceof Error && err.name.startsWith('Atelier')) && !(err instanceof Error && err.name === 'CommandError')) {
      // Not one of ours: an operator command's failure (database unreachable, port in use): the message, no stack.
      throw err;
    }
    process.stderr.write(`atelier: ${describeError(err)}\n`);
    return code;
  }
}
