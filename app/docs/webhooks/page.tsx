// "Receiving webhooks": the callback contract for vendor engineers, public (no sign-in).
import type { Metadata } from "next";
import { OnThisPage } from "@/components/docs/on-this-page";
import { Code, Prose } from "@/components/docs/prose";
import { DeliveryRulesSection } from "@/components/docs/webhooks/delivery-rules-section";
import { formatDuration } from "@/components/docs/webhooks/facts";
import { RequestSection } from "@/components/docs/webhooks/request-section";
import { TryLocallySection } from "@/components/docs/webhooks/try-locally-section";
import { VerificationSection } from "@/components/docs/webhooks/verification-section";
import { webhookDocsFacts } from "./contract-facts";

export const metadata: Metadata = {
  title: "Receiving webhooks",
  description: "The callback contract: request, headers, retries, idempotency, automatic disable and signature verification.",
};
// The retry delays and the disable threshold are this server's settings, read when the page is served.
export const dynamic = "force-dynamic";

const SECTIONS = [
  { id: "request", title: "The request", children: [{ id: "headers", title: "Headers" }, { id: "body", title: "Body" }, { id: "statuses", title: "Statuses" }] },
  { id: "answer", title: "Answering" },
  { id: "retries", title: "Retries" },
  { id: "idempotency", title: "Idempotency and ordering" },
  { id: "auto-disable", title: "Automatic disable" },
  { id: "verify", title: "Verifying signatures", children: [{ id: "verify-example", title: "A worked example" }] },
  { id: "rotation", title: "Rotating the signing secret" },
  { id: "try-it", title: "Try it locally" },
];

export default function ReceivingWebhooksPage() {
  const facts = webhookDocsFacts();
  return (
    <article className="space-y-8">
      <header>
        <h1 className="text-3xl font-semibold tracking-tight">Receiving webhooks</h1>
        <div className="mt-3 max-w-3xl">
          <Prose>
            <p>
              When a device&apos;s compliance status changes, the Compliance Webhooks console tells your service within moments with an
              HTTP callback, instead of you polling for changes. This page is the contract your receiver builds against.
            </p>
            <ul>
              <li><Code>POST</Code> to your callback URL, a JSON array of <Code>{"{device_id, status, timestamp}"}</Code>, with your API key in <Code>Authorization</Code>.</li>
              <li>Answer any 2xx within {formatDuration(facts.timeoutMs)}; failures are retried {facts.retryDelaysMs.map(formatDuration).join(" and ")} later.</li>
              <li>Deduplicate by <Code>webhook-id</Code>; verify <Code>webhook-signature</Code> with your <Code>whsec_</Code> secret.</li>
              <li>After {facts.disableAfterFailures} failed pushes in a row the webhook is disabled until an administrator re-enables it.</li>
            </ul>
          </Prose>
        </div>
      </header>
      <OnThisPage sections={SECTIONS} />
      <RequestSection facts={facts} />
      <DeliveryRulesSection facts={facts} />
      <VerificationSection facts={facts} />
      <TryLocallySection />
    </article>
  );
}
