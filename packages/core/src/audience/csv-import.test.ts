import { describe, expect, it } from "vitest";
import { type memoryStore, testCadenza } from "../testing/index.js";

function engine() {
  const { cadenza, store } = testCadenza();
  return { cadenza, store: store as ReturnType<typeof memoryStore> };
}

describe("CSV import", () => {
  it("reads quoted fields, escaped quotes, new lines inside quotes, a BOM and maps headers by name", async () => {
    const { cadenza, store } = engine();
    const csv =
      "\uFEFFE-mail,First Name,Company,Hotel Name,Tags,Score\r\n" +
      '"ANA@Example.com","Ana","Smith, Jones & Co","The ""Grand"" Hotel","vip|coastal",42\r\n' +
      'bo@example.com,Bo,"Multi\nline Ltd",,boutique,\r\n';
    const result = await cadenza.prospects.importCsv(csv);
    expect(result).toMatchObject({ total: 2, imported: 2, created: 2, updated: 0, invalid: [] });
    const [ana, bo] = await store.getProspects(result.prospectIds);
    expect(ana).toMatchObject({
      email: "ana@example.com",
      firstName: "Ana",
      company: "Smith, Jones & Co",
      tags: ["vip", "coastal"],
      score: 42,
      attributes: { hotel_name: 'The "Grand" Hotel' },
    });
    expect(bo).toMatchObject({ company: "Multi\nline Ltd", attributes: {}, score: 0 });
  });

  it("detects semicolons and reports bad rows with their line while importing the rest", async () => {
    const { cadenza } = engine();
    const csv = [
      "email;first_name;tier",
      "good@example.com;Al;hot",
      "not-an-email;Bo;warm",
      ";Cy;cold",
      "ok@example.com;Di;lukewarm",
      "fine@example.com;Ed;COLD",
    ].join("\n");
    const result = await cadenza.prospects.importCsv(csv);
    expect(result.imported).toBe(2);
    expect(result.invalid).toEqual([
      { row: 3, field: "email", reason: "Invalid email address" },
      { row: 4, field: "email", reason: expect.any(String) },
      { row: 5, field: "tier", reason: expect.any(String) },
    ]);
  });

  it("upserts by email: a re-import updates, a repeated row within the file counts once", async () => {
    const { cadenza } = engine();
    await cadenza.prospects.importCsv("email,company\na@example.com,Old\n");
    const result = await cadenza.prospects.importCsv(
      "email,company\nA@example.com,New\nb@example.com,B\nb@example.com,B2\n",
    );
    expect(result).toMatchObject({ imported: 2, created: 1, updated: 1, duplicates: 1 });
    const found = await cadenza.prospects.find({ search: "example.com" });
    expect(found.rows.map((p) => [p.email, p.company]).sort()).toEqual([
      ["a@example.com", "New"],
      ["b@example.com", "B2"],
    ]);
  });

  it("uses an explicit mapping and ignores columns mapped to null", async () => {
    const { cadenza, store } = engine();
    const result = await cadenza.prospects.importCsv("Mail,Vorname,Notes\nx@example.com,Xaver,secret\n", {
      mapping: { Mail: "email", Vorname: "firstName", Notes: null },
    });
    const [x] = await store.getProspects(result.prospectIds);
    expect(x).toMatchObject({ email: "x@example.com", firstName: "Xaver", attributes: {} });
  });

  it("refuses a file without an email column or with an unclosed quote, importing nothing", async () => {
    const { cadenza, store } = engine();
    await expect(cadenza.prospects.importCsv("name,company\nAna,Acme\n")).rejects.toMatchObject({
      code: "CSV_INVALID",
    });
    await expect(cadenza.prospects.importCsv('email,company\na@example.com,"Acme\n')).rejects.toMatchObject({
      code: "CSV_INVALID",
    });
    expect(store.tables.prospects.size).toBe(0);
  });

  it("imports 10,000 rows in batches, reporting progress, and enrolls them when asked", async () => {
    const { cadenza } = engine();
    const campaign = await cadenza.campaigns.create({
      name: "Import",
      steps: [{ stepNumber: 1, variantA: { subject: "Hi", body: "Hello" } }],
    });
    const lines = ["email,first_name,city"];
    for (let i = 0; i < 10_000; i++)
      lines.push(i % 1000 === 999 ? `broken-${i},X,Y` : `user${i}@example.com,User${i},"City, ${i % 7}"`);
    const progress: number[] = [];
    const result = await cadenza.prospects.importCsv(lines.join("\n"), {
      batchSize: 1000,
      campaignId: campaign.id,
      onProgress: (p) => progress.push(p.processed),
    });
    expect(result).toMatchObject({ total: 10_000, imported: 9_990, created: 9_990 });
    expect(result.invalid).toHaveLength(10);
    expect(result.invalid[0]).toEqual({ row: 1001, field: "email", reason: "Invalid email address" });
    expect(progress).toHaveLength(10);
    expect(progress.at(-1)).toBe(10_000);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(result.enrolled).toMatchObject({ added: 9_990, skipped: 0 });
  });
});

describe("saved audiences", () => {
  it("re-apply a named filter later, enrolling only the new matches", async () => {
    const { cadenza } = engine();
    const campaign = await cadenza.campaigns.create({
      name: "Saved",
      steps: [{ stepNumber: 1, variantA: { subject: "Hi", body: "Hello" } }],
    });
    await cadenza.prospects.upsert([
      { email: "a@example.com", tier: "hot" },
      { email: "b@example.com", tier: "cold" },
    ]);
    const audience = await cadenza.audience.save({ name: "Hot ones", filter: { tier: "hot" } });
    expect(await cadenza.audience.enrollSaved(campaign.id, audience.id)).toMatchObject({
      added: 1,
      skipped: 0,
    });
    await cadenza.prospects.upsert([{ email: "c@example.com", tier: "hot" }]);
    expect(await cadenza.audience.enrollSaved(campaign.id, audience.id)).toMatchObject({
      added: 1,
      skipped: 1,
      reasons: { already_enrolled: 1 },
    });
    expect((await cadenza.audience.list()).map((a) => a.name)).toEqual(["Hot ones"]);
    await expect(cadenza.audience.save({ name: "", filter: {} })).rejects.toMatchObject({
      code: "VALIDATION",
      issues: [expect.objectContaining({ path: ["name"] })],
    });
    await expect(cadenza.audience.enrollSaved(campaign.id, "missing")).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});
