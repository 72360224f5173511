// Reads an OpenAPI 3.1 document into what the API reference shows: operations grouped by tag, and
// schemas flattened into field rows (nested objects one level deeper). Pure functions, no I/O.
import type { JsonSchema, OpenApiDocument, OperationObject, ParameterObject, PathItem, ResponseObject } from "./openapi-types";

const HTTP_METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"] as const;

export type OperationEntry = { id: string; method: string; path: string; tag: string; operation: OperationObject };

// One row of a field table. `parents` names the enclosing fields, for readers who cannot see the indent.
export type FieldRow = { key: string; name: string; parents: string[]; type: string; required: boolean; description: string; constraints: string[]; values: string[] };

// Every operation of `paths` (or `webhooks`) in document order, grouped by its first tag in the
// order of the document's tag list.
export function operationsByTag(doc: OpenApiDocument, source: "paths" | "webhooks" = "paths"): { tag: string; operations: OperationEntry[] }[] {
  const entries = operationsOf(doc[source] ?? {});
  const order = [...(doc.tags ?? []).map((tag) => tag.name), ...entries.map((entry) => entry.tag)];
  return [...new Set(order)].map((tag) => ({ tag, operations: entries.filter((entry) => entry.tag === tag) })).filter((group) => group.operations.length > 0);
}

function operationsOf(items: Record<string, PathItem>): OperationEntry[] {
  return Object.entries(items).flatMap(([path, item]) =>
    HTTP_METHODS.filter((method) => typeof item[method] === "object" && item[method] !== null).map((method) => {
      const operation = item[method] as OperationObject;
      const shared = Array.isArray(item.parameters) ? (item.parameters as ParameterObject[]) : [];
      return {
        id: operation.operationId ?? `${method}-${path}`.replace(/[^A-Za-z0-9_-]+/g, "-"),
        method: method.toUpperCase(),
        path,
        tag: operation.tags?.[0] ?? "Other",
        operation: { ...operation, parameters: [...shared, ...(operation.parameters ?? [])] },
      };
    }),
  );
}

// The scope an operation needs: the vendor extension, else the first bearer requirement's scope.
export function requiredScope(operation: OperationObject): string | null {
  return operation["x-required-scope"] ?? operation.security?.flatMap((requirement) => Object.values(requirement).flat())[0] ?? null;
}

export function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf("/") + 1);
}

// Follows a local "#/components/..." reference; anything else is returned as it is.
export function resolve<T extends { $ref?: string }>(doc: OpenApiDocument, value: T): T {
  let current: unknown = value;
  for (let hops = 0; hops < 10 && typeof current === "object" && current !== null && typeof (current as T).$ref === "string"; hops++) {
    const parts = (current as T).$ref!.replace(/^#\//, "").split("/");
    const target = parts.reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], doc);
    if (target === undefined) break;
    current = target;
  }
  return current as T;
}

export function resolveResponse(doc: OpenApiDocument, response: ResponseObject): ResponseObject {
  return resolve(doc, response);
}

// The JSON media type's schema of a body or response, if it has one.
export function jsonSchemaOf(content: Record<string, { schema?: JsonSchema }> | undefined): { mediaType: string; schema: JsonSchema } | null {
  const entry = Object.entries(content ?? {}).find(([mediaType]) => /json/.test(mediaType));
  return entry?.[1].schema ? { mediaType: entry[0], schema: entry[1].schema } : null;
}

// "string", "integer", "string or null", "array of Device", "string (date-time)".
export function typeLabel(doc: OpenApiDocument, schema: JsonSchema | undefined): string {
  if (!schema) return "any";
  if (schema.$ref) return refName(schema.$ref);
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants) return variants.map((variant) => typeLabel(doc, variant)).join(" or ");
  if (schema.allOf?.length === 1) return typeLabel(doc, schema.allOf[0]);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length === 0) return schema.properties ? "object" : "any";
  return types.map((type) => (type === "array" ? `array of ${typeLabel(doc, schema.items)}` : schema.format && type === "string" ? `string (${schema.format})` : type)).join(" or ");
}

// Limits worth telling a reader; bounds that only restate "a safe integer" are left out.
export function constraintsOf(schema: JsonSchema): string[] {
  const out: string[] = [];
  const bound = (value: number | undefined) => (value !== undefined && Math.abs(value) < Number.MAX_SAFE_INTEGER ? value : undefined);
  const range = (min: number | undefined, max: number | undefined, unit: string) => {
    const counted = (n: number) => (unit ? ` ${unit}${n === 1 ? "" : "s"}` : "");
    if (min !== undefined && max !== undefined) out.push(`${min} to ${max}${counted(max)}.`);
    else if (min !== undefined && min > 0) out.push(`At least ${min}${counted(min)}.`);
    else if (max !== undefined) out.push(`At most ${max}${counted(max)}.`);
  };
  range(bound(schema.minLength), bound(schema.maxLength), "character");
  range(bound(schema.minimum), bound(schema.maximum), "");
  range(bound(schema.minItems), bound(schema.maxItems), "item");
  if (schema.pattern && !schema.format) out.push(`Pattern: ${schema.pattern}`);
  if (schema.default !== undefined) out.push(`Default: ${JSON.stringify(schema.default)}.`);
  return out;
}

// The fields of an object schema (or of an array's item objects), nested objects one level deeper.
// A component already being expanded is not expanded again inside itself (recursive schemas).
export function fieldRows(doc: OpenApiDocument, schema: JsonSchema, parents: string[] = [], seen: ReadonlySet<string> = new Set()): FieldRow[] {
  const { target, seen: inside } = enter(doc, schema, seen);
  if (!target) return [];
  if (!target.properties && target.items) return fieldRows(doc, target.items, parents, inside);
  const required = new Set(target.required ?? []);
  return Object.entries(target.properties ?? {}).flatMap(([name, property]) => {
    const resolved = resolve(doc, property);
    const row: FieldRow = {
      key: [...parents, name].join("."),
      name,
      parents,
      type: typeLabel(doc, property),
      required: required.has(name),
      description: property.description ?? resolved.description ?? "",
      constraints: constraintsOf(resolved),
      values: (resolved.enum ?? []).map((value) => String(value)),
    };
    const childName = isArray(resolved) ? `${name}[]` : name;
    return [row, ...fieldRows(doc, property, [...parents, childName], inside)];
  });
}

function isArray(schema: JsonSchema): boolean {
  return schema.type === "array" || (Array.isArray(schema.type) && schema.type.includes("array"));
}

// The object (or array) behind a schema, or null for a scalar or a component already being expanded.
function enter(doc: OpenApiDocument, schema: JsonSchema, seen: ReadonlySet<string>): { target: JsonSchema | null; seen: ReadonlySet<string> } {
  if (schema.$ref && seen.has(schema.$ref)) return { target: null, seen };
  const inside = schema.$ref ? new Set([...seen, schema.$ref]) : seen;
  const target = resolve(doc, schema);
  const merged = target.allOf?.length === 1 ? resolve(doc, target.allOf[0]!) : target;
  return { target: merged.properties || merged.items ? merged : null, seen: inside };
}
