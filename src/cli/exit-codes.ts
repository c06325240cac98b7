import { AtelierApiError, AtelierIntegrityError, AtelierNetworkError } from '../sdk/errors.js';

/*
 * Exit codes scripts can rely on (docs/cli.md lists them). One per kind of failure a script would handle
 * differently: fix the command line (2), sign in again (3, 4), retry later (7), look at the object (5, 6).
 */
export const EXIT = {
  ok: 0,
  /** Anything else: a server error, some of several files failed. */
  failure: 1,
  /** The command line is wrong (unknown command or option, missing argument). */
  usage: 2,
  /** No usable profile: not signed in, a missing or unreadable config file, an unknown --profile. */
  config: 3,
  /** The server refused the credentials or the action (401, 403). */
  auth: 4,
  /** No such asset, folder, task or version (404). */
  notFound: 5,
  /** A conflict: locked by someone else (423), path taken, in the trash (409). */
  conflict: 6,
  /** The server could not be reached. */
  unreachable: 7,
  /** Bytes did not match their checksum. */
  integrity: 8,
  /** Interrupted (Ctrl-C); an upload or download resumes when the same command runs again. */
  interrupted: 130,
} as const;

/** A refusal the CLI explains in one line, with its exit code. */
export class CommandError extends Error {
  override name = 'CommandError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message);
  }
}

/** The exit code for an error thrown by a command. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof CommandError) {
    return err.exitCode;
  }
  if (err instanceof AtelierNetworkError) {
    return EXIT.unreachable;
  }
  if (err instanceof AtelierIntegrityError) {
    return EXIT.integrity;
  }
  if (err instanceof AtelierApiError) {
    if (err.status === 401 || err.status === 403) return EXIT.auth;
    if (err.status === 404) return EXIT.notFound;
    if (err.status === 409 || err.status === 423) return EXIT.conflict;
    if (err.code === 'checksum_mismatch' || err.code === 'size_mismatch') return EXIT.integrity;
    if (err.status === 400 || err.status === 422) return EXIT.usage;
  }
  return EXIT.failure;
}

/** One line for stderr: the message, and the server's error code and request id when there is one. */
export function describeError(err: unknown): string {
  if (err instanceof AtelierApiError) {
    const rid = err.requestId ? `, request ${err.requestId}` : '';
    const fields = err.fields.length ? ` (${err.fields.map((f) => `${f.pointer ?? ''} ${f.message ?? ''}`.trim()).join('; ')})` : '';
    return `${err.message}${fields} [${err.status} ${err.code}${rid}]`;
  }
  return err instanceof Error ? err.message : String(err);
}
