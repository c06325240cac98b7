/*
 * Query parameters that carry credentials (Vionlabs' `?key=<API key>.<secret>`, docs/vionlabs.md): their values never
 * reach the logs. The request serializer (deps.ts createLogger) logs URLs through maskUrlSecrets.
 */

const SECRET_PARAMS = /([?&](?:key|api_key|access_token|token)=)[^&#]*/gi;

/** The URL with the values of credential query parameters replaced by `[redacted]`. */
export function maskUrlSecrets(url: string | undefined): string | undefined {
  return url === undefined ? undefined : url.replace(SECRET_PARAMS, '$1[redacted]');
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  headers?: Record<string, unknown>;
  socket?: { remotePort?: number };
}

/** Fastify's own request serializer (lib/logger-pino.js), with the URL masked. */
export function serializeRequest(req: LoggedRequest): Record<string, unknown> {
  return {
    method: req.method,
    url: maskUrlSecrets(req.url),
    version: req.headers?.['accept-version'],
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}
