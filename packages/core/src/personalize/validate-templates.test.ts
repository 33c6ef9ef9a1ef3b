import { describe, expect, it } from "vitest";
import { type CampaignInput, campaignInputSchema } from "../campaign/campaign-schema.js";
import { CadenzaError } from "../errors.js";
import { validateTemplates } from "./validate-templates.js";

function campaign(input: Partial<CampaignInput>) {
  return campaignInputSchema.parse({
    name: "Hotel GM Outreach Q4",
    abTestingEnabled: true,
    steps: [
      {
        stepNumber: 1,
        variantA: { subject: "Quick question about {{hotel_name}}", body: 'Hi {{first_name | "there"}},' },
        variantB: { subject: "{{company}}?", body: "Hey {{first_name}}" },
      },
      { stepNumber: 2, delayDays: 3, variantA: { subject: "", body: "Following up, {{first_name}}" } },
    ],
    customVariables: ["hotel_name"],
    ...input,
  });
}

function thrown(run: () => void): CadenzaError {
  try {
    run();
  } catch (error) {
    if (error instanceof CadenzaError) return error;
    throw error;
  }
  throw new Error("expected a CadenzaError");
}

describe("validateTemplates", () => {
  it("accepts built-ins, the campaign's custom variables and the extra ones", () => {
    expect(() => validateTemplates(campaign({}), { customVariables: [] })).not.toThrow();
    const withRooms = campaign({
      steps: [{ stepNumber: 1, variantA: { subject: "{{rooms}} rooms", body: "{{unsubscribe_url}}" } }],
      abTestingEnabled: false,
    });
    expect(() => validateTemplates(withRooms, { customVariables: ["rooms"] })).not.toThrow();
  });

  it("reports one issue per unknown variable and field, with its path and step/variant", () => {
    const c = campaign({ customVariables: [] });
    c.steps[1]!.variantA.body = "{{frist_name}} {{hotel_name}} {{frist_name}} {{pet_name}}";
    const error = thrown(() => validateTemplates(c, { customVariables: [] }));
    expect(error.code).toBe("UNKNOWN_VARIABLE");
    expect(error.issues.map((i) => [i.path, i.code])).toEqual([
      [["steps", 0, "variantA", "subject"], "unknown_variable"],
      [["steps", 1, "variantA", "body"], "unknown_variable"],
      [["steps", 1, "variantA", "body"], "unknown_variable"],
      [["steps", 1, "variantA", "body"], "unknown_variable"],
    ]);
    expect(error.issues[0]!.message).toBe(
      `Unknown variable "hotel_name" in step 1, variant A subject; add it to the campaign's customVariables if prospects carry it as an attribute`,
    );
    expect(error.issues[1]!.message).toBe(
      `Unknown variable "frist_name" in step 2, variant A body (did you mean "first_name"?)`,
    );
    expect(error.issues.map((i) => i.message.match(/"(\w+)"/)![1])).toEqual([
      "hotel_name",
      "frist_name",
      "hotel_name",
      "pet_name",
    ]);
  });

  it("reports variant B fields under variantB", () => {
    const c = campaign({});
    c.steps[0]!.variantB!.body = "{{nickname}}";
    const error = thrown(() => validateTemplates(c, { customVariables: [] }));
    expect(error.issues).toMatchObject([
      { path: ["steps", 0, "variantB", "body"], message: expect.stringContaining("step 1, variant B body") },
    ]);
  });

  it("reports syntax errors with their paths, alongside unknown variables elsewhere", () => {
    const c = campaign({});
    c.steps[0]!.variantB!.subject = "Hi {{first_name";
    c.steps[1]!.variantA.body = "{{nickname}}";
    const error = thrown(() => validateTemplates(c, { customVariables: [] }));
    expect(error.code).toBe("TEMPLATE_SYNTAX");
    expect(error.issues).toEqual([
      {
        path: ["steps", 0, "variantB", "subject"],
        message: 'Unclosed "{{" at line 1, column 4 in step 1, variant B subject',
        code: "template_syntax",
      },
      {
        path: ["steps", 1, "variantA", "body"],
        message: expect.stringContaining('Unknown variable "nickname"'),
        code: "unknown_variable",
      },
    ]);
  });
});
