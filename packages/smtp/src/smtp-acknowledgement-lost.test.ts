import { testCadenza } from "@cadenza/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { smtpTransport } from "./smtp-transport.js";
import { startTestSmtpServer, type TestSmtpServer } from "./testing/test-smtp-server.js";

describe("a lost acknowledgement", () => {
  let server: TestSmtpServer | null = null;
  afterEach(() => server?.close());

  it("is never answered with a second copy: the send is recorded as outcome unknown", async () => {
    server = await startTestSmtpServer({ loseAcknowledgements: 1 });
    const transport = smtpTransport({
      fromEmail: "ana@sender.test",
      host: "127.0.0.1",
      port: server.port,
      secure: false,
      pool: false,
    });
    const { cadenza, clock, store } = testCadenza({ transport, dispatch: { transportRetryMs: 60_000 } });
    try {
      const campaign = await cadenza.campaigns.create({
        name: "Ack loss",
        steps: [
          { stepNumber: 1, variantA: { subject: "Hi", body: "Hello" } },
          { stepNumber: 2, delayDays: 1, variantA: { subject: "", body: "Again" } },
        ],
      });
      await cadenza.prospects.upsert({ email: "a@example.com" });
      await cadenza.audience.enroll(campaign.id, { filter: {} });
      await cadenza.campaigns.activate(campaign.id);
      const first = await cadenza.dispatch.tick();
      expect(first).toMatchObject({ unknown: 1, sent: 0, retried: 0 });
      for (let hour = 0; hour < 30; hour++) {
        clock.advance(3_600_000);
        await cadenza.dispatch.tick();
      }
      // The server queued step 1 once (its 250 was lost) and step 2 once; nothing twice.
      const keys = server.received.map((m) => /X-Idempotency-Key: (\S+)/.exec(m.raw.toString())?.[1]);
      expect(keys.map((k) => k?.split(":")[1])).toEqual(["1", "2"]);
      const emails = await store.listEmails({ campaignId: campaign.id, limit: 10, offset: 0 });
      expect(emails.map((e) => [e.stepNumber, e.status])).toEqual([
        [1, "unknown"],
        [2, "sent"],
      ]);
      expect((await cadenza.counters(campaign.id)).steps[0]).toMatchObject({ sent: 1, unknown: 1 });
      expect(await cadenza.audit()).toEqual([]);
    } finally {
      await transport.close();
    }
  });
});
