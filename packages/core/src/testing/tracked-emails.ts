import type { Store } from "../ports.js";
import { type TestCadenza, testCadenza } from "./test-cadenza.js";

/** Base URL of the tracking links in the emails `sentTrackedEmails` sends. */
const TRACKED_BASE_URL = "https://t.example.com/t";

/**
 * A test engine over `store` that has sent `count` tracked emails (one step, one link each) and whose
 * clock then moved an hour on, as a person would open them. Returns the engine, the campaign and the
 * tokens of each email's open pixel and link, in send order.
 */
export async function sentTrackedEmails(
  store: Store,
  count: number,
  secret = "a-test-secret-that-is-long-enough-0123",
): Promise<TestCadenza & { campaignId: string; opens: string[]; clicks: string[] }> {
  const engine = testCadenza({ store, tracking: { baseUrl: TRACKED_BASE_URL, secrets: [secret] } });
  const { cadenza, clock, transport } = engine;
  const campaign = await cadenza.campaigns.create({
    name: "Tracked",
    dailyLimit: 1000,
    steps: [{ stepNumber: 1, variantA: { subject: "Hi", body: "Hello, see https://example.com/x" } }],
  });
  await cadenza.prospects.upsert(Array.from({ length: count }, (_, i) => ({ email: `p${i}@example.com` })));
  await cadenza.audience.enroll(campaign.id, { filter: {} });
  await cadenza.campaigns.activate(campaign.id);
  await cadenza.dispatch.tick();
  const token = (kind: string, html: string | null) =>
    new RegExp(`/t/${kind}/([A-Za-z0-9_-]+)`).exec(html ?? "")?.[1] ?? "";
  const opens = transport.sent.map((m) => token("open", m.html));
  const clicks = transport.sent.map((m) => token("click", m.html));
  clock.advance(3_600_000);
  return { ...engine, campaignId: campaign.id, opens, clicks };
}
