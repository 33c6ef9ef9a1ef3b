import fc from "fast-check";

/** Pieces hostile templates are made of: placeholders, filters, fallbacks, markup and control bytes. */
const TEMPLATE_PIECES = [
  "{{",
  "}}",
  "{{ first_name }}",
  '{{first_name | "there"}}',
  "{{company|upper}}",
  "{{ unknown_var }}",
  "{{#if}}",
  "{{{",
  "|",
  '"',
  "\\",
  "<p>",
  "</p>",
  "<mjml><mj-body><mj-text>",
  "<script>alert(1)</script>",
  "https://example.com/a?b=c&d=e",
  "\u0000",
  "\u202e",
  "💥",
  " ",
  "x",
];

/** Template strings: valid, subtly broken, or garbage. */
export const templateArb = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.array(fc.constantFrom(...TEMPLATE_PIECES), { maxLength: 14 }).map((parts) => parts.join("")),
);

const numberish = fc.oneof(
  fc.integer({ min: -5, max: 400 }),
  fc.double({ noDefaultInfinity: false }),
  fc.constant(Number.NaN),
  fc.string({ maxLength: 4 }),
  fc.constant(null),
);

const stepArb = fc.record(
  {
    stepNumber: fc.oneof(fc.integer({ min: -1, max: 5 }), fc.string({ maxLength: 2 })),
    delayDays: numberish,
    delayHours: numberish,
    format: fc.constantFrom("text", "html", "mjml", "xml", 7),
    variantA: fc.oneof(fc.record({ subject: templateArb, body: templateArb }), fc.anything()),
    variantB: fc.record({ subject: templateArb, body: templateArb }),
    variantSplit: numberish,
    useAiGeneration: fc.oneof(fc.boolean(), fc.string({ maxLength: 3 })),
  },
  { requiredKeys: ["stepNumber", "variantA"] },
);

/** Campaign inputs, mostly campaign-shaped, some not objects at all. */
export const campaignInputArb = fc.oneof(
  { weight: 1, arbitrary: fc.anything() },
  {
    weight: 6,
    arbitrary: fc.record(
      {
        name: fc.oneof(fc.string({ maxLength: 300 }), fc.anything()),
        dailyLimit: numberish,
        timezone: fc.oneof(
          fc.constantFrom("UTC", "Europe/Lisbon", "Mars/Olympus", "Etc/GMT+5", ""),
          fc.string(),
        ),
        sendDays: fc.oneof(fc.array(fc.constantFrom("monday", "sunday", "funday", "")), fc.anything()),
        sendTimeStart: numberish,
        sendTimeEnd: numberish,
        customVariables: fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }),
        steps: fc.array(stepArb, { maxLength: 4 }),
      },
      { requiredKeys: ["name", "steps"] },
    ),
  },
);

const csvField = fc.oneof(
  fc.constantFrom("email", "first_name", "company", "tags", "score", "attributes.x", "Email Address", ""),
  fc.constantFrom("a@example.com", "not-an-email", '"quoted, field"', '"unterminated', "x\ny", "1e309", "-1"),
  fc.string({ maxLength: 20 }),
);

/** CSV files: text shaped like CSV with any delimiter and broken quoting, raw strings, raw bytes. */
export const csvArb = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(",", ";", "\t", "|"),
      fc.array(fc.array(csvField, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 }),
      fc.constantFrom("\n", "\r\n", "\r"),
      fc.boolean(),
    )
    .map(
      ([delimiter, rows, newline, bom]) =>
        (bom ? "\uFEFF" : "") + rows.map((r) => r.join(delimiter)).join(newline),
    ),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }),
);

/** Prospect filters: filter-shaped records with wrong types, unknown keys, or anything. */
export const filterArb = fc.oneof(
  fc.anything(),
  fc.record(
    {
      tier: fc.oneof(
        fc.constantFrom("hot", "warm", "cold", "lukewarm"),
        fc.array(fc.string({ maxLength: 5 })),
      ),
      tags: fc.oneof(fc.array(fc.string({ maxLength: 120 }), { maxLength: 60 }), fc.string()),
      tagsMatch: fc.constantFrom("all", "any", "none"),
      search: fc.oneof(fc.constantFrom("%", "_", "' or 1=1 --", "\\", "%%_"), fc.string({ maxLength: 250 })),
      minScore: numberish,
      hasEmail: fc.oneof(fc.boolean(), fc.string({ maxLength: 3 })),
      archived: fc.oneof(fc.boolean(), fc.constant("yes")),
      ids: fc.array(fc.oneof(fc.uuid(), fc.string({ maxLength: 10 })), { maxLength: 5 }),
      extra: fc.anything(),
    },
    { requiredKeys: [] },
  ),
);

/** Tokens: garbage, base64url-looking strings, and valid tokens with one character changed. */
export function tokenArb(valid: readonly string[]) {
  const mutated =
    valid.length === 0
      ? fc.string()
      : fc
          .tuple(fc.constantFrom(...valid), fc.nat(), fc.constantFrom("A", "_", "-", "0", "", "=="))
          .map(([token, at, c]) => {
            const i = at % Math.max(1, token.length);
            return token.slice(0, i) + c + token.slice(i + 1);
          });
  return fc.oneof(
    fc.string({ maxLength: 300 }),
    fc
      .base64String({ maxLength: 200 })
      .map((s) => s.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")),
    mutated,
  );
}

/** Inbound messages: message-shaped records with hostile headers and report parts, or anything. */
export function inboundArb(knownMessageIds: readonly string[]) {
  const messageId = fc.oneof(
    fc.constantFrom(...knownMessageIds, "<>", "<a@b>", ""),
    fc.string({ maxLength: 60 }),
  );
  return fc.oneof(
    fc.anything(),
    fc.record(
      {
        messageId: fc.oneof(messageId, fc.constant(null)),
        from: fc.oneof(
          fc.record({
            name: fc.oneof(fc.string(), fc.constant(null)),
            email: fc.oneof(fc.emailAddress(), fc.string()),
          }),
          fc.constant(null),
          fc.anything(),
        ),
        to: fc.array(
          fc.record({ name: fc.constant(null), email: fc.oneof(fc.emailAddress(), fc.string()) }),
          { maxLength: 3 },
        ),
        subject: fc.oneof(
          fc.constantFrom("Re: hi", "Out of Office", "Undelivered Mail Returned to Sender"),
          fc.string(),
        ),
        date: fc.oneof(fc.date(), fc.constant(null), fc.string()),
        headers: fc.dictionary(
          fc.constantFrom("auto-submitted", "x-autoreply", "content-type", "precedence", "in-reply-to"),
          fc.string({ maxLength: 80 }),
        ),
        text: fc.oneof(
          fc.string({ maxLength: 400 }),
          fc.constantFrom("Status: 5.1.1\nAction: failed", "I'm away until 2030-01-01"),
        ),
        html: fc.oneof(fc.string({ maxLength: 200 }), fc.constant(null)),
        inReplyTo: fc.oneof(messageId, fc.constant(null)),
        references: fc.array(messageId, { maxLength: 4 }),
        reportParts: fc.array(
          fc.record({
            contentType: fc.constantFrom(
              "message/delivery-status",
              "text/rfc822-headers",
              "message/rfc822",
              "x/y",
            ),
            content: fc.oneof(
              fc.string({ maxLength: 300 }),
              fc.constantFrom(
                "Final-Recipient: rfc822; a@b\nAction: failed\nStatus: 5.1.1\n",
                "Status: 9.9.9",
              ),
            ),
          }),
          { maxLength: 3 },
        ),
        attachments: fc.array(fc.anything(), { maxLength: 2 }),
      },
      { requiredKeys: [] },
    ),
  );
}
