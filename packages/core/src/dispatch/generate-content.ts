import type { Prospect } from "../audience/prospect.js";
import type { Campaign, Step } from "../campaign/campaign.js";
import type { VariantContent, VariantName } from "../campaign/campaign-schema.js";
import type { EngineContext } from "../engine-context.js";
import { coerceError } from "../errors.js";
import { BUILTIN_VARIABLES, compileTemplate, templateVariables } from "../personalize/index.js";

export type GenerationResult = { ok: true; content: VariantContent } | { ok: false; reason: string };

/**
 * Asks the host's content generator for a step's subject and body, bounded by the generation timeout.
 * The output is validated like a saved template (syntax, known variables, the step's format); any
 * failure falls back to the step's own content, with the reason returned for the event log.
 */
export async function generateContent(
  ctx: EngineContext,
  input: { campaign: Campaign; step: Step; variant: VariantName; prospect: Prospect },
): Promise<GenerationResult> {
  const generator = ctx.contentGenerator;
  if (!generator) return { ok: false, reason: "No content generator configured" };
  const controller = new AbortController();
  const timeout = ctx.clock.sleep(ctx.generationTimeoutMs, controller.signal).then(() => "timeout" as const);
  try {
    const result = await Promise.race([
      generator.generate({
        campaign: input.campaign,
        step: input.step,
        variant: input.variant,
        prospect: input.prospect,
        context: input.step.aiPromptContext ?? null,
        signal: controller.signal,
      }),
      timeout,
    ]);
    if (result === "timeout")
      return { ok: false, reason: `Generation timed out after ${ctx.generationTimeoutMs} ms` };
    const known = new Set<string>([
      ...BUILTIN_VARIABLES,
      ...input.campaign.customVariables,
      ...ctx.customVariables,
    ]);
    for (const source of [result.subject, result.body]) {
      const unknown = templateVariables(compileTemplate(source)).filter((v) => !known.has(v.name));
      if (unknown.length > 0)
        return {
          ok: false,
          reason: `Generated content uses unknown variables: ${unknown.map((v) => v.name).join(", ")}`,
        };
    }
    if (result.body.trim() === "") return { ok: false, reason: "Generated body is empty" };
    await ctx.renderer.validate({ format: input.step.format, subject: result.subject, body: result.body });
    return { ok: true, content: { subject: result.subject, body: result.body } };
  } catch (error) {
    return { ok: false, reason: `Generation failed: ${coerceError(error).message}` };
  } finally {
    controller.abort();
  }
}
