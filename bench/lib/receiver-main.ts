// A vendor's receiver in a process of its own (its CPU is not the dispatcher's): answers every POST
// with the status it is told, and records each arrival (high-resolution wall clock) and webhook-id,
// and the body when asked. Controlled over IPC by bench/lib/receiver.ts.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

type Command =
  | { type: "respond"; status: number }
  | { type: "records"; clear?: boolean }
  | { type: "count" }
  | { type: "notify-at"; count: number }
  | { type: "close" };

const keepBodies = process.env.RECEIVER_KEEP_BODIES === "true";
const origins = Number(process.env.RECEIVER_ORIGINS ?? 1);
let status = Number(process.env.RECEIVER_STATUS ?? 200);
let count = 0;
let records: { arrivedAt: number; webhookId: string | null; body?: string }[] = [];
let notifyAt: number | null = null;

const now = () => performance.timeOrigin + performance.now();

function handle(request: IncomingMessage, response: ServerResponse) {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const arrivedAt = now();
    const webhookId = (request.headers["webhook-id"] as string | undefined) ?? null;
    records.push(keepBodies ? { arrivedAt, webhookId, body: Buffer.concat(chunks).toString("utf8") } : { arrivedAt, webhookId });
    count++;
    response.writeHead(status, { "content-type": "text/plain", "content-length": "2" }).end("ok");
    if (notifyAt !== null && count >= notifyAt) {
      notifyAt = null;
      process.send!({ type: "reached", count });
    }
  });
}

// One server per loopback address (127.0.0.1, 127.0.0.2, …): each is its own origin to the
// sender's connection pools, as separate vendors' hosts would be.
const servers = await Promise.all(
  Array.from({ length: origins }, async (_, index) => {
    const server = createServer({ keepAliveTimeout: 60_000 }, handle);
    await new Promise<void>((resolve) => server.listen(0, `127.0.0.${index + 1}`, resolve));
    return server;
  }),
);
const urls = servers.map((server) => {
  const { address, port } = server.address() as AddressInfo;
  return `http://${address}:${port}/hooks/compliance`;
});

process.on("message", (command: Command) => {
  if (command.type === "respond") status = command.status;
  else if (command.type === "count") process.send!({ type: "count", count });
  else if (command.type === "records") {
    process.send!({ type: "records", records });
    if (command.clear) records = [];
  } else if (command.type === "notify-at") {
    if (count >= command.count) process.send!({ type: "reached", count });
    else notifyAt = command.count;
  } else if (command.type === "close") {
    for (const server of servers) server.close();
    for (const server of servers) server.closeAllConnections();
    process.disconnect();
  }
});
process.send!({ type: "ready", urls });
