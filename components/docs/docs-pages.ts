// The public documentation pages: one list for the docs navigation and the docs index.
export type DocsPage = { href: string; title: string; summary: string };

export const DOCS_PAGES: DocsPage[] = [
  { href: "/docs", title: "Overview", summary: "What each page covers and where to start." },
  {
    href: "/docs/webhooks",
    title: "Receiving webhooks",
    summary: "The callback contract for vendors: the request, every header, when a push counts as delivered, retries, idempotency, the automatic disable, signature verification and a receiver to try it locally.",
  },
  {
    href: "/docs/api",
    title: "API reference",
    summary: "The REST API for administrators' scripts and integrations: authentication with bearer tokens and scopes, errors, rate limits, pagination and every operation, from the OpenAPI document.",
  },
];
