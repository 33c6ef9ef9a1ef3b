/**
 * The audit's example campaign, as its `POST /api/outreach/campaigns` body: three steps, A/B on the
 * first, personalized with `{{hotel_name}}` and `{{first_name}}`. Follow-ups have empty subjects, so
 * they go out as replies in the first email's thread.
 */
export const auditCampaignBody = {
  name: "Hotel GM Outreach Q4",
  description: "Target independent hotels",
  daily_limit: 50,
  ab_testing_enabled: true,
  sequences: [
    {
      step_number: 1,
      delay_days: 0,
      delay_hours: 0,
      variant_a_subject: "Quick question about {{hotel_name}}",
      variant_a_body:
        "Hey {{first_name}},\n\nI noticed {{hotel_name}} still takes direct bookings by phone. We help independent hotels win those guests back online.\n\nHere is how a hotel like yours did it: https://example.com/case-study\n\nWorth a short call?",
      variant_b_subject: "{{first_name}}, an idea for {{hotel_name}}",
      variant_b_body:
        "Hi {{first_name}},\n\nOne idea for {{hotel_name}}: turn the guests who call into guests who book online.\n\nTwo-minute read: https://example.com/case-study\n\nOpen to a chat?",
      variant_split: 50,
    },
    {
      step_number: 2,
      delay_days: 3,
      delay_hours: 0,
      variant_a_subject: "",
      variant_a_body:
        "Hi {{first_name}}, following up on my note about {{hotel_name}}. Would next week suit you for 15 minutes?",
      variant_b_subject: "",
      variant_b_body: "",
      variant_split: 50,
    },
    {
      step_number: 3,
      delay_days: 4,
      delay_hours: 0,
      variant_a_subject: "",
      variant_a_body:
        "{{first_name}}, I will leave it here. If direct bookings at {{hotel_name}} ever become a priority, reply and I will send over the details.",
      variant_split: 50,
    },
  ],
};
