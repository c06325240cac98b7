import sharp from 'sharp';
import type { Cluster } from './cluster.js';

/*
 * Mixed API load from a bounded number of clients, shared by bench/load and bench/soak. Each client sends one request
 * at a time. Requests go round-robin over the API processes, as a load balancer sends them; a refused connection marks
 * that process down for a moment and the request goes to the next one (nginx's `proxy_next_upstream error` with
 * `max_fails`/`fail_timeout`). A connection that breaks after the request went out is an error for a write (it may
 * have run); a read is retried on the next process, as a proxy retries idempotent requests.
 *
 * The assets written to are a sliding window of the newest few, so what a request reads (an asset's versions, its
 * comments) stays bounded however long the load runs: a soak measures the server, not a growing answer.
 */

export interface Sample {
  op: string;
  /** ms since the load started. */
  at: number;
  ms: number;
  /** HTTP status; 0 when the connection failed. */
  status: number;
  server: number;
}

const WEIGHTS: Record<string, number> = {
  'get asset': 25,
  search: 8,
  'list comments': 8,
  'add tags': 12,
  'remove tag': 6,
  comment: 12,
  'set status': 8,
  'lock/unlock': 5,
  'new version': 8,
  'new asset': 8,
};

const WINDOW = 16;
const DOWN_MS = 2000;

export class MixedLoad {
  readonly samples: Sample[] = [];
  /** Requests sent to another process because one refused the connection (or broke it, for a read). */
  failovers = 0;
  private readonly started = Date.now();
  private rr = 0;
  private readonly downUntil: number[];
  private assets: string[] = [];
  private statuses: string[] = [];
  private tagIds: string[] = [];
  private images: Buffer[] = [];
  private seq = 0;

  constructor(private readonly cluster: Cluster) {
    this.downUntil = cluster.apis.map(() => 0);
  }

  now(): number {
    return Date.now() - this.started;
  }

  async setup(): Promise<void> {
    this.images = await Promise.all(
      Array.from({ length: 32 }, (_, i) => sharp({ create: { width: 48 + i, height: 32 + i, channels: 3, background: { r: i * 8, g: 255 - i * 8, b: (i * 37) % 256 } } }).png().toBuffer()),
    );
    const existing = await this.send('setup', 'GET', '/workspaces/assetStatuses');
    this.statuses = Array.isArray(existing.json) ? (existing.json as Array<{ id: string }>).map((s) => s.id) : [];
    if (this.statuses.length === 0) {
      const r = await this.send('setup', 'POST', '/workspaces/assetStatuses', { json: { name: 'Load' } });
      if (r.status >= 300) {
        throw new Error(`creating a status answered ${r.status}`);
      }
      this.statuses.push(r.json.id as string);
    }
    for (let i = 0; i < 8; i++) {
      await this.newAsset('setup');
    }
  }

  /** Runs `clients` clients until `untilMs` (since the load started). */
  async run(clients: number, untilMs: number): Promise<void> {
    const ops = Object.entries(WEIGHTS);
    const total = ops.reduce((s, [, w]) => s + w, 0);
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (this.now() < untilMs) {
          let roll = Math.random() * total;
          const op = ops.find(([, w]) => (roll -= w) < 0)?.[0] ?? 'get asset';
          await this.one(op);
        }
      }),
    );
  }

  private pick<T>(list: T[]): T {
    return list[Math.floor(Math.random() * list.length)]!;
  }

  private async newAsset(op: string): Promise<void> {
    const n = this.seq++;
    const r = await this.send(op, 'POST', `/workspaces/assets?file_name=load-${n}.png&file_location=/load/${n % 10}/`, { bytes: this.pick(this.images) });
    if (r.status === 201 && r.json?.id) {
      this.assets.push(r.json.id as string);
      if (this.assets.length > WINDOW) {
        this.assets.shift();
      }
    }
  }

  private async one(op: string): Promise<void> {
    const asset = this.pick(this.assets);
    switch (op) {
      case 'get asset':
        await this.send(op, 'GET', `/workspaces/assets/${asset}`);
        return;
      case 'search':
        await this.send(op, 'GET', `/workspaces/assets/search?limit=20&query=load`);
        return;
      case 'list comments':
        await this.send(op, 'GET', `/workspaces/assets/${asset}/comments`);
        return;
      case 'add tags': {
        const r = await this.send(op, 'POST', `/workspaces/assets/${asset}/tags`, { json: { names: [`tag-${Math.floor(Math.random() * 12)}`] } });
        for (const t of Array.isArray(r.json) ? (r.json as Array<{ id: string }>) : []) {
          if (!this.tagIds.includes(t.id)) {
            this.tagIds.push(t.id);
          }
        }
        return;
      }
      case 'remove tag':
        if (this.tagIds.length > 0) {
          await this.send(op, 'DELETE', `/workspaces/assets/${asset}/tags/${this.pick(this.tagIds)}`);
        }
        return;
      case 'comment':
        await this.send(op, 'POST', `/workspaces/assets/${asset}/comments`, { json: { content: `load comment ${this.seq}` } });
        return;
      case 'set status':
        await this.send(op, 'POST', `/workspaces/assets/${asset}/status`, { json: { status_id: this.pick(this.statuses) } });
        return;
      case 'lock/unlock':
        await this.send(op, Math.random() < 0.5 ? 'POST' : 'DELETE', `/workspaces/assets/${asset}/lock`);
        return;
      case 'new version':
        await this.send(op, 'POST', `/workspaces/assets/${asset}/versions?file_name=v.png`, { bytes: this.pick(this.images) });
        return;
      default:
        await this.newAsset(op);
    }
  }

  /** The next API process a balancer would choose: round-robin over those not marked down. */
  private server(exclude: Set<number>): number {
    const n = this.cluster.apis.length;
    const now = Date.now();
    for (let k = 0; k < n; k++) {
      const i = this.rr++ % n;
      if (!exclude.has(i) && this.downUntil[i]! <= now) {
        return i;
      }
    }
    for (let i = 0; i < n; i++) {
      if (!exclude.has(i)) {
        return i;
      }
    }
    return 0;
  }

  async send(op: string, method: string, path: string, body: { json?: unknown; bytes?: Buffer } = {}): Promise<{ status: number; json: any }> {
    const tried = new Set<number>();
    for (;;) {
      const i = this.server(tried);
      tried.add(i);
      const at = this.now();
      const t0 = performance.now();
      try {
        const res = await fetch(`${this.cluster.apis[i]!.url}${path}`, {
          method,
          headers: {
            ...this.cluster.headers,
            ...(body.json !== undefined ? { 'content-type': 'application/json' } : {}),
            ...(body.bytes ? { 'content-type': 'application/octet-stream' } : {}),
          },
          ...(body.json !== undefined ? { body: JSON.stringify(body.json) } : {}),
          ...(body.bytes ? { body: new Uint8Array(body.bytes) } : {}),
        });
        const text = await res.text();
        this.samples.push({ op, at, ms: performance.now() - t0, status: res.status, server: i });
        let json: any;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        return { status: res.status, json };
      } catch (err) {
        const code = (err as { cause?: { code?: string } }).cause?.code ?? '';
        const refused = code === 'ECONNREFUSED';
        if (refused) {
          this.downUntil[i] = Date.now() + DOWN_MS;
        }
        if ((refused || method === 'GET') && tried.size < this.cluster.apis.length) {
          this.failovers++;
          continue;
        }
        // What the client sees: a failure no other process could take over.
        this.samples.push({ op, at, ms: performance.now() - t0, status: 0, server: i });
        return { status: 0, json: undefined };
      }
    }
  }
}

/** Answers a client should not get: connection failures and 5xx. (A 404 for a tag another client removed is fine.) */
export function isError(s: Sample): boolean {
  return s.status === 0 || s.status >= 500;
}

/** Answers that are neither 2xx nor an expected race loss (removing a tag already removed). */
export function isUnexpected4xx(s: Sample): boolean {
  return s.status >= 400 && s.status < 500 && !(s.op === 'remove tag' && s.status === 404);
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) {
    return NaN;
  }
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** One row of figures for a set of samples over `seconds`. */
export function figures(samples: Sample[], seconds: number) {
  const ms = samples.filter((s) => s.status !== 0).map((s) => s.ms);
  return {
    requests: samples.length,
    rps: Math.round((samples.length / seconds) * 10) / 10,
    p50: Math.round(percentile(ms, 50) * 10) / 10,
    p99: Math.round(percentile(ms, 99) * 10) / 10,
    errors: samples.filter(isError).length,
    conn: samples.filter((s) => s.status === 0).length,
    s5xx: samples.filter((s) => s.status >= 500).length,
    u4xx: samples.filter(isUnexpected4xx).length,
  };
}
