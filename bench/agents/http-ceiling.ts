// Agent: the physical limit of this machine for the dispatcher's traffic: undici POSTing the given
// bodies to the receiver URLs (round robin) with the dispatcher's connection settings and
// concurrency, through the same low-level dispatch API as the dispatcher (lib/webhooks/http.ts),
// no database and no signing. Prints requests/s and its CPU per request on the last line.
//   http-ceiling.ts <requests> <bodyFile> <url,url,…> <concurrency> <connectionsPerOrigin>
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Agent } from "undici";

const { positionals } = parseArgs({ allowPositionals: true });
const [total, bodyFile, urlList, concurrency, connections] = positionals as [string, string, string, string, string];
const requests = Number(total);
const urls = urlList.split(",").map((url) => new URL(url));
const bodies = JSON.parse(readFileSync(bodyFile, "utf8")) as string[];
const agent = new Agent({ connections: Number(connections) });
const headers = { "content-type": "application/json", authorization: "bench-key-0000", "webhook-id": "msg_00000000000000000000000000", "webhook-timestamp": "1700000000" };

let next = 0;
let failures = 0;
async function lane() {
  for (let index = next++; index < requests; index = next++) {
    const url = urls[index % urls.length]!;
    const status = await new Promise<number>((resolve, reject) => {
      let statusCode = 0;
      agent.dispatch(
        { origin: url.origin, path: url.pathname, method: "POST", headers, body: bodies[index % bodies.length] },
        {
          onRequestStart: () => undefined, // the handler API undici calls (without it, the legacy one)
          onResponseStart: (_controller, code) => void (statusCode = code),
          onResponseData: () => undefined,
          onResponseEnd: () => resolve(statusCode),
          onResponseError: (_controller, error) => reject(error),
        },
      );
    });
    if (status < 200 || status >= 300) failures++;
  }
}
const started = performance.now();
const cpuBefore = process.cpuUsage();
await Promise.all(Array.from({ length: Number(concurrency) }, lane));
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
await agent.close();
// The client's own CPU per request: the least a dispatcher's thread can spend on one.
console.log(JSON.stringify({ requestsPerSecond: requests / seconds, seconds, failures, cpuMicrosPerRequest: (cpu.user + cpu.system) / requests }));
