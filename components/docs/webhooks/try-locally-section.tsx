// "Try it locally": the receiver kit from examples/receiver, end to end against a console.
import { Code, CodeBlock, DocSection, Prose } from "@/components/docs/prose";

const RUN_RECEIVER = `cd examples/receiver            # or wherever you copied the folder
npm install
export WEBHOOK_API_KEY='the API key entered in the console'
export WEBHOOK_SIGNING_SECRET='whsec_... shown once by the console'
npm start
# ... receiver listening on http://127.0.0.1:4000/webhooks/compliance`;

const RUN_CONSOLE = `# A console of your own (never on a production console): allow a receiver on loopback over http
WEBHOOK_ALLOW_HTTP=true WEBHOOK_ALLOW_PRIVATE_NETWORKS=true npm start`;

const PRINTED = `{"webhook_id":"msg_01JF3Z5Q8T7V0M4N2K6H9C1B3A","device_id":"TEST-DEVICE-0000","status":"compliant","timestamp":1764409871234,"changed_at":"2025-11-29T09:51:11.234Z"}`;

export function TryLocallySection() {
  return (
    <DocSection id="try-it" title="Try it locally">
      <Prose>
        <p>
          The console&apos;s source includes a receiver kit, <Code>examples/receiver</Code>: a small Node.js server that does everything
          on this page (API key, signature and timestamp, body checks, a durable record of accepted ids before it answers, processing
          after the answer) and prints each notification. Copy the folder and adapt it; its README says what to change for
          production.
        </p>
        <ol>
          <li>
            Decide where the console will reach the receiver: behind your HTTPS reverse proxy, through a tunnel that gives it a public
            HTTPS URL, or, with a console you run yourself on the same machine, directly on <Code>http://127.0.0.1:4000</Code>.
          </li>
          <li>
            In the console, an administrator opens <strong>Settings › Integrations › Webhook</strong>, enters the callback URL (ending in{" "}
            <Code>/webhooks/compliance</Code>), an API key (a long random value, for example from <Code>openssl rand -hex 32</Code>) and
            the events, and saves. The signing secret is shown once: copy it.
          </li>
          <li>Start the receiver with the same API key and that signing secret.</li>
          <li><strong>Send test</strong>: the receiver prints the test notification and the console shows <Code>200</Code>. Enable the webhook and save.</li>
          <li>Change a device&apos;s status on the console&apos;s <strong>Devices</strong> page: the receiver prints it within moments.</li>
        </ol>
      </Prose>
      <CodeBlock title="Terminal: the receiver" code={RUN_RECEIVER} />
      <CodeBlock title="Terminal: a local console" code={RUN_CONSOLE} />
      <CodeBlock title="What the receiver prints for each notification" code={PRINTED} />
      <Prose>
        <p>
          A refused request answers with its reason, for example <Code>{'{"error":"wrong API key"}'}</Code>, which the console&apos;s{" "}
          <strong>Event Log › Webhook</strong> shows with the attempt. A push sent again under an id the receiver already has answers{" "}
          <Code>200</Code> with <Code>{'"duplicate":true'}</Code> and is not printed again.
        </p>
      </Prose>
    </DocSection>
  );
}
