import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A message the sink accepted. */
export interface SinkMail {
  from: string;
  to: string[];
  /** The raw message (headers and body) as sent in DATA, dot-unstuffed. */
  data: string;
  /** Header value by lower-case name (first occurrence, unfolded). */
  header(name: string): string | undefined;
  /** The body after the blank line. */
  body: string;
}

/**
 * A minimal SMTP server on 127.0.0.1 for e-mail tests (RFC 5321 subset): EHLO/HELO, optional AUTH PLAIN/LOGIN
 * (anything accepted), MAIL FROM, RCPT TO, DATA ... ".", RSET, NOOP, QUIT. No TLS (STARTTLS is not offered).
 */
export class SmtpSink {
  readonly messages: SinkMail[] = [];
  private server: Server | undefined;
  port = 0;

  get url(): string {
    return `smtp://user:pass@127.0.0.1:${this.port}`;
  }

  /** Listens on 127.0.0.1: on an ephemeral port the first time, on the same port when started again. */
  async start(): Promise<void> {
    this.server = createServer((socket) => this.session(socket));
    await new Promise<void>((resolve) => this.server?.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private session(socket: Socket): void {
    let buffer = '';
    let from = '';
    let to: string[] = [];
    let inData = false;
    let authLogin = 0;
    const dataLines: string[] = [];
    const say = (line: string) => socket.write(`${line}\r\n`);
    say('220 sink ESMTP ready');
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let i: number;
      while ((i = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            this.messages.push(parseMail(from, to, dataLines.join('\r\n')));
            dataLines.length = 0;
            say('250 OK queued');
          } else {
            dataLines.push(line.startsWith('..') ? line.slice(1) : line);
          }
          continue;
        }
        if (authLogin > 0) {
          authLogin = authLogin === 1 ? 2 : 0;
          say(authLogin === 2 ? '334 UGFzc3dvcmQ6' : '235 Authentication successful');
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') {
          socket.write('250-sink greets you\r\n250-AUTH PLAIN LOGIN\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n');
        } else if (verb === 'HELO') {
          say('250 sink');
        } else if (verb === 'AUTH') {
          const parts = line.split(' ');
          if ((parts[1] ?? '').toUpperCase() === 'LOGIN') {
            authLogin = 1;
            say('334 VXNlcm5hbWU6');
          } else {
            say(parts[2] ? '235 Authentication successful' : '334 ');
          }
        } else if (verb === 'MAIL') {
          from = /<([^>]*)>/.exec(line)?.[1] ?? '';
          to = [];
          say('250 OK');
        } else if (verb === 'RCPT') {
          to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
          say('250 OK');
        } else if (verb === 'DATA') {
          inData = true;
          say('354 End data with <CR><LF>.<CR><LF>');
        } else if (verb === 'RSET' || verb === 'NOOP') {
          say('250 OK');
        } else if (verb === 'QUIT') {
          say('221 Bye');
          socket.end();
        } else if (line.trim() !== '' && !line.startsWith('334')) {
          // The answer to AUTH PLAIN's empty challenge, or an unknown command.
          say(/^[A-Za-z0-9+/=]+$/.test(line) ? '235 Authentication successful' : '502 Command not implemented');
        }
      }
    });
  }
}

function parseMail(from: string, to: string[], data: string): SinkMail {
  const split = data.indexOf('\r\n\r\n');
  const head = split >= 0 ? data.slice(0, split) : data;
  const body = split >= 0 ? data.slice(split + 4) : '';
  const headers = new Map<string, string>();
  for (const h of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const c = h.indexOf(':');
    if (c > 0) {
      const name = h.slice(0, c).trim().toLowerCase();
      if (!headers.has(name)) {
        headers.set(name, h.slice(c + 1).trim());
      }
    }
  }
  return { from, to: [...to], data, body, header: (name) => headers.get(name.toLowerCase()) };
}
