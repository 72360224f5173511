// The hostile input corpus of issue #8: callback URLs, API bodies and text that attackers or careless
// scripts send. Tables only; tests/integration/hostile-input.test.ts turns each row into a test.

// A callback URL the production network policy (https only, no private networks) must refuse, and
// the words the refusal must use.
export type RefusedUrlCase = { name: string; url: string; reason: RegExp };

const NOT_ALLOWED_HERE = /loopback and private-network receivers are not allowed on this server/;

export const REFUSED_CALLBACK_URLS: RefusedUrlCase[] = [
  { name: "javascript: URL", url: "javascript:alert(document.domain)", reason: /"javascript:" URLs are not allowed/ },
  { name: "file: URL", url: "file:///etc/passwd", reason: /"file:" URLs are not allowed/ },
  { name: "data: URL carrying a script", url: "data:text/html,<script>alert(1)</script>", reason: /"data:" URLs are not allowed/ },
  { name: "gopher: URL", url: "gopher://127.0.0.1:6379/_FLUSHALL", reason: /"gopher:" URLs are not allowed/ },
  { name: "plain http", url: "http://hooks.example.com/compliance", reason: /must use https:\/\/; plain http:\/\/ is not allowed/ },
  { name: "user and password in the URL", url: "https://vendor:hunter2-secret@hooks.example.com/", reason: /must not contain a user name or password/ },
  { name: "password only in the URL", url: "https://:hunter2-secret@hooks.example.com/", reason: /must not contain a user name or password/ },
  { name: "IPv6 link-local", url: "https://[fe80::1]/hooks", reason: /fe80::1 is a link-local address, which is never allowed/ },
  { name: "IPv4 link-local", url: "https://169.254.10.20/hooks", reason: /169\.254\.10\.20 is a link-local address, which is never allowed/ },
  { name: "cloud metadata address", url: "https://169.254.169.254/latest/meta-data/", reason: /169\.254\.169\.254 is a cloud metadata address, which is never allowed/ },
  { name: "cloud metadata in decimal", url: "https://2852039166/latest/meta-data/", reason: /169\.254\.169\.254 is a cloud metadata address/ },
  { name: "cloud metadata in octal", url: "https://0251.0376.0251.0376/", reason: /169\.254\.169\.254 is a cloud metadata address/ },
  { name: "cloud metadata as IPv4-mapped IPv6", url: "https://[::ffff:169.254.169.254]/", reason: /\(IPv4 169\.254\.169\.254\) is a cloud metadata address/ },
  { name: "cloud metadata host name", url: "https://metadata.google.internal/computeMetadata/v1/", reason: /metadata\.google\.internal is a cloud metadata host name/ },
  { name: "loopback in decimal", url: "https://2130706433/hooks", reason: /127\.0\.0\.1 is a loopback address/ },
  { name: "loopback in octal", url: "https://0177.0.0.01/hooks", reason: /127\.0\.0\.1 is a loopback address/ },
  { name: "loopback in hex", url: "https://0x7f000001/hooks", reason: /127\.0\.0\.1 is a loopback address/ },
  { name: "loopback shortened", url: "https://127.1/hooks", reason: /127\.0\.0\.1 is a loopback address/ },
  { name: "IPv6 loopback", url: "https://[::1]/hooks", reason: /::1 is a loopback address/ },
  { name: "localhost", url: "https://localhost/hooks", reason: /localhost is a loopback host name/ },
  { name: "a .localhost name", url: "https://vendor.localhost./hooks", reason: /is a loopback host name/ },
  { name: "unspecified address", url: "https://0.0.0.0/hooks", reason: /0\.0\.0\.0 is an unspecified address/ },
  { name: "private network", url: "https://10.1.2.3/hooks", reason: NOT_ALLOWED_HERE },
  { name: "IPv6 unique local", url: "https://[fd00::5]/hooks", reason: /fd00::5 is a private-network address/ },
  { name: "not a URL", url: "hooks.example.com/compliance", reason: /is not a valid absolute URL/ },
  { name: "space in the host", url: "https://hooks example.com/", reason: /is not a valid absolute URL/ },
];

// Text that is hard to display or store safely, for device ids and names.
export const ODD_UNICODE = {
  nul: "DEV\u0000-1",
  loneHighSurrogate: "DEV-\ud800-1",
  loneLowSurrogate: "DEV-\udfff-1",
  rightToLeftOverride: "DEV-\u202egpj.exe",
  zeroWidthOnly: "\u200b\u200b",
  zeroWidthInside: "DEV\u200b-1",
  escape: "DEV-\u001b[31m-1",
};

// Markup that runs script when a page renders it as HTML; each sets window.__xss when it runs.
export const SCRIPT_BEARING_TEXT = [
  `<img src=x onerror="window.__xss='img'">`,
  `<script>window.__xss='script'</script>`,
  `"><svg onload="window.__xss='svg'">`,
  `javascript:window.__xss='href'`,
  `'};window.__xss='js';//`,
];

// `depth` nested arrays around a value: deeply nested JSON that still fits in the body limit.
export function deeplyNestedJson(depth: number, inner = '"x"'): string {
  return "[".repeat(depth) + inner + "]".repeat(depth);
}
