import { describe, expect, it } from "vitest";
import { campaignFromBody, prospectFromBody, toApiPath, toSnake } from "./case-mapping.js";

describe("case mapping", () => {
  it("reads the audit's sequences into the engine's steps", () => {
    const input = campaignFromBody({
      name: "Q4",
      daily_limit: 20,
      ab_testing_enabled: true,
      sequences: [
        {
          step_number: 1,
          delay_days: 0,
          variant_a_subject: "A",
          variant_a_body: "a",
          variant_b_subject: "B",
          variant_b_body: "b",
          variant_split: 30,
        },
      ],
    });
    expect(input).toEqual({
      name: "Q4",
      dailyLimit: 20,
      abTestingEnabled: true,
      steps: [
        {
          stepNumber: 1,
          delayDays: 0,
          variantSplit: 30,
          variantA: { subject: "A", body: "a" },
          variantB: { subject: "B", body: "b" },
        },
      ],
    });
  });

  it("drops variant B when A/B testing is off, as the audit's API does", () => {
    const input = campaignFromBody({
      name: "Q4",
      sequences: [
        {
          step_number: 1,
          variant_a_subject: "A",
          variant_a_body: "a",
          variant_b_subject: "B",
          variant_b_body: "b",
        },
      ],
    }) as { steps: Record<string, unknown>[] };
    expect(input.steps[0]).not.toHaveProperty("variantB");
  });

  it("keeps A/B testing from the stored campaign when a change does not mention it", () => {
    const input = campaignFromBody(
      { sequences: [{ step_number: 1, variant_a_subject: "A", variant_a_body: "a", variant_b_body: "b" }] },
      { abTestingEnabled: true },
    ) as { steps: Record<string, unknown>[] };
    expect(input.steps[0]!.variantB).toEqual({ subject: "", body: "b" });
  });

  it("names engine fields the way the client sent them", () => {
    expect(toApiPath(["steps", 2, "variantB", "subject"])).toEqual(["sequences", 2, "variant_b_subject"]);
    expect(toApiPath(["steps", 0, "delayHours"])).toEqual(["sequences", 0, "delay_hours"]);
    expect(toApiPath([3, "attributes", "roomCount"])).toEqual([3, "attributes", "roomCount"]);
    expect(toApiPath(["sendTimeEnd"])).toEqual(["send_time_end"]);
  });

  it("turns unknown prospect fields into attributes and leaves their names alone", () => {
    expect(
      prospectFromBody({
        email: "a@b.example",
        first_name: "Ana",
        hotel_name: "Sol",
        attributes: { rooms: 9 },
      }),
    ).toEqual({
      email: "a@b.example",
      firstName: "Ana",
      attributes: { hotel_name: "Sol", rooms: 9 },
    });
  });

  it("answers snake_case without touching headers, attributes or variant names", () => {
    expect(
      toSnake({
        firstName: "Ana",
        createdAt: new Date("2026-01-05T09:00:00Z"),
        attributes: { hotelName: "Sol" },
        headers: { "List-Unsubscribe": "<x>" },
        sent: { A: 1, B: 2 },
      }),
    ).toEqual({
      first_name: "Ana",
      created_at: "2026-01-05T09:00:00.000Z",
      attributes: { hotelName: "Sol" },
      headers: { "List-Unsubscribe": "<x>" },
      sent: { A: 1, B: 2 },
    });
  });
});
