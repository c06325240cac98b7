import { AtelierApiError, AtelierNetworkError } from './errors.js';
import { writeRequest, type WrittenRequest } from './written-request.js';

/*
 * Every request of the SDK (the generated client's, tus chunks, downloads) goes through one Transport, which adds
 * the token and tenancy headers, exchanges the key and secret for a token when it has none or the server says it
 * expired (401), retries 429 and 503 after `Retry-After` (else with exponential backoff and jitter), retries
 * idempotent requests whose connection failed, and turns any other error status into an AtelierApiError.
 */

export interface Credentials {
  /** API key (public part). */
  key: string;
  secret: string;
}

export interface TransportOptions {
  /** The server's base URL, e.g. `https://dam.example.com` (a `/v1` suffix works too). */
  baseUrl: string;
  accountId?: string | undefined;
  workspaceId?: string | undefined;
  /** Key and secret: tokens are fetched, and fetched again when they expire. */
  credentials?: Credentials | undefined;
  /** A token to use as is (no refresh). */
  token?: string | undefined;
  /** How many times to retry a 429/503 or a failed connection (default 4). */
  retries?: number | undefined;
  /** The longest single wait before a retry, in ms (default 30 s); a longer `Retry-After` is not waited for. */
  maxRetryDelayMs?: number | undefined;
  /** The first backoff step in ms (default 250), doubled at each retry. */
  backoffMs?: number | undefined;
  fetch?: typeof fetch | undefined;
  userAgent?: string | undefined;
  /**
   * Keeps the token fetched with `credentials` beyond this Transport (a CLI run): `read` gives one kept earlier,
   * used until `expiresAt` (ms since the epoch); `write` is told of each new one.
   */
  tokenCache?: TokenCache | undefined;
}

export interface TokenCache {
  read(): { token: string; expiresAt: number } | undefined;
  write(token: string, expiresAt: number): void;
}

export interface SendOptions {
  /** Retry when the connection fails (only for requests that are safe to repeat). Default: by method. */
  retryNetwork?: boolean;
  /** Statuses the caller handles itself (returned, not thrown), e.g. 416 for a download. */
  allow?: readonly number[];
  signal?: AbortSignal | undefined;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });

export class Transport {
  readonly baseUrl: string;
  accountId: string | undefined;
  workspaceId: string | undefined;
  private token: string | undefined;
  private tokenExpiresAt = Number.POSITIVE_INFINITY;
  private pendingToken: Promise<string> | undefined;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: TransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.accountId = options.accountId;
    this.workspaceId = options.workspaceId;
    this.token = options.token;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    const kept = options.credentials ? options.tokenCache?.read() : undefined;
    if (kept && kept.expiresAt > Date.now()) {
      // A token from an earlier run: no exchange (one round trip and a scrypt on the server) while it lasts; a 401
      // still fetches a fresh one.
      this.token = kept.token;
      this.tokenExpiresAt = kept.expiresAt;
    }
  }

  /** An absolute URL for a path of the API (`/workspaces/...`), or the URL itself when already absolute. */
  url(pathOrUrl: string): string {
    return /^https?:\/\//i.test(pathOrUrl) ? pathOrUrl : `${this.baseUrl}${pathOrUrl.startsWith('/') ? '' : '/'}${pathOrUrl}`;
  }

  /** A current token: the one given, or one fetched (again, once expired) with the key and secret. */
  async accessToken(force = false): Promise<string | undefined> {
    const creds = this.options.credentials;
    if (!creds) {
      return this.token;
    }
    if (!force && this.token && Date.now() < this.tokenExpiresAt) {
      return this.token;
    }
    this.pendingToken ??= this.fetchToken(creds).finally(() => (this.pendingToken = undefined));
    return this.pendingToken;
  }

  private async fetchToken(creds: Credentials): Promise<string> {
    const body = JSON.stringify({ ...(this.accountId ? { account_id: this.accountId } : {}), key: creds.key, secret: creds.secret });
    const res = await this.send(
      () => new Request(this.url('/auth/token'), { method: 'POST', headers: { 'content-type': 'application/json' }, body }),
      { retryNetwork: true },
      false,
    );
    const issued = (await res.json()) as { token: string; expires_in: number };
    this.token = issued.token;
    // Renewed a little early (10%, at most a minute), so a request never leaves with a token about to expire.
    this.tokenExpiresAt = Date.now() + issued.expires_in * 1000 - Math.min(60_000, issued.expires_in * 100);
    this.options.tokenCache?.write(issued.token, this.tokenExpiresAt);
    return issued.token;
  }

  /** The fetch given to openapi-fetch: the generated client's requests, with auth, retries and typed errors. */
  readonly fetch = (request: Request): Promise<Response> => this.send(() => request.clone(), {});

  /** Sends a request (built anew by `make` for every attempt); resolves with a 2xx/3xx or an allowed status. */
  async send(make: () => Request, opts: SendOptions, authenticated = true): Promise<Response> {
    return this.exchange(
      async () => {
        const request = make();
        await this.prepare(request.headers, authenticated);
        return { retryNetwork: opts.retryNetwork ?? IDEMPOTENT.has(request.method), response: () => this.fetchImpl(request, opts.signal ? { signal: opts.signal } : {}) };
      },
      opts,
      authenticated,
    );
  }

  /**
   * Like send, for a request whose body the caller writes piece by piece (`write`, run again for a retry) straight to
   * the socket (node:http): large upload bodies, which fetch would copy piece by piece. Only with the built-in fetch
   * (see `writesBodies`); with a custom one, send a streamed Request instead.
   */
  async sendWritten(make: () => WrittenRequest, opts: SendOptions): Promise<Response> {
    return this.exchange(
      async () => {
        const request = make();
        const headers = new Headers(request.headers);
        await this.prepare(headers, true);
        return { retryNetwork: opts.retryNetwork ?? IDEMPOTENT.has(request.method), response: () => writeRequest(request, headers, opts.signal) };
      },
      opts,
      true,
    );
  }

  /** Whether sendWritten can be used (no custom fetch was given, so every request may go over node:http). */
  get writesBodies(): boolean {
    return this.options.fetch === undefined;
  }

  /** The retry loop of send and sendWritten: one attempt per `attempt()`, whose response() performs it. */
  private async exchange(
    attempt: () => Promise<{ retryNetwork: boolean; response: () => Promise<Response> }>,
    opts: SendOptions,
    authenticated: boolean,
  ): Promise<Response> {
    const retries = this.options.retries ?? 4;
    const maxDelay = this.options.maxRetryDelayMs ?? 30_000;
    const backoff = this.options.backoffMs ?? 250;
    let refreshed = false;
    for (let n = 0; ; n++) {
      const { retryNetwork, response: perform } = await attempt();
      let response: Response;
      try {
        response = await perform();
      } catch (err) {
        if (opts.signal?.aborted) {
          throw err;
        }
        if (retryNetwork && n < retries) {
          await sleep(this.backoffDelay(backoff, n, maxDelay), opts.signal);
          continue;
        }
        throw new AtelierNetworkError(this.baseUrl, err);
      }
      if (response.status === 401 && authenticated && this.options.credentials && !refreshed) {
        // The token expired or was issued before a restart with a new signing key: one fresh token, one more try.
        refreshed = true;
        await response.body?.cancel();
        await this.accessToken(true);
        continue;
      }
      if ((response.status === 429 || response.status === 503) && n < retries) {
        const retryAfter = response.headers.get('retry-after');
        const wait = retryAfter !== null ? parseRetryAfterMs(retryAfter) : this.backoffDelay(backoff, n, maxDelay);
        if (wait !== undefined && wait <= maxDelay) {
          await response.body?.cancel();
          await sleep(wait, opts.signal);
          continue;
        }
      }
      if (response.ok || (response.status >= 300 && response.status < 400) || opts.allow?.includes(response.status)) {
        return response;
      }
      throw await AtelierApiError.from(response);
    }
  }

  private async prepare(headers: Headers, authenticated: boolean): Promise<void> {
    if (authenticated) {
      await this.decorate(headers);
    }
    if (this.options.userAgent && !headers.has('user-agent')) {
      headers.set('user-agent', this.options.userAgent);
    }
  }

  private async decorate(headers: Headers): Promise<void> {
    if (!headers.has('authorization')) {
      const token = await this.accessToken();
      if (token) {
        headers.set('authorization', `Bearer ${token}`);
      }
    }
    if (this.accountId && !headers.has('x-account-id')) {
      headers.set('x-account-id', this.accountId);
    }
    if (this.workspaceId && !headers.has('x-workspace-id')) {
      headers.set('x-workspace-id', this.workspaceId);
    }
  }

  private backoffDelay(base: number, attempt: number, max: number): number {
    const step = Math.min(max, base * 2 ** attempt);
    return Math.round(step / 2 + (Math.random() * step) / 2);
  }
}

function parseRetryAfterMs(value: string): number | undefined {
  if (/^\d+$/.test(value.trim())) {
    return Number(value.trim()) * 1000;
  }
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
