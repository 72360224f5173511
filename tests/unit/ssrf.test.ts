// The SSRF guard's static URL check and its classification of resolved addresses.
import { describe, expect, it } from "vitest";
import { checkCallbackUrl, checkResolvedAddress, type NetworkPolicy } from "@/lib/webhooks/ssrf";

const STRICT: NetworkPolicy = { allowHttp: false, allowPrivateNetworks: false };
const HTTP_ALLOWED: NetworkPolicy = { allowHttp: true, allowPrivateNetworks: false };
const PRIVATE_ALLOWED: NetworkPolicy = { allowHttp: false, allowPrivateNetworks: true };
const OPEN: NetworkPolicy = { allowHttp: true, allowPrivateNetworks: true };

const PRIVATE_REFUSAL = "loopback and private-network receivers are not allowed on this server.";
const NEVER = "which is never allowed.";

type Case = [url: string, policy: NetworkPolicy, expected: "allowed" | RegExp | string];

const cases: Case[] = [
  ["https://hooks.example.com/x?y=1", STRICT, "allowed"],
  ["javascript:alert(1)", OPEN, 'The callback URL must start with http:// or https://; "javascript:" URLs are not allowed.'],
  ["file:///etc/passwd", STRICT, 'The callback URL must start with https://; "file:" URLs are not allowed.'],
  ["data:text/plain,hi", OPEN, /"data:" URLs are not allowed/],
  ["ftp://hooks.example.com/", OPEN, /"ftp:" URLs are not allowed/],
  ["not a url", OPEN, /is not a valid absolute URL/],
  [`https://hooks.example.com/${"a".repeat(2048)}`, OPEN, "The callback URL is longer than 2048 characters."],
  ["https://user:pass@example.com/", OPEN, /must not contain a user name or password/],
  ["https://:pass@example.com/", OPEN, /must not contain a user name or password/],
  ["http://example.com/", STRICT, "The callback URL must use https://; plain http:// is not allowed on this server."],
  ["http://example.com/", HTTP_ALLOWED, "allowed"],
  // Link-local and cloud metadata: refused even when private networks are allowed.
  ["https://169.254.169.254/latest/meta-data", OPEN, `The callback URL's host 169.254.169.254 is a cloud metadata address, ${NEVER}`],
  ["https://169.254.10.1/", OPEN, `The callback URL's host 169.254.10.1 is a link-local address, ${NEVER}`],
  ["https://[fe80::1]/", OPEN, `The callback URL's host fe80::1 is a link-local address, ${NEVER}`],
  ["https://[::ffff:169.254.169.254]/", OPEN, `The callback URL's host ::ffff:a9fe:a9fe (IPv4 169.254.169.254) is a cloud metadata address, ${NEVER}`],
  ["https://[64:ff9b::a9fe:a9fe]/", OPEN, /\(IPv4 169\.254\.169\.254\) is a cloud metadata address/],
  ["https://[fd00:ec2::254]/", OPEN, /fd00:ec2::254 is a cloud metadata address/],
  ["https://100.100.100.200/", OPEN, /100\.100\.100\.200 is a cloud metadata address/],
  ["https://metadata.google.internal/computeMetadata/v1/", OPEN, `The callback URL's host metadata.google.internal is a cloud metadata host name, ${NEVER}`],
  ["https://METADATA.google.internal./", OPEN, /is a cloud metadata host name/],
  ["https://224.0.0.1/", OPEN, /is a multicast or reserved address/],
  // Loopback written every way the URL parser accepts, then private ranges: refused unless allowed.
  ["https://127.0.0.1/", STRICT, `The callback URL's host 127.0.0.1 is a loopback address; ${PRIVATE_REFUSAL}`],
  ["https://2130706433/", STRICT, /host 127\.0\.0\.1 is a loopback address/],
  ["https://0177.0.0.1/", STRICT, /host 127\.0\.0\.1 is a loopback address/],
  ["https://0x7f.0.0.1/", STRICT, /host 127\.0\.0\.1 is a loopback address/],
  ["https://2130706433/", PRIVATE_ALLOWED, "allowed"],
  ["https://0177.0.0.1/", PRIVATE_ALLOWED, "allowed"],
  ["https://0x7f.0.0.1/", PRIVATE_ALLOWED, "allowed"],
  ["https://[::1]/", STRICT, `The callback URL's host ::1 is a loopback address; ${PRIVATE_REFUSAL}`],
  ["https://[::1]/", PRIVATE_ALLOWED, "allowed"],
  ["https://[::ffff:127.0.0.1]/", STRICT, /::ffff:7f00:1 \(IPv4 127\.0\.0\.1\) is a loopback address/],
  ["https://localhost:8443/", STRICT, `The callback URL's host localhost is a loopback host name; ${PRIVATE_REFUSAL}`],
  ["https://api.localhost/", STRICT, /api\.localhost is a loopback host name/],
  ["https://localhost:8443/", PRIVATE_ALLOWED, "allowed"],
  ["https://0.0.0.0/", STRICT, /0\.0\.0\.0 is an unspecified address/],
  ["https://[::]/", STRICT, /host :: is an unspecified address/],
  ["https://10.0.0.5/", STRICT, `The callback URL's host 10.0.0.5 is a private-network address; ${PRIVATE_REFUSAL}`],
  ["https://172.16.4.2/", STRICT, /is a private-network address/],
  ["https://192.168.1.1/", STRICT, /192\.168\.1\.1 is a private-network address/],
  ["https://100.64.0.1/", STRICT, /100\.64\.0\.1 is a private-network address/],
  ["https://[fd12:3456::1]/", STRICT, /fd12:3456::1 is a private-network address/],
  ["https://10.0.0.5/", PRIVATE_ALLOWED, "allowed"],
  ["https://192.168.1.1/", PRIVATE_ALLOWED, "allowed"],
  ["https://172.32.0.1/", STRICT, "allowed"],
  ["https://8.8.8.8/", STRICT, "allowed"],
  ["https://[2606:4700::1111]/", STRICT, "allowed"],
];

const describePolicy = (p: NetworkPolicy) =>
  `${p.allowHttp ? "http allowed" : "https only"}, ${p.allowPrivateNetworks ? "private allowed" : "public only"}`;

describe("checkCallbackUrl", () => {
  it.each(cases.map(([url, policy, expected]) => [url.slice(0, 60), describePolicy(policy), url, policy, expected]))(
    "%s (%s)",
    (_label, _policyLabel, url, policy, expected) => {
      const result = checkCallbackUrl(url as string, policy as NetworkPolicy);
      if (expected === "allowed") {
        expect(result).toMatchObject({ ok: true });
        if (result.ok) expect(result.url.href).toBe(new URL(url as string).href);
        return;
      }
      expect(result.ok).toBe(false);
      if (result.ok) return;
      if (typeof expected === "string") expect(result.reason).toBe(expected);
      else expect(result.reason).toMatch(expected as RegExp);
    },
  );

  it("tells malformed URLs apart from ones the network policy forbids", () => {
    const refusalOf = (url: string, policy: NetworkPolicy) => {
      const result = checkCallbackUrl(url, policy);
      return result.ok ? null : result.refusal;
    };
    expect(refusalOf("javascript:alert(1)", OPEN)).toBe("invalid_url");
    expect(refusalOf("https://user:pass@example.com/", OPEN)).toBe("invalid_url");
    expect(refusalOf("http://example.com/", STRICT)).toBe("ssrf_blocked");
    expect(refusalOf("https://169.254.169.254/", OPEN)).toBe("ssrf_blocked");
    expect(refusalOf("https://localhost/", STRICT)).toBe("ssrf_blocked");
  });
});

describe("checkResolvedAddress", () => {
  it.each<[string, number, NetworkPolicy, string | null]>([
    ["93.184.215.14", 4, STRICT, null],
    ["2606:4700::1111", 6, STRICT, null],
    ["169.254.169.254", 4, OPEN, `The address 169.254.169.254 is a cloud metadata address, ${NEVER}`],
    ["::ffff:169.254.169.254", 6, OPEN, `The address ::ffff:169.254.169.254 (IPv4 169.254.169.254) is a cloud metadata address, ${NEVER}`],
    ["fe80::1%eth0", 6, OPEN, `The address fe80::1%eth0 is a link-local address, ${NEVER}`],
    ["127.0.0.1", 4, STRICT, `The address 127.0.0.1 is a loopback address; ${PRIVATE_REFUSAL}`],
    ["127.0.0.1", 4, PRIVATE_ALLOWED, null],
    ["::1", 6, STRICT, `The address ::1 is a loopback address; ${PRIVATE_REFUSAL}`],
    ["10.1.2.3", 4, STRICT, `The address 10.1.2.3 is a private-network address; ${PRIVATE_REFUSAL}`],
    ["fc00::5", 6, PRIVATE_ALLOWED, null],
    ["example.com", 4, OPEN, "The address example.com is not an IPv4 address."],
  ])("%s (IPv%d)", (address, family, policy, expected) => {
    expect(checkResolvedAddress(address, family, policy)).toBe(expected);
  });
});
