/*
 * Light helpers of the command line, kept apart from admin.ts so that the commands for people do not load the
 * database and server modules the operator commands need.
 */

export type AdminCommand = 'serve' | 'worker' | 'migrate' | 'keys' | 'users' | 'bootstrap' | 'config';

/** Takes `--data-dir PATH` / `--data-dir=PATH` out of the arguments (every command but config accepts it). */
export function takeDataDir(args: string[]): { args: string[]; dataDir: string | undefined } {
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

