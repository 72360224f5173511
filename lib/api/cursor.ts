// Opaque page cursors: base64url JSON, so clients pass them back and never build them.
import "server-only";
import type { z } from "zod";
import { ApiProblem } from "./problem";

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}

// The cursor's content, checked with `schema`; a cursor that was not ours is a 400 naming the parameter.
export function decodeCursor<S extends z.ZodType>(cursor: string, schema: S, parameter = "cursor"): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    value = undefined;
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ApiProblem(400, "invalid_cursor", "The cursor is not valid; pass next_cursor from a previous page unchanged.", [{ parameter, detail: "Not a cursor of this list." }]);
  return parsed.data;
}
