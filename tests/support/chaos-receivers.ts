// Faulty webhook receivers on loopback for the chaos suite. Each one has outages: in a "bad" window
// (a slice of every period) it misbehaves in its own way; otherwise it answers
// 200. The windows are shorter than the first retry delay, so a push that meets an outage succeeds
// on a retry, and everything is eventually delivered unless the product loses something.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from "node:net";
import type { ChaosCertificates } from "./chaos-tls";

export const FAULT_KINDS = ["hang", "reset", "5xx", "3xx", "drip", "tls"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

// One request as the vendor saw it; `accepted` when the receiver answered 2xx (the vendor took it).
export type Arrival = { webhookId: string; body: string; receivedAt: number; accepted: boolean };

export type OutageSchedule = { badMs: number; periodMs: number };

export type ChaosReceiver = {
  kind: FaultKind;
  url: string;
  arrivals: Arrival[];
  faultsInjected: () => number;
  redirectsFollowed: () => number;
  close(): Promise<void>;
};

const REDIRECT_TARGET = "/moved-here";
const DRIP_INTERVAL_MS = 150;
const DRIP_BYTES = 20; // 3 s of dripping, longer than the worker's timeout

export async function startChaosReceiver(kind: FaultKind, schedule: OutageSchedule, certificates: ChaosCertificates): Promise<ChaosReceiver> {
  // The first outage begins with the first request (or connection), so every receiver has at least one.
  let firstSeenAt: number | null = null;
  const inOutage = (now = Date.now()) => (now - (firstSeenAt ??= now)) % schedule.periodMs < schedule.badMs;
  const arrivals: Arrival[] = [];
  let faults = 0;
  let redirectsFollowed = 0;
  let answers = 0;

  const accept = (incoming: IncomingMessage, body: string, response: ServerResponse) => {
    arrivals.push({ webhookId: String(incoming.headers["webhook-id"]), body, receivedAt: Date.now(), accepted: true });
    // Over TLS, a fresh connection per request, so that outages of the handshake are met.
    response.writeHead(200, { "content-type": "application/json", ...(kind === "tls" ? { connection: "close" } : {}) }).end('{"ok":true}');
  };

  const misbehave = (incoming: IncomingMessage, body: string, response: ServerResponse) => {
    faults++;
    if (kind === "drip") {
      // The vendor says 200 and takes the notification, then trickles the body past the timeout.
      arrivals.push({ webhookId: String(incoming.headers["webhook-id"]), body, receivedAt: Date.now(), accepted: true });
      response.writeHead(200, { "content-type": "text/plain" });
      let sent = 0;
      const timer = setInterval(() => {
        if (response.destroyed || ++sent > DRIP_BYTES) {
          clearInterval(timer);
          if (!response.destroyed) response.end();
          return;
        }
        response.write(".");
      }, DRIP_INTERVAL_MS);
      return;
    }
    arrivals.push({ webhookId: String(incoming.headers["webhook-id"]), body, receivedAt: Date.now(), accepted: false });
    if (kind === "hang") return; // never answers; the worker's timeout ends it
    if (kind === "reset") return incoming.socket.resetAndDestroy();
    if (kind === "5xx") {
      const status = answers++ % 2 === 0 ? 500 : 503;
      return response.writeHead(status, { "content-type": "text/plain", ...(status === 503 ? { "retry-after": "1" } : {}) }).end("unavailable");
    }
    if (kind === "3xx") return response.writeHead(302, { location: REDIRECT_TARGET }).end();
  };

  const handler = (incoming: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      if (incoming.url === REDIRECT_TARGET) {
        redirectsFollowed++;
        return response.writeHead(404).end();
      }
      if (kind !== "tls" && inOutage()) misbehave(incoming, body, response);
      else accept(incoming, body, response);
    });
  };

  const servers: Server[] = [];
  let front: TcpServer;
  let scheme = "http";
  if (kind === "tls") {
    // A TCP front door: in an outage a connection either gets a certificate nobody trusts or is
    // closed in the middle of the handshake; otherwise the https server with the trusted certificate.
    scheme = "https";
    const trusted = createHttpsServer(certificates.trusted, handler);
    const rogue = createHttpsServer(certificates.rogue, handler);
    servers.push(trusted, rogue);
    let outageConnections = 0;
    front = createTcpServer((socket: Socket) => {
      if (!inOutage()) return trusted.emit("connection", socket);
      faults++;
      if (outageConnections++ % 2 === 0) return rogue.emit("connection", socket);
      socket.once("data", () => socket.destroy()); // after the ClientHello, before any answer
    });
  } else {
    const http = createHttpServer(handler);
    servers.push(http);
    front = http;
  }
  const sockets = new Set<Socket>();
  front.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
  const { port } = front.address() as AddressInfo;

  return {
    kind,
    url: `${scheme}://127.0.0.1:${port}/hooks/${kind}`,
    arrivals,
    faultsInjected: () => faults,
    redirectsFollowed: () => redirectsFollowed,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      for (const server of servers) server.closeAllConnections();
      await new Promise<void>((resolve) => front.close(() => resolve()));
    },
  };
}
