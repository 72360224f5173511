// The outbound webhook client against real local receivers: statuses, redirects, timeouts, broken
// connections, TLS, oversized bodies, keep-alive reuse and the connect-time SSRF guard.
import { createPrivateKey, generateKeyPairSync, sign, X509Certificate } from "node:crypto";
import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import net, { type AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createWebhookClient, type SendResult, type WebhookClient } from "@/lib/webhooks/http";
import { createGuardedLookup, type NetworkPolicy } from "@/lib/webhooks/ssrf";

const OPEN_POLICY: NetworkPolicy = { allowHttp: true, allowPrivateNetworks: true };
const PUBLIC_ONLY_POLICY: NetworkPolicy = { allowHttp: true, allowPrivateNetworks: false };
const API_KEY = "key-3f9c-secret";
const HEADERS = { Authorization: API_KEY, "webhook-id": "msg_2J7k" };
const BODY = JSON.stringify([{ device_id: "dev-1", status: "compliant", timestamp: 1_760_000_000_000 }]);

type SeenRequest = { method: string; url: string; headers: http.IncomingHttpHeaders; body: string };
type Receiver = { port: number; url: string; requests: SeenRequest[]; connections: number };

// Servers go first (destroying their sockets ends any request still hanging), then the clients.
const serverShutdowns: Array<() => Promise<void>> = [];
const clients: WebhookClient[] = [];
const TEST_LIMIT = { timeout: 10_000 };

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(serverShutdowns.splice(0).map((shutdown) => shutdown()));
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

function newClient(policy: NetworkPolicy = OPEN_POLICY, timeoutMs = 500): WebhookClient {
  const client = createWebhookClient({ policy, timeoutMs, userAgent: "ComplianceWebhooks/test" });
  clients.push(client);
  return client;
}

/** Listens on 127.0.0.1 with a free port; the server and all its sockets are closed after the test. */
async function listen(server: net.Server): Promise<number> {
  const sockets = new Set<net.Socket>();
  server.on("connection", (socket: net.Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  serverShutdowns.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return (server.address() as AddressInfo).port;
}

/** A receiver that records every request (after its body arrived) and then runs `respond`. */
async function startReceiver(
  respond: (req: http.IncomingMessage, res: http.ServerResponse) => void,
  createServer: (handler: http.RequestListener) => net.Server = (handler) => http.createServer(handler),
  scheme = "http",
): Promise<Receiver> {
  const receiver: Receiver = { port: 0, url: "", requests: [], connections: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      receiver.requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      respond(req, res);
    });
  });
  server.on(scheme === "https" ? "secureConnection" : "connection", () => receiver.connections++);
  receiver.port = await listen(server);
  receiver.url = `${scheme}://127.0.0.1:${receiver.port}`;
  return receiver;
}

function expectFailure(result: SendResult, errorClass: SendResult["errorClass"]) {
  expect(result.ok).toBe(false);
  expect(result.errorClass).toBe(errorClass);
  expect(result.errorMessage).toMatch(/\w/);
  expect(result.errorMessage).not.toContain(API_KEY);
}

describe("webhook client: answers", TEST_LIMIT, () => {
  it("sends a JSON POST with the given headers and stores a 2xx answer", async () => {
    const receiver = await startReceiver((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" }).end('{"received":true}');
    });
    const result = await newClient().send(`${receiver.url}/hook`, HEADERS, BODY);

    expect(result).toMatchObject({ ok: true, status: 200, responseBody: '{"received":true}', errorClass: null });
    expect(result.errorMessage).toBeNull();
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    const [seen] = receiver.requests;
    expect(seen?.method).toBe("POST");
    expect(seen?.url).toBe("/hook");
    expect(seen?.headers["content-type"]).toBe("application/json");
    expect(seen?.headers["user-agent"]).toBe("ComplianceWebhooks/test");
    expect(seen?.headers.authorization).toBe(API_KEY);
    expect(seen?.headers["webhook-id"]).toBe("msg_2J7k");
    expect(seen?.body).toBe(BODY);
  });

  it("reports a 500 as an http_status failure with the body excerpt", async () => {
    const receiver = await startReceiver((_req, res) => res.writeHead(500).end("database unavailable"));
    const result = await newClient().send(`${receiver.url}/hook`, HEADERS, BODY);

    expect(result.status).toBe(500);
    expect(result.responseBody).toBe("database unavailable");
    expectFailure(result, "http_status");
    expect(result.errorMessage).toBe("The receiver answered 500.");
  });

  it("does not follow a redirect and reports it as a failure", async () => {
    const receiver = await startReceiver((req, res) => {
      if (req.url === "/hook") res.writeHead(302, { location: "/moved" }).end();
      else res.writeHead(200).end("ok");
    });
    const result = await newClient().send(`${receiver.url}/hook`, HEADERS, BODY);

    expect(result.status).toBe(302);
    expectFailure(result, "http_status");
    expect(result.errorMessage).toBe("The receiver answered 302 (redirects are not followed).");
    expect(receiver.requests.map((r) => r.url)).toEqual(["/hook"]);
  });

  it("reuses one keep-alive connection for sequential sends to the same receiver", async () => {
    const receiver = await startReceiver((_req, res) => res.writeHead(204).end());
    const client = newClient();
    expect((await client.send(`${receiver.url}/hook`, HEADERS, BODY)).ok).toBe(true);
    expect((await client.send(`${receiver.url}/hook`, HEADERS, BODY)).ok).toBe(true);

    expect(receiver.requests).toHaveLength(2);
    expect(receiver.connections).toBe(1);
  });
});

describe("webhook client: timeouts and broken connections", TEST_LIMIT, () => {
  it("times out a receiver that never answers", async () => {
    const receiver = await startReceiver(() => {});
    const result = await newClient(OPEN_POLICY, 500).send(`${receiver.url}/hook`, HEADERS, BODY);

    expectFailure(result, "timeout");
    expect(result.status).toBeNull();
    expect(result.errorMessage).toBe("The receiver did not answer within 0.5 s.");
    expect(result.durationMs).toBeGreaterThanOrEqual(450);
    expect(result.durationMs).toBeLessThan(2_000);
  });

  it("times out a receiver that drips its body forever", async () => {
    const receiver = await startReceiver((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.flushHeaders();
      const drip = setInterval(() => res.write("."), 100);
      res.on("close", () => clearInterval(drip));
    });
    const result = await newClient(OPEN_POLICY, 500).send(`${receiver.url}/hook`, HEADERS, BODY);

    expectFailure(result, "timeout");
    expect(result.durationMs).toBeGreaterThanOrEqual(450);
    expect(result.durationMs).toBeLessThan(2_000);
  });

  it("times out each request at its own deadline, beside requests that are answered", async () => {
    const receiver = await startReceiver((req, res) => {
      if (req.url === "/answer") res.writeHead(204).end();
    });
    const client = newClient(OPEN_POLICY, 500);
    const first = client.send(`${receiver.url}/silent`, HEADERS, BODY);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const [answered, later] = await Promise.all([client.send(`${receiver.url}/answer`, HEADERS, BODY), client.send(`${receiver.url}/silent`, HEADERS, BODY)]);

    expectFailure(await first, "timeout");
    expect(answered).toMatchObject({ ok: true, status: 204 });
    // Started 250 ms after the first, it is not cut short when the first one's deadline passes.
    expectFailure(later, "timeout");
    expect(later.durationMs).toBeGreaterThanOrEqual(450);
    expect(later.durationMs).toBeLessThan(2_000);
  });

  it("reports a request undici refuses to send (a header value with a line break) as a failure, not an exception", async () => {
    const receiver = await startReceiver((_req, res) => res.writeHead(200).end());
    const result = await newClient().send(`${receiver.url}/hook`, { ...HEADERS, Authorization: "key\r\nx-injected: 1" }, BODY);

    expectFailure(result, "network");
    expect(result.errorMessage).not.toContain("key");
    expect(receiver.requests).toHaveLength(0);
  });

  it.each([
    ["closes", (socket: net.Socket) => socket.destroy()],
    ["resets (TCP RST)", (socket: net.Socket) => socket.resetAndDestroy()],
  ])("reports a receiver that %s the connection before answering as connection_reset", async (_, drop) => {
    const receiver = await startReceiver((req) => drop(req.socket));
    const result = await newClient().send(`${receiver.url}/hook`, HEADERS, BODY);

    expectFailure(result, "connection_reset");
    expect(result.status).toBeNull();
  });

  it("reports a closed port as connection_refused", async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const result = await newClient().send(`http://127.0.0.1:${port}/hook`, HEADERS, BODY);
    expectFailure(result, "connection_refused");
  });

  it("reports an unknown host name as dns", async () => {
    const result = await newClient().send("https://receiver.invalid/hook", HEADERS, BODY);
    expectFailure(result, "dns");
  });
});

describe("webhook client: large bodies", TEST_LIMIT, () => {
  const TEN_MB = 10 * 1024 * 1024;

  it("stops reading a 10 MB body early, stores 4096 bytes and keeps memory flat", async () => {
    const responses: Array<{ bytesSent: number; finished: boolean }> = [];
    const receiver = await startReceiver((_req, res) => {
      const stats = { bytesSent: 0, finished: false };
      responses.push(stats);
      const chunk = Buffer.alloc(64 * 1024, "a");
      const body = Readable.from(
        (function* () {
          for (let sent = 0; sent < TEN_MB; sent += chunk.length) {
            stats.bytesSent += chunk.length;
            yield chunk;
          }
        })(),
      );
      res.on("close", () => (stats.finished = res.writableFinished));
      res.writeHead(200, { "content-type": "text/plain", "content-length": TEN_MB });
      body.pipe(res);
    });
    const client = newClient(OPEN_POLICY, 5_000);
    await client.send(`${receiver.url}/warm-up`, HEADERS, BODY); // loads undici's parser before measuring
    responses.length = 0;

    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    try {
      for (let i = 0; i < 5; i++) {
        const result = await client.send(`${receiver.url}/hook`, HEADERS, BODY);
        expect(result).toMatchObject({ ok: true, status: 200, errorClass: null });
        expect(result.responseBody).toHaveLength(4096);
        expect(result.responseBody).toBe("a".repeat(4096));
      }
      await vi.waitFor(() => expect(responses.every((r) => r.finished === false)).toBe(true));
    } finally {
      clearInterval(sampler);
    }
    expect(responses).toHaveLength(5);
    for (const response of responses) expect(response.bytesSent).toBeLessThan(TEN_MB / 2);
    expect(peak - baseline).toBeLessThan(20 * 1024 * 1024);
  });
});

/** A self-signed P-256 certificate for 127.0.0.1, DER-encoded by hand (Node has no X.509 builder). */
function selfSignedCertificate(): { key: string; cert: string } {
  const der = (tag: number, ...parts: Buffer[]) => {
    const content = Buffer.concat(parts);
    const n = content.length;
    const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
    return Buffer.concat([Buffer.from([tag, ...length]), content]);
  };
  const sequence = (...parts: Buffer[]) => der(0x30, ...parts);
  const oid = (hex: string) => der(0x06, Buffer.from(hex, "hex"));
  const utcTime = (date: Date) => der(0x17, Buffer.from(date.toISOString().replace(/[-:T]|\.\d+/g, "").slice(2)));
  const ecdsaWithSha256 = sequence(oid("2a8648ce3d040302"));
  const name = sequence(der(0x31, sequence(oid("550403"), der(0x0c, Buffer.from("127.0.0.1")))));
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const now = Date.now();
  const subjectAltName = sequence(oid("551d11"), der(0x04, sequence(der(0x87, Buffer.from([127, 0, 0, 1])))));
  const tbs = sequence(
    der(0xa0, der(0x02, Buffer.from([2]))),
    der(0x02, Buffer.from([1])),
    ecdsaWithSha256,
    name,
    sequence(utcTime(new Date(now - 3_600_000)), utcTime(new Date(now + 3_600_000))),
    name,
    publicKey.export({ type: "spki", format: "der" }),
    der(0xa3, sequence(subjectAltName)),
  );
  const signature = sign("sha256", tbs, privateKey);
  const certificate = sequence(tbs, ecdsaWithSha256, der(0x03, Buffer.from([0]), signature));
  const base64 = certificate.toString("base64").replace(/.{64}/g, "$&\n");
  const cert = `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`;
  return { key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(), cert };
}

describe("webhook client: TLS", TEST_LIMIT, () => {
  it("refuses a receiver with a self-signed certificate as tls", async () => {
    const { key, cert } = selfSignedCertificate();
    const receiver = await startReceiver(
      (_req, res) => res.writeHead(200).end("ok"),
      (handler) => https.createServer({ key, cert }, handler),
      "https",
    );
    // The certificate itself is sound: a client that trusts it gets the answer.
    expect(new X509Certificate(cert).checkPrivateKey(createPrivateKey(key))).toBe(true);
    const trusted = await new Promise<number | undefined>((resolve, reject) => {
      https.request(`${receiver.url}/`, { method: "POST", ca: cert }, (res) => resolve(res.resume().statusCode))
        .on("error", reject)
        .end();
    });
    expect(trusted).toBe(200);

    const result = await newClient().send(`${receiver.url}/hook`, HEADERS, BODY);
    expectFailure(result, "tls");
    expect(result.errorMessage).toContain("DEPTH_ZERO_SELF_SIGNED_CERT");
    expect(receiver.requests).toHaveLength(1); // only the trusting client's request
  });

  it("reports https:// to a plain-HTTP port as tls", async () => {
    const receiver = await startReceiver((_req, res) => res.writeHead(200).end("ok"));
    const result = await newClient().send(`https://127.0.0.1:${receiver.port}/hook`, HEADERS, BODY);

    expectFailure(result, "tls");
    expect(receiver.requests).toHaveLength(0);
  });
});

describe("webhook client: SSRF guard", TEST_LIMIT, () => {
  it("refuses forbidden and malformed URLs without connecting", async () => {
    const receiver = await startReceiver((_req, res) => res.writeHead(200).end());
    const strict = newClient({ allowHttp: false, allowPrivateNetworks: false });

    expectFailure(await strict.send(`http://localhost:${receiver.port}/hook`, HEADERS, BODY), "ssrf_blocked");
    expectFailure(await strict.send(`https://127.0.0.1:${receiver.port}/hook`, HEADERS, BODY), "ssrf_blocked");
    expectFailure(await strict.send("https://169.254.169.254/latest/meta-data", HEADERS, BODY), "ssrf_blocked");
    expectFailure(await strict.send("ftp://hooks.example.com/x", HEADERS, BODY), "invalid_url");
    expectFailure(await strict.send("not a url", HEADERS, BODY), "invalid_url");
    expect(receiver.connections).toBe(0);
  });

  it("refuses at connect time a host name that resolves to a forbidden address (DNS rebinding)", async () => {
    const receiver = await startReceiver((_req, res) => res.writeHead(200).end("ok"));
    const realLookup = dns.lookup;
    const answers: Record<string, string> = { "rebind.test": "127.0.0.1", "metadata.test": "169.254.169.254" };
    vi.spyOn(dns, "lookup").mockImplementation(((hostname: string, options: dns.LookupAllOptions, callback: Function) => {
      const address = answers[hostname];
      if (!address) return realLookup(hostname, options, callback as never);
      process.nextTick(() => callback(null, [{ address, family: 4 }]));
    }) as unknown as typeof dns.lookup);

    const strict = await newClient(PUBLIC_ONLY_POLICY).send(`http://rebind.test:${receiver.port}/hook`, HEADERS, BODY);
    expectFailure(strict, "ssrf_blocked");
    expect(strict.errorMessage).toBe(
      "Refused to connect to rebind.test: The address 127.0.0.1 is a loopback address; " +
        "loopback and private-network receivers are not allowed on this server.",
    );
    expect(receiver.connections).toBe(0);

    const metadata = await newClient(OPEN_POLICY).send(`http://metadata.test:${receiver.port}/`, HEADERS, BODY);
    expectFailure(metadata, "ssrf_blocked");
    expect(metadata.errorMessage).toContain("169.254.169.254 is a cloud metadata address, which is never allowed");
    expect(receiver.connections).toBe(0);

    // With private networks allowed the same name connects: the guarded lookup is what dials.
    const allowed = await newClient(OPEN_POLICY).send(`http://rebind.test:${receiver.port}/hook`, HEADERS, BODY);
    expect(allowed).toMatchObject({ ok: true, status: 200, responseBody: "ok" });
    expect(receiver.connections).toBe(1);
  });

  it("the guarded lookup fails with ERR_SSRF_BLOCKED for localhost unless private networks are allowed", async () => {
    const lookupAll = (policy: NetworkPolicy) =>
      new Promise<{ error: NodeJS.ErrnoException | null; addresses: unknown }>((resolve) =>
        createGuardedLookup(policy)("localhost", { all: true }, (error, addresses) => resolve({ error, addresses })),
      );
    const refused = await lookupAll(PUBLIC_ONLY_POLICY);
    expect(refused.error?.code).toBe("ERR_SSRF_BLOCKED");
    expect(refused.error?.message).toMatch(/^Refused to connect to localhost: The address (127\.0\.0\.1|::1) is a loopback address/);

    const allowed = await lookupAll(OPEN_POLICY);
    expect(allowed.error).toBeNull();
    expect(allowed.addresses).toContainEqual({ address: "127.0.0.1", family: 4 });

    const single = await new Promise<{ address: unknown; family: unknown }>((resolve, reject) =>
      createGuardedLookup(OPEN_POLICY)("localhost", { family: 4 }, (error, address, family) =>
        error ? reject(error) : resolve({ address, family }),
      ),
    );
    expect(single).toEqual({ address: "127.0.0.1", family: 4 });
  });
});
