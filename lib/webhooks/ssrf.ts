import "server-only";
import dns from "node:dns";
import { BlockList, isIP, type LookupFunction } from "node:net";

// The operator settings that decide which receivers a callback URL may reach.
export type NetworkPolicy = { allowHttp: boolean; allowPrivateNetworks: boolean };

// Why a URL was refused: malformed (`invalid_url`) or forbidden by the network policy (`ssrf_blocked`).
export type CallbackUrlRefusal = "invalid_url" | "ssrf_blocked";

// Error code of the connect-time refusal, so callers can tell it from ordinary DNS errors.
export const SSRF_BLOCKED_CODE = "ERR_SSRF_BLOCKED";

const MAX_URL_LENGTH = 2048;
const METADATA_HOST_NAMES = new Set(["metadata.google.internal"]);
const PRIVATE_NOT_ALLOWED = "loopback and private-network receivers are not allowed on this server";

type AddressRange = { description: string; alwaysRefused: boolean; blockList: BlockList };

function addressRange(description: string, alwaysRefused: boolean, entries: string[]): AddressRange {
  const blockList = new BlockList();
  for (const entry of entries) {
    const [network = "", prefix] = entry.split("/");
    const type = isIP(network) === 6 ? "ipv6" : "ipv4";
    if (prefix === undefined) blockList.addAddress(network, type);
    else blockList.addSubnet(network, Number(prefix), type);
  }
  return { description, alwaysRefused, blockList };
}

// Most specific first: the first range that matches names the refusal.
const REFUSED_RANGES: AddressRange[] = [
  addressRange("a cloud metadata address", true, ["169.254.169.254", "fd00:ec2::254", "100.100.100.200"]),
  addressRange("a link-local address", true, ["169.254.0.0/16", "fe80::/10"]),
  addressRange("a multicast or reserved address", true, ["224.0.0.0/4", "240.0.0.0/4", "ff00::/8"]),
  addressRange("a loopback address", false, ["127.0.0.0/8", "::1"]),
  addressRange("an unspecified address", false, ["0.0.0.0/8", "::"]),
  addressRange("a private-network address", false, [
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "100.64.0.0/10",
    "fc00::/7",
  ]),
];

// IPv6 prefixes that carry an IPv4 address in their last 32 bits: IPv4-mapped and NAT64.
const IPV4_CARRYING_PREFIXES = addressRange("", false, ["::ffff:0:0/96", "64:ff9b::/96"]).blockList;

function embeddedIPv4(ipv6: string): string | null {
  if (!IPV4_CARRYING_PREFIXES.check(ipv6, "ipv6")) return null;
  // The URL serializer gives the canonical form, whose last two groups are the embedded IPv4.
  const canonical = new URL(`http://[${ipv6}]/`).hostname.slice(1, -1);
  const [high = 0, low = 0] = canonical.split(":").slice(-2).map((group) => parseInt(group || "0", 16));
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join(".");
}

/** "<address> is <why>" when the policy refuses the address, else null. */
function describeRefusedAddress(address: string, policy: NetworkPolicy): string | null {
  const bare = address.replace(/%.*$/, ""); // an IPv6 zone id does not change the range
  const family = isIP(bare);
  if (family === 0) return `${address} is not an IP address`;
  const ipv4 = family === 6 ? embeddedIPv4(bare) : null;
  const checked = ipv4 ?? bare;
  const range = REFUSED_RANGES.find((r) => r.blockList.check(checked, isIP(checked) === 6 ? "ipv6" : "ipv4"));
  if (!range || (!range.alwaysRefused && policy.allowPrivateNetworks)) return null;
  const shown = ipv4 ? `${address} (IPv4 ${ipv4})` : address;
  const why = range.alwaysRefused ? ", which is never allowed" : `; ${PRIVATE_NOT_ALLOWED}`;
  return `${shown} is ${range.description}${why}.`;
}

function describeRefusedHostName(hostName: string, policy: NetworkPolicy): string | null {
  const name = hostName.replace(/\.+$/, "");
  if (METADATA_HOST_NAMES.has(name)) return `${hostName} is a cloud metadata host name, which is never allowed.`;
  const isLoopbackName = name === "localhost" || name.endsWith(".localhost");
  if (isLoopbackName && !policy.allowPrivateNetworks) return `${hostName} is a loopback host name; ${PRIVATE_NOT_ALLOWED}.`;
  return null;
}

// Save-time and send-time check of a callback URL; the reason is shown to administrators as is.
export function checkCallbackUrl(
  raw: string,
  policy: NetworkPolicy,
): { ok: true; url: URL } | { ok: false; reason: string; refusal: CallbackUrlRefusal } {
  const invalid = (reason: string) => ({ ok: false as const, reason, refusal: "invalid_url" as const });
  const blocked = (reason: string) => ({ ok: false as const, reason, refusal: "ssrf_blocked" as const });
  if (raw.length > MAX_URL_LENGTH) return invalid(`The callback URL is longer than ${MAX_URL_LENGTH} characters.`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return invalid("The callback URL is not a valid absolute URL (for example https://hooks.example.com/compliance).");
  }
  const allowed = policy.allowHttp ? "http:// or https://" : "https://";
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return invalid(`The callback URL must start with ${allowed}; "${url.protocol}" URLs are not allowed.`);
  }
  if (url.protocol === "http:" && !policy.allowHttp) {
    return blocked("The callback URL must use https://; plain http:// is not allowed on this server.");
  }
  if (url.username || url.password) {
    return invalid("The callback URL must not contain a user name or password; put the API key in its own field.");
  }
  if (!url.hostname) return invalid("The callback URL has no host name.");
  const ipLiteral = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  const refusal =
    isIP(ipLiteral) !== 0 ? describeRefusedAddress(ipLiteral, policy) : describeRefusedHostName(url.hostname, policy);
  if (refusal) return blocked(`The callback URL's host ${refusal}`);
  return { ok: true, url };
}

// Classifies an address that DNS returned for a callback host: null when allowed, else the reason.
export function checkResolvedAddress(address: string, family: number, policy: NetworkPolicy): string | null {
  if (isIP(address.replace(/%.*$/, "")) !== family) return `The address ${address} is not an IPv${family} address.`;
  const refusal = describeRefusedAddress(address, policy);
  return refusal ? `The address ${refusal}` : null;
}

const SAVE_TIME_LOOKUP_MS = 2_000;

function lookupAll(hostname: string, timeoutMs: number): Promise<dns.LookupAddress[]> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve([]), timeoutMs);
    dns.lookup(hostname, { all: true }, (error, addresses) => {
      clearTimeout(timer);
      resolve(error ? [] : addresses);
    });
  });
}

// Save-time check of what a callback host name resolves to now, so an administrator hears at once that
// a name points at a refused address. A name that does not resolve (yet) is not refused here: the
// connect-time lookup below checks every address again when sending.
export async function checkCallbackHostAddresses(url: URL, policy: NetworkPolicy): Promise<string | null> {
  const hostname = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  if (isIP(hostname) !== 0) return null;
  for (const { address } of await lookupAll(hostname, SAVE_TIME_LOOKUP_MS)) {
    const refusal = describeRefusedAddress(address, policy);
    if (refusal) return `The callback URL's host ${hostname} resolves to an address that is refused: ${refusal}`;
  }
  return null;
}

// A `net.connect` lookup that refuses hosts resolving to forbidden addresses, so DNS rebinding
// cannot reach what the save-time check refused. Fails with code ERR_SSRF_BLOCKED.
export function createGuardedLookup(policy: NetworkPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, "");
      const refusals = addresses.map((a) => checkResolvedAddress(a.address, a.family, policy));
      const refusal = refusals.find((r) => r !== null);
      if (refusal) {
        const blocked: NodeJS.ErrnoException = new Error(`Refused to connect to ${hostname}: ${refusal}`);
        blocked.code = SSRF_BLOCKED_CODE;
        return callback(blocked, "");
      }
      const [first] = addresses;
      if (options?.all) return callback(null, addresses);
      if (!first) return callback(Object.assign(new Error(`No address for ${hostname}`), { code: "ENOTFOUND" }), "");
      callback(null, first.address, first.family);
    });
  };
}
