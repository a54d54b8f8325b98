import "../serverOnly";
import { lookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { FETCH_MAX_BYTES, FETCH_MAX_REDIRECTS, FETCH_TIMEOUT_MS } from "./constants";

export type FetchErrorReason = "bad_url" | "forbidden_address" | "unreachable" | "timeout" | "too_large" | "too_many_redirects" | "http_error";

/** LOAD url failed; the message says what to do. */
export class FetchUrlError extends Error {
  override readonly name = "FetchUrlError";
  constructor(
    readonly reason: FetchErrorReason,
    message: string,
  ) {
    super(message);
  }
}

export interface FetchPolicy {
  /** Allow loopback, private, link-local and other non-public addresses (tests, a trusted local network). */
  readonly allowPrivate: boolean;
  readonly maxBytes?: number;
  readonly timeoutMs?: number;
  readonly maxRedirects?: number;
}

export interface Fetched {
  /** Where the body came from, after redirects. */
  readonly url: string;
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
  readonly bytes: number;
}

/** Addresses a being may not reach through the master unless the policy allows it: the master's own network. */
const NON_PUBLIC = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  NON_PUBLIC.addSubnet(net, bits, "ipv4");
for (const [net, bits] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
  ["64:ff9b::", 96],
] as const)
  NON_PUBLIC.addSubnet(net, bits, "ipv6");

/** True for loopback, private, link-local, multicast and reserved addresses (IPv4-mapped IPv6 included). */
export function isNonPublicAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return NON_PUBLIC.check(mapped[1]!, "ipv4");
  const family = isIP(address);
  if (family === 0) return true;
  return NON_PUBLIC.check(address, family === 4 ? "ipv4" : "ipv6");
}

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FetchUrlError("bad_url", `${JSON.stringify(raw)} is not a URL; write it in full, such as https://example.org/page`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new FetchUrlError("bad_url", `LOAD url fetches http and https only, not ${url.protocol}`);
  if (url.username || url.password) throw new FetchUrlError("bad_url", "a URL with a user name or password is refused; the master sends no credentials");
  return url;
}

/** Resolves the host once and checks every address; the request then connects to the checked address (no DNS rebinding). */
async function resolve(url: URL, policy: FetchPolicy): Promise<{ address: string; family: number }> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addresses: { address: string; family: number }[];
  try {
    addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true, verbatim: true });
  } catch {
    throw new FetchUrlError("unreachable", `${url.host} does not resolve; check the address`);
  }
  if (addresses.length === 0) throw new FetchUrlError("unreachable", `${url.host} does not resolve; check the address`);
  if (!policy.allowPrivate) {
    const bad = addresses.find((a) => isNonPublicAddress(a.address));
    if (bad)
      throw new FetchUrlError(
        "forbidden_address",
        `${url.host} is ${bad.address}, a loopback or private address, which beings may not reach through the master (set LUXOS_FETCH_ALLOW_PRIVATE=1 on a trusted network)`,
      );
  }
  return addresses[0]!;
}

interface Response1 {
  status: number;
  location: string | null;
  contentType: string;
  body: Buffer;
}

function request(url: URL, pinned: { address: string; family: number }, maxBytes: number, signal: AbortSignal): Promise<Response1> {
  const lookupPinned: LookupFunction = (_host, options, callback) => {
    if (typeof options === "object" && options.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  };
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolvePromise, reject) => {
    const req = client.get(
      url,
      { lookup: lookupPinned, signal, headers: { "user-agent": "LuxOS-master (Lux LOAD url)", accept: "text/*, application/json;q=0.9, */*;q=0.5" } },
      (res) => {
        const status = res.statusCode ?? 0;
        const location = typeof res.headers.location === "string" ? res.headers.location : null;
        const contentType = res.headers["content-type"] ?? "";
        if (status >= 300 && status < 400 && location) {
          res.resume();
          resolvePromise({ status, location, contentType, body: Buffer.alloc(0) });
          return;
        }
        const declared = Number(res.headers["content-length"] ?? NaN);
        if (Number.isFinite(declared) && declared > maxBytes) {
          res.destroy();
          reject(tooLarge(url, maxBytes));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            res.destroy();
            reject(tooLarge(url, maxBytes));
            return;
          }
          chunks.push(chunk);
        });
        res.on("end", () => resolvePromise({ status, location, contentType, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
  });
}

function tooLarge(url: URL, maxBytes: number): FetchUrlError {
  return new FetchUrlError(
    "too_large",
    `${url.href} is larger than ${Math.round(maxBytes / 1024)} KB, the most LOAD url reads; fetch a smaller page or a summary`,
  );
}

/**
 * Fetches a page for a being's `LOAD url`: http and https only, no credentials, every address (redirects
 * included) checked against the policy before connecting, a size and a time limit. Rejects with a FetchUrlError.
 *
 * @example const page = await fetchUrl("https://example.org/status", { allowPrivate: false })
 */
export async function fetchUrl(raw: string, policy: FetchPolicy, signal?: AbortSignal): Promise<Fetched> {
  const timeoutMs = policy.timeoutMs ?? FETCH_TIMEOUT_MS;
  const maxBytes = policy.maxBytes ?? FETCH_MAX_BYTES;
  const maxRedirects = policy.maxRedirects ?? FETCH_MAX_REDIRECTS;
  const deadline = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
  let url = parseUrl(raw);
  try {
    for (let hop = 0; ; hop++) {
      const pinned = await resolve(url, policy);
      if (combined.aborted) throw combined.reason;
      const res = await request(url, pinned, maxBytes, combined);
      if (res.location !== null) {
        if (hop >= maxRedirects) throw new FetchUrlError("too_many_redirects", `${raw} redirected more than ${maxRedirects} times; give the final address`);
        url = parseUrl(new URL(res.location, url).href);
        continue;
      }
      if (res.status < 200 || res.status >= 300) throw new FetchUrlError("http_error", `${url.href} answered HTTP ${res.status}`);
      return { url: url.href, status: res.status, contentType: res.contentType, text: res.body.toString("utf8"), bytes: res.body.length };
    }
  } catch (error) {
    if (error instanceof FetchUrlError) throw error;
    if (deadline.aborted) throw new FetchUrlError("timeout", `${url.href} did not answer within ${timeoutMs / 1000} s`);
    if (signal?.aborted) throw new FetchUrlError("timeout", `the fetch of ${url.href} was cancelled`);
    const detail = error instanceof Error ? error.message : String(error);
    throw new FetchUrlError("unreachable", `${url.href} could not be fetched (${detail})`);
  }
}
