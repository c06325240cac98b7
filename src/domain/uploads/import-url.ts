import { lookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import type { Config } from '../../config/config.js';
import { errors } from '../errors.js';

/*
 * URL imports fetch from the server, so they must not become a way into the server's own network (SSRF): after DNS
 * resolution every address must be public unless IMPORT_URL_ALLOW_PRIVATE is on, and the connection goes to the
 * address that was checked (no second lookup that a rebinding DNS server could answer differently).
 */

const NOT_PUBLIC = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) {
  NOT_PUBLIC.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['2001:db8::', 32], ['64:ff9b::', 96]] as const) {
  NOT_PUBLIC.addSubnet(net, bits, 'ipv6');
}

/** True for loopback, private, link-local, multicast and reserved addresses (IPv4-mapped IPv6 included). */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) {
    return NOT_PUBLIC.check(mapped[1], 'ipv4');
  }
  const family = isIP(address);
  return family === 0 || NOT_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

type ImportUrlConfig = Config['imports'];

/** Parses and checks an import URL: enabled, http(s), no credentials, and a host that resolves to allowed addresses. */
export async function checkImportUrl(config: ImportUrlConfig, raw: string): Promise<{ url: URL; address: string; family: number }> {
  if (!config.urlEnabled) {
    throw errors.forbidden('import_url_disabled', 'Imports from URLs are disabled (IMPORT_URL_ENABLED is off).');
  }
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
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: Array<{ address: string; family: number }>;
  try {
    addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true });
  } catch {
    throw errors.invalidField('body', 'url', 'host does not resolve');
  }
  const first = addresses[0];
  if (!first) {
    throw errors.invalidField('body', 'url', 'host does not resolve');
  }
  if (!config.urlAllowPrivate && addresses.some((a) => isPrivateAddress(a.address))) {
    throw errors.forbidden('import_url_forbidden', 'The URL points at a private, loopback or link-local address.');
  }
  return { url, address: first.address, family: first.family };
}

export interface OpenedUrl {
  body: IncomingMessage;
  fileName: string;
  contentLength: number | undefined;
}

const MAX_REDIRECTS = 3;

function fileNameOf(url: URL, disposition: string | undefined): string {
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition ?? '');
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition ?? '');
  const fromHeader = star?.[1] ?? plain?.[1];
  const fromPath = url.pathname.split('/').filter((s) => s !== '').pop();
  const pick = fromHeader ?? fromPath ?? 'download';
  try {
    return decodeURIComponent(pick);
  } catch {
    return pick;
  }
}

/**
 * GETs an import URL (at most 3 redirects, each checked like the first) and answers the response body as a stream.
 * The socket times out after IMPORT_URL_TIMEOUT_SECONDS without data; the caller caps the size while storing.
 */
export async function openImportUrl(config: ImportUrlConfig, raw: string, signal: AbortSignal): Promise<OpenedUrl> {
  let current = raw;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const { url, address, family } = await checkImportUrl(config, current);
    const pinned: LookupFunction = (_host, options, cb) => {
      if (typeof options === 'object' && options.all) {
        (cb as unknown as (err: null, all: Array<{ address: string; family: number }>) => void)(null, [{ address, family }]);
      } else {
        cb(null, address, family);
      }
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = send(url, { method: 'GET', lookup: pinned, signal, headers: { 'user-agent': 'Atelier-Import/1' } }, resolve);
      req.setTimeout(config.urlTimeoutSeconds * 1000, () => req.destroy(errors.unavailable('The remote server did not answer in time.')));
      req.on('error', reject);
      req.end();
    });
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && res.headers.location) {
      res.resume();
      current = new URL(res.headers.location, url).toString();
      continue;
    }
    if (status < 200 || status >= 300) {
      res.resume();
      throw errors.unavailable(`The remote server answered ${status}.`);
    }
    const length = res.headers['content-length'];
    return { body: res, fileName: fileNameOf(url, res.headers['content-disposition']), contentLength: length === undefined ? undefined : Number(length) };
  }
  throw errors.unavailable('Too many redirects.');
}
