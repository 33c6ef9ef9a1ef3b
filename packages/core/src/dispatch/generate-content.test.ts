import { describe, expect, it } from "vitest";
import type { ContentGenerator, GenerateContentRequest } from "../ports.js";
import { testCadenza } from "../testing/index.js";

function engine(generator: ContentGenerator, timeoutMs = 1_000) {
  return testCadenza({
    contentGenerator: generator,
    generationTimeoutMs: timeoutMs,
    dispatch: { softRetryBaseMs: 60_000 },
  });
}

async function start(cadenza: ReturnType<typeof engine>["cadenza"]) {
  const campaign = await cadenza.campaigns.create({
    name: "Generated",
    steps: [
      {
        stepNumber: 1,
        useAiGeneration: true,
        aiPromptContext: "Mention their rooftop bar",
        variantA: { subject: "Hello {{first_name}}", body: "Fallback body for {{first_name}}" },
      },
    ],
  });
  await cadenza.prospects.upsert({ email: "a@example.com", firstName: "Ana", company: "Grand" });
  await cadenza.audience.enroll(campaign.id, { filter: {} });
  await cadenza.campaigns.activate(campaign.id);
  return campaign;
}

describe("generated content", () => {
  it("sends what the generator wrote, personalized, with the step's context, and records it", async () => {
    const requests: GenerateContentRequest[] = [];
    const { cadenza, transport } = engine({
      async generate(request) {
        requests.push(request);
        return {
          subject: "A rooftop idea for {{company}}",
          body: "Hi {{first_name}}, about your rooftop bar…",
        };
      },
    });
    const campaign = await start(cadenza);
    await cadenza.dispatch.tick();
    expect(requests[0]).toMatchObject({
      context: "Mention their rooftop bar",
      variant: "A",
      prospect: { firstName: "Ana" },
    });
    expect(transport.sent[0]).toMatchObject({ subject: "A rooftop idea for Grand" });
    expect(transport.sent[0]?.text).toContain("Hi Ana, about your rooftop bar");
    const [email] = await cadenza.store.listEmails({ campaignId: campaign.id, limit: 1, offset: 0 });
    expect(email).toMatchObject({ generated: true, subject: "A rooftop idea for Grand" });
  });

  it("falls back to the step's content, with the reason, when the output uses unknown variables", async () => {
    const { cadenza, transport } = engine({
      generate: async () => ({ subject: "Hi {{nickname}}", body: "x" }),
    });
    await start(cadenza);
    const sent: Record<string, unknown>[] = [];
    cadenza.on("sent", (e) => {
      sent.push(e.data);
    });
    await cadenza.dispatch.tick();
    expect(transport.sent[0]?.subject).toBe("Hello Ana");
    expect(sent[0]?.generationFallback).toBe("Generated content uses unknown variables: nickname");
  });

  it("falls back when the generator does not answer in time", async () => {
    let aborted = false;
    const { cadenza, clock, transport } = engine(
      {
        generate: (request) =>
          new Promise((_, reject) => {
            request.signal.addEventListener("abort", () => {
              aborted = true;
              reject(new Error("aborted"));
            });
          }),
      },
      5_000,
    );
    await start(cadenza);
    const tick = cadenza.dispatch.tick();
    await new Promise((resolve) => setTimeout(resolve, 10));
    clock.advance(5_000);
    await tick;
    expect(aborted).toBe(true);
    expect(transport.sent[0]?.subject).toBe("Hello Ana");
  });

  it("sends the same generated text when a soft failure is retried, without generating again", async () => {
    let calls = 0;
    const { cadenza, clock, transport } = engine({
      async generate() {
        calls += 1;
        return { subject: `Version ${calls}`, body: `Body number ${calls}` };
      },
    });
    await start(cadenza);
    transport.script((_m, attempt) =>
      attempt === 1
        ? { status: "rejected", kind: "soft", code: "4.7.1", response: "451 4.7.1 greylisted" }
        : undefined,
    );
    await cadenza.dispatch.tick();
    clock.advance(5 * 60_000);
    await cadenza.dispatch.tick();
    expect(transport.attempts.map((a) => [a.message.subject, a.result.status])).toEqual([
      ["Version 1", "rejected"],
      ["Version 1", "accepted"],
    ]);
    expect(calls).toBe(1);
  });
});
