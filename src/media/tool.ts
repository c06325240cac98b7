import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Why a media tool run failed; `permanent` runs would fail the same way again on the same input. */
export class MediaError extends Error {
  override name = 'MediaError';
  constructor(
    message: string,
    readonly permanent: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The input cannot be turned into this derivative (unsupported, corrupt, too large, too slow): do not retry. */
export const unprocessable = (message: string, cause?: unknown): MediaError => new MediaError(message, true, { cause });

export interface ToolLimits {
  /** Kill the child after this long. */
  timeoutSeconds: number;
  /** The job's signal: kill the child when the job is aborted (timeout, lost lease, shutdown). */
  signal?: AbortSignal | undefined;
  /** Working directory: callers pass paths relative to their private temp dir, so messages never show real paths. */
  cwd?: string | undefined;
  /** Exit codes besides 0 that still mean success (fpcalc 1.5.1 exits 3 at the end of its input; fpcalc.ts). */
  okExitCodes?: readonly number[] | undefined;
}

export interface ToolResult {
  stdout: string;
  stderr: string;
}

// Tools print progress and warnings; we keep only the tail for error messages and cap what stdout may grow to.
const MAX_STDOUT = 8 * 1024 * 1024;
const STDERR_TAIL = 4000;

/** util-linux's setpriv, in every Debian install; without it tools run as plain children. */
const SETPRIV = '/usr/bin/setpriv';
/** setpriv's exit code when it could not exec the tool (as a shell's 127: not found). */
const EXEC_FAILED = 127;
let setprivPresent: boolean | undefined;

/**
 * The command line that runs a tool so it dies with this process: setpriv sets the child's parent-death signal
 * (PR_SET_PDEATHSIG) to SIGKILL and then execs the tool in its own place, so an `atelier` killed with SIGKILL takes
 * its ffmpeg with it instead of leaving it rendering for a job that will run again elsewhere.
 */
function diesWithUs(command: string, args: readonly string[]): [string, string[]] {
  setprivPresent ??= existsSync(SETPRIV);
  return setprivPresent ? [SETPRIV, ['--pdeathsig', 'KILL', '--', command, ...args]] : [command, [...args]];
}

/**
 * Runs `command` with an argument array (never a shell), no stdin, a time limit and the job's abort signal; the
 * child is SIGKILLed on either. Resolves with its output on exit code 0; a non-zero exit is a permanent MediaError
 * carrying the end of stderr, a timeout is a permanent MediaError, an abort rejects with the signal's reason.
 */
export function runTool(command: string, args: readonly string[], limits: ToolLimits): Promise<ToolResult> {
  return new Promise<ToolResult>((resolve, reject) => {
    if (limits.signal?.aborted) {
      reject(limits.signal.reason);
      return;
    }
    const [file, argv] = diesWithUs(command, args);
    const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], shell: false, cwd: limits.cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    let stdout = '';
    let stderr = '';
    let ended: 'timeout' | 'abort' | 'overflow' | undefined;
    const kill = (why: NonNullable<typeof ended>) => {
      ended ??= why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => kill('timeout'), limits.timeoutSeconds * 1000);
    const onAbort = () => kill('abort');
    limits.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.length > MAX_STDOUT) {
        kill('overflow');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL);
    });
    const finish = () => {
      clearTimeout(timer);
      limits.signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (err) => {
      finish();
      // ENOENT: the tool is not installed. Not the input's fault, so it is retried (and an operator can install it).
      reject(new MediaError(`${command} could not be started: ${err.message}`, false, { cause: err }));
    });
    child.on('close', (code) => {
      finish();
      if (ended === 'abort') {
        reject(limits.signal?.reason ?? new Error('aborted'));
      } else if (ended === 'timeout') {
        reject(unprocessable(`${command} took longer than ${limits.timeoutSeconds} s and was stopped.`));
      } else if (ended === 'overflow') {
        reject(unprocessable(`${command} printed more output than expected.`));
      } else if (code === EXEC_FAILED && file === SETPRIV && stderr.startsWith('setpriv: failed to execute')) {
        // As spawn's ENOENT below: the tool is missing, not the input's fault.
        reject(new MediaError(`${command} could not be started: ${lastLine(stderr)}`, false));
      } else if (code !== 0 && !(code !== null && limits.okExitCodes?.includes(code))) {
        reject(unprocessable(`${command} could not read the file: ${lastLine(stderr) || `exit code ${code ?? 'none'}`}`));
      } else {
        resolve({ stdout, stderr });
      }
    });
  });
}

/** The last non-empty line of a tool's stderr: usually the one that says what went wrong. */
function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return (lines[lines.length - 1] ?? '').slice(0, 300);
}
