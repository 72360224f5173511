// Times the server work of Event Log > Webhook and GET /api/v1/logs/webhook on a seeded database
// (DATABASE_URL), for a few accounts of different sizes: the first page, each filter the page offers,
// pages deep in the log through the page keys, and the API's largest page as JSON.
//   event-log-queries.ts <seed.json> <repetitions> <result.json>
import { readFileSync, writeFileSync } from "node:fs";
import { logPageJson, pushSummaryJson } from "@/lib/api/serializers/logs";
import { db } from "@/lib/db";
import { listPushes, listPushPage, readPushFilter } from "@/lib/webhooks/event-log";
import { getWebhookOverview } from "@/lib/webhooks/overview";
import { deviceIdOf } from "./event-log-history";
import type { SeededAccount, SeedResult } from "./event-log-seed";

export type QueryTimings = {
  // Query name -> account name -> milliseconds of each repetition.
  samples: Record<string, Record<string, number[]>>;
  // Query name -> account name -> rows on the page (what the filter matched, up to a page).
  rows: Record<string, Record<string, number>>;
  accounts: SeededAccount[];
};

type Query = { name: string; run(accountId: string): Promise<number> };

const HOUR_MS = 60 * 60 * 1000;
const API_MAX_LIMIT = 200;
const WARM_UP_REPETITIONS = 2;

// A time as the filter form's datetime-local field sends it (UTC, no zone).
const formTime = (time: number) => new Date(time).toISOString().slice(0, 16);

// What the page runs for a URL query: the filters read from it, the page of pushes and the
// webhook's overview, together (app/(console)/event-log/webhook/page.tsx).
function pageQuery(name: string, query: string): Query {
  return {
    name,
    async run(accountId) {
      const params = new URLSearchParams(query);
      const form = readPushFilter(params);
      const request = { before: params.get("before") ?? undefined, after: params.get("after") ?? undefined };
      const [page] = await Promise.all([listPushPage(accountId, form.filter, request), getWebhookOverview(accountId)]);
      return page.pushes.length;
    },
  };
}

// The API's largest page, serialized as the route answers it (app/api/v1/logs/webhook/route.ts).
const apiPage: Query = {
  name: "API first page (limit 200, JSON)",
  async run(accountId) {
    const page = await listPushes(accountId, {}, undefined, API_MAX_LIMIT);
    JSON.stringify(logPageJson(page.pushes, pushSummaryJson, page.nextCursor));
    return page.pushes.length;
  },
};

// A push id 90% of the way down an account's log (newest first): where "Older" pages lead.
async function deepKey(account: SeededAccount): Promise<string> {
  const push = await db.push.findFirstOrThrow({ where: { accountId: account.id }, orderBy: { id: "asc" }, skip: Math.floor(account.pushes * 0.1), select: { id: true } });
  return push.id;
}

async function queriesFor(account: SeededAccount, end: number): Promise<Query[]> {
  const key = await deepKey(account);
  const dayStart = new Date(end - 10 * 24 * HOUR_MS).toISOString().slice(0, 10);
  return [
    pageQuery("first page", ""),
    ...["succeeded", "failed", "retrying", "held", "queued", "sending"].map((result) => pageQuery(`result ${result}`, `result=${result}`)),
    pageQuery("HTTP status 503", "status=503"),
    pageQuery("HTTP status 5xx", "status=5xx"),
    pageQuery("HTTP status none", "status=none"),
    // Device ids repeat across accounts; the first ones change often, the last one of an account rarely.
    pageQuery("device id, frequent", `device=${deviceIdOf(2)}`),
    pageQuery("device id, rare", `device=${deviceIdOf(account.devices - 1)}`),
    pageQuery("one day (from, to)", `from=${dayStart}T00:00&to=${dayStart}T23:59`),
    pageQuery("last 24 hours (from)", `from=${formTime(end - 24 * HOUR_MS)}`),
    pageQuery("failed, 5xx, last 7 days", `result=failed&status=5xx&from=${formTime(end - 7 * 24 * HOUR_MS)}`),
    pageQuery("older page 90% deep", `before=${key}`),
    pageQuery("newer page 90% deep", `after=${key}`),
    apiPage,
  ];
}

// The largest account, one in the middle and the smallest.
function measuredAccounts(accounts: SeededAccount[]): SeededAccount[] {
  const bySize = [...accounts].sort((a, b) => b.pushes - a.pushes);
  return [...new Set([bySize[0]!, bySize[Math.floor(bySize.length / 10)]!, bySize.at(-1)!])];
}

const [seedFile, repetitionsArg, resultFile] = process.argv.slice(2);
const seed = JSON.parse(readFileSync(seedFile!, "utf8")) as SeedResult;
const accounts = measuredAccounts(seed.accounts);
const plans = await Promise.all(accounts.map(async (account) => ({ account, queries: await queriesFor(account, Date.parse(seed.end)) })));
const result: QueryTimings = { samples: {}, rows: {}, accounts };
// Interleaved (every query of every account in each round), so a slow moment of the machine is shared.
for (let round = 0; round < WARM_UP_REPETITIONS + Number(repetitionsArg); round++) {
  for (const { account, queries } of plans) {
    for (const query of queries) {
      const started = performance.now();
      const rows = await query.run(account.id);
      const ms = performance.now() - started;
      if (round < WARM_UP_REPETITIONS) continue;
      ((result.samples[query.name] ??= {})[account.name] ??= []).push(ms);
      (result.rows[query.name] ??= {})[account.name] = rows;
    }
  }
}
await db.$disconnect();
writeFileSync(resultFile!, JSON.stringify(result));
