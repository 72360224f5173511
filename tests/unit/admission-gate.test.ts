// The admission gate in front of Next.js (scripts/lib/admission-gate.mjs), over real HTTP on loopback:
// arrival order, the concurrency bound, clients that leave while queued, slots released once, downloads
// streaming outside the slots, 503s.
import { request, createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  admissionSettingsFrom,
  bypassesGate,
  createAdmissionGate,
  DEFAULT_ADMISSION,
  type AdmissionGate,
  type AdmissionSettings,
} from "@/scripts/lib/admission-gate.mjs";

type Answer = { status: number; headers: IncomingMessage["headers"]; body: string };
type Sent = { answer: Promise<Answer>; abort: () => void };
// Handles a started request; `hold()` keeps its response open until the test finishes it.
type Handler = (id: string, res: ServerResponse, hold: () => void) => unknown;

// A server whose handler records which request it started and holds its response (when the handler
// calls `hold`, as the default one does) until the test finishes it, so the test decides when a slot
// frees up.
class GatedServer {
  readonly arrived: string[] = [];
  readonly started: string[] = [];
  private readonly held = new Map<string, ServerResponse>();
  private readonly server: Server;
  private maxActive = 0;
  private url = "";

  constructor(
    readonly gate: AdmissionGate,
    private readonly handle: Handler = (id, res, hold) => hold(),
  ) {
    this.server = createServer((req, res) => {
      const id = req.url!.slice(1);
      this.arrived.push(id);
      gate.admit(req, res, () => {
        this.started.push(id);
        this.maxActive = Math.max(this.maxActive, gate.stats().active);
        return this.handle(id, res, () => void this.held.set(id, res));
      });
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  // One request on a connection of its own; resolves once the server has seen it, so the order of
  // calls is the order of arrival.
  async send(id: string, headers: Record<string, string> = {}): Promise<Sent> {
    const seen = this.arrived.length + 1;
    let abort = () => {};
    const answer = new Promise<Answer>((resolve, reject) => {
      const outgoing = request(`${this.url}/${id}`, { agent: false, headers }, (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (body += chunk));
        response.on("end", () => resolve({ status: response.statusCode!, headers: response.headers, body }));
        response.on("error", reject);
      });
      outgoing.on("error", reject);
      outgoing.end();
      abort = () => outgoing.destroy();
    });
    answer.catch(() => undefined);
    await until(() => this.arrived.length >= seen);
    return { answer, abort };
  }

  // Another part of a held response's body.
  write(id: string, chunk: string): void {
    this.response(id).write(chunk);
  }

  finish(id: string, body = `done ${id}`): void {
    const res = this.response(id);
    this.held.delete(id);
    res.end(body);
  }

  private response(id: string): ServerResponse {
    const res = this.held.get(id);
    if (!res) throw new Error(`request ${id} was not started`);
    return res;
  }

  get highestConcurrency(): number {
    return this.maxActive;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting for a condition");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const servers: GatedServer[] = [];
async function gatedServer(settings: Partial<AdmissionSettings>, handle?: Handler): Promise<GatedServer> {
  const server = await new GatedServer(createAdmissionGate({ ...DEFAULT_ADMISSION, ...settings }), handle).listen();
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe("admission gate", () => {
  it("hands at most maxConcurrent requests to the handler and starts the rest in arrival order", async () => {
    const server = await gatedServer({ maxConcurrent: 2 });
    const sent = [];
    for (const id of ["a", "b", "c", "d", "e"]) sent.push(await server.send(id));
    expect(server.started).toEqual(["a", "b"]);
    expect(server.gate.stats()).toMatchObject({ active: 2, queued: 3 });

    server.finish("b");
    await until(() => server.started.length === 3);
    server.finish("a");
    await until(() => server.started.length === 4);
    server.finish("c");
    server.finish("d");
    await until(() => server.started.length === 5);
    server.finish("e");

    const answers = await Promise.all(sent.map((request) => request.answer));
    expect(answers.map((answer) => answer.body)).toEqual(["done a", "done b", "done c", "done d", "done e"]);
    expect(server.started).toEqual(["a", "b", "c", "d", "e"]);
    expect(server.highestConcurrency).toBe(2);
    await server.gate.idle();
    expect(server.gate.stats()).toMatchObject({ active: 0, queued: 0, started: 5 });
  });

  it("drops a queued request whose client disconnects, without ever handling it", async () => {
    const server = await gatedServer({ maxConcurrent: 1 });
    const first = await server.send("first");
    const leaver = await server.send("leaver");
    const patient = await server.send("patient");
    expect(server.gate.stats()).toMatchObject({ active: 1, queued: 2 });

    leaver.abort();
    await until(() => server.gate.stats().abandoned === 1);
    expect(server.gate.stats()).toMatchObject({ active: 1, queued: 1 });

    server.finish("first");
    await until(() => server.started.length === 2);
    server.finish("patient");
    expect((await first.answer).status).toBe(200);
    expect((await patient.answer).body).toBe("done patient");
    await expect(leaver.answer).rejects.toThrow();
    expect(server.started).toEqual(["first", "patient"]);
  });

  it("releases a slot once per request, whether its response finishes or its client leaves mid-answer", async () => {
    const server = await gatedServer({ maxConcurrent: 1 });
    // Finished normally: the response's 'finish' and then its connection's 'close' both fire.
    const done = await server.send("done");
    server.finish("done");
    await done.answer;
    await until(() => server.gate.stats().active === 0);

    // Left mid-answer: headers sent, body never ended, then the client disconnects.
    const cut = await server.send("cut");
    await until(() => server.started.includes("cut"));
    const waiting = await server.send("waiting");
    cut.abort();
    await until(() => server.started.includes("waiting"));

    // Released twice, a slot would let both of these run at once.
    const next = await server.send("next");
    expect(server.gate.stats()).toMatchObject({ active: 1, queued: 1 });
    expect(server.started).toEqual(["done", "cut", "waiting"]);
    server.finish("waiting");
    await until(() => server.started.includes("next"));
    server.finish("next");
    await Promise.all([waiting.answer, next.answer]);
    await until(() => server.gate.stats().active === 0);
    expect(server.highestConcurrency).toBe(1);
  });

  it("answers 503 with Retry-After and problem details when the queue is full", async () => {
    const server = await gatedServer({ maxConcurrent: 1, maxQueued: 1 });
    const running = await server.send("running");
    const queued = await server.send("queued");
    const refused = await (await server.send("refused")).answer;

    expect(refused.status).toBe(503);
    expect(refused.headers["content-type"]).toBe("application/problem+json");
    expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(refused.body)).toEqual({
      type: "about:blank",
      title: "Service Unavailable",
      status: 503,
      detail: expect.stringContaining("busy"),
      code: "server_busy",
    });
    expect(server.gate.stats()).toMatchObject({ active: 1, queued: 1, rejectedFull: 1 });

    server.finish("running");
    await until(() => server.started.includes("queued"));
    server.finish("queued");
    expect((await queued.answer).status).toBe(200);
    expect((await running.answer).status).toBe(200);
    expect(server.started).toEqual(["running", "queued"]);
  });

  it("answers a browser asking for a page with a page that says the console is busy and reloads itself", async () => {
    const server = await gatedServer({ maxConcurrent: 1, maxQueued: 0 });
    await server.send("running");
    const browser = { accept: "text/html,application/xhtml+xml,*/*;q=0.8" };
    const page = await (await server.send("dashboard", browser)).answer;
    const api = await (await server.send("api/v1/devices", browser)).answer;

    expect(page.status).toBe(503);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    const retryAfter = page.headers["retry-after"];
    expect(page.body).toContain("<h1>The console is busy</h1>");
    expect(page.body).toContain(`<meta http-equiv="refresh" content="${retryAfter}">`);
    // The API answers problem details whatever the client accepts.
    expect(api.status).toBe(503);
    expect(api.headers["content-type"]).toBe("application/problem+json");
    server.finish("running");
  });

  it("answers 503 to a request that waited longer than maxWaitMs, and never handles it", async () => {
    const server = await gatedServer({ maxConcurrent: 1, maxWaitMs: 100 });
    const running = await server.send("running");
    const stale = await (await server.send("stale")).answer;
    expect(stale.status).toBe(503);
    expect(stale.headers["retry-after"]).toBeDefined();
    expect(server.gate.stats()).toMatchObject({ active: 1, queued: 0, rejectedWait: 1 });
    server.finish("running");
    await running.answer;
    expect(server.started).toEqual(["running"]);
  });

  it("answers 500 without details when the handler throws, and frees the slot", async () => {
    const server = await gatedServer({ maxConcurrent: 1 }, (id, res) => {
      if (id === "broken") throw new Error("secret stack detail");
      res.end(`done ${id}`);
    });
    const broken = await (await server.send("broken")).answer;
    expect(broken.status).toBe(500);
    expect(broken.body).not.toContain("secret");
    expect((await (await server.send("fine")).answer).body).toBe("done fine");
  });
});

// The ways a download's head gets written: as Next.js sends a Route Handler's Response (setHeader for
// each header, then flushHeaders before the first chunk), with writeHead's own headers, and implicitly
// by the first write.
const downloadHeadAsNextJs = (res: ServerResponse) => {
  res.setHeader("content-type", "text/csv; charset=utf-8");
  res.setHeader("content-disposition", 'attachment; filename="pushes.csv"');
  res.flushHeaders();
  res.write("id,status\n");
};
const DOWNLOAD_HEADS: [string, (res: ServerResponse) => void][] = [
  ["setHeader, then flushHeaders (Next.js)", downloadHeadAsNextJs],
  ["writeHead with the header", (res) => {
    res.writeHead(200, { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": 'Attachment; filename="pushes.csv"' });
    res.write("id,status\n");
  }],
  ["setHeader, then the first write", (res) => {
    res.setHeader("Content-Disposition", 'ATTACHMENT; filename="pushes.csv"');
    res.write("id,status\n");
  }],
];

// Requests named download… start a CSV download in the given way and stream on while held.
function downloadsBy(writeHead: (res: ServerResponse) => void): Handler {
  return (id, res, hold) => {
    if (id.startsWith("download")) writeHead(res);
    hold();
  };
}

describe("admission gate and downloads", () => {
  it.each(DOWNLOAD_HEADS)("starts the next request once a download's head is written (%s), while it streams on", async (_, writeHead) => {
    const server = await gatedServer({ maxConcurrent: 1 }, downloadsBy(writeHead));
    const download = await server.send("download");
    const page = await server.send("page");
    await until(() => server.started.includes("page"));
    expect(server.gate.stats()).toMatchObject({ active: 1, downloading: 1, queued: 0 });

    server.write("download", "1,delivered\n");
    server.finish("page");
    expect((await page.answer).body).toBe("done page");
    server.finish("download", "2,failed\n");
    const csv = await download.answer;
    expect(csv.headers["content-disposition"]).toMatch(/^attachment/i);
    expect(csv.body).toBe("id,status\n1,delivered\n2,failed\n");
    await server.gate.idle();
    expect(server.gate.stats()).toMatchObject({ active: 0, downloading: 0, queued: 0, started: 2 });
  });

  it("releases a download's slot once: when it finishes later, a queued request still waits for the slot", async () => {
    const server = await gatedServer({ maxConcurrent: 1 }, downloadsBy(downloadHeadAsNextJs));
    const download = await server.send("download");
    const page = await server.send("page");
    await until(() => server.started.includes("page"));
    const waiting = await server.send("waiting");

    // The download's 'finish' and its connection's 'close' must not free the page's slot.
    server.finish("download", "");
    await download.answer;
    await until(() => server.gate.stats().downloading === 0);
    expect(server.gate.stats()).toMatchObject({ active: 1, queued: 1 });
    expect(server.started).toEqual(["download", "page"]);

    server.finish("page");
    await until(() => server.started.includes("waiting"));
    server.finish("waiting");
    await Promise.all([page.answer, waiting.answer]);
    await server.gate.idle();
    expect(server.gate.stats()).toMatchObject({ active: 0, downloading: 0, queued: 0 });
    expect(server.highestConcurrency).toBe(1);
  });

  it("counts nothing when a download's head is written after its client left", async () => {
    let response: ServerResponse | undefined;
    const server = await gatedServer({ maxConcurrent: 1 }, (id, res) => {
      res.setHeader("content-disposition", 'attachment; filename="pushes.csv"');
      response = res;
    });
    const download = await server.send("download");
    await until(() => response !== undefined);
    download.abort();
    await until(() => server.gate.stats().active === 0);

    // Next.js flushes the head before its first chunk, even on a connection that has just closed.
    response!.flushHeaders();
    expect(server.gate.stats()).toMatchObject({ active: 0, downloading: 0 });
    await server.gate.idle();
  });

  it("resolves idle() only once the downloads streaming outside the slots have finished", async () => {
    const server = await gatedServer({ maxConcurrent: 1 }, downloadsBy(downloadHeadAsNextJs));
    const download = await server.send("download");
    await until(() => server.gate.stats().downloading === 1);
    expect(server.gate.stats()).toMatchObject({ active: 0, queued: 0 });

    let idle = false;
    const stopped = server.gate.idle().then(() => (idle = true));
    server.write("download", "1,delivered\n");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(idle).toBe(false);

    server.finish("download", "");
    await stopped;
    expect((await download.answer).body).toBe("id,status\n1,delivered\n");
  });

  it("keeps the slot of a response that streams without being a download until it finishes", async () => {
    const server = await gatedServer({ maxConcurrent: 1 }, (id, res, hold) => {
      res.writeHead(200, { "content-type": "text/csv; charset=utf-8", "content-disposition": 'inline; filename="attachment.csv"' });
      res.write("id,status\n");
      hold();
    });
    const stream = await server.send("stream");
    const page = await server.send("page");
    expect(server.gate.stats()).toMatchObject({ active: 1, downloading: 0, queued: 1 });
    expect(server.started).toEqual(["stream"]);

    server.finish("stream", "1,delivered\n");
    await until(() => server.started.includes("page"));
    server.finish("page", "");
    expect((await stream.answer).body).toBe("id,status\n1,delivered\n");
    await page.answer;
    expect(server.highestConcurrency).toBe(1);
  });
});

describe("bypassesGate", () => {
  it("lets event streams, the health check and build assets past the gate, and nothing else", () => {
    expect(bypassesGate("/api/event-log/webhook/stream")).toBe(true);
    expect(bypassesGate("/api/event-log/webhook/stream?since=1")).toBe(true);
    expect(bypassesGate("/api/health")).toBe(true);
    expect(bypassesGate("/_next/static/chunks/app.js")).toBe(true);
    expect(bypassesGate("/api/healthz")).toBe(false);
    expect(bypassesGate("/api/event-log/webhook.csv")).toBe(false);
    expect(bypassesGate("/dashboard?next=/api/health")).toBe(false);
    expect(bypassesGate("/_next/image?url=x")).toBe(false);
  });
});

describe("admissionSettingsFrom", () => {
  it("reads the limits from the environment, with defaults", () => {
    expect(admissionSettingsFrom({})).toEqual(DEFAULT_ADMISSION);
    expect(admissionSettingsFrom({ CONSOLE_MAX_CONCURRENT_REQUESTS: "4", CONSOLE_MAX_QUEUED_REQUESTS: "50", CONSOLE_MAX_QUEUE_WAIT_MS: "5000" })).toEqual({
      maxConcurrent: 4,
      maxQueued: 50,
      maxWaitMs: 5000,
    });
  });

  it("refuses a value that is not a whole number in range, naming the variable", () => {
    expect(() => admissionSettingsFrom({ CONSOLE_MAX_CONCURRENT_REQUESTS: "0" })).toThrow(/CONSOLE_MAX_CONCURRENT_REQUESTS/);
    expect(() => admissionSettingsFrom({ CONSOLE_MAX_QUEUE_WAIT_MS: "soon" })).toThrow(/CONSOLE_MAX_QUEUE_WAIT_MS/);
  });
});
