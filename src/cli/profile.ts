import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CommandError, EXIT } from './exit-codes.js';

/*
 * Profiles: where the CLI for people finds its server and credentials. One JSON file, `config.json`, in
 * $XDG_CONFIG_HOME/atelier (else ~/.config/atelier), written with mode 0600 in a 0700 directory since it holds API
 * secrets. `--profile NAME` (or ATELIER_PROFILE) picks a profile; ATELIER_URL, ATELIER_ACCOUNT_ID,
 * ATELIER_WORKSPACE_ID, ATELIER_KEY and ATELIER_SECRET override its fields (a script or CI needs no file at all).
 */

export interface Profile {
  url: string;
  account_id?: string | undefined;
  workspace_id?: string | undefined;
  key: string;
  secret: string;
}

interface ConfigFile {
  default_profile?: string;
  profiles: Record<string, Partial<Profile>>;
}

export type Env = Record<string, string | undefined>;

export function configDir(env: Env): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(env.HOME || homedir(), '.config');
  return join(base, 'atelier');
}

export const configFile = (env: Env): string => join(configDir(env), 'config.json');

function readConfig(env: Env): ConfigFile {
  const file = configFile(env);
  if (!existsSync(file)) {
    return { profiles: {} };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CommandError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)} (fix it, or remove it and run \`atelier login\`)`, EXIT.config);
  }
  if (!parsed || typeof parsed !== 'object' || typeof (parsed as ConfigFile).profiles !== 'object' || (parsed as ConfigFile).profiles === null) {
    throw new CommandError(`${file} is not an Atelier config file (no "profiles"); remove it and run \`atelier login\``, EXIT.config);
  }
  return parsed as ConfigFile;
}

/** Writes a profile (and makes it the default when it is the first one or `makeDefault`). */
export function saveProfile(env: Env, name: string, profile: Profile, makeDefault: boolean): string {
  const config = readConfig(env);
  config.profiles[name] = profile;
  if (makeDefault || !config.default_profile) {
    config.default_profile = name;
  }
  const dir = configDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = configFile(env);
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  // writeFileSync's mode applies only when it creates the file: an older file keeps its mode otherwise.
  chmodSync(file, 0o600);
  return file;
}

/** The profile name in effect: --profile, ATELIER_PROFILE, the file's default, or `default`. */
export function profileName(env: Env, flag: string | undefined): string {
  return flag ?? env.ATELIER_PROFILE ?? readConfig(env).default_profile ?? 'default';
}

/** The profile to act with, overridden by the environment; a CommandError (exit 3) when something is missing. */
export function resolveProfile(env: Env, flag: string | undefined): Profile & { name: string } {
  const config = readConfig(env);
  const explicit = flag ?? env.ATELIER_PROFILE;
  const name = explicit ?? config.default_profile ?? 'default';
  const stored = config.profiles[name];
  if (explicit && !stored && !env.ATELIER_URL) {
    const known = Object.keys(config.profiles);
    throw new CommandError(`no profile "${name}" in ${configFile(env)}${known.length ? ` (profiles: ${known.join(', ')})` : ''}; run \`atelier login --profile ${name}\``, EXIT.config);
  }
  const merged = {
    url: env.ATELIER_URL ?? stored?.url,
    account_id: env.ATELIER_ACCOUNT_ID ?? stored?.account_id,
    workspace_id: env.ATELIER_WORKSPACE_ID ?? stored?.workspace_id,
    key: env.ATELIER_KEY ?? stored?.key,
    secret: env.ATELIER_SECRET ?? stored?.secret,
  };
  const missing = (['url', 'key', 'secret'] as const).filter((k) => !merged[k]);
  if (missing.length) {
    throw new CommandError(
      stored || env.ATELIER_URL
        ? `profile "${name}" has no ${missing.join(', ')}: run \`atelier login${explicit ? ` --profile ${name}` : ''}\` or set ATELIER_${missing[0]?.toUpperCase()}`
        : `not signed in: run \`atelier login\` (or set ATELIER_URL, ATELIER_KEY and ATELIER_SECRET)`,
      EXIT.config,
    );
  }
  try {
    new URL(merged.url as string);
  } catch {
    throw new CommandError(`profile "${name}" has an invalid server URL: ${merged.url}`, EXIT.config);
  }
  return { name, ...(merged as Profile) };
}

/** A warning when the config file can be read by others (it holds secrets). */
export function permissionWarning(env: Env): string | undefined {
  try {
    const mode = statSync(configFile(env)).mode & 0o777;
    return mode & 0o077 ? `warning: ${configFile(env)} is readable by others (mode ${mode.toString(8)}); run chmod 600 on it\n` : undefined;
  } catch {
    return undefined;
  }
}
