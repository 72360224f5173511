// Verifying the Standard Webhooks signature: with the reference library, by hand, a worked example
// that any implementation can check itself against, and what changes during a secret rotation.
import { Code, CodeBlock, DocSection, Prose } from "@/components/docs/prose";
import { formatDuration, type WebhookDocsFacts } from "./facts";

const WITH_LIBRARY = `import { Webhook } from "standardwebhooks"; // npm install standardwebhooks

const webhook = new Webhook(process.env.WEBHOOK_SIGNING_SECRET); // "whsec_..."

// rawBody: the body exactly as received (string or Buffer), before any JSON parsing.
// Throws WebhookVerificationError (answer 401) when the signature does not match
// or the timestamp is more than 5 minutes off; returns the parsed notifications.
const notifications = webhook.verify(rawBody, {
  "webhook-id": req.headers["webhook-id"],
  "webhook-timestamp": req.headers["webhook-timestamp"],
  "webhook-signature": req.headers["webhook-signature"],
});`;

const BY_HAND = `import { createHmac, timingSafeEqual } from "node:crypto";

function verifySignature(secret, id, timestamp, rawBody, signatureHeader) {
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 5 * 60) return false;
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  const expected = createHmac("sha256", key).update(\`\${id}.\${timestamp}.\${rawBody}\`).digest();
  return signatureHeader.split(" ").some((entry) => {
    const [version, signature = ""] = entry.split(",");
    const given = Buffer.from(signature, "base64");
    return version === "v1" && given.length === expected.length && timingSafeEqual(given, expected);
  });
}`;

export function VerificationSection({ facts }: { facts: WebhookDocsFacts }) {
  const { example } = facts;
  return (
    <>
      <DocSection id="verify" title="Verifying signatures">
        <Prose>
          <p>
            Each push is signed with the account&apos;s signing secret (<Code>whsec_</Code> followed by base64), which the console shows
            once, when the webhook is created or its secret rotated. Verify every request before you trust it: the signature covers
            the id, the timestamp and the exact body, so it proves the sender and refuses altered or replayed-later requests. Verify the{" "}
            <strong>raw body</strong>: parsing and re-serialising JSON changes the bytes.
          </p>
        </Prose>
        <CodeBlock title="Node.js with standardwebhooks" code={WITH_LIBRARY} />
        <Prose>
          <p>Libraries for other languages are listed at <a href="https://www.standardwebhooks.com/">standardwebhooks.com</a>. By hand, the recipe is:</p>
          <ol>
            <li>Refuse the request when <Code>webhook-timestamp</Code> is more than 5 minutes from your clock.</li>
            <li>The key is the base64-decoded part of the secret after <Code>whsec_</Code>.</li>
            <li>The signed content is <Code>{"<webhook-id>.<webhook-timestamp>.<raw body>"}</Code>.</li>
            <li>Compute the HMAC-SHA256 of the content with the key and base64-encode it.</li>
            <li><Code>webhook-signature</Code> is a space-separated list of <Code>v1,&lt;base64&gt;</Code>; accept the request when any <Code>v1</Code> entry equals yours, compared in constant time.</li>
          </ol>
        </Prose>
        <CodeBlock title="Node.js with node:crypto only" code={BY_HAND} />
        <DocSection id="verify-example" title="A worked example" level={3}>
          <Prose>
            <p>Check your implementation against the push shown above (example values only; this secret is used nowhere):</p>
          </Prose>
          <CodeBlock
            title="Inputs and expected result"
            code={[
              `secret            ${example.secret}`,
              `webhook-id        ${example.id}`,
              `webhook-timestamp ${example.timestamp}`,
              `body              ${example.body}`,
              `signed content    ${example.id}.${example.timestamp}.${example.body}`,
              `webhook-signature ${example.signature}`,
            ].join("\n")}
          />
        </DocSection>
      </DocSection>

      <DocSection id="rotation" title="Rotating the signing secret">
        <Prose>
          <p>
            An administrator can rotate the secret in <strong>Settings › Integrations › Webhook</strong>. The new secret is shown once.
            For the next <strong>{formatDuration(facts.rotationGraceMs)}</strong> every push is signed with both the new and the previous
            secret, the two signatures separated by a space, so a receiver that still has the old secret keeps verifying. Switch your
            receiver to the new secret within that time; after it, only the new signature is sent.
          </p>
        </Prose>
      </DocSection>
    </>
  );
}
