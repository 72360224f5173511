import { checkDatabase } from "@/lib/health";

// Liveness and database reachability, for load balancers and test harnesses. Reveals nothing else.
export async function GET() {
  const database = await checkDatabase();
  return Response.json({ status: database ? "ok" : "degraded", database: database ? "ok" : "unreachable" }, { status: database ? 200 : 503 });
}
