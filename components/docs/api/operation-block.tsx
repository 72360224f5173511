// One operation of the API reference: method and path, summary, description, the scope it needs,
// parameters, request body and responses, each schema as a field table.
import { Code, DocTable, InlineText, TEXT_LINK } from "@/components/docs/prose";
import { Badge, type Tone } from "@/components/ui/badge";
import { FieldTable, parameterDescription } from "./field-table";
import { constraintsOf, fieldRows, jsonSchemaOf, requiredScope, resolve, typeLabel, type OperationEntry } from "./openapi-model";
import type { JsonSchema, OpenApiDocument } from "./openapi-types";

const METHOD_TONES: Record<string, Tone> = { GET: "blue", POST: "green", PUT: "amber", PATCH: "amber", DELETE: "red" };

function SchemaSummary({ doc, schema, caption }: { doc: OpenApiDocument; schema: JsonSchema; caption: string }) {
  const rows = fieldRows(doc, schema);
  const target = resolve(doc, schema);
  const limits = constraintsOf(target);
  return (
    <div className="space-y-2">
      <p className="text-sm text-slate-700 dark:text-slate-300">
        <span className="font-mono text-xs">{typeLabel(doc, schema)}</span>
        {schema.$ref && target.type === "array" && <span className="font-mono text-xs">: {typeLabel(doc, target)}</span>}
        {target.description && <> — <InlineText text={target.description} /></>}
        {limits.length > 0 && <span className="text-slate-600 dark:text-slate-400"> {limits.join(" ")}</span>}
      </p>
      <FieldTable caption={caption} rows={rows} />
    </div>
  );
}

export function OperationBlock({ doc, entry, location }: { doc: OpenApiDocument; entry: OperationEntry; location: string }) {
  const { operation } = entry;
  const scope = requiredScope(operation);
  const parameters = (operation.parameters ?? []).map((parameter) => resolve(doc, parameter));
  const body = jsonSchemaOf(resolve(doc, operation.requestBody ?? {}).content);
  const responses = Object.entries(operation.responses ?? {}).map(([status, response]) => ({ status, response: resolve(doc, response), shared: /^[45]/.test(status) && (response.$ref?.startsWith("#/components/responses/") ?? false) }));
  // Shared error responses are described once, under Errors; the operation lists their statuses.
  const answers = responses.filter((response) => !response.shared);
  const problems = responses.filter((response) => response.shared);
  const title = operation.summary ?? `${entry.method} ${entry.path}`;
  return (
    <section id={entry.id} aria-labelledby={`${entry.id}-title`} data-operation-id={entry.id} className="scroll-mt-6 space-y-4 rounded-lg border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <header className="space-y-2">
        <h3 id={`${entry.id}-title`} className="text-base font-semibold">
          <a href={`#${entry.id}`} className="hover:underline">{title}</a>
        </h3>
        <p className="flex flex-wrap items-center gap-2 text-sm">
          <Badge tone={METHOD_TONES[entry.method] ?? "neutral"}>{entry.method}</Badge>
          <code className="break-all font-mono text-sm">{location}</code>
          {scope ? <Badge tone="indigo">scope {scope}</Badge> : operation.security?.length === 0 ? <Badge>no token</Badge> : null}
        </p>
        {operation.description && (
          <p className="text-sm leading-6 text-slate-700 dark:text-slate-300"><InlineText text={operation.description} /></p>
        )}
      </header>

      {parameters.length > 0 && (
        <div className="space-y-2">
          <h4 className="text-sm font-semibold">Parameters</h4>
          <DocTable
            caption={`Parameters of ${title}`}
            columns={["Name", "In", "Type", "Required", "Description"]}
            rows={parameters.map((parameter) => ({
              key: `${parameter.in}-${parameter.name}`,
              cells: [
                <Code key="name">{parameter.name}</Code>,
                parameter.in,
                <span key="type" className="font-mono text-xs">{typeLabel(doc, parameter.schema)}</span>,
                parameter.required ? "yes" : "no",
                parameterDescription(doc, parameter),
              ],
            }))}
          />
        </div>
      )}

      {body && (
        <div className="space-y-2">
          <h4 className="text-sm font-semibold">Request body <span className="font-normal text-slate-600 dark:text-slate-400">({body.mediaType})</span></h4>
          <SchemaSummary doc={doc} schema={body.schema} caption={`Request body of ${title}`} />
        </div>
      )}

      <div className="space-y-3">
        <h4 className="text-sm font-semibold">Responses</h4>
        <ul className="space-y-3">
          {answers.map(({ status, response }) => {
            const content = jsonSchemaOf(response.content);
            return (
              <li key={status} className="space-y-2 text-sm">
                <p>
                  <Badge tone={status.startsWith("2") ? "green" : "neutral"}>{status}</Badge> {response.description && <InlineText text={response.description} />}
                </p>
                {content && <SchemaSummary doc={doc} schema={content.schema} caption={`Response ${status} of ${title}`} />}
                {Object.entries(response.headers ?? {}).map(([name, header]) => (
                  <p key={name} className="text-slate-700 dark:text-slate-300">
                    Header <Code>{name}</Code>: {header.description && <InlineText text={header.description} />}
                  </p>
                ))}
              </li>
            );
          })}
        </ul>
        {problems.length > 0 && (
          <p className="text-sm text-slate-700 dark:text-slate-300">
            Errors, as problem details:{" "}
            {problems.map(({ status, response }, i) => (
              <span key={status}>
                {i > 0 && ", "}
                <a href={`#error-${status}`} title={response.description} className={TEXT_LINK}>{status}</a>
              </span>
            ))}
          </p>
        )}
      </div>
    </section>
  );
}

