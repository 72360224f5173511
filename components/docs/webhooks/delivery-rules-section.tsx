// What the console expects back and what it does otherwise: success, retries, idempotency and
// ordering, and the automatic disable after a run of failed pushes.
import { Code, DocSection, Note, Prose } from "@/components/docs/prose";
import { formatDuration, type WebhookDocsFacts } from "./facts";

function retrySchedule(delaysMs: number[]): string {
  if (delaysMs.length === 0) return "A failed attempt is not retried.";
  const steps = delaysMs.map((delay, i) => `${formatDuration(delay)} after the ${i === 0 ? "first" : i === 1 ? "second" : `${i + 1}th`} failed attempt`);
  return `A failed attempt is retried ${delaysMs.length === 1 ? "once" : `${delaysMs.length} times`}: ${steps.join(", then ")}. A push is therefore sent at most ${delaysMs.length + 1} times.`;
}

export function DeliveryRulesSection({ facts }: { facts: WebhookDocsFacts }) {
  return (
    <>
      <DocSection id="answer" title="Answering">
        <Prose>
          <p>
            Any <strong>2xx</strong> status means the push was delivered; the response body is ignored (the console keeps its first
            4 KiB in its event log, so a short reason helps the administrator). Everything else is a failure:
          </p>
          <ul>
            <li>any other status, including <Code>3xx</Code> redirects, which are never followed;</li>
            <li>no complete answer within <strong>{formatDuration(facts.timeoutMs)}</strong> (connecting, headers and body together);</li>
            <li>a refused or reset connection, a DNS failure, a TLS error.</li>
          </ul>
          <p>
            Answer first, then work: store the push durably, answer <Code>200</Code>, and process it afterwards (a queue, a worker).
            A receiver that processes before answering risks timeouts, and each timeout is a retry.
          </p>
        </Prose>
      </DocSection>

      <DocSection id="retries" title="Retries">
        <Prose>
          <p>{retrySchedule(facts.retryDelaysMs)}</p>
          <p>
            A <strong>push</strong> is one request body with one <Code>webhook-id</Code>, together with its retries. It has{" "}
            <strong>failed</strong> when its last attempt fails. Each retry carries the same body and <Code>webhook-id</Code>, with a new{" "}
            <Code>webhook-timestamp</Code> and signature. Failed pushes stay in the console&apos;s event log, where an administrator can
            redeliver them.
          </p>
        </Prose>
      </DocSection>

      <DocSection id="idempotency" title="Idempotency and ordering">
        <Prose>
          <p>
            Delivery is <strong>at-least-once</strong>. A push can arrive more than once under the same <Code>webhook-id</Code>: when your
            answer was lost or late, and when a console process stopped in the middle of a send. Record the ids you have accepted and
            answer <Code>200</Code> without processing again when one comes back.
          </p>
          <p>
            A redelivery that an administrator starts (from the event log, or when re-enabling after an automatic disable) is a{" "}
            <strong>new push with a new id</strong> carrying the same notifications. Where processing a notification twice matters, also
            recognise it by <Code>device_id</Code>, <Code>status</Code> and <Code>timestamp</Code>.
          </p>
          <p>
            Pushes are sent concurrently and retried, so they can arrive out of order. To know a device&apos;s current status, keep the
            notification with the highest <Code>timestamp</Code> per <Code>device_id</Code> and ignore older ones.
          </p>
        </Prose>
      </DocSection>

      <DocSection id="auto-disable" title="Automatic disable">
        <Prose>
          <p>
            After <strong>{facts.disableAfterFailures} consecutive failed pushes</strong> the console disables the webhook and shows the
            administrators the reason and the time. Any successful attempt resets the count to zero.
          </p>
          <p>
            While it is disabled, nothing is sent; status changes are kept as <strong>held</strong>. It stays disabled until an
            administrator re-enables it in <strong>Settings › Integrations › Webhook</strong>, which resets the count and can deliver
            what was held (as new pushes).
          </p>
        </Prose>
        <Note>
          Test pushes (<strong>Send test</strong> in the console) are sent once, never retried and never counted towards the disable.
          They carry one notification for the device <Code>TEST-DEVICE-0000</Code>.
        </Note>
      </DocSection>
    </>
  );
}
