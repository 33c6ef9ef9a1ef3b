import type { CampaignInput, ProspectInput } from "@cadenza/core";

/** The MJML body every dispatch benchmark sends: four personalization variables and one tracked link. */
export const BENCH_MJML = `<mjml>
  <mj-head>
    <mj-attributes><mj-all font-family="Helvetica, Arial, sans-serif" /></mj-attributes>
  </mj-head>
  <mj-body background-color="#f4f4f4">
    <mj-section background-color="#ffffff" padding="24px">
      <mj-column>
        <mj-text font-size="16px" line-height="24px">Hi {{first_name}},</mj-text>
        <mj-text font-size="16px" line-height="24px">
          I was looking at {{hotel_name}} in {{city}} and wondered how {{company}} handles group
          bookings today. We help independent hotels fill shoulder-season weeks without discounting.
        </mj-text>
        <mj-button href="https://cal.example.com/ana/intro" background-color="#2b6cb0">Pick a time</mj-button>
        <mj-text font-size="14px" color="#555555">Ana, Harbor Revenue</mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;

/** The same body for variant B, reworded so the two variants render differently. */
export const BENCH_MJML_B = BENCH_MJML.replace("Hi {{first_name}},", "Hello {{first_name}},").replace(
  "Pick a time",
  "Book 15 minutes",
);

/** A one-step campaign, A/B 50/50, tracking on, open every day all day, limit high enough for any run. */
export function benchCampaign(name = "Bench"): CampaignInput {
  return {
    name,
    dailyLimit: 1_000_000,
    sendDays: ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
    sendTimeStart: 0,
    sendTimeEnd: 24,
    timezone: "UTC",
    abTestingEnabled: true,
    trackOpens: true,
    trackClicks: true,
    customVariables: ["hotel_name"],
    steps: [
      {
        stepNumber: 1,
        format: "mjml",
        variantSplit: 50,
        variantA: { subject: "Group bookings at {{company}}", body: BENCH_MJML },
        variantB: { subject: "A question for {{first_name}} at {{company}}", body: BENCH_MJML_B },
      },
    ],
  };
}

const CITIES = ["Lisbon", "Porto", "Faro", "Braga", "Coimbra", "Madeira"];

/** Prospect number `i`: every variable the campaign uses has a value; `tier` decides who a filter matches. */
export function benchProspect(i: number, tier: "hot" | "cold" = "hot"): ProspectInput {
  return {
    email: `p${i}@bench.example`,
    firstName: `First${i}`,
    lastName: `Last${i}`,
    company: `Harbor Group ${i % 997}`,
    city: CITIES[i % CITIES.length]!,
    tier,
    tags: ["boutique"],
    score: i % 100,
    attributes: { hotel_name: `Hotel Mar ${i}` },
  };
}

/** The variables the campaign's templates read, for the render benchmark. */
export function benchValues(i: number): Record<string, string> {
  return {
    first_name: `First${i}`,
    company: `Harbor Group ${i % 997}`,
    city: CITIES[i % CITIES.length]!,
    hotel_name: `Hotel Mar ${i}`,
  };
}
