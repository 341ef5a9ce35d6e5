import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { HTTPException } from 'hono/http-exception';
import ipaddr from 'ipaddr.js';
import { Agent, request } from 'undici';

export interface UrlFetchPolicy {
  maxBytes: number;
  timeoutMs: number;
  maxRedirects: number;
  /** Loopback, private, link-local and other non-public addresses are refused unless this is on. */
  allowPrivateAddresses: boolean;
}

export const DEFAULT_URL_FETCH: UrlFetchPolicy = { maxBytes: 10 * 1024 * 1024, timeoutMs: 5_000, maxRedirects: 3, allowPrivateAddresses: false };

/** Only addresses in the public unicast range may be fetched (no SSRF into the private network). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === 'unicast';
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A DNS lookup that refuses non-public answers. It runs inside the connection itself, so the
 * address checked is the address connected to (a name cannot resolve public for a check and
 * private for the fetch).
 */
function checkedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const blocked = addresses.find((a) => !isPublicAddress(a.address));
    if (blocked) return callback(Object.assign(new Error(`${hostname} resolves to the non-public address ${blocked.address}`), { code: 'EADDRNOTPUBLIC' }), []);
    if (options.all) return callback(null, addresses);
    return callback(null, addresses[0]!.address, addresses[0]!.family);
  });
}

const publicOnly = new Agent({ connect: { lookup: checkedLookup } });
const anyAddress = new Agent();

/**
 * GET an image by URL for /similar: http(s) only, redirects followed by hand (each hop checked
 * again), a time limit for the whole fetch (cut short with the request's own), and a byte limit
 * enforced while reading. Every refusal is a 400 saying why.
 */
export async function fetchImage(url: string, policy: UrlFetchPolicy, requestSignal?: AbortSignal): Promise<Buffer> {
  const timeLimit = AbortSignal.timeout(policy.timeoutMs);
  const signal = requestSignal ? AbortSignal.any([timeLimit, requestSignal]) : timeLimit;
  let current = url;
  for (let hop = 0; hop <= policy.maxRedirects; hop++) {
    const target = checkedUrl(current, policy);
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(target, { method: 'GET', dispatcher: policy.allowPrivateAddresses ? anyAddress : publicOnly, signal, headers: { accept: 'image/*' } });
    } catch (error) {
      throw new HTTPException(400, { message: `url: could not fetch ${target.href}: ${reasonOf(error, signal)}` });
    }
    if (response.statusCode >= 300 && response.statusCode < 400 && response.headers.location) {
      await response.body.dump();
      current = new URL(String(response.headers.location), target).href;
      continue;
    }
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new HTTPException(400, { message: `url: ${target.href} answered HTTP ${response.statusCode}` });
    }
    const declared = Number(response.headers['content-length'] ?? NaN);
    if (declared > policy.maxBytes) {
      await response.body.dump();
      throw new HTTPException(400, { message: `url: the image is ${declared} bytes; the limit is ${policy.maxBytes}` });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of response.body) {
        size += (chunk as Buffer).length;
        if (size > policy.maxBytes) {
          response.body.destroy();
          throw new HTTPException(400, { message: `url: the image is over the limit of ${policy.maxBytes} bytes` });
        }
        chunks.push(chunk as Buffer);
      }
    } catch (error) {
      if (error instanceof HTTPException) throw error;
      throw new HTTPException(400, { message: `url: reading ${target.href} failed: ${reasonOf(error, signal)}` });
    }
    return Buffer.concat(chunks);
  }
  throw new HTTPException(400, { message: `url: more than ${policy.maxRedirects} redirects` });
}

function checkedUrl(raw: string, policy: UrlFetchPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new HTTPException(400, { message: `url: not a URL: ${raw.slice(0, 200)}` });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new HTTPException(400, { message: `url: only http and https are fetched, not ${url.protocol}` });
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // A literal address never goes through DNS, so the lookup check cannot see it: check it here.
  if (!policy.allowPrivateAddresses && (ipaddr.isValid(host) ? !isPublicAddress(host) : host === 'localhost' || host.endsWith('.localhost'))) {
    throw new HTTPException(400, { message: `url: ${host} is not a public address (loopback and private networks are refused)` });
  }
  return url;
}

function reasonOf(error: unknown, signal: AbortSignal): string {
  if (signal.aborted) return 'timed out';
  const cause = (error as { cause?: { message?: string } }).cause?.message;
  return cause ?? (error instanceof Error ? error.message : String(error));
}
