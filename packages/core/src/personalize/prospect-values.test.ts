import { describe, expect, it } from "vitest";
import { compileTemplate } from "./compile-template.js";
import { BUILTIN_VARIABLES, prospectValues } from "./prospect-values.js";
import { renderTemplate } from "./render-template.js";
import { SAMPLE_PROSPECT } from "./sample-prospect.js";

const base = {
  email: "jane@harborview.com",
  firstName: "Jane",
  lastName: "Doe",
  title: "GM",
  company: "Harbor View Hospitality",
  city: "Lisbon",
  country: "Portugal",
  attributes: {},
};

describe("prospectValues", () => {
  it("maps the prospect fields to the built-in variables, with full_name joined", () => {
    expect(prospectValues(base)).toEqual({
      first_name: "Jane",
      last_name: "Doe",
      full_name: "Jane Doe",
      title: "GM",
      company: "Harbor View Hospitality",
      city: "Lisbon",
      country: "Portugal",
      email: "jane@harborview.com",
    });
  });

  it("builds full_name from whichever names exist, else null", () => {
    expect(prospectValues({ ...base, firstName: null }).full_name).toBe("Doe");
    expect(prospectValues({ ...base, lastName: " " }).full_name).toBe("Jane");
    expect(prospectValues({ ...base, firstName: null, lastName: null }).full_name).toBeNull();
  });

  it("adds attributes stringified, empty ones as null", () => {
    const values = prospectValues({
      ...base,
      attributes: {
        hotel_name: "Harbor View",
        rooms: 120,
        rating: 4.5,
        boutique: true,
        pool: false,
        spa: null,
        bar: "",
      },
    });
    expect(values).toMatchObject({
      hotel_name: "Harbor View",
      rooms: "120",
      rating: "4.5",
      boutique: "true",
      pool: "false",
      spa: null,
      bar: null,
    });
  });

  it("never lets an attribute override a built-in, unsubscribe_url included", () => {
    const values = prospectValues({
      ...base,
      attributes: { first_name: "Mallory", email: "x@evil.test", unsubscribe_url: "https://evil.test" },
    });
    expect(values.first_name).toBe("Jane");
    expect(values.email).toBe("jane@harborview.com");
    expect(Object.hasOwn(values, "unsubscribe_url")).toBe(false);
  });

  it("gives the sample prospect a value for every prospect built-in and hotel_name", () => {
    const values = prospectValues(SAMPLE_PROSPECT);
    for (const name of BUILTIN_VARIABLES.filter((n) => n !== "unsubscribe_url"))
      expect(values[name]).toBeTruthy();
    const t = compileTemplate("Quick question about {{hotel_name}}, {{first_name}}");
    expect(renderTemplate(t, values, { escape: "none", seed: "preview" })).toEqual({
      ok: true,
      value: "Quick question about Harbor View Hotel, Jane",
    });
  });
});
