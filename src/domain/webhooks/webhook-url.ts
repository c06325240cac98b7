import { lookup } from 'node:dns/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { errors } from '../errors.js';
import { isPrivateAddress } from '../uploads/import-url.js';

/*
 * Webhook URLs are fetched by the server, so they must not reach into its own network (SSRF): checked when saved,
 * and again at every delivery after DNS resolution, connecting to the very address that was checked (a rebinding
 * DNS server gets no second answer). WEBHOOK_ALLOW_PRIVATE lifts the address check (tests, internal receivers).
 */

/** Parses a webhook URL: http(s), no credentials; throws a 400 on `url` otherwise. */
export function parseWebhookUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw errors.invalidField('body', 'url', 'is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw errors.invalidField('body', 'url', 'must be http or https');
  }
  if (url.username !== '' || url.password !== '') {
    throw errors.invalidField('body', 'url', 'must not contain credentials');
  }
  return url;
}

async function resolveHost(url: URL): Promise<Array<{ address: string; family: number }>> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return isIP(host) ? [{ address: host, family: isIP(host) }] : lookup(host, { all: true });
}

/** Checks a URL as saved: parseable, and (unless allowed) not resolving to a private address. */
export async function checkWebhookUrl(raw: string, allowPrivate: boolean): Promise<URL> {
  const url = parseWebhookUrl(raw);
  if (allowPrivate) {
    return url;
  }
  let addresses: Array<{ address: string; family: number }>;
  try {
    addresses = await resolveHost(url);
  } catch {
    throw errors.invalidField('body', 'url', 'host does not resolve');
  }
  if (addresses.length === 0 || addresses.some((a) => isPrivateAddress(a.address))) {
    throw errors.invalidField('body', 'url', 'must not point at a private, loopback or link-local address (WEBHOOK_ALLOW_PRIVATE is off)');
  }
  return url;
}

export interface WebhookResponse {
  status: number;
  /** At most `maxBodyBytes` of the response body, as text. */
  body: string;
}

/**
 * POSTs one message. Resolves with the response (any status); rejects on a refused address, a network error or
 * the timeout. Redirects are not followed (a 3xx is a failed attempt), so a redirect cannot lead past the check.
 */
export async function postWebhook(input: {
  url: string;
  headers: Record<string, string>;
  body: string;
  allowPrivate: boolean;
  timeoutMs: number;
  maxBodyBytes: number;
  signal: AbortSignal;
}): Promise<WebhookResponse> {
  const url = parseWebhookUrl(input.url);
  const addresses = await resolveHost(url);
  const first = addresses[0];
  if (!first) {
    throw new Error('The host does not resolve.');
  }
  if (!input.allowPrivate && addresses.some((a) => isPrivateAddress(a.address))) {
    throw new Error('The URL resolves to a private, loopback or link-local address.');
  }
  const pinned: LookupFunction = (_host, options, cb) => {
    if (typeof options === 'object' && options.all) {
      (cb as unknown as (err: null, all: Array<{ address: string; family: number }>) => void)(null, [first]);
    } else {
      cb(null, first.address, first.family);
    }
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<WebhookResponse>((resolve, reject) => {
    const req = send(
      url,
      {
        method: 'POST',
        lookup: pinned,
        signal: input.signal,
        headers: { ...input.headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(input.body)) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        res.on('data', (chunk: Buffer) => {
          if (size < input.maxBodyBytes) {
            chunks.push(chunk.subarray(0, input.maxBodyBytes - size));
          }
          size += chunk.length;
          if (size >= input.maxBodyBytes) {
            // Enough for the log: stop reading a large or endless body.
            res.destroy();
            done();
          }
        });
        res.on('end', done);
        res.on('error', reject);
      },
    );
    req.setTimeout(input.timeoutMs, () => req.destroy(new Error(`No response within ${input.timeoutMs / 1000} s.`)));
    req.on('error', reject);
    req.end(input.body);
  });
}
