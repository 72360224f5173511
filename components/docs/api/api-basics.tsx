// The rules every operation shares, read from the document: authentication and scopes, problem
// details, rate-limit headers and cursor pagination.
import { Code, DocSection, DocTable, InlineText, Prose, TEXT_LINK } from "@/components/docs/prose";
import { FieldTable, parameterDescription } from "./field-table";
import { fieldRows, jsonSchemaOf, operationsByTag, requiredScope, resolve, type OperationEntry } from "./openapi-model";
import type { HeaderObject, OpenApiDocument } from "./openapi-types";

function allOperations(doc: OpenApiDocument): OperationEntry[] {
  return operationsByTag(doc).flatMap((group) => group.operations);
}

function OperationLinks({ operations }: { operations: OperationEntry[] }) {
  return (
    <>
      {operations.map((entry, i) => (
        <span key={entry.id}>
          {i > 0 && ", "}
          <a href={`#${entry.id}`} className={TEXT_LINK}>{entry.operation.summary ?? entry.id}</a>
        </span>
      ))}
    </>
  );
}

export function AuthenticationSection({ doc, scopes }: { doc: OpenApiDocument; scopes: { name: string; description: string }[] }) {
  const operations = allOperations(doc);
  const schemes = Object.entries(doc.components?.securitySchemes ?? {});
  const named = new Set(scopes.map((scope) => scope.name));
  const extra = [...new Set(operations.map((entry) => requiredScope(entry.operation)).filter((scope): scope is string => scope !== null && !named.has(scope)))];
  const rows = [...scopes, ...extra.map((name) => ({ name, description: "" }))].map((scope) => ({
    key: scope.name,
    cells: [
      <Code key="scope">{scope.name}</Code>,
      scope.description,
      <OperationLinks key="operations" operations={operations.filter((entry) => requiredScope(entry.operation) === scope.name)} />,
    ],
  }));
  return (
    <DocSection id="authentication" title="Authentication">
      <Prose>
        <p>
          Every request carries an <strong>API token</strong> in the <Code>Authorization</Code> header:{" "}
          <Code>Authorization: Bearer &lt;token&gt;</Code>. An owner or administrator creates tokens in the console under{" "}
          <strong>Settings › API tokens</strong>; a token is shown once, belongs to one account and can expire or be revoked. Session
          cookies of the console are not accepted.
        </p>
        {schemes.map(([name, scheme]) => (
          <p key={name}>
            Scheme <Code>{name}</Code>: {scheme.type}
            {scheme.scheme && ` ${scheme.scheme}`}
            {scheme.description && <>. <InlineText text={scheme.description} /></>}
          </p>
        ))}
        <p>A token carries <strong>scopes</strong>; each operation needs one, and a token without it gets <Code>403</Code>.</p>
      </Prose>
      <DocTable caption="Scopes" columns={["Scope", "Allows", "Operations"]} rows={rows} />
    </DocSection>
  );
}

export function ErrorsSection({ doc }: { doc: OpenApiDocument }) {
  const problems = Object.entries(doc.components?.responses ?? {})
    .map(([name, response]) => ({ status: /^Problem(\d{3})$/.exec(name)?.[1], response: resolve(doc, response) }))
    .filter((entry): entry is { status: string; response: typeof entry.response } => entry.status !== undefined);
  const schema = problems.map((entry) => jsonSchemaOf(entry.response.content)).find(Boolean);
  return (
    <DocSection id="errors" title="Errors">
      <Prose>
        <p>
          An error answers with <Code>{schema?.mediaType ?? "application/problem+json"}</Code>, the problem details of RFC 9457. Branch on{" "}
          <Code>status</Code> and the stable <Code>code</Code>; <Code>detail</Code> is for people. For invalid input, <Code>errors</Code>{" "}
          points at each field (a JSON Pointer into the body) or query parameter.
        </p>
      </Prose>
      {schema && <FieldTable caption="Problem details fields" rows={fieldRows(doc, schema.schema)} />}
      <DocTable
        caption="Error statuses"
        columns={["Status", "When"]}
        rows={problems.map(({ status, response }) => ({
          key: status,
          cells: [<span key="status" id={`error-${status}`} className="scroll-mt-6 font-mono">{status}</span>, <InlineText key="when" text={response.description ?? ""} />],
        }))}
      />
    </DocSection>
  );
}

export function RateLimitSection({ doc, requestsPerMinute }: { doc: OpenApiDocument; requestsPerMinute: number }) {
  const headers = new Map<string, HeaderObject>();
  for (const response of Object.values(doc.components?.responses ?? {})) {
    for (const [name, header] of Object.entries(resolve(doc, response).headers ?? {})) if (/ratelimit|retry-after/i.test(name)) headers.set(name, header);
  }
  return (
    <DocSection id="rate-limits" title="Rate limits">
      <Prose>
        <p>
          Each token may make <strong>{requestsPerMinute} requests a minute</strong>. Past that, requests answer <Code>429</Code> until the
          window resets; wait the <Code>Retry-After</Code> seconds before trying again. Every answer says where you stand:
        </p>
      </Prose>
      <DocTable
        caption="Rate-limit headers"
        columns={["Header", "Meaning"]}
        rows={[...headers].map(([name, header]) => ({ key: name, cells: [<Code key="name">{name}</Code>, <InlineText key="meaning" text={header.description ?? ""} />] }))}
      />
    </DocSection>
  );
}

export function PaginationSection({ doc }: { doc: OpenApiDocument }) {
  const paged = allOperations(doc).filter((entry) => entry.operation.parameters?.some((parameter) => resolve(doc, parameter).name === "cursor"));
  const parameters = (paged[0]?.operation.parameters ?? []).map((parameter) => resolve(doc, parameter)).filter((parameter) => ["cursor", "limit"].includes(parameter.name));
  return (
    <DocSection id="pagination" title="Pagination">
      <Prose>
        <p>
          Lists answer one page, <Code>{'{"data": [...], "next_cursor": "..."}'}</Code>. To read on, send <Code>next_cursor</Code> back
          unchanged as <Code>?cursor=</Code> with the same filters; <Code>next_cursor</Code> is <Code>null</Code> on the last page.
          Cursors are opaque: do not build or edit them.
        </p>
        {paged.length > 0 && <p>Paginated: <OperationLinks operations={paged} />.</p>}
      </Prose>
      {parameters.length > 0 && (
        <DocTable
          caption="Pagination parameters"
          columns={["Parameter", "Description"]}
          rows={parameters.map((parameter) => ({
            key: parameter.name,
            cells: [
              <Code key="name">{parameter.name}</Code>,
              parameterDescription(doc, parameter),
            ],
          }))}
        />
      )}
    </DocSection>
  );
}
