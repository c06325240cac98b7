import { createInterface } from 'node:readline';
import type { Config } from '../config/config.js';
import { createDeps } from '../deps.js';
import { setUserPassword } from '../domain/auth/passwords.service.js';
import { isDomainError } from '../domain/errors.js';

/*
 * `atelier users set-password <email>`: an operator sets a person's web sign-in password on the server's own
 * database (docs/cli.md). The password is read from stdin, never from the arguments (which `ps` and shell histories
 * show): on a terminal it is asked for without echo, twice; from a pipe the first line is taken.
 */

/** The first line of piped stdin. */
async function readPipedLine(): Promise<string> {
  const rl = createInterface({ input: process.stdin });
  try {
    return await new Promise<string>((resolve) => {
      rl.once('line', resolve);
      rl.once('close', () => resolve(''));
    });
  } finally {
    rl.close();
  }
}

/** A line typed on the terminal without echo (raw mode); Ctrl-C gives undefined. */
function readHiddenLine(prompt: string): Promise<string | undefined> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  let value = '';
  return new Promise((resolve) => {
    const finish = (result: string | undefined) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      resolve(result);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          return finish(value);
        }
        if (ch === '\u0003' || ch === '\u0004') {
          return finish(undefined);
        }
        value = ch === '\u007f' || ch === '\b' ? value.slice(0, -1) : value + ch;
      }
    };
    stdin.on('data', onData);
  });
}

export async function usersCommand(config: Config, args: string[]): Promise<number> {
  const [sub, email] = args;
  if (sub !== 'set-password' || !email) {
    process.stderr.write('usage: atelier users set-password <email>   (the password is read from stdin)\n');
    return 2;
  }
  let password: string;
  if (process.stdin.isTTY === true) {
    const first = await readHiddenLine(`New password for ${email}: `);
    const again = first === undefined ? undefined : await readHiddenLine('Again: ');
    if (first === undefined || again === undefined) {
      return 130;
    }
    if (first !== again) {
      process.stderr.write('atelier: the two passwords differ; nothing changed\n');
      return 1;
    }
    password = first;
  } else {
    password = await readPipedLine();
  }
  const deps = createDeps(config, { log: undefined, signsTokens: false });
  try {
    const user = await setUserPassword(deps, { email, password });
    process.stderr.write(`password set for ${user.email}; their other web sessions are ended\n`);
    return 0;
  } catch (err) {
    if (isDomainError(err)) {
      process.stderr.write(`atelier: ${err.message}\n`);
      return err.kind === 'invalid' ? 2 : 1;
    }
    throw err;
  } finally {
    await deps.close();
  }
}
