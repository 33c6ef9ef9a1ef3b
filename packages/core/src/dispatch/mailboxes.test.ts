import { describe, expect, it } from "vitest";
import { testCadenza } from "../testing/index.js";

function engine() {
  return testCadenza({
    seed: 5,
    sender: { name: "Default", email: "default@sender.test" },
    dispatch: { transportRetryMs: 30 * 60_000 },
  });
}

async function campaignWith(
  cadenza: ReturnType<typeof engine>["cadenza"],
  mailboxIds: string[],
  leads: number,
) {
  const campaign = await cadenza.campaigns.create({
    name: "Mailboxes",
    dailyLimit: 1000,
    mailboxIds,
    steps: [{ stepNumber: 1, variantA: { subject: "Hello", body: "Hi there" } }],
  });
  await cadenza.prospects.upsert(Array.from({ length: leads }, (_, i) => ({ email: `p${i}@example.com` })));
  await cadenza.audience.enroll(campaign.id, { filter: {} });
  await cadenza.campaigns.activate(campaign.id);
  return campaign;
}

describe("mailboxes", () => {
  it("spreads leads over mailboxes and sends each from its own address", async () => {
    const { cadenza, transport } = engine();
    const a = await cadenza.mailboxes.save({ fromName: "Ana", fromEmail: "ana@one.test" });
    const b = await cadenza.mailboxes.save({
      fromName: "Bo",
      fromEmail: "bo@two.test",
      replyTo: "replies@two.test",
    });
    await campaignWith(cadenza, [a.id, b.id], 6);
    await cadenza.dispatch.tick();
    expect(transport.sent.map((m) => m.from.email).sort()).toEqual([
      "ana@one.test",
      "ana@one.test",
      "ana@one.test",
      "bo@two.test",
      "bo@two.test",
      "bo@two.test",
    ]);
    const fromBo = transport.sent.find((m) => m.mailboxId === b.id)!;
    expect(fromBo.replyTo).toBe("replies@two.test");
    expect(fromBo.messageId.endsWith("@two.test>")).toBe(true);
  });

  it("sends the leads of a mailbox taken off the campaign from the mailboxes it keeps", async () => {
    const { cadenza, transport } = engine();
    const a = await cadenza.mailboxes.save({ fromEmail: "ana@one.test" });
    const b = await cadenza.mailboxes.save({ fromEmail: "bo@two.test" });
    const campaign = await campaignWith(cadenza, [a.id, b.id], 6);
    await cadenza.campaigns.update(campaign.id, { mailboxIds: [a.id] });
    await cadenza.dispatch.tick();
    expect(transport.sent.map((m) => m.from.email)).toEqual(Array(6).fill("ana@one.test"));
  });

  it("paces a mailbox to one email per gap, by scheduling rather than sleeping", async () => {
    const { cadenza, clock, transport } = engine();
    const paced = await cadenza.mailboxes.save({
      fromEmail: "slow@one.test",
      minGapSeconds: 60,
      gapJitterSeconds: 30,
    });
    await campaignWith(cadenza, [paced.id], 5);
    const times: number[] = [];
    for (let tick = 0; tick < 20; tick++) {
      const before = transport.sent.length;
      await cadenza.dispatch.tick();
      if (transport.sent.length > before) times.push(clock.now().getTime());
      clock.advance(30_000);
    }
    expect(transport.sent).toHaveLength(5);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(60_000);
  });

  it("holds a mailbox's daily cap across campaigns", async () => {
    const { cadenza, clock, transport } = engine();
    const capped = await cadenza.mailboxes.save({ fromEmail: "cap@one.test", dailyCap: 4 });
    await campaignWith(cadenza, [capped.id], 3);
    await campaignWith(cadenza, [capped.id], 3);
    await cadenza.dispatch.tick();
    expect(transport.sent).toHaveLength(4);
    clock.advance(24 * 3_600_000);
    await cadenza.dispatch.tick();
    expect(transport.sent).toHaveLength(6);
  });

  it("counts a mailbox's daily cap over the days of its own zone, not UTC's", async () => {
    const { cadenza, clock, transport } = engine();
    const la = await cadenza.mailboxes.save({
      fromEmail: "ana@one.test",
      dailyCap: 10,
      timezone: "America/Los_Angeles",
    });
    expect(la.timezone).toBe("America/Los_Angeles");
    // Monday 09:00 in Los Angeles (17:00 UTC); the campaign sends 9–17 there.
    clock.set(new Date("2026-03-02T17:00:00Z"));
    const campaign = await cadenza.campaigns.create({
      name: "West coast",
      dailyLimit: 1000,
      timezone: "America/Los_Angeles",
      mailboxIds: [la.id],
      steps: [{ stepNumber: 1, variantA: { subject: "Hello", body: "Hi there" } }],
    });
    await cadenza.prospects.upsert(Array.from({ length: 25 }, (_, i) => ({ email: `p${i}@example.com` })));
    await cadenza.audience.enroll(campaign.id, { filter: {} });
    await cadenza.campaigns.activate(campaign.id);
    await cadenza.dispatch.tick();
    expect(transport.sent).toHaveLength(10);
    // 16:30 the same Monday there, 00:30 Tuesday in UTC: the mailbox's day is not over.
    clock.set(new Date("2026-03-03T00:30:00Z"));
    await cadenza.dispatch.tick();
    expect(transport.sent).toHaveLength(10);
    // Tuesday 09:00 there.
    clock.set(new Date("2026-03-03T17:00:00Z"));
    await cadenza.dispatch.tick();
    expect(transport.sent).toHaveLength(20);
  });

  it("ramps a new mailbox's daily volume up to its cap, a day at a time", async () => {
    const { cadenza, clock, transport } = engine();
    clock.set(new Date("2026-03-02T10:00:00Z")); // a Monday
    const fresh = await cadenza.mailboxes.save({
      fromEmail: "new@one.test",
      dailyCap: 12,
      rampUp: { startCap: 4, increasePerDay: 3 },
    });
    expect(fresh.rampUp).toEqual({ startCap: 4, increasePerDay: 3, startedOn: "2026-03-02" });
    await campaignWith(cadenza, [fresh.id], 60);
    const perDay: number[] = [];
    for (let day = 0; day < 5; day++) {
      const before = transport.sent.length;
      await cadenza.dispatch.tick();
      perDay.push(transport.sent.length - before);
      clock.advance(24 * 3_600_000);
    }
    expect(perDay).toEqual([4, 7, 10, 12, 12]);
    // Saved again without a first day, it keeps the one it had.
    const again = await cadenza.mailboxes.save({ ...fresh, rampUp: { startCap: 4, increasePerDay: 3 } });
    expect(again.rampUp?.startedOn).toBe("2026-03-02");
  });

  it("refuses a ramp-up without a cap to grow to, or with a day that is not one", async () => {
    const { cadenza } = engine();
    const pathOf = (input: Parameters<typeof cadenza.mailboxes.save>[0]) =>
      cadenza.mailboxes.save(input).then(
        () => null,
        (e: { code: string; issues: { path: unknown[] }[] }) => [e.code, e.issues[0]?.path],
      );
    expect(await pathOf({ fromEmail: "a@one.test", rampUp: { startCap: 5, increasePerDay: 5 } })).toEqual([
      "VALIDATION",
      ["rampUp"],
    ]);
    expect(
      await pathOf({
        fromEmail: "a@one.test",
        dailyCap: 50,
        rampUp: { startCap: 5, increasePerDay: 5, startedOn: "2026-02-30x" },
      }),
    ).toEqual(["VALIDATION", ["rampUp", "startedOn"]]);
  });

  it("refuses a mailbox time zone that is not an IANA zone, with its path", async () => {
    const { cadenza } = engine();
    await expect(
      cadenza.mailboxes.save({ fromEmail: "a@one.test", timezone: "PST8PDT-ish" }),
    ).rejects.toMatchObject({
      code: "VALIDATION",
      issues: [expect.objectContaining({ path: ["timezone"] })],
    });
  });

  it("flags a mailbox refused for policy reasons, keeps the lead waiting, and resumes after unflagging", async () => {
    const { cadenza, clock, transport } = engine();
    const box = await cadenza.mailboxes.save({ fromEmail: "blocked@one.test" });
    const campaign = await campaignWith(cadenza, [box.id], 2);
    transport.script(() => ({
      status: "rejected",
      kind: "sender",
      code: "5.7.26",
      response: "550 5.7.26 DMARC policy",
    }));
    const flagged: string[] = [];
    cadenza.on("mailbox_flagged", (e) => {
      flagged.push(String(e.data.mailboxId));
    });
    await cadenza.dispatch.tick();
    expect(flagged).toEqual([box.id, box.id]);
    expect((await cadenza.mailboxes.get(box.id))?.flagReason).toContain("5.7.26");
    const leads = await cadenza.leads.list(campaign.id);
    expect(leads.every((l) => l.status === "active" && l.attempts === 0)).toBe(true);
    expect(await cadenza.store.findSuppressed(["p0@example.com", "p1@example.com"])).toEqual(new Set());

    transport.script(null);
    clock.advance(60 * 60_000);
    await cadenza.dispatch.tick();
    expect(transport.sent).toHaveLength(0);
    await cadenza.mailboxes.unflag(box.id);
    await cadenza.dispatch.tick();
    expect(transport.sent).toHaveLength(2);
  });

  it("retries a soft failure with backoff and fails the lead after the last attempt, with the reason", async () => {
    const { cadenza, clock, transport } = engine();
    const campaign = await cadenza.campaigns.create({
      name: "Soft",
      steps: [{ stepNumber: 1, variantA: { subject: "Hello", body: "Hi" } }],
    });
    await cadenza.prospects.upsert({ email: "full@example.com" });
    await cadenza.audience.enroll(campaign.id, { filter: {} });
    await cadenza.campaigns.activate(campaign.id);
    transport.script(() => ({
      status: "rejected",
      kind: "soft",
      code: "4.2.2",
      response: "452 4.2.2 mailbox full",
    }));
    const attempts: number[] = [];
    for (let i = 0; i < 8 * 24 * 4; i++) {
      const before = transport.attempts.length;
      await cadenza.dispatch.tick();
      if (transport.attempts.length > before) attempts.push(clock.now().getTime());
      clock.advance(15 * 60_000);
    }
    expect(attempts).toHaveLength(5);
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]!);
    expect(gaps.every((g, i) => i === 0 || g >= gaps[i - 1]!)).toBe(true);
    const [lead] = await cadenza.leads.list(campaign.id);
    expect(lead).toMatchObject({ status: "failed", attempts: 5, nextEmailAt: null });
    expect(lead?.lastError).toContain("4.2.2");
    expect(await cadenza.store.listEmails({ campaignId: campaign.id, limit: 10, offset: 0 })).toEqual([]);
    expect((await cadenza.counters(campaign.id)).emailsSent).toBe(0);
  });
});
