import { describe, expect, it } from "vitest";
import { compileTemplate } from "./compile-template.js";
import { renderTemplate } from "./render-template.js";

const none = { escape: "none", seed: "s" } as const;
const html = { escape: "html", seed: "s" } as const;

describe("renderTemplate", () => {
  it("substitutes values", () => {
    const t = compileTemplate("Hi {{first_name}}, how is {{ hotel_name }}?");
    expect(renderTemplate(t, { first_name: "Jane", hotel_name: "Harbor View" }, none)).toEqual({
      ok: true,
      value: "Hi Jane, how is Harbor View?",
    });
  });

  it("prints the fallback when the value is null, undefined, blank or absent", () => {
    const t = compileTemplate(`Hi {{first_name | "there"}}!`);
    for (const values of [{ first_name: null }, { first_name: undefined }, { first_name: "  \t" }, {}]) {
      expect(renderTemplate(t, values, none)).toEqual({ ok: true, value: "Hi there!" });
    }
  });

  it("reports every missing variable without fallback once, instead of printing a gap", () => {
    const t = compileTemplate(`{{first_name}} {{city}} {{first_name}} {{country | "x"}} {{title}}`);
    expect(renderTemplate(t, { first_name: " ", city: "Lisbon" }, none)).toEqual({
      ok: false,
      missing: ["first_name", "title"],
    });
  });

  it("ignores values inherited from the object prototype", () => {
    expect(renderTemplate(compileTemplate("{{constructor}}"), {}, none)).toEqual({
      ok: false,
      missing: ["constructor"],
    });
  });

  it("escapes values, fallbacks and spin options in html but not in none", () => {
    const t = compileTemplate(`<b>{{company}}</b> {{title | "R&D"}} {{spin: <i>}}`);
    const values = { company: `<script>alert("x")</script> O'Neil` };
    expect(renderTemplate(t, values, html)).toEqual({
      ok: true,
      value: "<b>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#39;Neil</b> R&amp;D &lt;i&gt;",
    });
    expect(renderTemplate(t, values, none)).toEqual({
      ok: true,
      value: `<b><script>alert("x")</script> O'Neil</b> R&D <i>`,
    });
  });

  it("picks the same spin option for the same seed", () => {
    const t = compileTemplate("{{spin: Hi | Hello | Hey | Howdy}} {{spin: A | B | C}}");
    const first = renderTemplate(t, {}, { escape: "none", seed: "lead-7" });
    for (let i = 0; i < 5; i++)
      expect(renderTemplate(t, {}, { escape: "none", seed: "lead-7" })).toEqual(first);
  });

  it("spreads spin options evenly across seeds, each spin independently", () => {
    const t = compileTemplate("{{spin: Hi | Hello | Hey}}/{{spin: Hi | Hello | Hey}}");
    const counts = new Map<string, number>();
    let same = 0;
    const seeds = 3000;
    for (let i = 0; i < seeds; i++) {
      const result = renderTemplate(t, {}, { escape: "none", seed: `lead-${i}` });
      if (!result.ok) throw new Error("spins need no values");
      const [a, b] = result.value.split("/");
      counts.set(a!, (counts.get(a!) ?? 0) + 1);
      if (a === b) same++;
    }
    expect([...counts.keys()].sort()).toEqual(["Hello", "Hey", "Hi"]);
    for (const count of counts.values()) expect(count / seeds).toBeGreaterThan(0.28);
    // Independent spins agree a third of the time, not always.
    expect(same / seeds).toBeGreaterThan(0.28);
    expect(same / seeds).toBeLessThan(0.39);
  });
});
