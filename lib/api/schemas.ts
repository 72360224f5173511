// Schemas shared by the API's operations. Every request and response body schema is registered in
// `apiSchemas` under a name; the OpenAPI document lists them as components under those names.
import { z } from "zod";
import { DEVICE_STATUSES } from "@/lib/contract/statuses";

export const apiSchemas = z.registry<{ id: string; description?: string }>();

// Registers a body schema under its component name.
export function named<S extends z.ZodType>(id: string, description: string, schema: S): S {
  apiSchemas.add(schema as z.ZodType, { id, description });
  return schema;
}

export const deviceStatusSchema = z.enum(DEVICE_STATUSES).describe("A device's compliance status.");

export const timestampSchema = z.iso.datetime({ offset: true }).describe("RFC 3339 date-time in UTC.");

export const PAGE_LIMIT_MAX = 200;

// `?cursor=&limit=` of every list; the cursor is opaque and comes from the previous page's next_cursor.
export const pageQuerySchema = z.object({
  cursor: z.string().min(1).max(512).optional().describe("The next_cursor of the previous page."),
  limit: z.coerce.number().int().min(1).max(PAGE_LIMIT_MAX).default(50).describe(`Items per page, 1 to ${PAGE_LIMIT_MAX}.`),
});

// A page of a list: `{"data": [...], "next_cursor": ...}`; next_cursor is null on the last page.
export function listOf<S extends z.ZodType>(id: string, description: string, item: S) {
  return named(
    id,
    description,
    z.object({
      data: z.array(item),
      next_cursor: z.string().nullable().describe("Pass as ?cursor= for the next page; null when there is none."),
    }),
  );
}

export const problemSchema = named(
  "Problem",
  "An error, as RFC 9457 problem details.",
  z.object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().describe("Stable machine-readable reason, e.g. validation_failed, device_not_found, rate_limited."),
    errors: z
      .array(
        z.object({
          pointer: z.string().optional().describe("JSON Pointer to the offending body field."),
          parameter: z.string().optional().describe("The offending query parameter."),
          detail: z.string(),
        }),
      )
      .optional(),
  }),
);
