import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { generateSigningSecret, newMessageId, signatureHeader, signPayload } from "@/lib/webhooks/signing";

const BODY = JSON.stringify([{ device_id: "dev_123", status: "non_compliant", timestamp: 1_767_225_600_000 }]);
const nowSeconds = () => Math.floor(Date.now() / 1000);

// The receiver's side, with the reference implementation rather than our code.
function verify(secret: string, body: string, headers: { id: string; ts: number; signature: string }) {
  return new Webhook(secret).verify(body, {
    "webhook-id": headers.id,
    "webhook-timestamp": String(headers.ts),
    "webhook-signature": headers.signature,
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("Standard Webhooks signatures", () => {
  it("generates whsec_ secrets of 32 random bytes", () => {
    const secret = generateSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), "base64")).toHaveLength(32);
    expect(generateSigningSecret()).not.toBe(secret);
  });

  it("produces a header the reference implementation verifies", () => {
    const secret = generateSigningSecret();
    const id = newMessageId();
    const ts = nowSeconds();
    const signature = signatureHeader([secret], id, ts, BODY);
    expect(signature).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(signature).toBe(signPayload(secret, id, ts, BODY));
    expect(verify(secret, BODY, { id, ts, signature })).toEqual(JSON.parse(BODY));
  });

  it("matches the reference implementation's own signature byte for byte", () => {
    const secret = generateSigningSecret();
    const id = newMessageId();
    const ts = 1_674_087_231;
    expect(signPayload(secret, id, ts, BODY)).toBe(new Webhook(secret).sign(id, new Date(ts * 1000), BODY));
  });

  it("sends both signatures during rotation, and either secret alone verifies", () => {
    const previous = generateSigningSecret();
    const current = generateSigningSecret();
    const id = newMessageId();
    const ts = nowSeconds();
    const signature = signatureHeader([current, previous], id, ts, BODY);
    const parts = signature.split(" ");
    expect(parts).toHaveLength(2);
    expect(parts).toEqual([signPayload(current, id, ts, BODY), signPayload(previous, id, ts, BODY)]);
    expect(verify(previous, BODY, { id, ts, signature })).toEqual(JSON.parse(BODY));
    expect(verify(current, BODY, { id, ts, signature })).toEqual(JSON.parse(BODY));
    expect(() => verify(generateSigningSecret(), BODY, { id, ts, signature })).toThrow(WebhookVerificationError);
  });

  it("is rejected by the reference implementation for a changed body, id, timestamp or a wrong secret", () => {
    const secret = generateSigningSecret();
    const id = newMessageId();
    const ts = nowSeconds();
    const signature = signatureHeader([secret], id, ts, BODY);
    const changedBody = BODY.replace("non_compliant", "compliant");
    expect(() => verify(secret, changedBody, { id, ts, signature })).toThrow(WebhookVerificationError);
    expect(() => verify(secret, `${BODY} `, { id, ts, signature })).toThrow(WebhookVerificationError);
    expect(() => verify(secret, BODY, { id: newMessageId(), ts, signature })).toThrow(WebhookVerificationError);
    expect(() => verify(secret, BODY, { id, ts: ts - 1, signature })).toThrow(WebhookVerificationError);
    expect(() => verify(generateSigningSecret(), BODY, { id, ts, signature })).toThrow(WebhookVerificationError);
  });

  it("refuses inputs that would make an ambiguous or unverifiable signature", () => {
    const secret = generateSigningSecret();
    expect(() => signatureHeader([], "msg_1", nowSeconds(), BODY)).toThrow(/at least one/);
    expect(() => signPayload(secret, "msg_1.2", nowSeconds(), BODY)).toThrow(/webhook-id/);
    expect(() => signPayload(secret, "msg_1", Date.now(), BODY)).toThrow(/milliseconds/);
    expect(() => signPayload(secret, "msg_1", 1.5, BODY)).toThrow(/seconds/);
    expect(() => signPayload("not-a-secret", "msg_1", nowSeconds(), BODY)).toThrow(/whsec_/);
    expect(() => signPayload(`whsec_${Buffer.alloc(8).toString("base64")}`, "msg_1", nowSeconds(), BODY)).toThrow(/whsec_/);
    // The error never echoes the secret.
    expect(() => signPayload("whsec_short", "msg_1", nowSeconds(), BODY)).toThrow(expect.objectContaining({ message: expect.not.stringContaining("short") }));
  });
});

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const decodeTime = (id: string) => [...id.slice(4, 14)].reduce((value, char) => value * 32 + CROCKFORD.indexOf(char), 0);

describe("newMessageId", () => {
  it("is unique, URL-safe and sorts in creation order over 10,000 calls", () => {
    const ids = Array.from({ length: 10_000 }, () => newMessageId());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^msg_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect([...ids].sort()).toEqual(ids);
  });

  it("encodes the creation millisecond first, so ids sort by time across milliseconds", () => {
    const start = Date.now() + 60_000;
    let clock = start;
    vi.spyOn(Date, "now").mockImplementation(() => clock);
    const ids: string[] = [];
    for (let step = 0; step < 50; step++) {
      ids.push(newMessageId(), newMessageId());
      clock += 1 + (step % 3) * 997;
    }
    expect(decodeTime(ids[0]!)).toBe(start);
    expect(decodeTime(ids.at(-1)!)).toBe(clock - 1 - (49 % 3) * 997);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("stays unique and ordered if the clock steps back", () => {
    const first = newMessageId();
    vi.spyOn(Date, "now").mockReturnValue(0);
    const second = newMessageId();
    const third = newMessageId();
    expect(first < second && second < third).toBe(true);
  });
});
