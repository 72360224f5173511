// "API reference": the OpenAPI 3.1 document of /api/v1 rendered for people, public (no sign-in).
// Everything below comes from the same document that /api/v1/openapi.json serves.
import type { Metadata } from "next";
import { AuthenticationSection, ErrorsSection, PaginationSection, RateLimitSection } from "@/components/docs/api/api-basics";
import { operationsByTag } from "@/components/docs/api/openapi-model";
import type { OpenApiDocument } from "@/components/docs/api/openapi-types";
import { OperationBlock } from "@/components/docs/api/operation-block";
import { OnThisPage } from "@/components/docs/on-this-page";
import { Code, DocSection, InlineText, Prose } from "@/components/docs/prose";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import { API_SCOPE_DESCRIPTIONS, API_SCOPES } from "@/lib/api-tokens";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "API reference", description: "Every operation of the Compliance Webhooks REST API, from its OpenAPI document." };
// The rate limit is this server's setting, read when the page is served.
export const dynamic = "force-dynamic";

const DOCUMENT_URL = "/api/v1/openapi.json";

const tagId = (tag: string) => `tag-${tag.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;

export default function ApiReferencePage() {
  const doc = buildOpenApiDocument() as OpenApiDocument;
  const groups = operationsByTag(doc);
  const callbacks = operationsByTag(doc, "webhooks").flatMap((group) => group.operations);
  const server = doc.servers?.[0]?.url ?? "";
  const sections = [
    { id: "authentication", title: "Authentication" },
    { id: "errors", title: "Errors" },
    { id: "rate-limits", title: "Rate limits" },
    { id: "pagination", title: "Pagination" },
    ...groups.map((group) => ({ id: tagId(group.tag), title: group.tag, children: group.operations.map((entry) => ({ id: entry.id, title: entry.operation.summary ?? entry.id })) })),
    ...(callbacks.length ? [{ id: "callbacks", title: "Callbacks", children: callbacks.map((entry) => ({ id: entry.id, title: entry.operation.summary ?? entry.id })) }] : []),
  ];
  return (
    <article className="space-y-8">
      <header className="max-w-3xl space-y-3">
        <h1 className="text-3xl font-semibold tracking-tight">API reference</h1>
        <Prose>
          <p>
            <strong>{doc.info.title}</strong>, version {doc.info.version} (OpenAPI {doc.openapi}).{" "}
            {doc.info.description && <InlineText text={doc.info.description} />}
          </p>
          <p>
            Base URL: <Code>{server}</Code> on the console&apos;s address, e.g. <Code>{`https://console.example.com${server}`}</Code>. Download
            the machine-readable document for code generators and API clients: <a href={DOCUMENT_URL} download="openapi.json">{DOCUMENT_URL}</a>.
          </p>
        </Prose>
      </header>
      <OnThisPage sections={sections} />
      <AuthenticationSection doc={doc} scopes={API_SCOPES.map((name) => ({ name, description: API_SCOPE_DESCRIPTIONS[name] }))} />
      <ErrorsSection doc={doc} />
      <RateLimitSection doc={doc} requestsPerMinute={env.API_RATE_LIMIT_PER_MINUTE} />
      <PaginationSection doc={doc} />
      {groups.map((group) => (
        <DocSection key={group.tag} id={tagId(group.tag)} title={group.tag}>
          {doc.tags?.find((tag) => tag.name === group.tag)?.description && (
            <Prose><p><InlineText text={doc.tags.find((tag) => tag.name === group.tag)!.description!} /></p></Prose>
          )}
          {group.operations.map((entry) => <OperationBlock key={entry.id} doc={doc} entry={entry} location={`${server}${entry.path}`} />)}
        </DocSection>
      ))}
      {callbacks.length > 0 && (
        <DocSection id="callbacks" title="Callbacks">
          <Prose>
            <p>
              What the console sends to your webhook&apos;s callback URL (the document&apos;s <Code>webhooks</Code>). The full contract, with
              retries, idempotency and signature verification, is on <a href="/docs/webhooks">Receiving webhooks</a>.
            </p>
          </Prose>
          {callbacks.map((entry) => <OperationBlock key={entry.id} doc={doc} entry={entry} location={`<callback URL>  (${entry.path})`} />)}
        </DocSection>
      )}
    </article>
  );
}
