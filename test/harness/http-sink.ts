import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the sink received. */
export interface SinkRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A local HTTP receiver for webhook tests, on 127.0.0.1: records every request and answers with programmable
 * statuses (`respondWith(500, 500, 200)` answers the next three requests so; afterwards 200).
 */
export class HttpSink {
  readonly requests: SinkRequest[] = [];
  private readonly queue: number[] = [];
  private server: Server | undefined;
  url = '';

  /** Starts listening on an ephemeral loopback port. */
  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const status = this.queue.shift() ?? 200;
        res.writeHead(status, { 'content-type': 'text/plain' });
        res.end(status < 300 ? 'ok' : `failure ${status} ${'x'.repeat(5000)}`);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
  }

  /** The statuses of the next responses, in order. */
  respondWith(...statuses: number[]): void {
    this.queue.push(...statuses);
  }

  /** Forgets recorded requests and queued statuses. */
  reset(): void {
    this.requests.length = 0;
    this.queue.length = 0;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
