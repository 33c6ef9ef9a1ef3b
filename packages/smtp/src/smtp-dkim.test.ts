import { generateKeyPairSync } from "node:crypto";
import { dkimVerify } from "mailauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { smtpTransport } from "./smtp-transport.js";
import { outboundMessage } from "./testing/outbound-message.js";
import { startTestSmtpServer, type TestSmtpServer } from "./testing/test-smtp-server.js";

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const privateKeyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const publicKeyBase64 = publicKey.export({ type: "spki", format: "der" }).toString("base64");

/** The DNS TXT record a host publishes at `cadenza._domainkey.acme.example`. */
const dkimRecord = `v=DKIM1; k=rsa; p=${publicKeyBase64}`;

/** Answers mailauth's DNS queries from memory: the one DKIM record, nothing else. */
async function resolver(name: string, rrtype: string): Promise<string[][]> {
  if (rrtype === "TXT" && name === "cadenza._domainkey.acme.example") return [[dkimRecord]];
  throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: "ENOTFOUND" });
}

let server: TestSmtpServer;
beforeAll(async () => {
  server = await startTestSmtpServer();
});
afterAll(async () => {
  await server.close();
});

async function sendSigned() {
  const transport = smtpTransport({
    fromEmail: "ada@acme.example",
    host: "127.0.0.1",
    port: server.port,
    dkim: { domainName: "acme.example", keySelector: "cadenza", privateKey: privateKeyPem },
  });
  const message = outboundMessage({
    inReplyTo: "<step-1@mail.acme.example>",
    references: ["<step-1@mail.acme.example>"],
  });
  const result = await transport.send(message);
  await transport.close();
  const received = server.received.find((m) => m.raw.toString("latin1").includes(message.messageId));
  if (result.status !== "accepted" || !received) throw new Error("the signed message was not delivered");
  return received.raw.toString("latin1");
}

/** The `h=` tag of the message's DKIM-Signature: the header names the signature covers. */
function signedHeaderNames(raw: string): string[] {
  const unfolded = raw.replace(/\r?\n[ \t]+/g, " ");
  const signature = /^DKIM-Signature:(.*)$/im.exec(unfolded)?.[1] ?? "";
  const tag = /(?:^|;)\s*h=([^;]+)/.exec(signature)?.[1] ?? "";
  return tag.split(":").map((name) => name.trim().toLowerCase());
}

describe("DKIM signing", () => {
  it("signs so that a verifier holding the published key gets a pass for the From domain", async () => {
    const raw = await sendSigned();
    const verification = await dkimVerify(Buffer.from(raw, "latin1"), { resolver });
    expect(verification.results).toHaveLength(1);
    expect(verification.results[0]).toMatchObject({
      signingDomain: "acme.example",
      selector: "cadenza",
      status: { result: "pass", aligned: "acme.example" },
    });
  });

  it("covers List-Unsubscribe and List-Unsubscribe-Post (RFC 8058) and the threading headers", async () => {
    const raw = await sendSigned();
    expect(signedHeaderNames(raw)).toEqual(
      expect.arrayContaining([
        "from",
        "to",
        "subject",
        "message-id",
        "reply-to",
        "in-reply-to",
        "references",
        "list-unsubscribe",
        "list-unsubscribe-post",
      ]),
    );
  });

  it("fails verification when List-Unsubscribe-Post is altered after signing", async () => {
    const raw = await sendSigned();
    const tampered = raw.replace(
      "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
      "List-Unsubscribe-Post: x",
    );
    expect(tampered).not.toBe(raw);
    const verification = await dkimVerify(Buffer.from(tampered, "latin1"), { resolver });
    expect(verification.results[0]?.status.result).toBe("fail");
  });
});
