import type { Prospect } from "../audience/prospect.js";
import type { Campaign, Step } from "../campaign/campaign.js";
import type { VariantContent, VariantName } from "../campaign/campaign-schema.js";
import type { EngineContext } from "../engine-context.js";
import { prospectValues } from "../personalize/index.js";
import type { NewEmail, OutboundMessage } from "../ports.js";
import { threadSubject } from "../render/index.js";
import { variantContentForStep } from "../variant/index.js";
import type { EmailRecord } from "./email-record.js";
import { generateContent } from "./generate-content.js";
import type { Mailbox } from "./mailbox-schema.js";

/** Everything needed to send one step to one lead. */
export interface ComposedEmail {
  message: OutboundMessage;
  record: NewEmail;
  /** Why generated content was not used, when the step asked for it. */
  generationFallback: string | null;
  /** The generated subject and body (before personalization), kept so a retry sends the same text. */
  generatedContent: VariantContent | null;
}

/** Why an email could not be composed; the lead is paused with this reason. */
export interface ComposeFailure {
  reason: string;
  missing: string[];
}

export interface ComposeInput {
  campaign: Campaign;
  step: Step;
  /** The lead's variant (assigned now or locked earlier). */
  leadVariant: VariantName;
  leadId: string;
  leaseToken: string;
  prospect: Prospect;
  mailbox: Mailbox | null;
  /** Outbound emails of earlier steps, in step order (for follow-ups sent as replies). */
  thread: EmailRecord[];
  counterDay: string;
  /** Send to this address instead of the prospect (test sends). */
  overrideTo?: string;
  /** Failed attempts at this step so far: a retry reuses content generated for an earlier attempt. */
  attempts?: number;
}

function domainOf(email: string): string {
  return email.slice(email.lastIndexOf("@") + 1) || "cadenza.local";
}

/**
 * Renders one step for one lead: variant content (or generated content), personalization, thread
 * subject and headers, tracking links, unsubscribe headers and footer.
 */
export async function composeEmail(
  ctx: EngineContext,
  input: ComposeInput,
): Promise<ComposedEmail | ComposeFailure> {
  const { campaign, step, prospect, mailbox } = input;
  const from = mailbox
    ? { name: mailbox.fromName, email: mailbox.fromEmail }
    : ctx.sender
      ? { name: ctx.sender.name, email: ctx.sender.email }
      : null;
  if (!from)
    return { reason: "No sender: configure a mailbox for the campaign or a default sender", missing: [] };
  const to = input.overrideTo ?? prospect.email;
  if (!to) return { reason: "The prospect has no email address", missing: [] };

  const picked = variantContentForStep(input.leadVariant, step);
  let content: VariantContent = picked.content;
  let generated = false;
  let generationFallback: string | null = null;
  if (step.useAiGeneration) {
    const earlier =
      (input.attempts ?? 0) > 0 ? await earlierGeneration(ctx, input.leadId, step.stepNumber) : null;
    const result = earlier
      ? ({ ok: true, content: earlier } as const)
      : await generateContent(ctx, { campaign, step, variant: picked.variant, prospect });
    if (result.ok) {
      content = result.content;
      generated = true;
    } else {
      generationFallback = result.reason;
    }
  }

  const emailId = ctx.ids.id();
  const links = ctx.tracking ? ctx.tracking.linksFor(emailId) : null;
  const compiled = await ctx.renderer.compile({
    format: step.format,
    subject: content.subject,
    body: content.body,
  });
  const values = { ...prospectValues(prospect), unsubscribe_url: links?.unsubscribeUrl ?? null };
  const rendered = ctx.renderer.render(compiled, values, { seed: `${input.leadId}:${step.stepNumber}` });
  if (!rendered.ok) {
    return { reason: `Missing values for ${rendered.missing.join(", ")}`, missing: rendered.missing };
  }

  const previous = input.thread.filter((e) => (e.stepNumber ?? 0) < step.stepNumber);
  const asReply = step.stepNumber > 1 && content.subject.trim() === "" && previous.length > 0;
  const firstSubject = previous[0]?.subject ?? "";
  const subject = asReply ? threadSubject(firstSubject) : rendered.subject;
  // The ids the recipient's copies carry: the provider's where it replaced the engine's.
  const references = asReply ? previous.map((e) => e.providerMessageId ?? e.messageId) : [];

  const decorated = links
    ? links.decorate(
        {
          html: rendered.html,
          text: rendered.text,
          parts: { segments: compiled.html, values: rendered.htmlValues },
        },
        { trackOpens: campaign.trackOpens, trackClicks: campaign.trackClicks },
      )
    : { html: rendered.html, text: rendered.text, links: [] };
  // A text step whose HTML would carry nothing the text does not (no open pixel, no tracked link)
  // goes as text/plain alone, as a person's email does.
  const htmlTracks = links !== null && (campaign.trackOpens || campaign.trackClicks);
  const html = step.format === "text" && !htmlTracks ? null : decorated.html;
  const { text } = decorated;

  const domain = ctx.messageIdDomain ?? domainOf(from.email);
  const messageId = `<${emailId}@${domain}>`;
  const idempotencyKey = `${input.leadId}:${step.stepNumber}`;
  const message: OutboundMessage = {
    messageId,
    from,
    to: { name: [prospect.firstName, prospect.lastName].filter(Boolean).join(" ") || null, email: to },
    replyTo: mailbox?.replyTo ?? ctx.sender?.replyTo ?? null,
    subject,
    html,
    text,
    inReplyTo: references.at(-1) ?? null,
    references,
    headers: links?.headers ?? {},
    idempotencyKey,
    mailboxId: mailbox?.id ?? null,
  };
  const record: NewEmail = {
    id: emailId,
    leadId: input.leadId,
    campaignId: campaign.id,
    prospectId: prospect.id,
    stepNumber: step.stepNumber,
    variant: picked.variant,
    mailboxId: mailbox?.id ?? null,
    messageId,
    inReplyTo: message.inReplyTo,
    references,
    subject,
    html,
    text,
    toEmail: to,
    fromEmail: from.email,
    idempotencyKey,
    generated,
    links: decorated.links,
    leaseToken: input.leaseToken,
    counterDay: input.counterDay,
  };
  return { message, record, generationFallback, generatedContent: generated ? content : null };
}

/** Content generated for an earlier, failed attempt at this step (kept in its failure event). */
async function earlierGeneration(
  ctx: EngineContext,
  leadId: string,
  stepNumber: number,
): Promise<VariantContent | null> {
  const events = await ctx.store.listEvents({
    leadId,
    kinds: ["send_failed", "mailbox_flagged"],
    limit: 1000,
  });
  for (const event of events.reverse()) {
    const generated = event.data.generated as VariantContent | null | undefined;
    if (event.data.stepNumber === stepNumber && generated) return generated;
  }
  return null;
}

export function isComposeFailure(value: ComposedEmail | ComposeFailure): value is ComposeFailure {
  return "reason" in value;
}
