// A schema as a table of fields: name (indented under its parent), type, required, description with
// limits and allowed values.
import type { ReactNode } from "react";
import { Code, DocTable, InlineText } from "@/components/docs/prose";
import { constraintsOf, resolve, type FieldRow } from "./openapi-model";
import type { OpenApiDocument, ParameterObject } from "./openapi-types";

export function FieldTable({ caption, rows }: { caption: string; rows: FieldRow[] }) {
  if (rows.length === 0) return null;
  return (
    <DocTable
      caption={caption}
      columns={["Field", "Type", "Required", "Description"]}
      rows={rows.map((row) => ({
        key: row.key,
        cells: [
          <span key="name" className="inline-block" style={{ paddingLeft: `${row.parents.length * 1.25}rem` }}>
            {row.parents.length > 0 && <span className="sr-only">{row.parents.join(" › ")} › </span>}
            {row.parents.length > 0 && <span aria-hidden className="mr-1 text-slate-400">└</span>}
            <Code>{row.name}</Code>
          </span>,
          <span key="type" className="font-mono text-xs">{row.type}</span>,
          row.required ? "yes" : "no",
          fieldDescription(row),
        ],
      }))}
    />
  );
}

// A field's description with its allowed values and limits; null when there is nothing to say.
export function fieldDescription({ description, constraints, values }: { description: string; constraints: string[]; values: string[] }): ReactNode {
  const limits = constraints.filter((constraint) => !description.includes(constraint.replace(/\.$/, "")));
  if (!description && values.length === 0 && limits.length === 0) return null;
  return (
    <>
      {description && <InlineText text={description} />}
      {values.length > 0 && (
        <span className="block">
          One of:{" "}
          {values.map((value, i) => (
            <span key={value}>
              {i > 0 && ", "}
              <Code>{value}</Code>
            </span>
          ))}
        </span>
      )}
      {limits.map((limit) => <span key={limit} className="block text-slate-600 dark:text-slate-400">{limit}</span>)}
    </>
  );
}

export function parameterDescription(doc: OpenApiDocument, parameter: ParameterObject): ReactNode {
  const schema = parameter.schema ? resolve(doc, parameter.schema) : {};
  return fieldDescription({ description: parameter.description ?? "", constraints: constraintsOf(schema), values: (schema.enum ?? []).map(String) });
}
