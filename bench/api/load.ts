import { connect, type Socket } from 'node:net';

/*
 * A small autocannon-like load generator: N keep-alive connections on raw sockets, each sending the next request as
 * soon as the previous response is complete (no pipelining). It pre-encodes the request once and only parses the
 * status line and Content-Length of responses, so it stays cheap next to the server it measures. Run it in its own
 * process (bench/api/run.ts does), so generator and server do not share a core's event loop.
 *
 *   node --import tsx bench/api/load.ts '{"url":"http://127.0.0.1:8080/x","headers":{},"connections":32,"seconds":10}'
 * prints one JSON line: { requests, seconds, rps, p50_ms, p90_ms, p99_ms, max_ms, non_2xx, errors }.
 */

export interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  connections: number;
  seconds: number;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  non_2xx: number;
  errors: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/** Runs the load for `seconds` and resolves with throughput and latency percentiles. */
export function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const u = new URL(opts.url);
  const port = Number(u.port || 80);
  const head = Object.entries({ host: u.host, ...opts.headers })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  const request = Buffer.from(`GET ${u.pathname}${u.search} HTTP/1.1\r\n${head}\r\n`);
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let running = true;
  const started = performance.now();
  const sockets: Socket[] = [];

  const open = (): void => {
    const socket = connect(port, u.hostname);
    socket.setNoDelay(true);
    sockets.push(socket);
    let buf: Buffer = Buffer.alloc(0);
    let sentAt = 0;
    const send = () => {
      sentAt = performance.now();
      socket.write(request);
    };
    socket.on('connect', send);
    socket.on('data', (chunk: Buffer) => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      for (;;) {
        const end = buf.indexOf(HEADER_END);
        if (end < 0) {
          return;
        }
        const headers = buf.subarray(0, end).toString('latin1');
        const length = /\r\ncontent-length:\s*(\d+)/i.exec(headers);
        if (!length) {
          errors++;
          socket.destroy();
          return;
        }
        const total = end + 4 + Number(length[1]);
        if (buf.length < total) {
          return;
        }
        const status = Number(headers.slice(9, 12));
        if (status < 200 || status > 299) {
          non2xx++;
        }
        latencies.push(performance.now() - sentAt);
        buf = buf.subarray(total);
        if (running) {
          send();
        } else {
          socket.end();
          return;
        }
      }
    });
    socket.on('error', () => {
      errors++;
    });
    socket.on('close', () => {
      if (running) {
        open();
      }
    });
  };

  for (let i = 0; i < opts.connections; i++) {
    open();
  }
  return new Promise((resolve) => {
    setTimeout(() => {
      running = false;
      const seconds = (performance.now() - started) / 1000;
      for (const s of sockets) {
        s.destroy();
      }
      const sorted = Float64Array.from(latencies).sort();
      const pct = (p: number) => round(sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0);
      resolve({
        requests: latencies.length,
        seconds: round(seconds),
        rps: Math.round(latencies.length / seconds),
        p50_ms: pct(50),
        p90_ms: pct(90),
        p99_ms: pct(99),
        max_ms: round(sorted[sorted.length - 1] ?? 0),
        non_2xx: non2xx,
        errors,
      });
    }, opts.seconds * 1000);
  });
}

const round = (n: number) => Math.round(n * 100) / 100;

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const opts = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
  process.stdout.write(`${JSON.stringify(await runLoad(opts))}\n`);
}
