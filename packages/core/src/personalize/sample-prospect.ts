import type { ProspectValuesSource } from "./prospect-values.js";

/**
 * The prospect a template preview is rendered with, so an editor can show a realistic email.
 *
 * ```ts
 * const values = { ...prospectValues(SAMPLE_PROSPECT), unsubscribe_url: "https://example.com/u/preview" };
 * renderer.render(await renderer.compile(content), values, { seed: "preview" });
 * ```
 */
export const SAMPLE_PROSPECT: Readonly<ProspectValuesSource> = Object.freeze({
  email: "jane.doe@harborviewhotel.com",
  firstName: "Jane",
  lastName: "Doe",
  title: "General Manager",
  company: "Harbor View Hospitality",
  city: "Lisbon",
  country: "Portugal",
  attributes: Object.freeze({ hotel_name: "Harbor View Hotel", rooms: 120 }),
});
