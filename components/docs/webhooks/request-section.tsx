// "The request": an example push, every header, the body's fields and the status values.
import { Code, CodeBlock, DocSection, DocTable, Prose, TEXT_LINK } from "@/components/docs/prose";
import type { WebhookDocsFacts } from "./facts";

export function exampleRequest({ example, userAgent }: WebhookDocsFacts): string {
  return [
    "POST /webhooks/compliance HTTP/1.1",
    "Host: hooks.example.com",
    "Content-Type: application/json",
    `Authorization: ${example.apiKey}`,
    `User-Agent: ${userAgent}`,
    `webhook-id: ${example.id}`,
    `webhook-timestamp: ${example.timestamp}`,
    `webhook-signature: ${example.signature}`,
    "",
    example.body,
  ].join("\n");
}

export function RequestSection({ facts }: { facts: WebhookDocsFacts }) {
  const headers = [
    ["Content-Type", <><Code>application/json</Code>. The body is UTF-8 JSON.</>],
    ["Authorization", <>The API key exactly as the administrator entered it in the console, with <strong>no scheme</strong> (no <Code>Bearer</Code>). Compare it in constant time.</>],
    ["User-Agent", <><Code>{facts.userAgent}</Code>; the version changes with releases.</>],
    ["webhook-id", <>The push&apos;s id, <Code>msg_</Code> followed by 26 characters. The same on every retry of the push: your idempotency key.</>],
    ["webhook-timestamp", <>When this attempt was sent, in Unix <strong>seconds</strong> (not the status change&apos;s time). Each retry carries a new one.</>],
    ["webhook-signature", <><Code>v1,</Code> and a base64 HMAC-SHA256, or two of them separated by a space while a rotated-out secret is still valid. See <a href="#verify" className={TEXT_LINK}>Verifying signatures</a>.</>],
  ] as const;
  const fields = [
    ["device_id", "string", "The device's id in the account, as the console shows it."],
    ["status", "string", "The device's new status: one of the values below."],
    ["timestamp", "integer", "When the status changed, in Unix time in milliseconds."],
  ] as const;
  return (
    <DocSection id="request" title="The request">
      <Prose>
        <p>
          Whenever a device&apos;s status changes to one of the statuses the webhook is subscribed to, the console sends a{" "}
          <Code>POST</Code> to the callback URL. The header names follow <a href="https://www.standardwebhooks.com/">Standard Webhooks</a>.
        </p>
      </Prose>
      <CodeBlock title="A push, as sent" code={exampleRequest(facts)} />
      <DocSection id="headers" title="Headers" level={3}>
        <DocTable caption="Request headers" columns={["Header", "Value"]} rows={headers.map(([name, value]) => ({ key: name, cells: [<Code key="name">{name}</Code>, value] }))} />
      </DocSection>
      <DocSection id="body" title="Body" level={3}>
        <Prose>
          <p>
            A JSON <strong>array</strong> of notifications of one account. One push carries up to {facts.maxBatch} of them when
            several changes are waiting (batching), in the order they happened. Fields may be added in the future, never renamed or
            removed: ignore fields you do not know.
          </p>
        </Prose>
        <DocTable caption="Notification fields" columns={["Field", "Type", "Meaning"]} rows={fields.map(([name, type, meaning]) => ({ key: name, cells: [<Code key="name">{name}</Code>, type, meaning] }))} />
      </DocSection>
      <DocSection id="statuses" title="Statuses" level={3}>
        <Prose>
          <p>The list may grow. Accept a status you do not know (log it) rather than refusing the push: a refusal is a failure, and failures are retried and eventually disable the webhook.</p>
        </Prose>
        <DocTable caption="Status values" columns={["Status", "Meaning"]} rows={facts.statuses.map((status) => ({ key: status.value, cells: [<Code key="value">{status.value}</Code>, status.description] }))} />
      </DocSection>
    </DocSection>
  );
}
